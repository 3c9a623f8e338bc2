"""genlab.plots checks every argument before it draws: bad inputs of every kind are
refused with an error that names the argument; NumPy inputs are accepted."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from genlab import plots

torch.manual_seed(0)
IMAGES = torch.rand(6, 1, 28, 28)
NAN_IMAGES = IMAGES.clone()
NAN_IMAGES[2, 0, 5, 5] = float("nan")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("function", [plots.show_images, plots.image_grid])
@pytest.mark.parametrize("images, kwargs, error, pattern", [
    ([[0.5]], {}, TypeError, r"^images: expected a tensor"),
    (torch.rand(2, 5, 8, 8), {}, ValueError, r"^images: expected images shaped"),
    (torch.rand(0, 1, 28, 28), {}, ValueError, r"^images: expected at least one image"),
    (NAN_IMAGES, {}, ValueError, r"^images: expected finite values"),
    (IMAGES * 255, {}, ValueError, r"^images: expected values in \[0, 1\].*images / 255"),
    (IMAGES * 255, {"value_range": (-1, 1)}, ValueError, r"^images: expected values in \[-1, 1\]"),
    ((IMAGES * 255).byte(), {}, TypeError, r"^images: expected float pixels.*/ 255"),
    (IMAGES > 0.5, {}, TypeError, r"^images: expected float"),
    (IMAGES, {"nrow": 0}, ValueError, r"^nrow: expected"),
    (IMAGES, {"nrow": 2.5}, TypeError, r"^nrow: expected"),
    (IMAGES, {"value_range": (1, 0)}, ValueError, r"^value_range: expected \(low, high\)"),
    (IMAGES, {"value_range": (0, float("nan"))}, ValueError, r"^value_range: expected"),
    (IMAGES, {"value_range": 1}, TypeError, r"^value_range: expected"),
])
def test_grids_refuse_bad_input(function, images, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        function(images, **kwargs)


@pytest.mark.parametrize("kwargs, error, name", [
    ({"scale": 0}, ValueError, "scale"), ({"scale": float("inf")}, ValueError, "scale"),
    ({"scale": "big"}, TypeError, "scale"), ({"title": 5}, TypeError, "title"),
    ({"ax": "left"}, TypeError, "ax")])
def test_show_images_refuses_bad_options_before_drawing(kwargs, error, name):
    figures = plt.get_fignums()
    with pytest.raises(error, match=rf"^{name}: expected"):
        plots.show_images(IMAGES, **kwargs)
    assert plt.get_fignums() == figures  # refused before a figure was made


def test_valid_grids_are_drawn():
    ax = plots.show_images(IMAGES[:3], nrow=np.int64(10), scale=np.float32(0.3))  # one row
    assert ax.images[0].get_array().shape[:2] == (30 + 2, 3 * 30 + 2)
    noise = torch.randn(64, 1, 28, 28)  # a diffusion path's last step: clipped, not refused
    assert plots.image_grid(noise, value_range=(-1, 1)).max() <= 1.0
    assert plots.image_grid(IMAGES.double().numpy(), nrow=3).shape == (2 * 30 + 2, 3 * 30 + 2, 3)
    assert plots.image_grid(torch.rand(28, 28)).shape == (28, 28, 3)  # one image: no frame


def _maps(channels=8):
    return [("conv 1", torch.rand(1, channels, 28, 28)), ("pool", torch.rand(1, channels, 14, 14))]


@pytest.mark.parametrize("maps, image, kwargs, error, name", [
    ([], IMAGES[0], {}, ValueError, "maps"),
    ("maps", IMAGES[0], {}, TypeError, "maps"),
    ([("conv", torch.rand(8, 28, 28))], IMAGES[0], {}, ValueError, r"maps\[0\]\[1\]"),
    ([("conv",)], IMAGES[0], {}, TypeError, r"maps\[0\]"),
    ([(1, torch.rand(1, 8, 4, 4))], IMAGES[0], {}, TypeError, r"maps\[0\]\[0\]"),
    ([("conv", torch.full((1, 8, 4, 4), float("nan")))], IMAGES[0], {}, ValueError,
     r"maps\[0\]\[1\]"),
    (_maps(4), IMAGES[0], {}, ValueError, "per_layer"),           # 8 asked, 4 there
    (_maps(), IMAGES[0], {"per_layer": 0}, ValueError, "per_layer"),
    (_maps(), IMAGES[0], {"per_layer": 2.0}, TypeError, "per_layer"),
    (_maps(), IMAGES[:2], {}, ValueError, "image"),
    (_maps(), NAN_IMAGES[2], {}, ValueError, "image"),
    (_maps(), IMAGES[0], {"size": 0}, ValueError, "size")])
def test_show_feature_maps_refuses_bad_input(maps, image, kwargs, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        plots.show_feature_maps(maps, image, **kwargs)


def test_show_feature_maps_accepts_numpy():
    fig = plots.show_feature_maps([("conv", np.random.rand(1, 3, 5, 5))], IMAGES[0].numpy(),
                                  per_layer=np.int64(3))
    assert len(fig.axes) == 4


MATRIX = torch.eye(3, dtype=torch.long) * 5


@pytest.mark.parametrize("matrix, kwargs, error, name", [
    (MATRIX.float() / 5, {}, TypeError, "matrix"), ([[1, 2]], {}, TypeError, "matrix"),
    (torch.ones(2, 3, dtype=torch.long), {}, ValueError, "matrix"),
    (torch.zeros(0, 0, dtype=torch.long), {}, ValueError, "matrix"),
    (-MATRIX, {}, ValueError, "matrix"),
    (MATRIX, {"class_names": ["a", "b"]}, ValueError, "class_names"),
    (MATRIX, {"class_names": "abc"}, TypeError, "class_names"),
    (MATRIX, {"class_names": ["a", "b", 3]}, TypeError, r"class_names\[2\]"),
    (MATRIX, {"ax": 1}, TypeError, "ax")])
def test_show_confusion_refuses_bad_input(matrix, kwargs, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        plots.show_confusion(matrix, **kwargs)


def test_show_confusion_accepts_numpy():
    ax = plots.show_confusion(MATRIX.numpy(), class_names=("x", "y", "z"))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["x", "y", "z"]


@pytest.mark.parametrize("weights, kwargs, error, name", [
    (torch.rand(4, 2, 3, 3), {}, ValueError, "weights"),
    (torch.rand(0, 1, 3, 3), {}, ValueError, "weights"),
    (torch.full((4, 1, 3, 3), float("nan")), {}, ValueError, "weights"),
    ("weights", {}, TypeError, "weights"),
    (torch.rand(4, 1, 3, 3), {"ncols": 0}, ValueError, "ncols"),
    (torch.rand(4, 1, 3, 3), {"ncols": 2.5}, TypeError, "ncols"),
    (torch.rand(4, 1, 3, 3), {"size": -1}, ValueError, "size")])
def test_show_filters_refuses_bad_input(weights, kwargs, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        plots.show_filters(weights, **kwargs)


def test_show_filters_accepts_parameters_and_numpy():
    conv = torch.nn.Conv2d(1, 5, 3)
    assert len(plots.show_filters(conv.weight, ncols=np.int64(5)).axes) == 5 + 1
    assert len(plots.show_filters(np.random.rand(2, 1, 3, 3), ncols=2).axes) == 2 + 1


def test_show_filters_draws_every_filter_on_one_scale_with_its_colour_bar():
    weights = torch.zeros(3, 1, 3, 3)
    weights[0, 0, 0, 0], weights[1, 0, 1, 1] = 2.0, -0.5  # a strong and a weak filter
    fig = plots.show_filters(weights, ncols=3)
    *filters, bar = fig.axes
    assert bar.get_ylabel() == "weight"
    assert {image.get_clim() for ax in filters for image in ax.images} == {(-2.0, 2.0)}
