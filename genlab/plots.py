"""Figures the chapters share: image grids, feature maps, filters, a confusion matrix,
measures against a setting.

The rendered book's column is about 690 pixels wide, and a figure wider than that is
shrunk to fit, with its text. Figures are therefore drawn at most
:data:`COLUMN_INCHES` wide (at matplotlib's 100 dots per inch), so their text shows at
the size it was set.

Every function checks what it is given before it draws (see :mod:`genlab.checks`): a
NaN, or images in 0-255 shown as if in [0, 1], is an error that names the argument,
never a silently white grid.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import torch
from torchvision.utils import make_grid

from .checks import (UNIT, check_count, check_finite, check_float, check_interval,
                     check_mapping, check_names, check_number, check_range, check_tensor,
                     check_text, summary)
from .language import tr

COLUMN_INCHES = 6.8
"""The width of the book's column, in inches at 100 dots per inch (688 pixels)."""


# Checks genlab.checks does not have yet (the interval is shared with genlab.latent,
# the text with genlab.widgets).

def _check_axes(ax: Any, name: str = "ax") -> plt.Axes | None:
    """``ax`` if it is a matplotlib ``Axes`` or ``None`` (draw in a new figure)."""
    if ax is not None and not isinstance(ax, plt.Axes):
        raise TypeError(f"{name}: expected a matplotlib Axes or None, found {summary(ax)}")
    return ax


def _check_shown(x: torch.Tensor, name: str, value_range: tuple[float, float]
                 ) -> torch.Tensor:
    """Finite ``x`` whose values are on the scale of ``value_range``.

    Values outside ``value_range`` are clipped when drawn (a diffusion path shows pure
    Gaussian noise with ``(-1, 1)``, which reaches 4 or 5); values farther than four
    times its width outside are on another scale (0-255 bytes taken for [0, 1]) and
    refused with :func:`check_range`'s message and fix."""
    check_finite(x, name)
    low, high = value_range
    margin = 4 * (high - low)
    if x.min().item() < low - margin or x.max().item() > high + margin:
        check_range(x, name, value_range)
    return x


def _checked_images(images: Any, nrow: Any, value_range: Any, name: str = "images"
                    ) -> tuple[torch.Tensor, int, tuple[float, float]]:
    """The arguments of :func:`image_grid`, checked: images as a float batch
    ``(N, 1 or 3, H, W)`` on the CPU, ``nrow`` an int, ``value_range`` two floats."""
    x = check_tensor(images, name).detach().cpu()
    if x.ndim == 2:
        x = x[None, None]
    elif x.ndim == 3:
        x = x[:, None]
    if x.ndim != 4 or x.shape[1] not in (1, 3):
        raise ValueError(f"{name}: expected images shaped (N, 1 or 3, H, W), (N, H, W) or "
                         f"(H, W), found {tuple(check_tensor(images, name).shape)}")
    if x.numel() == 0:
        raise ValueError(f"{name}: expected at least one image, found an empty batch "
                         f"shaped {tuple(x.shape)}")
    nrow = check_count(nrow, "nrow")
    value_range = check_interval(value_range, "value_range")
    x = check_float(x, name, what="pixels in [0, 1]" if value_range == UNIT else "pixels")
    return _check_shown(x, name, value_range), nrow, value_range


def _grid(x: torch.Tensor, nrow: int, value_range: tuple[float, float]) -> "numpy.ndarray":
    low, high = value_range
    grid = make_grid(((x - low) / (high - low)).clamp(0, 1), nrow=nrow, padding=2,
                     pad_value=1.0)
    return grid.permute(1, 2, 0).numpy()


def image_grid(images, nrow: int = 10, *,
               value_range: tuple[float, float] = UNIT) -> "numpy.ndarray":
    """A batch of images as one grid picture ``(H, W, 3)`` in [0, 1], white between
    images (``torchvision.utils.make_grid``).

    ``value_range`` is the range the images are in (``(-1, 1)`` for a GAN's output);
    values outside it are clipped, but values far outside it (0-255 bytes taken for
    [0, 1]) and non-finite values are refused.
    """
    return _grid(*_checked_images(images, nrow, value_range))


def show_images(images, nrow: int = 10, *, value_range: tuple[float, float] = UNIT,
                title: str | None = None, ax: plt.Axes | None = None,
                scale: float = 0.5) -> plt.Axes:
    """Show a batch of images as one grid (see :func:`image_grid`), in ``ax`` or in a
    new figure. ``scale`` is inches per image in the grid."""
    x, nrow, value_range = _checked_images(images, nrow, value_range)
    title = check_text(title, "title", optional=True)
    ax = _check_axes(ax)
    scale = check_number(scale, "scale", low=0, low_open=True)
    if ax is None:
        rows = -(-len(x) // nrow)
        _, ax = plt.subplots(figsize=(scale * min(nrow, len(x)) + 0.2,
                                      scale * rows + (0.4 if title else 0.2)))
    ax.imshow(_grid(x, nrow, value_range), cmap="gray", vmin=0, vmax=1,
              interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def _check_feature_maps(maps: Any, per_layer: int) -> list[tuple[str, torch.Tensor]]:
    """``maps`` as :func:`genlab.models.cnn.activations` returns them: ``(name, maps
    (N, C, h, w))`` pairs, each with at least ``per_layer`` finite maps."""
    if not isinstance(maps, Sequence) or isinstance(maps, str):
        raise TypeError(f"maps: expected a list of (name, feature maps) pairs, found "
                        f"{summary(maps)}")
    if not maps:
        raise ValueError("maps: expected at least one (name, feature maps) pair, found none")
    checked = []
    for i, pair in enumerate(maps):
        if not isinstance(pair, Sequence) or isinstance(pair, str) or len(pair) != 2:
            raise TypeError(f"maps[{i}]: expected a (name, feature maps) pair, found "
                            f"{summary(pair)}")
        name = check_text(pair[0], f"maps[{i}][0]")
        fmap = check_tensor(pair[1], f"maps[{i}][1]").detach().cpu()
        if fmap.ndim != 4 or len(fmap) == 0:
            raise ValueError(f"maps[{i}][1]: expected feature maps shaped (N, C, h, w), "
                             f"found {tuple(fmap.shape)}")
        if fmap.shape[1] < per_layer:
            raise ValueError(f"per_layer: expected at most {fmap.shape[1]} (the maps of "
                             f"{name!r}), found {per_layer}")
        fmap = check_finite(check_float(fmap, f"maps[{i}][1]"), f"maps[{i}][1]")
        checked.append((name, fmap))
    return checked


def show_feature_maps(maps: Sequence[tuple[str, torch.Tensor]], image: torch.Tensor,
                      per_layer: int = 8, size: float = 0.9) -> plt.Figure:
    """One row per layer: the input digit, then the first ``per_layer`` feature maps
    of the first image of each layer's batch."""
    per_layer = check_count(per_layer, "per_layer")
    maps = _check_feature_maps(maps, per_layer)
    picture = check_tensor(image, "image").detach().cpu().squeeze()
    if picture.ndim != 2:
        raise ValueError(f"image: expected one grey image shaped (1, H, W) or (H, W), "
                         f"found {tuple(check_tensor(image, 'image').shape)}")
    picture = check_finite(check_float(picture, "image", what="pixels"), "image")
    size = check_number(size, "size", low=0, low_open=True)
    fig, axes = plt.subplots(len(maps), per_layer + 1,
                             figsize=(size * (per_layer + 1) + 1.6, size * len(maps) + 0.2),
                             squeeze=False)
    for row, (name, fmap) in enumerate(maps):
        axes[row, 0].imshow(picture.numpy(), cmap="gray")
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
    matrix = check_tensor(matrix, "matrix").detach().cpu()
    if matrix.dtype == torch.bool or matrix.is_floating_point() or matrix.is_complex():
        raise TypeError(f"matrix: expected whole-number counts, found {matrix.dtype}; use "
                        "genlab.training.confusion_matrix, or matrix.long()")
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or len(matrix) == 0:
        raise ValueError(f"matrix: expected a square matrix of counts (classes, classes), "
                         f"found {tuple(matrix.shape)}")
    if matrix.min() < 0:
        raise ValueError(f"matrix: expected counts of at least 0, found {matrix.min().item()}")
    n = matrix.shape[0]
    if class_names is None:
        names = [str(i) for i in range(n)]
    else:
        if not isinstance(class_names, Sequence) or isinstance(class_names, str):
            raise TypeError(f"class_names: expected a list of {n} names, found "
                            f"{summary(class_names)}")
        if len(class_names) != n:
            raise ValueError(f"class_names: expected {n} names (one per class), found "
                             f"{len(class_names)}")
        names = [check_text(name, f"class_names[{i}]") for i, name in enumerate(class_names)]
    ax = _check_axes(ax)
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
           xlabel=tr("predicted"), ylabel=tr("true"),
           title=tr("confusion matrix (mistakes shaded)"))
    return ax


def show_filters(weights: torch.Tensor, ncols: int = 8, size: float = 0.8) -> plt.Figure:
    """Convolution filters ``(n, 1, k, k)`` as small heat maps: red positive, blue
    negative, white zero — all on one symmetric scale, read off the colour bar (so a
    weak filter looks weak)."""
    weights = check_tensor(weights, "weights").detach().cpu()
    if weights.ndim != 4 or weights.shape[1] != 1 or weights.numel() == 0:
        raise ValueError(f"weights: expected filters shaped (n, 1, k, k), found "
                         f"{tuple(weights.shape)}")
    weights = check_finite(check_float(weights, "weights", what="weights"), "weights")
    ncols = check_count(ncols, "ncols")
    size = check_number(size, "size", low=0, low_open=True)
    n = len(weights)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols + 0.9, size * nrows),
                             squeeze=False)
    for ax in axes.flat:
        ax.set_axis_off()
    bound = weights.abs().max().item() or 1.0
    for ax, w in zip(axes.flat, weights[:, 0]):
        shown = ax.imshow(w.numpy(), cmap="RdBu_r", vmin=-bound, vmax=bound)
    fig.colorbar(shown, ax=axes, shrink=0.9, label=tr("weight"))
    return fig


def measure_curves(results: dict, measures: Sequence[str], xlabel: str, *,
                   log: bool = False, reverse: bool = False) -> plt.Figure:
    """One small panel per measure, each against a setting: ``results`` maps each value
    of the setting (sampling steps, a guidance scale, ψ) to the scores of
    :func:`genlab.metrics.score_samples` there. ``log``: a log-scaled setting axis;
    ``reverse``: the setting's axis runs from high to low. Drawn the column's width."""
    check_mapping(results, "results", what="a dict from settings to scores")
    if not results:
        raise ValueError("results: expected at least one setting, found an empty dict")
    measures = check_names(measures, "measures", "measure names")
    for key, scores in results.items():
        check_mapping(scores, f"results[{key!r}]", measures, what="a dict of scores")
    xlabel = check_text(xlabel, "xlabel")
    settings = list(results)
    fig, axes = plt.subplots(1, len(measures), figsize=(COLUMN_INCHES, 2.3), squeeze=False)
    for axis, name in zip(axes[0], measures):
        axis.plot(settings, [results[x][name] for x in settings], "o-", ms=4)
        axis.set_title(tr(name), fontsize=10)
        axis.set_xlabel(xlabel, fontsize=8)
        axis.tick_params(labelsize=8)
        if log:
            axis.set_xscale("log")
            axis.set_xticks(settings, [f"{x:g}" for x in settings])
            axis.minorticks_off()
        if reverse:
            axis.invert_xaxis()
        axis.grid(alpha=0.3)
    fig.tight_layout()
    return fig
