"""genlab.runtime, genlab.plots and genlab.widgets."""

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from genlab.plots import show_images
from genlab.runtime import hardware, pick_device, seed_everything, write_atomically
from genlab.flipbook import TWIN_CLASS, Flipbook
from genlab.widgets import animation_html, figure_png, image_player


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


@pytest.mark.parametrize("control, tag", [("slider", 'type="range"'), ("dropdown", "<select")])
def test_image_player_flips_precomputed_frames_without_a_kernel(control, tag):
    frames = [_png(0.1), _png(0.9), _png(0.5)]
    player = image_player(frames, labels=["a", "b", "c"], control=control)
    assert isinstance(player, Flipbook) and player.frames == frames
    assert [c.kind for c in player.controls] == [control]
    assert player.controls[0].labels == ("a", "b", "c") and player.frame(1) == frames[1]
    assert player.captions is None  # the control shows the label: no caption repeats it
    html = player._repr_html_()
    assert tag in html and TWIN_CLASS in html  # the browser tests find and try every twin
    assert "application/vnd.jupyter.widget" not in html  # plain HTML: no widget manager


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
    image, kernel = gallery.controls
    assert image.labels == ("x", "y") and kernel.labels == tuple(PRESETS)
    assert len(set(gallery.frames)) == 2 * len(PRESETS)  # a different picture each
    assert all(frame.startswith(b"\x89PNG") for frame in gallery.frames)


def test_palette_png_keeps_the_picture_in_fewer_bytes():
    import io

    from PIL import Image

    from genlab.widgets import palette_png

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.imshow(np.linspace(0, 1, 400).reshape(20, 20), cmap="viridis")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    full = buffer.getvalue()
    small = palette_png(full)
    before, after = Image.open(io.BytesIO(full)), Image.open(io.BytesIO(small))
    assert after.mode == "P" and after.size == before.size and len(small) < len(full)
    difference = np.abs(np.asarray(before.convert("RGB"), dtype=float)
                        - np.asarray(after.convert("RGB"), dtype=float))
    assert difference.mean() < 0.5 and np.quantile(difference, 0.99) < 12  # the same picture
    with pytest.raises(ValueError, match="^png: expected PNG bytes"):
        palette_png(b"GIF89a")


def test_digit_png_is_an_enlarged_png():
    import io

    from PIL import Image

    from genlab.widgets import digit_png

    digit = torch.rand(1, 28, 28)
    image = Image.open(io.BytesIO(digit_png(digit, scale=4)))
    assert image.format == "PNG" and image.size == (112, 112)
    pixels = torch.from_numpy(np.array(image)).float()
    assert torch.allclose(pixels[::4, ::4] / 255, digit[0], atol=1 / 255)


def test_grid_player_puts_frame_i_j_at_slider_positions_i_j():
    from genlab.widgets import digit_png, grid_player

    frames = [[digit_png(torch.full((4, 4), (i * 2 + j) / 6)) for j in range(2)]
              for i in range(3)]
    player = grid_player(frames, [0.0, 0.5, 1.0], [-1.0, 1.0])
    x, y = player.controls
    assert (x.kind, y.kind) == ("slider", "slider") and (x.start, y.start) == (1, 1)
    assert x.labels == ("+0.00", "+0.50", "+1.00")
    assert all(player.frame(i, j) == frames[i][j] for i in range(3) for j in range(2))
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
    from genlab.widgets import (conditional_explorer, convolution_explorer,
                                interpolation_widget, latent_explorer, style_mixer)

    model = DenseAutoencoder(3)
    built = [latent_explorer(model, torch.zeros(3), torch.eye(3)[:2], [1.0, 2.0]),
             interpolation_widget(model, torch.zeros(3), torch.ones(3)),
             convolution_explorer({"a": torch.rand(12, 12)}),
             conditional_explorer(Generator(8, 8, 10)),
             style_mixer(StyleGenerator(8, 8, 8), sources=2)]
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


def test_a_duration_reads_in_whole_seconds_then_minutes():
    from genlab.runtime import duration
    assert [duration(s) for s in (0.4, 59.6, 89.4, 89.6, 119.7, 292)] == \
        ["0 s", "60 s", "89 s", "1 min 30 s", "2 min 00 s", "4 min 52 s"]
