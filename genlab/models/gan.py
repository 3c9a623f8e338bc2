"""DCGAN-style generator and discriminator for 28x28 digits, and conditional variants.

The article's picture, in code: the generator turns random numbers into an image with
transposed convolutions (7x7 -> 14x14 -> 28x28, the same growth as the autoencoders'
decoder); the discriminator is a small convolutional network that scores how real an
image looks. Images live in ``[-1, 1]`` here (a ``tanh`` output), the GAN convention;
``to_unit_range`` maps them back to the ``[0, 1]`` the judge reads.

The conditional variants take a digit label too: the generator receives it as a
learned embedding beside the noise, the discriminator as ten extra input channels
(one-hot, as in Mirza & Osindero, 2014) — so "draw a 7" becomes something you can
ask for.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import spectral_norm

from ..checks import (SIGNED, UNIT, check_codes, check_condition, check_count, check_device,
                      check_digits, check_finite, check_flag, check_float, check_range,
                      check_tensor)
from ..frame import evaluating, module_device


def to_unit_range(images: torch.Tensor) -> torch.Tensor:
    """GAN images in [-1, 1] -> [0, 1] (for the judge and for plots); values just
    outside, as a sampler's last step may leave them, are clamped."""
    images = check_finite(check_float(check_tensor(images, "images"), "images"), "images")
    return (images.clamp(-1, 1) + 1) / 2


def to_signed_range(images: torch.Tensor) -> torch.Tensor:
    """Digits in [0, 1] -> [-1, 1] (what the discriminator sees as real)."""
    images = check_finite(check_float(check_tensor(images, "images"), "images"), "images")
    return check_range(images, "images", UNIT) * 2 - 1


class Generator(nn.Module):
    """noise ``(N, noise_dim)`` -> images ``(N, 1, 28, 28)`` in [-1, 1].

    ``refine=True`` ends with a plain 3x3 convolution at full size after the last
    transposed convolution, which then keeps ``width // 2`` channels: it smooths the
    uneven overlaps (the checkerboard of the transposed-convolutions chapter) and gives
    the strokes a layer of their own. It costs about 40% more time per step and, at the
    same time budget, brings the samples markedly closer to real digits (see
    ``benchmarks/README.md``).
    """

    def __init__(self, noise_dim: int = 64, width: int = 64, classes: int = 0,
                 refine: bool = False):
        super().__init__()
        noise_dim, width = check_count(noise_dim, "noise_dim"), check_count(width, "width",
                                                                            minimum=2)
        classes = check_count(classes, "classes", minimum=0)
        self.noise_dim, self.classes = noise_dim, classes
        self.embed = nn.Embedding(classes, noise_dim) if classes else None
        inputs = 2 * noise_dim if classes else noise_dim
        last = [nn.ConvTranspose2d(width, width // 2, 4, stride=2, padding=1),  # 14 -> 28
                nn.BatchNorm2d(width // 2), nn.ReLU(),
                nn.Conv2d(width // 2, 1, 3, padding=1)] if refine else [
                nn.ConvTranspose2d(width, 1, 4, stride=2, padding=1)]           # 14 -> 28
        self.net = nn.Sequential(
            nn.Linear(inputs, 2 * width * 7 * 7), nn.Unflatten(1, (2 * width, 7, 7)),
            nn.BatchNorm2d(2 * width), nn.ReLU(),
            nn.ConvTranspose2d(2 * width, width, 4, stride=2, padding=1),  # 7 -> 14
            nn.BatchNorm2d(width), nn.ReLU(),
            *last, nn.Tanh())

    def check_noise(self, z: torch.Tensor, name: str = "z", n: int | None = None
                    ) -> torch.Tensor:
        """Noise ``(N, noise_dim)`` (``n`` rows when given), finite, on the generator's
        device."""
        return check_device(check_codes(z, name, size=self.noise_dim, n=n, what="noise"),
                            name, module_device(self))

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        z = self.check_noise(z)
        labels = check_condition(labels, n=len(z), classes=self.classes)
        if self.classes:
            z = torch.cat([z, self.embed(labels.to(z.device))], dim=1)
        return self.net(z)

    @property
    def latent_dim(self) -> int:
        """The noise size, under the name the autoencoders' latent widgets read."""
        return self.noise_dim

    @torch.no_grad()
    def decode(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Digits in [0, 1] for noise ``z`` — the generator used alone, like the
        decoder of :mod:`genlab.models.autoencoders` (and its widgets)."""
        return to_unit_range(self(z, labels))

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator | None = None,
               labels: torch.Tensor | None = None) -> torch.Tensor:
        """``n`` new digits in [0, 1] from fresh noise (seeded by ``generator``), drawn
        in eval mode on the device the generator is on (the mode is kept)."""
        n, device = check_count(n, "n"), module_device(self)
        labels = check_condition(labels, n=n, classes=self.classes)
        z = torch.randn(n, self.noise_dim, generator=generator).to(device)
        with evaluating(self):
            return self.decode(z, None if labels is None else labels.to(device))


class BatchSpread(nn.Module):
    """Appends one channel: how much the batch varies, averaged over everything.

    A generator that draws the same digit over and over makes batches with little
    spread; with this channel the discriminator can see that and punish it, which
    pushes the generator to cover every digit ("minibatch standard deviation",
    Karras et al., 2018).

    With ``labels`` the spread is measured among the images of the same label: in a
    batch of all ten digits the spread is large even when every 3 is the same 3, so a
    conditional generator's collapse within a digit would go unseen.
    """

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        if labels is None:
            spread = x.std(dim=0, unbiased=False).mean() if len(x) > 1 else x.new_zeros(())
            spread = spread.expand(len(x))
        else:
            member = F.one_hot(labels).to(x.dtype)                      # (N, labels)
            count = member.sum(0).clamp_min(1)
            flat = x.flatten(1)
            mean = (member.T @ flat) / count[:, None]                   # each label's mean
            variance = (member.T @ (flat - mean[labels]).pow(2)) / count[:, None]
            spread = variance.clamp_min(1e-8).sqrt().mean(1)[labels]    # (N,)
        return torch.cat([x, spread[:, None, None, None].expand(-1, 1, *x.shape[2:])], dim=1)


class Discriminator(nn.Module):
    """images ``(N, 1, 28, 28)`` in [-1, 1] -> one realness logit each ``(N,)``.

    ``spectral=True`` wraps every layer in spectral normalisation (Miyato et al., 2018),
    which bounds how sharply the score can change and steadies training.
    ``batch_spread=True`` lets it see how varied a batch is (:class:`BatchSpread`); a
    conditional one measures that among the images of each label, unless
    ``spread_within_labels=False`` (kept to show what it prevents: collapse within a
    digit, ``benchmarks/conditional_gan.py``).
    """

    def __init__(self, width: int = 64, classes: int = 0, spectral: bool = False,
                 batch_norm: bool = True, batch_spread: bool = False,
                 spread_within_labels: bool = True):
        super().__init__()
        width = check_count(width, "width")
        classes = check_count(classes, "classes", minimum=0)
        self.spread_within_labels = check_flag(spread_within_labels, "spread_within_labels")
        wrap = spectral_norm if spectral else (lambda layer: layer)
        norm = nn.BatchNorm2d(2 * width) if batch_norm and not spectral else nn.Identity()
        self.classes = classes
        channels = 2 * width + batch_spread
        self.features = nn.Sequential(
            wrap(nn.Conv2d(1 + classes, width, 4, stride=2, padding=1)), nn.LeakyReLU(0.2),
            wrap(nn.Conv2d(width, 2 * width, 4, stride=2, padding=1)), norm,
            nn.LeakyReLU(0.2), BatchSpread() if batch_spread else nn.Identity(),
            nn.Flatten())
        self.score = wrap(nn.Linear(channels * 7 * 7, 1))

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        x = check_digits(x, "x", value_range=SIGNED, device=module_device(self))
        labels = check_condition(labels, n=len(x), classes=self.classes)
        if self.classes:
            # The label as ten extra image channels, one lit up: the discriminator
            # judges the pair (image, label), so a fine 7 labelled 3 is a fake.
            labels = labels.to(x.device)
            maps = F.one_hot(labels, self.classes).to(x.dtype)
            x = torch.cat([x, maps[:, :, None, None].expand(-1, -1, *x.shape[2:])], dim=1)
        groups = labels if self.spread_within_labels else None
        for layer in self.features:
            x = layer(x, groups) if isinstance(layer, BatchSpread) else layer(x)
        return self.score(x)[:, 0]
