"""genlab.widgets checks every argument before it builds anything: bad inputs of every
kind are refused with an error that names the argument; NumPy inputs are accepted; a
refused call leaves the model, its mode and its weights as they were, and a live
widget keeps the model's mode."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib import animation

from genlab import widgets as gw
from genlab.models.autoencoders import DenseAutoencoder
from genlab.models.gan import Generator
from genlab.models.stylegan import StyleGenerator

torch.manual_seed(0)
PNG = gw.digit_png(torch.rand(4, 4))
IMAGE = torch.rand(9, 9)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return DenseAutoencoder(2)


@pytest.fixture(scope="module")
def conditional():
    torch.manual_seed(0)
    return Generator(noise_dim=4, width=8, classes=10)


@pytest.fixture(scope="module")
def styled():
    torch.manual_seed(0)
    return StyleGenerator(noise_dim=4, style_dim=8, width=8)


def unchanged(model, call):
    """``call()`` is refused, and leaves ``model`` in train mode with the same weights."""
    model.train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    try:
        call()
        assert model.training
        assert all(torch.equal(v, model.state_dict()[k]) for k, v in before.items())
    finally:
        model.eval()


def _movie():
    fig, ax = plt.subplots()
    picture = ax.imshow(np.zeros((2, 2)))
    return animation.FuncAnimation(fig, lambda i: (picture,), frames=2)


@pytest.mark.parametrize("movie, mode, error, name", [
    ("movie", "once", TypeError, "movie"), (None, "forever", ValueError, "default_mode")])
def test_animation_html(movie, mode, error, name):
    real = _movie()
    with pytest.raises(error, match=rf"^{name}: expected"):
        gw.animation_html(real if movie is None else movie, default_mode=mode)
    assert "data:image/png" in gw.animation_html(real, default_mode="loop").data


@pytest.mark.parametrize("make, dpi, error, name", [
    (lambda: plt.subplots()[1], 100, TypeError, "fig"), (lambda: "fig", 100, TypeError, "fig"),
    (lambda: plt.figure(), 0, ValueError, "dpi"), (lambda: plt.figure(), "hi", TypeError, "dpi")])
def test_figure_png(make, dpi, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        gw.figure_png(make(), dpi=dpi)


@pytest.mark.parametrize("frames, kwargs, error, name", [
    ([], {}, ValueError, "frames"), (PNG, {}, TypeError, "frames"),
    (["not png"], {}, TypeError, r"frames\[0\]"), ([b"GIF89a"], {}, ValueError, r"frames\[0\]"),
    ([PNG], {"labels": ["a", "b"]}, ValueError, "labels"),
    ([PNG], {"control": "knob"}, ValueError, "control"),
    ([PNG], {"width": 300}, TypeError, "width"), ([PNG], {"description": None}, TypeError,
                                                  "description")])
def test_image_player(frames, kwargs, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        gw.image_player(frames, **kwargs)


def test_image_player_accepts_number_labels():
    player = gw.image_player([PNG, PNG], labels=[0.5, np.float32(1.5)])
    assert player.controls[0].labels == ("0.5", "1.5")


BAD_IMAGE_SETS = [
    ({}, ValueError, "images"), ([IMAGE], TypeError, "images"),
    ({"a": torch.full((9, 9), float("nan"))}, ValueError, r"images\['a'\]"),
    ({"a": IMAGE * 255}, ValueError, r"images\['a'\]"),
    ({"a": IMAGE[None]}, ValueError, r"images\['a'\]"),
    ({"a": torch.rand(2, 2)}, ValueError, r"images\['a'\]"),
    ({3: IMAGE}, TypeError, "images")]


@pytest.mark.parametrize("images, error, name", BAD_IMAGE_SETS)
def test_convolution_explorer_checks_images(images, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        gw.convolution_explorer(images)


@pytest.mark.parametrize("images, kwargs, error, name", [
    *[(images, {}, error, name) for images, error, name in BAD_IMAGE_SETS],
    ({"a": IMAGE}, {"stride": 0}, ValueError, "stride"),
    ({"a": IMAGE}, {"padding": -1}, ValueError, "padding"),
    ({"a": IMAGE}, {"padding": 1.0}, TypeError, "padding"),
    ({"a": IMAGE}, {"stride": np.float64(1)}, TypeError, "stride")])
def test_convolution_gallery_checks_before_drawing(images, kwargs, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        gw.convolution_gallery(images, **kwargs)
    assert not plt.get_fignums()


@pytest.mark.parametrize("image, scale, error, name", [
    (torch.rand(2, 1, 4, 4), 5, ValueError, "image"), (torch.rand(2, 4, 4), 5, ValueError, "image"),
    (torch.full((4, 4), float("nan")), 5, ValueError, "image"),
    (torch.rand(4, 4) * 255, 5, ValueError, "image"),
    (torch.rand(4, 4) * 2 - 1, 5, ValueError, "image"),
    ((torch.rand(4, 4) * 255).byte(), 5, TypeError, "image"), ([[0.5]], 5, TypeError, "image"),
    (torch.rand(4, 4), 0, ValueError, "scale"), (torch.rand(4, 4), 2.5, TypeError, "scale")])
def test_digit_png(image, scale, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        gw.digit_png(image, scale)


@pytest.mark.parametrize("frames, xs, ys, kwargs, error, name", [
    ([[PNG]], [0.0, 1.0], [0.0], {}, ValueError, "frames"),
    ([[PNG, PNG]], [0.0], [0.0], {}, ValueError, "frames"),
    ([[b"x"]], [0.0], [0.0], {}, ValueError, r"frames\[0\]\[0\]"),
    ([[PNG]], [], [0.0], {}, ValueError, "x_values"),
    ([[PNG]], [float("nan")], [0.0], {}, ValueError, r"x_values\[0\]"),
    ([[PNG]], [0.0], [None], {}, TypeError, r"y_values\[0\]"),
    ([[PNG]], [0.0], torch.zeros(1, 1), {}, ValueError, "y_values"),
    ([[PNG]], [0.0], [0.0], {"x_label": 1}, TypeError, "x_label")])
def test_grid_player(frames, xs, ys, kwargs, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        gw.grid_player(frames, xs, ys, **kwargs)


def test_grid_player_accepts_tensors_and_numpy():
    player = gw.grid_player([[PNG, PNG]], np.array([0.5]), torch.tensor([-1.0, 1.0]))
    assert player.controls[1].labels == ("-1.00", "+1.00")


@pytest.mark.parametrize("arguments, error, name", [
    ({"model": "model"}, TypeError, "model"),
    ({"model": torch.nn.Linear(2, 2)}, TypeError, "model"),
    ({"origin": torch.zeros(3)}, ValueError, "origin"),
    ({"origin": torch.tensor([0.0, float("nan")])}, ValueError, "origin"),
    ({"directions": torch.eye(3)}, ValueError, "directions"),
    ({"directions": torch.full((2, 2), float("inf"))}, ValueError, "directions"),
    ({"spreads": [1.0]}, ValueError, "spreads"), ({"spreads": [1.0, float("nan")]}, ValueError,
                                                  r"spreads\[1\]"),
    ({"labels": ["one"]}, ValueError, "labels"), ({"scale": 0}, ValueError, "scale")])
def test_latent_explorer(model, arguments, error, name):
    arguments = {"model": model, "origin": torch.zeros(2), "directions": torch.eye(2),
                 "spreads": [1.0, 2.0], **arguments}
    with pytest.raises(error, match=rf"^{name}: expected"):
        gw.latent_explorer(arguments.pop("model"), arguments.pop("origin"),
                           arguments.pop("directions"), arguments.pop("spreads"), **arguments)


def test_latent_explorer_refuses_a_conditional_generator(conditional):
    with pytest.raises(ValueError, match=r"^model: expected a model that decodes codes alone"):
        gw.latent_explorer(conditional, torch.zeros(4), torch.eye(4)[:2], [1.0, 1.0])


@pytest.mark.parametrize("arguments, error, name", [
    ({"z_start": torch.zeros(3)}, ValueError, "z_start"),
    ({"z_end": torch.full((2,), float("nan"))}, ValueError, "z_end"),
    ({"z_end": [0.0, 1.0]}, TypeError, "z_end"), ({"scale": 2.5}, TypeError, "scale")])
def test_interpolation_widget(model, arguments, error, name):
    arguments = {"z_start": torch.zeros(2), "z_end": torch.ones(2), **arguments}
    with pytest.raises(error, match=rf"^{name}: expected"):
        gw.interpolation_widget(model, arguments.pop("z_start"), arguments.pop("z_end"),
                                **arguments)


def test_refused_and_live_widgets_keep_the_models_mode(model, styled):
    def refused():
        with pytest.raises(ValueError):
            gw.latent_explorer(model, torch.zeros(2), torch.eye(2), [1.0, float("inf")])
        with pytest.raises(ValueError):
            gw.style_mixer(styled, sources=1)
    unchanged(model, refused)
    unchanged(styled, refused)

    def live():  # valid calls draw in eval mode and give the mode back
        explorer = gw.latent_explorer(model, np.zeros(2), np.eye(2), np.array([1.0, 2.0]),
                                      scale=np.int64(2))
        explorer.sliders[0].value = 1.0
        gw.interpolation_widget(model, np.zeros(2), np.ones(2, dtype=np.float32))
    unchanged(model, live)
    unchanged(styled, lambda: gw.style_mixer(styled, seed=np.int64(1), sources=np.int64(2),
                                             scale=np.int64(2)))


@pytest.mark.parametrize("frames, choices, error, name", [
    ({}, {}, ValueError, "choices"), ({}, [("a", ["x"])], TypeError, "choices"),
    ({}, {1: ["x"]}, TypeError, "choices"),
    ({}, {"a": []}, ValueError, r"choices\['a'\]"), ({}, {"a": "xy"}, TypeError, r"choices\['a'\]"),
    ({("x",): PNG}, {"a": ["x", "y"]}, ValueError, "frames"),
    ([PNG], {"a": ["x"]}, TypeError, "frames"),
    ({("x",): "png"}, {"a": ["x"]}, TypeError, r"frames\[\('x',\)\]")])
def test_choice_grid(frames, choices, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        gw.choice_grid(frames, choices)


@pytest.mark.parametrize("args, error, name", [
    ((0,), ValueError, "noise_dim"), ((4.0,), TypeError, "noise_dim"),
    ((4, 0), ValueError, "rows"), ((4, 2, -1), ValueError, "seed")])
def test_noise_walk(args, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        gw.noise_walk(*args)


def test_noise_walk_accepts_numpy_integers():
    base, direction = gw.noise_walk(np.int64(4), np.int32(3), np.int64(2))
    assert base.shape == (3, 4) and torch.isclose(direction.norm(), torch.tensor(1.0))


@pytest.mark.parametrize("generator, kwargs, error, name", [
    ("generator", {}, TypeError, "generator"), (DenseAutoencoder(2), {}, ValueError, "generator"),
    (None, {"seed": -1}, ValueError, "seed"), (None, {"scale": 0}, ValueError, "scale"),
    (None, {"seed": "0"}, TypeError, "seed")])
def test_conditional_explorer(conditional, generator, kwargs, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        gw.conditional_explorer(conditional if generator is None else generator, **kwargs)


def test_conditional_explorer_keeps_the_mode(conditional):
    unchanged(conditional, lambda: gw.conditional_explorer(conditional, seed=np.int64(3)))


@pytest.mark.parametrize("function, fewest", [(gw.style_mixer, 2), (gw.style_mixing_gallery, 1)])
@pytest.mark.parametrize("generator, kwargs, error, name", [
    ("generator", {}, TypeError, "generator"), (DenseAutoencoder(2), {}, TypeError, "generator"),
    (None, {"seed": 1.5}, TypeError, "seed"), (None, {"sources": 0}, ValueError, "sources"),
    (None, {"scale": 0}, ValueError, "scale")])
def test_style_mixing(styled, function, fewest, generator, kwargs, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        function(styled if generator is None else generator, **kwargs)
    if fewest > 1:
        with pytest.raises(ValueError, match=r"^sources: expected a whole number at least 2"):
            function(styled, sources=fewest - 1)
