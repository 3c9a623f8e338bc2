"""Exercises of the convolutions chapter."""

from __future__ import annotations

import torch

from ..convolution import convolve
from ..language import N_, tr
from . import Exercise, integer_problem, tensor_answer, whole_number


def _output_size_check(answer):
    problem = integer_problem(answer, 13, unit=N_("pixels"))
    if problem is None:
        return None
    hints = {24: N_("that is 28 - 5 + 1: right for stride 1 without padding, but here "
                    "the stride is 2 and there is 1 pixel of padding."),
             26: N_("that is 28 + 2 - 5 + 1, with padding but with stride 1; a stride of "
                    "2 halves the number of positions."),
             12: N_("close: count the first position too — the formula ends in + 1."),
             14: N_("the division by the stride rounds down: floor(25 / 2) = 12, plus 1.")}
    if whole_number(answer) is None:
        return problem
    advice = hints.get(whole_number(answer), N_("Use (n + 2p - k) // s + 1."))
    return f"{problem} {tr(advice)}"


output_size = Exercise(
    N_("A 28x28 digit goes through a 5x5 filter with stride 2 and padding 1. How many "
       "pixels wide is the feature map?"),
    _output_size_check,
    hint=N_("Pad first (28 + 2·1 = 30 pixels), count how far a 5-wide filter can move "
            "(30 - 5 = 25 pixels), take steps of 2 and count the starting position too."),
    solution=N_("(n + 2p - k) // s + 1 = (28 + 2 - 5) // 2 + 1 = 25 // 2 + 1 = 13\n"
                "Check: torch.nn.functional.conv2d(torch.zeros(1, 1, 28, 28),\n"
                "           torch.zeros(1, 1, 5, 5), stride=2, padding=1).shape[-1]  # 13"),
    praise=N_("13 pixels: (28 + 2·1 - 5) // 2 + 1."))


def _edge_images() -> tuple[torch.Tensor, torch.Tensor]:
    vertical = torch.zeros(12, 12)
    vertical[:, :6] = 1.0  # bright left half, dark right half: one vertical edge
    return vertical, vertical.T.contiguous()


def _vertical_edge_check(answer):
    kernel, problem = tensor_answer(answer, (3, 3))
    if problem:
        return problem
    vertical, horizontal = _edge_images()
    on_vertical = convolve(vertical, kernel).abs().max().item()
    on_horizontal = convolve(horizontal, kernel).abs().max().item()
    on_flat = convolve(torch.ones(6, 6), kernel).abs().max().item()
    if on_flat > 1e-6:
        return tr("on a flat grey area your filter outputs {value:.2f}, not 0: an edge "
                  "detector should stay silent where nothing changes. Make its weights "
                  "sum to zero.").format(value=on_flat)
    if on_vertical < 1e-6:
        if on_horizontal > 1e-6:
            return tr("this filter finds horizontal edges, not vertical ones: turn it "
                      "by 90 degrees (transpose it).")
        return tr("your filter does not respond to a vertical edge at all.")
    if on_horizontal > 0.25 * on_vertical:
        return tr("it responds to horizontal edges too ({horizontal:.2f} against "
                  "{vertical:.2f} on vertical ones). Make every row of the filter the "
                  "same, so that it only compares left with right.").format(
                      horizontal=on_horizontal, vertical=on_vertical)
    return None


vertical_edges = Exercise(
    N_("Write a 3x3 filter (a tensor or a nested list) that responds to vertical edges, "
       "stays silent on flat areas, and responds at most a quarter as much to horizontal "
       "edges."),
    _vertical_edge_check,
    hint=N_("A vertical edge is a change from left to right. Give the left column positive "
            "weights, the right column the same weights negated, and the middle zeros."),
    solution=N_("torch.tensor([[1., 0., -1.],\n"
                "              [2., 0., -2.],\n"
                "              [1., 0., -1.]])   # the Sobel filter; [[1,0,-1]]*3 works too"),
    praise=N_("it fires on vertical edges and ignores horizontal ones and flat areas."))


def _parameter_check(answer):
    problem = integer_problem(answer, 4640, unit=N_("parameters"))
    if problem is None:
        return None
    value = whole_number(answer)
    if value is None:
        return problem
    hints = {4608: N_("you counted the weights (16·32·3·3) but not the 32 biases, one "
                      "per filter."),
             320: N_("each of the 32 filters sees all 16 input channels: a filter is "
                     "16x3x3, not 3x3."),
             288: N_("each of the 32 filters sees all 16 input channels, and has a bias."),
             144: N_("that is one filter over the input channels; the layer has 32 "
                     "filters.")}
    advice = hints.get(value, N_("Count the weights of one filter, times the filters, "
                                 "plus one bias each."))
    return f"{problem} {tr(advice)}"


conv_parameters = Exercise(
    N_("How many learnable parameters does torch.nn.Conv2d(16, 32, kernel_size=3) have?"),
    _parameter_check,
    hint=N_("Each of the 32 filters is a 16x3x3 block of weights (one 3x3 slice per input "
            "channel), plus one bias."),
    solution=N_("32 filters x (16·3·3 weights + 1 bias) = 32 x 145 = 4640\n"
                "Check: sum(p.numel() for p in torch.nn.Conv2d(16, 32, 3).parameters())"),
    praise=N_("4640 = 32 x (16·3·3 + 1)."))
