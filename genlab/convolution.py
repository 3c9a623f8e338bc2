"""Convolution as the article pictures it: a small filter stamped over an image.

Classic hand-made filters (:data:`PRESETS`), the output-size formula, a checked
wrapper around ``torch.nn.functional.conv2d`` for one grey image, a real photograph to
try filters on, and the animation of the stamp sliding over a digit.

Note that deep-learning "convolution" does not flip the kernel (mathematicians call it
cross-correlation): the output at a position is the sum of the filter times the patch
under it, exactly as in the hand-written loop of the chapter.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from matplotlib import animation
from matplotlib.patches import Rectangle

PRESETS: dict[str, torch.Tensor] = {
    "identity": torch.tensor([[0., 0, 0], [0, 1, 0], [0, 0, 0]]),
    "vertical edges": torch.tensor([[1., 0, -1], [2, 0, -2], [1, 0, -1]]),
    "horizontal edges": torch.tensor([[1., 2, 1], [0, 0, 0], [-1, -2, -1]]),
    "blur": torch.full((3, 3), 1 / 9),
    "sharpen": torch.tensor([[0., -1, 0], [-1, 5, -1], [0, -1, 0]]),
    "outline": torch.tensor([[-1., -1, -1], [-1, 8, -1], [-1, -1, -1]]),
}
"""3x3 filters: Sobel edges (left-bright-to-right-dark responds positive), box blur,
sharpen, and the Laplacian outline. Each sums to 0 (edge detectors) or 1 (the rest)."""


def output_size(n: int, kernel: int, stride: int = 1, padding: int = 0) -> int:
    """Side of the feature map: ``floor((n + 2*padding - kernel) / stride) + 1``."""
    for name, value in [("n", n), ("kernel", kernel), ("stride", stride)]:
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if not isinstance(padding, int) or padding < 0:
        raise ValueError(f"padding must be a non-negative integer, got {padding!r}")
    if kernel > n + 2 * padding:
        raise ValueError(f"a {kernel}-wide filter does not fit in {n} pixels with "
                         f"padding {padding}")
    return (n + 2 * padding - kernel) // stride + 1


def convolve(image: torch.Tensor, kernel: torch.Tensor, stride: int = 1,
             padding: int = 0) -> torch.Tensor:
    """Convolve one grey image ``(H, W)`` with one filter ``(k, k)``; returns 2-D."""
    image, kernel = torch.as_tensor(image).float(), torch.as_tensor(kernel).float()
    if image.ndim != 2:
        raise ValueError(f"expected one grey image (H, W), got shape {tuple(image.shape)}")
    if kernel.ndim != 2 or kernel.shape[0] != kernel.shape[1]:
        raise ValueError(f"expected a square filter (k, k), got shape {tuple(kernel.shape)}")
    output_size(min(image.shape), kernel.shape[0], stride, padding)  # validates
    return F.conv2d(image[None, None], kernel[None, None], stride=stride,
                    padding=padding)[0, 0]


def grey_photo(size: int = 160) -> torch.Tensor:
    """Grace Hopper's portrait (shipped with matplotlib) as a grey ``(H, W)`` in [0, 1].

    Downscaled so its short side is about ``size`` pixels: large enough to see what a
    filter does, small enough that a 3x3 filter's effect is visible at all.
    """
    from matplotlib import cbook

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
    image, kernel = torch.as_tensor(image).float(), torch.as_tensor(kernel).float()
    k = kernel.shape[0]
    feature_map = convolve(image, kernel)
    rows, cols = feature_map.shape
    positions = [(r, c) for r in range(0, rows, every) for c in range(0, cols, every)]
    positions.append((rows - 1, cols - 1))
    limit = feature_map.abs().max().item() or 1.0

    fig, (ax_in, ax_k, ax_out) = plt.subplots(
        1, 3, figsize=(8, 3), gridspec_kw={"width_ratios": [1, 0.45, 1]}, dpi=dpi)
    ax_in.imshow(image.numpy(), cmap="gray", vmin=0, vmax=1)
    ax_in.set_title("input: the digit")
    stamp = Rectangle((-0.5, -0.5), k, k, fill=False, color="tab:red", lw=2.5)
    ax_in.add_patch(stamp)
    bound = kernel.abs().max().item() or 1.0
    ax_k.imshow(kernel.numpy(), cmap="RdBu_r", vmin=-bound, vmax=bound)
    for (i, j), v in zip([(i, j) for i in range(k) for j in range(k)], kernel.flatten()):
        ax_k.text(j, i, f"{v:g}", ha="center", va="center", fontsize=11)
    ax_k.set_title("the filter (stamp)")
    shown = torch.full_like(feature_map, float("nan"))
    canvas = ax_out.imshow(shown.numpy(), cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax_out.set_title("feature map (canvas)")
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
    image, kernel = torch.as_tensor(image).float(), torch.as_tensor(kernel).float()
    out = convolve(image, kernel, stride, padding)
    padded = F.pad(image, (padding,) * 4)
    fig, (ax_in, ax_k, ax_out) = plt.subplots(
        1, 3, figsize=(8.4, 3.1), gridspec_kw={"width_ratios": [1, 0.55, 1]})
    ax_in.imshow(padded.numpy(), cmap="gray", vmin=0, vmax=1)
    if padding:
        h, w = image.shape
        ax_in.add_patch(Rectangle((padding - 0.5, padding - 0.5), w, h, fill=False,
                                  color="tab:orange", lw=1.2, ls="--"))
    ax_in.set_title(f"input {image.shape[0]}×{image.shape[1]}"
                    + (f" + padding {padding}" if padding else ""), fontsize=10)
    k = kernel.shape[0]
    bound = kernel.abs().max().item() or 1.0
    ax_k.imshow(kernel.numpy(), cmap="RdBu_r", vmin=-bound, vmax=bound)
    for i in range(k):
        for j in range(k):
            ax_k.text(j, i, f"{kernel[i, j].item():.2g}", ha="center", va="center",
                      fontsize=10 if k <= 3 else 7)
    ax_k.set_title(f"filter {k}×{k}, stride {stride}", fontsize=10)
    limit = out.abs().max().item() or 1.0
    ax_out.imshow(out.numpy(), cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax_out.set_title(f"feature map {out.shape[0]}×{out.shape[1]}", fontsize=10)
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
    for name, value in [("n", n), ("kernel", kernel), ("stride", stride)]:
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if not isinstance(padding, int) or padding < 0 or not isinstance(output_padding, int) \
            or not 0 <= output_padding < stride:
        raise ValueError("padding must be >= 0 and output_padding in [0, stride), got "
                         f"{padding!r} and {output_padding!r}")
    return (n - 1) * stride - 2 * padding + kernel + output_padding


def checkerboard_energy(images: torch.Tensor) -> float:
    """Mean response of images ``(N, 1, H, W)`` to a 2x2 checkerboard filter: how much
    pixel-to-pixel alternation (the transposed-convolution artefact) they contain."""
    checker = torch.tensor([[1.0, -1.0], [-1.0, 1.0]])[None, None] / 4
    return F.conv2d(torch.as_tensor(images).float(), checker).abs().mean().item()
