"""genlab.runtime, genlab.plots and genlab.widgets."""

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from genlab.plots import show_images
from genlab.runtime import hardware, pick_device, seed_everything, write_atomically
from genlab.widgets import TWIN_CLASS, animation_html, figure_png, image_player


def test_seed_everything_makes_runs_repeat():
    seed_everything(5)
    a = (torch.rand(3), np.random.rand(2))
    gen = seed_everything(5)
    b = (torch.rand(3), np.random.rand(2))
    assert torch.equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert torch.equal(torch.rand(2, generator=gen),
                       torch.rand(2, generator=torch.Generator().manual_seed(5)))


@pytest.mark.parametrize("bad, error", [(-1, ValueError), (1.5, TypeError),
                                        ("0", TypeError), (True, TypeError)])
def test_seed_rejects_bad_values(bad, error):
    with pytest.raises(error, match=r"^seed: expected a whole number"):
        seed_everything(bad)


def test_pick_device(monkeypatch):
    monkeypatch.delenv("GENLAB_DEVICE", raising=False)
    expected = "cuda" if torch.cuda.is_available() else (
        "mps" if torch.backends.mps.is_available() else "cpu")
    assert pick_device().type == expected
    assert pick_device("cpu").type == "cpu"
    monkeypatch.setenv("GENLAB_DEVICE", "cpu")
    assert pick_device().type == "cpu"
    with pytest.raises(ValueError, match=r"^prefer: expected one of .*'tpu'"):
        pick_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="not available here"):
            pick_device("cuda")


def test_show_images_lays_out_a_grid():
    ax = show_images(torch.rand(12, 1, 28, 28), nrow=5)
    grid = ax.images[0].get_array()
    # make_grid: 5 columns x 3 rows of 28 px, with 2 px padding around each.
    assert grid.shape[:2] == (3 * 30 + 2, 5 * 30 + 2)
    plt.close("all")


def test_show_images_maps_the_value_range():
    ax = show_images(torch.full((1, 1, 4, 4), -1.0), value_range=(-1, 1))
    assert ax.images[0].get_array()[2:6, 2:6].max() == 0.0  # -1 is black
    plt.close("all")


@pytest.mark.parametrize("bad", [torch.rand(2, 5, 8, 8), torch.rand(2, 2, 2, 2, 2)])
def test_show_images_bad_shape(bad):
    with pytest.raises(ValueError, match=r"^images: expected images shaped"):
        show_images(bad)


def test_show_images_bad_range():
    with pytest.raises(ValueError, match=r"^value_range: expected \(low, high\) with low < high"):
        show_images(torch.rand(1, 1, 4, 4), value_range=(1, 0))


def _png(color):
    fig, ax = plt.subplots(figsize=(1, 1))
    ax.imshow(np.full((2, 2), color), vmin=0, vmax=1)
    return figure_png(fig)


def test_figure_png_is_a_png_and_closes_the_figure():
    before = len(plt.get_fignums())
    png = _png(0.5)
    assert png.startswith(b"\x89PNG") and len(plt.get_fignums()) == before


@pytest.mark.parametrize("control, kind", [("slider", widgets.IntSlider),
                                           ("dropdown", widgets.Dropdown)])
def test_image_player_links_control_to_stack_in_javascript(control, kind):
    frames = [_png(0.1), _png(0.9), _png(0.5)]
    player = image_player(frames, labels=["a", "b", "c"], control=control)
    assert isinstance(player.control, kind) and isinstance(player.stack, widgets.Stack)
    assert [page.children[1].value for page in player.stack.children] == frames
    # The link lives in the browser (a jslink), so it works without a kernel.
    link = player.link
    assert isinstance(link, widgets.widget_link.Link)
    assert link.source[0] is player.control and link.target == (player.stack, "selected_index")
    assert link.source[1] in player.control.keys  # a synced trait, so the browser sees it
    assert TWIN_CLASS in player._dom_classes  # the browser tests find and try every twin


@pytest.mark.parametrize("frames, kwargs, error", [
    ([], {}, ValueError), (["not png"], {}, TypeError),
    ([b"x"], {"labels": ["a", "b"]}, ValueError), ([b"x"], {"control": "knob"}, ValueError)])
def test_image_player_bad_input(frames, kwargs, error):
    with pytest.raises(error):
        image_player(frames, **kwargs)


def _explorer_parts(explorer):
    controls, picture = explorer.children
    image, preset, grid_row, stride, padding = controls.children
    return image, preset, list(grid_row.children[1].children), stride, padding, picture


def test_convolution_explorer_presets_fill_the_grid_and_edits_go_custom():
    from genlab.convolution import PRESETS
    from genlab.widgets import convolution_explorer

    explorer = convolution_explorer({"a": torch.rand(12, 12), "b": torch.rand(9, 9)})
    image, preset, cells, stride, padding, picture = _explorer_parts(explorer)
    assert [c.value for c in cells] == PRESETS["vertical edges"].flatten().tolist()
    first = bytes(picture.value)
    assert first.startswith(b"\x89PNG")
    preset.value = "blur"
    assert [c.value for c in cells] == pytest.approx([round(1 / 9, 4)] * 9)
    cells[4].value = 3.0
    assert preset.value == "custom"
    custom = bytes(picture.value)
    stride.value = 2
    strided = bytes(picture.value)
    image.value = "b"
    assert len({first, custom, strided, bytes(picture.value)}) == 4  # each change redraws
    assert not plt.get_fignums()  # figures are closed once drawn


def test_convolution_explorer_needs_images():
    from genlab.widgets import convolution_explorer

    with pytest.raises(ValueError, match=r"^images: expected a dict from names to images, found an empty one"):
        convolution_explorer({})


def test_convolution_gallery_holds_every_preset_for_every_image():
    from genlab.convolution import PRESETS
    from genlab.widgets import convolution_gallery

    gallery = convolution_gallery({"x": torch.rand(10, 10), "y": torch.rand(12, 12)})
    assert gallery.control.options == ("x", "y")
    for page in gallery.stack.children:
        assert page.control.options == tuple(PRESETS)
        assert all(bytes(p.children[1].value).startswith(b"\x89PNG")
                   for p in page.stack.children)


def test_digit_png_is_an_enlarged_png():
    import io

    from PIL import Image

    from genlab.widgets import digit_png

    digit = torch.rand(1, 28, 28)
    image = Image.open(io.BytesIO(digit_png(digit, scale=4)))
    assert image.format == "PNG" and image.size == (112, 112)
    pixels = torch.from_numpy(np.array(image)).float()
    assert torch.allclose(pixels[::4, ::4] / 255, digit[0], atol=1 / 255)


def test_grid_player_links_both_sliders_in_javascript():
    from genlab.widgets import digit_png, grid_player

    frames = [[digit_png(torch.full((4, 4), (i * 2 + j) / 6)) for j in range(2)]
              for i in range(3)]
    player = grid_player(frames, [0.0, 0.5, 1.0], [-1.0, 1.0])
    x_slider, y_slider = player.sliders
    assert len(player.links) == 1 + 3  # x -> outer stack, y -> every inner stack
    assert all(link.source[1] == "index" for link in player.links)
    assert player.links[0].target == (player.stack, "selected_index")
    assert {id(l.target[0]) for l in player.links[1:]} == {id(s) for s in player.stack.children}
    assert bytes(player.stack.children[2].children[1].value) == frames[2][1]
    assert TWIN_CLASS in player._dom_classes
    with pytest.raises(ValueError, match="3 x 3 grid"):
        grid_player(frames, [0, 1, 2], [0, 1, 2])


def test_latent_explorer_and_interpolation_redraw():
    from genlab.models.autoencoders import DenseAutoencoder
    from genlab.widgets import interpolation_widget, latent_explorer

    model = DenseAutoencoder(3)
    explorer = latent_explorer(model, torch.zeros(3), torch.eye(3)[:2], [1.0, 2.0])
    before = bytes(explorer.picture.value)
    explorer.sliders[1].value = 2.5
    assert bytes(explorer.picture.value) != before
    with pytest.raises(ValueError, match=r"^directions: expected directions shaped \(N, 3\)"):
        latent_explorer(model, torch.zeros(3), torch.eye(2), [1.0, 1.0])
    walk = interpolation_widget(model, torch.zeros(3), torch.ones(3) * 5)
    start = bytes(walk.picture.value)
    walk.slider.value = 1.0
    assert bytes(walk.picture.value) != start


def test_animation_html_plays_offline():
    from matplotlib import animation

    fig, ax = plt.subplots()
    picture = ax.imshow(np.zeros((2, 2)), vmin=0, vmax=3)
    movie = animation.FuncAnimation(fig, lambda i: (picture.set_data(np.full((2, 2), i)),),
                                    frames=3)
    html = animation_html(movie).data
    plt.close(fig)
    assert html.count("data:image/png;base64") == 3  # every frame embedded
    assert "://" not in html and "font-awesome" not in html  # nothing fetched from afar
    assert 'title="Play"' in html and "▶" in html  # the buttons still show what they do
    # no media-control symbols, which render as empty boxes without an emoji font
    assert not any("\u2300" <= character <= "\u23ff" for character in html)


def test_write_atomically_writes_whole_files_or_leaves_the_old_one(tmp_path, monkeypatch):
    path = tmp_path / "made" / "record.json"  # the folder is made
    write_atomically(path, "première\n")
    assert path.read_text(encoding="utf-8") == "première\n"
    write_atomically(path, b"\x00\x01")
    assert path.read_bytes() == b"\x00\x01" and oct(path.stat().st_mode)[-3:] == "644"

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", broken)
    with pytest.raises(OSError, match="disk full"):
        write_atomically(path, b"new")
    assert path.read_bytes() == b"\x00\x01"  # the old file, whole
    assert [p.name for p in path.parent.iterdir()] == ["record.json"]  # no temporary left


def test_hardware_names_the_machine():
    facts = hardware()
    assert facts["cpu_cores"] >= 1 and facts["torch_threads"] == torch.get_num_threads()
    assert facts["device"] == str(pick_device()) and facts["cpu"]


def test_a_progress_bar_becomes_one_line_for_a_static_page(monkeypatch, capsys):
    from tqdm.auto import tqdm

    from genlab.runtime import progress

    monkeypatch.delenv("GENLAB_PROGRESS", raising=False)
    live = progress(range(2), desc="live", unit="step")
    assert isinstance(live, tqdm)
    live.close()
    capsys.readouterr()
    monkeypatch.setenv("GENLAB_PROGRESS", "line")
    assert list(progress(range(3), desc="generators", unit="generator")) == [0, 1, 2]
    with progress(total=12, desc="training", unit="batch") as bar:
        bar.update(12)
        bar.set_postfix(loss=0.5)
    bar.close()  # closed twice: still one line
    with progress(total=4, desc="quiet", unit="step", disable=True) as bar:
        bar.update(4)
    out, err = capsys.readouterr()
    assert out.splitlines() == ["generators: 3 generators in 0 s",
                                "training: 12 batches in 0 s"]
    assert err == ""  # nothing drawn while it ran
    monkeypatch.setenv("GENLAB_PROGRESS", "fancy")
    with pytest.raises(ValueError, match="GENLAB_PROGRESS.*'bar', 'line'.*fancy"):
        progress(range(2), desc="x", unit="step")


def _images(widget) -> list:
    """Every image widget inside ``widget``."""
    if isinstance(widget, widgets.Image):
        return [widget]
    return [image for child in getattr(widget, "children", ()) for image in _images(child)]


def test_a_widget_shows_its_digit_at_natural_size_not_stretched():
    # In a VBox (a column flexbox) an image is stretched to the output's full width
    # unless it is held to its own size: 28 x 28 pixels became about 960 px in JupyterLab.
    from genlab.models.autoencoders import DenseAutoencoder
    from genlab.models.gan import Generator
    from genlab.models.stylegan import StyleGenerator
    from genlab.widgets import (conditional_explorer, convolution_explorer, image_player,
                                interpolation_widget, latent_explorer, style_mixer)

    model = DenseAutoencoder(3)
    built = [latent_explorer(model, torch.zeros(3), torch.eye(3)[:2], [1.0, 2.0]),
             interpolation_widget(model, torch.zeros(3), torch.ones(3)),
             convolution_explorer({"a": torch.rand(12, 12)}),
             conditional_explorer(Generator(8, 8, 10)),
             style_mixer(StyleGenerator(8, 8, 8), sources=2),
             image_player([figure_png(plt.figure(figsize=(1, 1)))])]
    for widget in built:
        images = _images(widget)
        assert images
        for image in images:
            assert image.layout.align_self == "flex-start" and image.layout.max_width == "100%"
            assert image.layout.width in (None, "")  # its own size, which digit_png set


def test_measure_curves_draws_one_panel_per_measure_at_the_column_width():
    from genlab.plots import COLUMN_INCHES, measure_curves

    scores = {x: {"confidence": 0.9 + x / 100, "recall": 0.5, "drawn": None} for x in (1, 2, 4)}
    fig = measure_curves(scores, ["confidence", "recall"], "steps", log=True, reverse=True)
    axes = fig.get_axes()
    assert [a.get_title() for a in axes] == ["confidence", "recall"]
    assert fig.get_size_inches()[0] == COLUMN_INCHES
    assert axes[0].get_xscale() == "log" and axes[0].xaxis_inverted()
    assert list(axes[0].lines[0].get_ydata()) == pytest.approx([0.91, 0.92, 0.94])
    plt.close(fig)
    with pytest.raises(ValueError, match=r"^results\[2\]: expected a dict of scores with "
                                         r".*found one without 'recall'"):
        measure_curves({1: {"recall": 1.0}, 2: {"confidence": 1.0}}, ["recall"], "x")
    with pytest.raises(TypeError, match="^measures: expected a list of measure names"):
        measure_curves(scores, "recall", "x")
    with pytest.raises(ValueError, match="^results: expected at least one setting"):
        measure_curves({}, ["recall"], "x")
