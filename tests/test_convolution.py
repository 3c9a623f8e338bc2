"""genlab.convolution: the formula, the checked conv, presets, photo, animation."""

import itertools

import matplotlib.pyplot as plt
import pytest
import torch
import torch.nn.functional as F

from genlab.convolution import (PRESETS, convolve, draw_convolution, grey_photo,
                                output_size, stamp_animation)


@pytest.mark.parametrize("n, k, s, p", list(itertools.product([7, 28], [1, 3, 5], [1, 2, 3],
                                                              [0, 1, 2])))
def test_output_size_matches_conv2d(n, k, s, p):
    actual = F.conv2d(torch.zeros(1, 1, n, n), torch.zeros(1, 1, k, k), stride=s,
                      padding=p).shape[-1]
    assert output_size(n, k, s, p) == actual


@pytest.mark.parametrize("args, error, message", [
    ((28, 0), ValueError, r"^kernel: expected a whole number at least 1"),
    ((28, 3, 0), ValueError, r"^stride: expected"),
    ((28, 3, 1, -1), ValueError, r"^padding: expected a whole number at least 0"),
    ((2, 5), ValueError, r"^kernel: expected .* it does not fit"),
    ((28.0, 3), TypeError, r"^n: expected a whole number")])
def test_output_size_bad_input(args, error, message):
    with pytest.raises(error, match=message):
        output_size(*args)


def test_convolve_is_the_hand_written_loop():
    torch.manual_seed(0)
    image, kernel = torch.rand(9, 11), torch.randn(3, 3)
    expected = torch.tensor([[(image[i:i + 3, j:j + 3] * kernel).sum().item()
                              for j in range(9)] for i in range(7)])
    assert torch.allclose(convolve(image, kernel), expected, atol=1e-5)
    assert convolve(image, kernel, stride=2, padding=1).shape == (5, 6)


@pytest.mark.parametrize("image, kernel, message", [
    (torch.rand(1, 9, 9), torch.ones(3, 3), r"^image: expected one grey image"),
    (torch.rand(9, 9), torch.ones(3, 2), r"^kernel: expected a square filter"),
    (torch.rand(2, 2), torch.ones(3, 3), r"^kernel: .*does not fit")])
def test_convolve_bad_input(image, kernel, message):
    with pytest.raises(ValueError, match=message):
        convolve(image, kernel)


def test_presets_behave_as_named():
    vertical_edge = torch.zeros(8, 8)
    vertical_edge[:, :4] = 1.0
    flat = torch.ones(8, 8)
    assert convolve(vertical_edge, PRESETS["vertical edges"]).abs().max() == 4
    assert convolve(vertical_edge, PRESETS["horizontal edges"]).abs().max() == 0
    assert convolve(vertical_edge.T, PRESETS["horizontal edges"]).abs().max() == 4
    for name in ("vertical edges", "horizontal edges", "outline"):
        assert convolve(flat, PRESETS[name]).abs().max() == 0, name
    for name in ("identity", "blur", "sharpen"):
        assert torch.allclose(convolve(flat, PRESETS[name]), torch.ones(6, 6)), name


def test_grey_photo_is_a_real_photograph():
    photo = grey_photo(100)
    assert photo.ndim == 2 and min(photo.shape) == 100
    assert 0 <= photo.min() and photo.max() <= 1 and photo.std() > 0.1


def test_stamp_animation_fills_the_whole_map():
    digit = torch.rand(10, 10)
    anim = stamp_animation(digit, PRESETS["blur"], every=3)
    frames = list(anim.new_frame_seq())
    assert len(frames) == 3 * 3 + 1  # positions 0, 3, 6 per axis, plus the last
    anim._func(frames[-1])  # the last frame shows the complete feature map
    shown = anim._fig.axes[2].images[0].get_array()
    assert torch.allclose(torch.as_tensor(shown.filled(float("nan"))).float(),
                          convolve(digit, PRESETS["blur"]), atol=1e-6)
    assert anim.to_jshtml().count("data:image/png") == len(frames)  # plays in a page


def test_draw_convolution_reports_the_size():
    fig = draw_convolution(torch.rand(28, 28), PRESETS["sharpen"], stride=2, padding=1)
    assert fig.axes[2].get_title() == "feature map 14×14"
    assert fig.axes[0].images[0].get_array().shape == (30, 30)
    plt.close("all")
