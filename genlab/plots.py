"""Figures every chapter uses: a grid of images, a row of images with titles."""

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


def show_images(images, nrow: int = 10, *, value_range: tuple[float, float] = (0.0, 1.0),
                title: str | None = None, ax: plt.Axes | None = None,
                scale: float = 0.5) -> plt.Axes:
    """Show a batch of images as one grid (``torchvision.utils.make_grid``).

    ``value_range`` is the range the images are in (``(-1, 1)`` for a GAN's output);
    values outside it are clipped. ``scale`` is inches per image in the grid.
    """
    images = _as_image_batch(images)
    low, high = value_range
    if not high > low:
        raise ValueError(f"value_range must be (low, high) with low < high, got {value_range}")
    grid = make_grid(((images - low) / (high - low)).clamp(0, 1), nrow=nrow,
                     padding=2, pad_value=1.0)
    if ax is None:
        rows = -(-len(images) // nrow)
        _, ax = plt.subplots(figsize=(scale * min(nrow, len(images)) + 0.2,
                                      scale * rows + (0.4 if title else 0.2)))
    ax.imshow(grid.permute(1, 2, 0).numpy(), cmap="gray", vmin=0, vmax=1,
              interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def show_row(images, titles: Sequence[str] | None = None, *, cmap: str = "gray",
             size: float = 1.6, vmin: float | None = None,
             vmax: float | None = None) -> plt.Figure:
    """Show images side by side, each with its own title and colour scale."""
    images = _as_image_batch(images)
    fig, axes = plt.subplots(1, len(images), figsize=(size * len(images), size + 0.3),
                             squeeze=False)
    for i, ax in enumerate(axes[0]):
        ax.imshow(images[i].permute(1, 2, 0).squeeze(-1).numpy(), cmap=cmap,
                  vmin=vmin, vmax=vmax, interpolation="nearest")
        ax.set_axis_off()
        if titles is not None:
            ax.set_title(titles[i], fontsize=9)
    fig.tight_layout()
    return fig
