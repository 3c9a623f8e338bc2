"""A small U-Net that looks at a noisy digit and says which way the noise points.

The denoiser of the diffusion chapter. It reads an image ``(N, 1, 28, 28)`` and the
noise level ``t`` in [0, 1] of each image, and returns a tensor of the same shape. Its
shape is the U of Ronneberger et al. (2015): the image is halved on the way down, so
that the bottom of the U sees the whole digit, and doubled on the way up, with *skip
connections* that hand each level's fine detail across the U to the layer that
rebuilds it. The noise level enters every block as a learned per-channel shift (a
*time embedding*): removing a little noise and removing a lot are different jobs, and
the same weights must do both.

With ``classes=10`` the denoiser may also be told *which digit* it is denoising: the
label enters beside the noise level, as a second learned shift. A label of ``-1``
means "no label", and then the network must guess the digit itself. Trained on both
(:mod:`genlab.diffusion` hides the label of some digits), one network gives both
answers, which is what classifier-free guidance needs (Ho & Salimans, 2022).
"""

from __future__ import annotations

import math
import numbers

import torch
import torch.nn.functional as F
from torch import nn

from ..checks import (check_choice, check_condition, check_count, check_digits, check_finite,
                      check_float, check_labels, check_tensor)
from ..frame import module_device


def time_features(t: torch.Tensor, size: int) -> torch.Tensor:
    """``t`` in [0, 1], shaped ``(N,)`` -> ``(N, size)`` sines and cosines of
    geometrically spaced frequencies: a code in which nearby noise levels look alike
    and far ones do not (the positional encoding of transformers)."""
    t = check_noise_levels(t, len(t) if isinstance(t, torch.Tensor) and t.ndim else 1)
    size = check_count(size, "size", minimum=2)
    if size % 2:
        raise ValueError(f"size: expected an even number (sines and cosines in pairs), "
                         f"found {size}")
    half = size // 2
    frequencies = torch.exp(-math.log(1000.0) * torch.arange(half, device=t.device) / half)
    angles = 1000.0 * t[:, None] * frequencies[None]
    return torch.cat([angles.sin(), angles.cos()], dim=1)


class Block(nn.Module):
    """Two 3x3 convolutions with group norm and SiLU; the noise level shifts the
    channels between them; a residual path around both."""

    def __init__(self, inputs: int, outputs: int, time_size: int):
        super().__init__()
        self.conv1 = nn.Conv2d(inputs, outputs, 3, padding=1)
        self.norm1 = nn.GroupNorm(8, outputs)
        self.time = nn.Linear(time_size, outputs)
        self.conv2 = nn.Conv2d(outputs, outputs, 3, padding=1)
        self.norm2 = nn.GroupNorm(8, outputs)
        self.skip = nn.Conv2d(inputs, outputs, 1) if inputs != outputs else nn.Identity()

    def forward(self, x: torch.Tensor, time: torch.Tensor) -> torch.Tensor:
        h = F.silu(self.norm1(self.conv1(x)))
        h = h + self.time(time)[:, :, None, None]
        h = F.silu(self.norm2(self.conv2(h)))
        return h + self.skip(x)


class DenoisingUNet(nn.Module):
    """images ``(N, 1, 28, 28)`` and noise levels ``t`` ``(N,)`` -> ``(N, 1, 28, 28)``.

    ``channels`` lists the width of each level of the U, largest image first; each
    level halves the image. With ``patch=2`` the image is first folded into 2 x 2
    patches (``PixelUnshuffle``: 1 x 28 x 28 -> 4 x 14 x 14) and unfolded at the end, so
    the U starts at 14 x 14: full-size convolutions are the slowest part on a CPU, and
    the folded image loses nothing. Two blocks work at the smallest size, where a
    convolution is cheap and sees the whole digit. What the output means is the
    training objective's choice (see :mod:`genlab.diffusion`).

    With ``classes > 0`` the call takes ``labels`` too: ``(N,)`` integers in
    ``0..classes-1``, or ``-1`` for "no label" (``labels=None`` means no label for any
    image). The label embedding starts at zero, so an untrained network ignores labels.
    """

    def __init__(self, channels: tuple[int, ...] = (32, 64), patch: int = 2,
                 time_size: int = 64, classes: int = 0):
        super().__init__()
        patch = check_choice(patch, "patch", (1, 2))
        if not isinstance(channels, (tuple, list)) or len(channels) < 2:
            raise ValueError(f"channels: expected a tuple of two or more widths, found "
                             f"{channels!r}")
        channels = tuple(check_count(c, f"channels[{i}]") for i, c in enumerate(channels))
        if 28 // patch // 2 ** (len(channels) - 1) < 7:
            raise ValueError(f"channels: expected at most {4 - patch} levels with patch "
                             f"{patch} (each halves the image, and the digits must not "
                             f"shrink below 7 x 7), found {channels}; use fewer levels")
        time_size = check_count(time_size, "time_size", minimum=2)
        if time_size % 2:
            raise ValueError(f"time_size: expected an even number (sines and cosines in "
                             f"pairs), found {time_size}")
        classes = check_count(classes, "classes", minimum=0)
        self.channels, self.patch, self.time_size = tuple(channels), patch, time_size
        self.classes = classes
        pixels = patch * patch
        self.time_mlp = nn.Sequential(nn.Linear(time_size, time_size), nn.SiLU(),
                                      nn.Linear(time_size, time_size))
        if classes:
            # one row per digit and a last row for "no label"
            self.label = nn.Embedding(classes + 1, time_size)
            nn.init.zeros_(self.label.weight)
        self.fold = nn.PixelUnshuffle(patch)
        self.stem = nn.Conv2d(pixels, channels[0], 3, padding=1)
        self.down = nn.ModuleList(Block(c, c, time_size) for c in channels[:-1])
        self.shrink = nn.ModuleList(nn.Conv2d(a, b, 3, stride=2, padding=1)
                                    for a, b in zip(channels, channels[1:]))
        self.middle = nn.ModuleList([Block(channels[-1], channels[-1], time_size),
                                     Block(channels[-1], channels[-1], time_size)])
        self.grow = nn.ModuleList(nn.ConvTranspose2d(b, a, 4, stride=2, padding=1)
                                  for a, b in zip(channels, channels[1:]))
        self.merge = nn.ModuleList(Block(2 * c, c, time_size) for c in channels[:-1])
        self.head = nn.Conv2d(channels[0], pixels, 3, padding=1)
        self.unfold = nn.PixelShuffle(patch)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, x: torch.Tensor, t: torch.Tensor,
                labels: torch.Tensor | None = None) -> torch.Tensor:
        # noisy images: any finite values
        x = check_digits(x, "x", value_range=None, device=module_device(self))
        t = check_noise_levels(t, len(x)).to(x.device)
        time = self.time_mlp(time_features(t, self.time_size))
        if self.classes:
            labels = check_denoiser_labels(labels, len(x), self.classes).to(x.device)
            time = time + self.label(labels.where(labels >= 0, self.classes))
        else:
            check_condition(labels, n=len(x), classes=0)
        h = self.stem(self.fold(x))
        skips = []
        for block, shrink in zip(self.down, self.shrink):
            h = block(h, time)
            skips.append(h)
            h = shrink(h)
        for block in self.middle:
            h = block(h, time)
        for grow, merge in zip(reversed(self.grow), reversed(self.merge)):
            h = merge(torch.cat([grow(h), skips.pop()], dim=1), time)
        return self.unfold(self.head(h))


def check_noise_levels(t, n: int, name: str = "t") -> torch.Tensor:
    """``t`` as a float tensor ``(n,)`` in [0, 1] (a single number: the same level for
    all ``n`` images); a clear error otherwise."""
    if isinstance(t, numbers.Real) and not isinstance(t, bool):
        t = torch.tensor(float(t))
    t = check_float(check_tensor(t, name), name, what="noise levels in [0, 1]")
    if t.ndim == 0:
        t = t.expand(n)
    if t.shape != (n,):
        raise ValueError(f"{name}: expected one noise level per image, shaped ({n},), "
                         f"found {tuple(t.shape)}")
    check_finite(t, name)
    if t.min() < 0 or t.max() > 1:
        raise ValueError(f"{name}: expected noise levels in [0, 1] (0: clean, 1: pure "
                         f"noise), found {t.min().item():.3g}..{t.max().item():.3g}")
    return t


def check_denoiser_labels(labels, n: int, classes: int) -> torch.Tensor:
    """``labels`` as ``(n,)`` integers in ``-1..classes-1`` (``-1``: no label); ``None``
    means no label for any image."""
    if labels is None:
        return torch.full((n,), -1, dtype=torch.long)
    return check_labels(labels, "labels", n=n, classes=classes, missing=True)
