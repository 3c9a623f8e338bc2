"""Figures the chapters share: image grids, feature maps, filters, a confusion matrix."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import torch
from torchvision.utils import make_grid


def _as_image_batch(images) -> torch.Tensor:
    images = torch.as_tensor(images).detach().cpu().float()
    if images.ndim == 2:
        images = images[None, None]
    elif images.ndim == 3:
        images = images[:, None]
    if images.ndim != 4 or images.shape[1] not in (1, 3):
        raise ValueError("expected images shaped (N, 1 or 3, H, W), (N, H, W) or (H, W); "
                         f"got {tuple(images.shape)}")
    return images


def image_grid(images, nrow: int = 10, *,
               value_range: tuple[float, float] = (0.0, 1.0)) -> "numpy.ndarray":
    """A batch of images as one grid picture ``(H, W, 3)`` in [0, 1], white between
    images (``torchvision.utils.make_grid``); values outside ``value_range`` clipped."""
    images = _as_image_batch(images)
    low, high = value_range
    if not high > low:
        raise ValueError(f"value_range must be (low, high) with low < high, got {value_range}")
    grid = make_grid(((images - low) / (high - low)).clamp(0, 1), nrow=nrow,
                     padding=2, pad_value=1.0)
    return grid.permute(1, 2, 0).numpy()


def show_images(images, nrow: int = 10, *, value_range: tuple[float, float] = (0.0, 1.0),
                title: str | None = None, ax: plt.Axes | None = None,
                scale: float = 0.5) -> plt.Axes:
    """Show a batch of images as one grid (see :func:`image_grid`).

    ``value_range`` is the range the images are in (``(-1, 1)`` for a GAN's output);
    values outside it are clipped. ``scale`` is inches per image in the grid.
    """
    images = _as_image_batch(images)
    grid = image_grid(images, nrow, value_range=value_range)
    if ax is None:
        rows = -(-len(images) // nrow)
        _, ax = plt.subplots(figsize=(scale * min(nrow, len(images)) + 0.2,
                                      scale * rows + (0.4 if title else 0.2)))
    ax.imshow(grid, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def show_feature_maps(maps: Sequence[tuple[str, torch.Tensor]], image: torch.Tensor,
                      per_layer: int = 8, size: float = 0.9) -> plt.Figure:
    """One row per layer: the input digit, then the first ``per_layer`` feature maps."""
    fig, axes = plt.subplots(len(maps), per_layer + 1,
                             figsize=(size * (per_layer + 1) + 1.6, size * len(maps) + 0.2),
                             squeeze=False)
    for row, (name, fmap) in enumerate(maps):
        axes[row, 0].imshow(torch.as_tensor(image).squeeze().numpy(), cmap="gray")
        axes[row, 0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=8)
        for col in range(per_layer):
            axes[row, col + 1].imshow(fmap[0, col].numpy(), cmap="viridis")
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.subplots_adjust(left=0.2, wspace=0.05, hspace=0.08)
    return fig


def show_confusion(matrix: torch.Tensor, class_names: Sequence[str] | None = None,
                   ax: plt.Axes | None = None) -> plt.Axes:
    """A confusion matrix (rows: true class, columns: predicted) with its counts."""
    matrix = torch.as_tensor(matrix)
    n = matrix.shape[0]
    names = class_names or [str(i) for i in range(n)]
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4.4))
    off_diagonal = matrix.clone().fill_diagonal_(0)
    ax.imshow(off_diagonal.numpy(), cmap="Reds", vmin=0, vmax=2 * max(1, off_diagonal.max().item()))
    for i in range(n):
        for j in range(n):
            value = int(matrix[i, j])
            if value:
                ax.text(j, i, value, ha="center", va="center", fontsize=8,
                        color="black" if i != j else "tab:green",
                        fontweight="bold" if i == j else "normal")
    ax.set(xticks=range(n), yticks=range(n), xticklabels=names, yticklabels=names,
           xlabel="predicted", ylabel="true",
           title="confusion matrix (mistakes shaded)")
    return ax


def show_filters(weights: torch.Tensor, ncols: int = 8, size: float = 0.8) -> plt.Figure:
    """Convolution filters ``(n, 1, k, k)`` as small heat maps: red positive, blue
    negative, white zero — each on its own symmetric scale."""
    weights = torch.as_tensor(weights).detach().cpu()
    if weights.ndim != 4 or weights.shape[1] != 1:
        raise ValueError(f"expected filters shaped (n, 1, k, k), got {tuple(weights.shape)}")
    n = len(weights)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows),
                             squeeze=False)
    for ax in axes.flat:
        ax.set_axis_off()
    for ax, w in zip(axes.flat, weights[:, 0]):
        bound = w.abs().max().item() or 1.0
        ax.imshow(w.numpy(), cmap="RdBu_r", vmin=-bound, vmax=bound)
    fig.tight_layout(pad=0.2)
    return fig
