"""genlab.convolution checks every argument before any work: bad inputs of every kind
are refused with an error that names the argument; NumPy inputs are accepted."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from genlab import convolution
from genlab.convolution import PRESETS

IMAGE = torch.rand(9, 9)
KERNEL = PRESETS["sharpen"]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("args, error, name", [
    ((0, 3), ValueError, "n"), ((28.0, 3), TypeError, "n"), (("28", 3), TypeError, "n"),
    ((28, 0), ValueError, "kernel"), ((28, True), TypeError, "kernel"),
    ((5, 9), ValueError, "kernel"),                              # does not fit
    ((28, 3, 0), ValueError, "stride"), ((28, 3, 1.5), TypeError, "stride"),
    ((28, 3, 1, -1), ValueError, "padding")])
def test_output_size(args, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        convolution.output_size(*args)


@pytest.mark.parametrize("args, error, name", [
    ((0, 3), ValueError, "n"), ((7, 3.0), TypeError, "kernel"), ((7, 3, 0), ValueError, "stride"),
    ((7, 3, 2, -1), ValueError, "padding"), ((7, 3, 2, 1, 2), ValueError, "output_padding"),
    ((7, 3, 2, 1, -1), ValueError, "output_padding"),
    ((1, 1, 1, 1), ValueError, "padding")])                       # no pixel would be left
def test_transposed_output_size(args, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        convolution.transposed_output_size(*args)


def test_sizes_accept_numpy_integers():
    assert convolution.output_size(np.int64(28), np.int32(5), np.int64(2), np.int8(1)) == 13
    assert convolution.transposed_output_size(np.int64(7), 4, np.int64(2), 1) == 14


BAD_IMAGES = [
    ([[0.0, 1.0]], TypeError), (torch.rand(1, 9, 9), ValueError), (torch.rand(0, 0), ValueError),
    (torch.full((9, 9), float("nan")), ValueError), (torch.rand(9, 9) > 0.5, TypeError)]
BAD_KERNELS = [
    ([[1.0]], TypeError), (torch.ones(3, 2), ValueError), (torch.ones(9), ValueError),
    (torch.tensor([[1.0, float("inf")], [0.0, 0.0]]), ValueError),
    (torch.ones(3, 3, dtype=torch.bool), TypeError)]


@pytest.mark.parametrize("function", [convolution.convolve, convolution.draw_convolution,
                                      convolution.stamp_animation])
@pytest.mark.parametrize("image, error", BAD_IMAGES)
def test_images_are_checked(function, image, error):
    with pytest.raises(error, match=r"^image: expected"):
        function(image, KERNEL)


@pytest.mark.parametrize("function", [convolution.convolve, convolution.draw_convolution,
                                      convolution.stamp_animation])
@pytest.mark.parametrize("kernel, error", BAD_KERNELS + [(torch.ones(11, 11), ValueError)])
def test_kernels_are_checked(function, kernel, error):
    with pytest.raises(error, match=r"^kernel: expected"):
        function(IMAGE, kernel)


@pytest.mark.parametrize("function", [convolution.draw_convolution,
                                      convolution.stamp_animation])
def test_drawn_images_must_be_in_the_unit_range(function):
    with pytest.raises(ValueError, match=r"^image: expected values in \[0, 1\].*image / 255"):
        function(IMAGE * 255, KERNEL)


@pytest.mark.parametrize("function", [convolution.convolve, convolution.draw_convolution])
@pytest.mark.parametrize("kwargs, error, name", [
    ({"stride": 0}, ValueError, "stride"), ({"stride": 1.0}, TypeError, "stride"),
    ({"padding": -1}, ValueError, "padding"), ({"padding": "1"}, TypeError, "padding")])
def test_stride_and_padding(function, kwargs, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        function(IMAGE, KERNEL, **kwargs)


def test_draw_convolution_title():
    with pytest.raises(TypeError, match=r"^title: expected a string"):
        convolution.draw_convolution(IMAGE, KERNEL, title=3)


@pytest.mark.parametrize("kwargs, error, name", [
    ({"every": 0}, ValueError, "every"), ({"every": 1.5}, TypeError, "every"),
    ({"dpi": 0}, ValueError, "dpi")])
def test_stamp_animation_options(kwargs, error, name):
    figures = plt.get_fignums()
    with pytest.raises(error, match=rf"^{name}: expected"):
        convolution.stamp_animation(IMAGE, KERNEL, **kwargs)
    assert plt.get_fignums() == figures  # refused before a figure was made


@pytest.mark.parametrize("size, error", [(0, ValueError), (2, ValueError), (10_000, ValueError),
                                         (100.0, TypeError)])
def test_grey_photo_size(size, error):
    with pytest.raises(error, match=r"^size: expected"):
        convolution.grey_photo(size)


@pytest.mark.parametrize("images, error", [
    (torch.rand(2, 28, 28), ValueError), (torch.rand(0, 1, 28, 28), ValueError),
    (torch.rand(2, 1, 1, 1), ValueError), (torch.full((2, 1, 4, 4), float("nan")), ValueError),
    ((torch.rand(2, 1, 4, 4) * 255).byte(), TypeError), ("images", TypeError)])
def test_checkerboard_energy_checks_images(images, error):
    with pytest.raises(error, match=r"^images: expected"):
        convolution.checkerboard_energy(images)


def test_valid_numpy_and_integer_inputs_are_accepted():
    integer_kernel = torch.tensor([[1, 0, -1], [2, 0, -2], [1, 0, -1]])  # written by hand
    assert torch.equal(convolution.convolve(IMAGE, integer_kernel),
                       convolution.convolve(IMAGE, PRESETS["vertical edges"]))
    out = convolution.convolve(IMAGE.double().numpy(), KERNEL.numpy(), stride=np.int64(2),
                               padding=np.int64(1))
    assert out.shape == (5, 5) and out.dtype == torch.float32
    fig = convolution.draw_convolution(IMAGE.numpy(), KERNEL, np.int64(1), np.int64(1))
    assert fig.axes[2].get_title() == "feature map 9×9"
    anim = convolution.stamp_animation(IMAGE.numpy(), KERNEL.numpy(), every=np.int64(4))
    assert anim.to_jshtml().count("data:image/png") == 2 * 2 + 1
    assert convolution.grey_photo(np.int64(20)).shape[0] >= 20
    assert convolution.checkerboard_energy(torch.rand(2, 1, 6, 6).numpy()) > 0
