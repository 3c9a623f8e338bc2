"""Convolution as the article pictures it: a small filter stamped over an image.

Classic hand-made filters (:data:`PRESETS`), the output-size formula, a checked
wrapper around ``torch.nn.functional.conv2d`` for one grey image, a real photograph to
try filters on, and the animation of the stamp sliding over a digit.

Note that deep-learning "convolution" does not flip the kernel (mathematicians call it
cross-correlation): the output at a position is the sum of the filter times the patch
under it, exactly as in the hand-written loop of the chapter.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from matplotlib import animation
from matplotlib.patches import Rectangle

from .checks import (UNIT, check_count, check_finite, check_float, check_range, check_tensor,
                     check_text)
from .language import N_, tr

PRESETS: dict[str, torch.Tensor] = {
    N_("identity"): torch.tensor([[0., 0, 0], [0, 1, 0], [0, 0, 0]]),
    N_("vertical edges"): torch.tensor([[1., 0, -1], [2, 0, -2], [1, 0, -1]]),
    N_("horizontal edges"): torch.tensor([[1., 2, 1], [0, 0, 0], [-1, -2, -1]]),
    N_("blur"): torch.full((3, 3), 1 / 9),
    N_("sharpen"): torch.tensor([[0., -1, 0], [-1, 5, -1], [0, -1, 0]]),
    N_("outline"): torch.tensor([[-1., -1, -1], [-1, 8, -1], [-1, -1, -1]]),
}
"""3x3 filters: Sobel edges (left-bright-to-right-dark responds positive), box blur,
sharpen, and the Laplacian outline. Each sums to 0 (edge detectors) or 1 (the rest).
The names are English keys; ``tr(name)`` is the reader's word for one."""


def _check_grid(value: Any, name: str, what: str) -> torch.Tensor:
    """A 2-D grid of finite numbers ``(H, W)`` as float32. Integers are accepted (and
    converted, exactly): filters are often written with whole numbers."""
    x = check_tensor(value, name).detach().cpu()
    if x.dtype == torch.bool or x.is_complex():
        raise TypeError(f"{name}: expected {what} of real numbers, found {x.dtype}; use "
                        f"{name}.float()")
    if x.ndim != 2 or x.numel() == 0:
        fix = ""
        if x.ndim == 4 and x.shape[:2] == (1, 1):
            fix = f"; take the grey image out of its batch with {name}[0, 0]"
        elif x.ndim == 3 and x.shape[0] == 1:
            fix = f"; drop the channel axis with {name}[0]"
        raise ValueError(f"{name}: expected {what}, found shape {tuple(x.shape)}{fix}")
    return check_finite(x.float(), name)


def _check_kernel(kernel: Any, name: str = "kernel") -> torch.Tensor:
    """A square filter ``(k, k)`` of finite numbers, as float32."""
    kernel = _check_grid(kernel, name, "a square filter shaped (k, k)")
    if kernel.shape[0] != kernel.shape[1]:
        raise ValueError(f"{name}: expected a square filter shaped (k, k), found shape "
                         f"{tuple(kernel.shape)}")
    return kernel


def check_picture(image: Any, name: str = "image") -> torch.Tensor:
    """One grey image ``(H, W)`` in [0, 1], as the figures draw it (black 0, white 1)."""
    image = _check_grid(image, name, "one grey image shaped (H, W)")
    return check_range(image, name, UNIT)


def output_size(n: int, kernel: int, stride: int = 1, padding: int = 0) -> int:
    """Side of the feature map: ``floor((n + 2*padding - kernel) / stride) + 1``."""
    n, kernel = check_count(n, "n"), check_count(kernel, "kernel")
    stride, padding = check_count(stride, "stride"), check_count(padding, "padding", minimum=0)
    if kernel > n + 2 * padding:
        raise ValueError(f"kernel: expected a filter at most {n + 2 * padding} pixels wide "
                         f"({n} pixels plus padding {padding} on each side), found "
                         f"{kernel}: it does not fit")
    return (n + 2 * padding - kernel) // stride + 1


def _convolve(image: torch.Tensor, kernel: torch.Tensor, stride: int,
              padding: int) -> torch.Tensor:
    """:func:`convolve` on checked arguments."""
    output_size(min(image.shape), kernel.shape[0], stride, padding)  # the filter fits
    return F.conv2d(image[None, None], kernel[None, None], stride=stride,
                    padding=padding)[0, 0]


def convolve(image: torch.Tensor, kernel: torch.Tensor, stride: int = 1,
             padding: int = 0) -> torch.Tensor:
    """Convolve one grey image ``(H, W)`` with one filter ``(k, k)``; returns 2-D."""
    image = _check_grid(image, "image", "one grey image shaped (H, W)")
    return _convolve(image, _check_kernel(kernel), stride, padding)


def grey_photo(size: int = 160) -> torch.Tensor:
    """Grace Hopper's portrait (shipped with matplotlib) as a grey ``(H, W)`` in [0, 1].

    Downscaled so its short side is about ``size`` pixels (3 to 512, the original's):
    large enough to see what a filter does, small enough that a 3x3 filter's effect is
    visible at all.
    """
    from matplotlib import cbook

    size = check_count(size, "size", minimum=3, maximum=512)

    with cbook.get_sample_data("grace_hopper.jpg") as file:
        rgb = torch.from_numpy(plt.imread(file).copy()).float() / 255
    grey = (rgb @ torch.tensor([0.299, 0.587, 0.114]))[None, None]
    scale = size / min(grey.shape[-2:])
    return F.interpolate(grey, scale_factor=scale, mode="area")[0, 0].clamp(0, 1)


def stamp_animation(image: torch.Tensor, kernel: torch.Tensor, *, every: int = 3,
                    dpi: int = 60) -> animation.FuncAnimation:
    """The filter sliding over ``image`` while the feature map fills in.

    One frame per ``every``-th position along each axis (the map still fills in at every
    position). Show it with :func:`genlab.widgets.animation_html`: a player that needs no
    kernel and no network.
    """
    image, kernel = check_picture(image), _check_kernel(kernel)
    every, dpi = check_count(every, "every"), check_count(dpi, "dpi")
    k = kernel.shape[0]
    feature_map = _convolve(image, kernel, 1, 0)
    rows, cols = feature_map.shape
    positions = [(r, c) for r in range(0, rows, every) for c in range(0, cols, every)]
    positions.append((rows - 1, cols - 1))
    limit = feature_map.abs().max().item() or 1.0

    fig, (ax_in, ax_k, ax_out) = plt.subplots(
        1, 3, figsize=(8, 3), gridspec_kw={"width_ratios": [1, 0.45, 1]}, dpi=dpi)
    ax_in.imshow(image.numpy(), cmap="gray", vmin=0, vmax=1)
    ax_in.set_title(tr("input: the digit"))
    stamp = Rectangle((-0.5, -0.5), k, k, fill=False, color="tab:red", lw=2.5)
    ax_in.add_patch(stamp)
    bound = kernel.abs().max().item() or 1.0
    ax_k.imshow(kernel.numpy(), cmap="RdBu_r", vmin=-bound, vmax=bound)
    for (i, j), v in zip([(i, j) for i in range(k) for j in range(k)], kernel.flatten()):
        ax_k.text(j, i, f"{v:g}", ha="center", va="center", fontsize=11)
    ax_k.set_title(tr("the filter (stamp)"))
    shown = torch.full_like(feature_map, float("nan"))
    canvas = ax_out.imshow(shown.numpy(), cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax_out.set_title(tr("feature map (canvas)"))
    cursor = Rectangle((-0.5, -0.5), 1, 1, fill=False, color="tab:red", lw=2.5)
    ax_out.add_patch(cursor)
    for ax in (ax_in, ax_k, ax_out):
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()

    def draw(frame: int):
        r, c = positions[frame]
        filled = torch.arange(rows * cols).view(rows, cols) <= r * cols + c
        canvas.set_data(torch.where(filled, feature_map, torch.nan).numpy())
        stamp.set_xy((c - 0.5, r - 0.5))
        cursor.set_xy((c - 0.5, r - 0.5))
        return canvas, stamp, cursor

    anim = animation.FuncAnimation(fig, draw, frames=len(positions), interval=120,
                                   blit=False)
    plt.close(fig)
    return anim


def draw_convolution(image: torch.Tensor, kernel: torch.Tensor, stride: int = 1,
                     padding: int = 0, *, title: str = "") -> plt.Figure:
    """Input (with its padding), the filter with its numbers, and the feature map."""
    image, kernel = check_picture(image), _check_kernel(kernel)
    title = check_text(title, "title")
    out = _convolve(image, kernel, stride, padding)
    padded = F.pad(image, (padding,) * 4)
    fig, (ax_in, ax_k, ax_out) = plt.subplots(
        1, 3, figsize=(8.4, 3.1), gridspec_kw={"width_ratios": [1, 0.55, 1]})
    ax_in.imshow(padded.numpy(), cmap="gray", vmin=0, vmax=1)
    if padding:
        h, w = image.shape
        ax_in.add_patch(Rectangle((padding - 0.5, padding - 0.5), w, h, fill=False,
                                  color="tab:orange", lw=1.2, ls="--"))
    size = f"{image.shape[0]}×{image.shape[1]}"
    ax_in.set_title(tr("input {size} + padding {padding}").format(size=size, padding=padding)
                    if padding else tr("input {size}").format(size=size), fontsize=10)
    k = kernel.shape[0]
    bound = kernel.abs().max().item() or 1.0
    ax_k.imshow(kernel.numpy(), cmap="RdBu_r", vmin=-bound, vmax=bound)
    for i in range(k):
        for j in range(k):
            ax_k.text(j, i, f"{kernel[i, j].item():.2g}", ha="center", va="center",
                      fontsize=10 if k <= 3 else 7)
    ax_k.set_title(tr("filter {size}, stride {stride}").format(size=f"{k}×{k}",
                                                                stride=stride), fontsize=10)
    limit = out.abs().max().item() or 1.0
    ax_out.imshow(out.numpy(), cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax_out.set_title(tr("feature map {size}").format(size=f"{out.shape[0]}×{out.shape[1]}"),
                     fontsize=10)
    for ax in (ax_in, ax_k, ax_out):
        ax.set_xticks([])
        ax.set_yticks([])
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def transposed_output_size(n: int, kernel: int, stride: int = 1, padding: int = 0,
                           output_padding: int = 0) -> int:
    """Side of a transposed convolution's output: ``(n - 1)*stride - 2*padding + kernel
    + output_padding`` — the convolution formula solved for the input size."""
    n, kernel = check_count(n, "n"), check_count(kernel, "kernel")
    stride, padding = check_count(stride, "stride"), check_count(padding, "padding", minimum=0)
    output_padding = check_count(output_padding, "output_padding", minimum=0,
                                 maximum=stride - 1)
    size = (n - 1) * stride - 2 * padding + kernel + output_padding
    if size < 1:
        raise ValueError(f"padding: expected at most {(size + 2 * padding - 1) // 2} for "
                         f"these sizes (the output would have {size} pixels), found "
                         f"{padding}")
    return size


def checkerboard_energy(images: torch.Tensor) -> float:
    """Mean response of images ``(N, 1, H, W)`` to a 2x2 checkerboard filter: how much
    pixel-to-pixel alternation (the transposed-convolution artefact) they contain."""
    x = check_tensor(images, "images").detach().cpu()
    if x.ndim != 4 or x.shape[1] != 1 or len(x) == 0 or min(x.shape[2:]) < 2:
        raise ValueError(f"images: expected grey images shaped (N, 1, H, W), at least 2x2, "
                         f"found {tuple(x.shape)}")
    x = check_finite(check_float(x, "images", what="pixels"), "images")
    checker = torch.tensor([[1.0, -1.0], [-1.0, 1.0]])[None, None] / 4
    return F.conv2d(x, checker).abs().mean().item()
