"""A small style-based generator (the ideas of StyleGAN, Karras et al., 2019) for digits.

A DCGAN generator reads its noise once, at the bottom, and every later layer must carry
what the noise meant. StyleGAN changed where the noise goes in:

* a **mapping network** (a few dense layers) turns the noise ``z`` into a *style* ``w``;
* the image is grown from a **learned constant**, not from ``z``;
* every layer receives the style anew: its feature maps are normalised per channel and
  then scaled and shifted by numbers computed from ``w`` (**AdaIN**, adaptive instance
  normalisation) — so each layer's style sets the statistics of what it draws;
* every layer also adds fresh **per-pixel noise**, scaled by a learned strength, for the
  details no style should have to decide (where exactly a stroke wobbles).

Because each layer takes its own copy of ``w``, layers can take *different* styles:
coarse layers (7 x 7, 14 x 14) from one noise, fine layers (28 x 28) from another —
**style mixing**. And because ``w`` has an average, styles can be pulled towards it —
the **truncation trick**, trading variety for typical, clean digits.

The generator has the interface of :class:`genlab.models.gan.Generator` (``noise_dim``,
``forward(z)`` in [-1, 1], ``decode``, ``sample``), so the GAN training loop, the
discriminator and the judge work with it unchanged.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..checks import (check_condition, check_count, check_device, check_finite, check_float,
                      check_number, check_tensor)
from ..frame import evaluating, module_device
from .gan import Generator, to_unit_range

RESOLUTIONS = (7, 7, 14, 14, 28, 28)
"""The image size at which each styled layer works, bottom to top."""


class MappingNetwork(nn.Module):
    """noise ``z`` -> style ``w``: normalise ``z``, then dense layers with leaky ReLU."""

    def __init__(self, noise_dim: int, style_dim: int, layers: int = 3):
        super().__init__()
        sizes = [noise_dim] + [style_dim] * layers
        self.net = nn.Sequential(*[m for a, b in zip(sizes, sizes[1:])
                                   for m in (nn.Linear(a, b), nn.LeakyReLU(0.2))])
        # He initialisation keeps the spread of the styles near that of the noise. With
        # PyTorch's default the styles of all noise vectors start nearly equal, and the
        # generator starts — and stays — drawing one digit.
        for layer in self.net[::2]:
            nn.init.kaiming_normal_(layer.weight, a=0.2)
            nn.init.zeros_(layer.bias)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        z = z * torch.rsqrt(z.pow(2).mean(1, keepdim=True) + 1e-8)
        return self.net(z)


class StyledLayer(nn.Module):
    """3x3 convolution, per-pixel noise, leaky ReLU, then AdaIN from the style."""

    def __init__(self, inputs: int, outputs: int, style_dim: int, upsample: bool = False):
        super().__init__()
        self.upsample = upsample
        self.conv = nn.Conv2d(inputs, outputs, 3, padding=1)
        self.noise_strength = nn.Parameter(torch.zeros(1, outputs, 1, 1))
        self.style = nn.Linear(style_dim, 2 * outputs)  # a scale and a shift per channel
        nn.init.normal_(self.style.weight, std=0.5 / style_dim ** 0.5)  # spread about 0.5
        nn.init.zeros_(self.style.bias)

    def forward(self, x: torch.Tensor, w: torch.Tensor,
                generator: torch.Generator | None = None) -> torch.Tensor:
        if self.upsample:
            # Nearest-neighbour doubling, then a convolution: no uneven overlaps, so no
            # checkerboard (the transposed-convolutions chapter).
            x = F.interpolate(x, scale_factor=2, mode="nearest")
        x = self.conv(x)
        noise = torch.randn(len(x), 1, *x.shape[2:], generator=generator).to(x.device)
        x = F.leaky_relu(x + self.noise_strength * noise, 0.2)
        scale, shift = self.style(w)[:, :, None, None].chunk(2, dim=1)
        return F.instance_norm(x) * (1 + scale) + shift


class StyleGenerator(nn.Module):
    """noise ``(N, noise_dim)`` -> images ``(N, 1, 28, 28)`` in [-1, 1], style-based.

    Six styled layers (:data:`RESOLUTIONS`): two at 7 x 7 on top of the learned
    constant, two at 14 x 14, two at 28 x 28; ``width`` channels at the bottom, halved
    at each doubling. ``mixing`` is the share of training batches drawn with two styles
    (switching at a random layer), which teaches the layers not to depend on each
    other's style — what makes style mixing work afterwards. ``mapping_lr`` scales the
    mapping network's learning rate against the rest of the generator's (StyleGAN uses
    0.01): a mapping that moves as fast as the layers it feeds keeps changing what
    every style means, and the generator falls back on a few digits
    (:meth:`parameter_groups` hands the factor to the training loop).
    """

    classes = 0

    def __init__(self, noise_dim: int = 32, style_dim: int = 64, width: int = 64,
                 mixing: float = 0.5, mapping_lr: float = 1.0):
        super().__init__()
        noise_dim, style_dim = check_count(noise_dim, "noise_dim"), check_count(style_dim,
                                                                                "style_dim")
        width = check_count(width, "width", minimum=4)
        mixing = check_number(mixing, "mixing", low=0, high=1)
        mapping_lr = check_number(mapping_lr, "mapping_lr", low=0, low_open=True, high=1)
        self.noise_dim, self.style_dim, self.mixing = noise_dim, style_dim, mixing
        self.mapping_lr = mapping_lr
        self.mapping = MappingNetwork(noise_dim, style_dim)
        self.constant = nn.Parameter(torch.randn(1, width, 7, 7))
        channels = [width, width, width // 2, width // 2, width // 4, width // 4]
        inputs = [width] + channels[:-1]
        self.layers = nn.ModuleList(
            StyledLayer(a, b, style_dim, upsample=r > previous)
            for a, b, r, previous in zip(inputs, channels, RESOLUTIONS, (7,) + RESOLUTIONS))
        self.to_image = nn.Conv2d(channels[-1], 1, 1)
        self.register_buffer("w_average", torch.zeros(style_dim))

    def parameter_groups(self) -> list[dict]:
        """The parameters for the optimiser: the mapping network's in a group of its own
        whose ``lr_factor`` (:class:`genlab.frame.Steps` reads it) is ``mapping_lr``."""
        mapping = list(self.mapping.parameters())
        ids = {id(p) for p in mapping}
        return [{"params": [p for p in self.parameters() if id(p) not in ids]},
                {"params": mapping, "lr_factor": self.mapping_lr}]

    @property
    def num_layers(self) -> int:
        return len(self.layers)

    @property
    def latent_dim(self) -> int:
        return self.noise_dim

    check_noise = Generator.check_noise  # the same noise, the same error message

    def styles(self, z: torch.Tensor) -> torch.Tensor:
        """The style ``w`` ``(N, style_dim)`` of each noise vector (the mapping network)."""
        return self.mapping(self.check_noise(z))

    def synthesize(self, ws: torch.Tensor,
                   generator: torch.Generator | None = None) -> torch.Tensor:
        """Images from one style per layer, ``ws`` shaped ``(N, num_layers, style_dim)``
        (or ``(N, style_dim)``: the same style for every layer). ``generator`` seeds the
        per-pixel noise, so that the same styles can be drawn with the same details."""
        ws = check_tensor(ws, "ws")
        if ws.ndim == 2:
            ws = ws[:, None].expand(-1, self.num_layers, -1)
        if ws.ndim != 3 or ws.shape[1:] != (self.num_layers, self.style_dim) or not len(ws):
            raise ValueError(f"ws: expected styles shaped (N, {self.num_layers}, "
                             f"{self.style_dim}) or (N, {self.style_dim}), found "
                             f"{tuple(ws.shape)}")
        ws = check_device(check_finite(check_float(ws, "ws"), "ws"), "ws",
                          module_device(self))
        x = self.constant.expand(len(ws), -1, -1, -1)
        for i, layer in enumerate(self.layers):
            x = layer(x, ws[:, i], generator)
        return torch.tanh(self.to_image(x))

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        check_condition(labels, n=len(z), classes=0)
        w = self.styles(z)
        ws = w[:, None].expand(-1, self.num_layers, -1)
        if self.training:
            with torch.no_grad():
                self.w_average.lerp_(w.mean(0), 0.01)
            if self.mixing and len(z) > 1:
                # Mixing regularisation: part of the batch switches, at a random layer,
                # to the style of another noise vector.
                other = self.styles(torch.randn_like(z))
                switch = torch.randint(1, self.num_layers, (len(z), 1, 1), device=z.device)
                mixed = torch.rand(len(z), 1, 1, device=z.device) < self.mixing
                layer = torch.arange(self.num_layers, device=z.device)[None, :, None]
                ws = torch.where(mixed & (layer >= switch), other[:, None], ws)
        return self.synthesize(ws)

    def truncate(self, w: torch.Tensor, psi: float) -> torch.Tensor:
        """Pull styles towards the average style: ``w_avg + psi (w - w_avg)``.
        ``psi = 1`` leaves them alone; ``psi = 0`` draws the average digit."""
        psi = check_number(psi, "psi", low=0, high=1)
        if psi == 1:
            return w  # exactly, not up to rounding
        return self.w_average + psi * (w - self.w_average)

    @torch.no_grad()
    def mix(self, z_coarse: torch.Tensor, z_fine: torch.Tensor, crossover: int = 4,
            psi: float = 1.0, generator: torch.Generator | None = None) -> torch.Tensor:
        """Digits in [0, 1]: layers below ``crossover`` styled by ``z_coarse``, the rest
        by ``z_fine`` (one pair per row of the two noise batches)."""
        crossover = check_count(crossover, "crossover", minimum=0, maximum=self.num_layers)
        psi = check_number(psi, "psi", low=0, high=1)
        z_coarse = self.check_noise(z_coarse, "z_coarse")
        z_fine = self.check_noise(z_fine, "z_fine", n=len(z_coarse))
        coarse = self.truncate(self.styles(z_coarse), psi)
        fine = self.truncate(self.styles(z_fine), psi)
        layer = torch.arange(self.num_layers, device=coarse.device)[None, :, None]
        ws = torch.where(layer < crossover, coarse[:, None], fine[:, None])
        return to_unit_range(self.synthesize(ws, generator))

    @torch.no_grad()
    def decode(self, z: torch.Tensor, labels: torch.Tensor | None = None, *,
               psi: float = 1.0, generator: torch.Generator | None = None) -> torch.Tensor:
        """Digits in [0, 1] for noise ``z`` (styles truncated by ``psi``)."""
        z = self.check_noise(z)
        check_condition(labels, n=len(z), classes=0)
        psi = check_number(psi, "psi", low=0, high=1)
        return to_unit_range(self.synthesize(self.truncate(self.styles(z), psi), generator))

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator | None = None,
               labels: torch.Tensor | None = None, psi: float = 1.0) -> torch.Tensor:
        """``n`` new digits in [0, 1] from fresh noise (seeded by ``generator``), drawn
        in eval mode on the device the generator is on (the mode is kept)."""
        n = check_count(n, "n")
        check_condition(labels, n=n, classes=0)
        psi = check_number(psi, "psi", low=0, high=1)
        z = torch.randn(n, self.noise_dim, generator=generator).to(module_device(self))
        with evaluating(self):
            return self.decode(z, labels, psi=psi, generator=generator)
