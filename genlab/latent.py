"""Working in the latent space: encode a dataset, fit a Gaussian to it, sample from it,
decode a grid over a plane, and walk from one digit to another.

A plain autoencoder puts its codes wherever reconstruction is easiest; nothing makes
them look like N(0, I). Drawing latents from N(0, I) therefore lands mostly where no
digit was ever encoded, and the decoder has never learned what to draw there. A
Gaussian *fitted to the encoded digits* (:class:`LatentGaussian`) puts the draws back
where the data is.

Every function checks its arguments before it does any work (see :mod:`genlab.checks`),
so a bad one leaves the caller's model, its device and its mode as they were.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from .checks import (check_codes, check_count, check_digits, check_finite, check_float,
                     check_generator, check_interval, check_model, check_tensor)
from .frame import batched, on_device


# Checks genlab.checks does not have yet (the generator and the decoder are shared with
# genlab.yardstick and genlab.widgets).

def check_decoder(model: Any, name: str = "model") -> int:
    """The latent size of ``model``, a model whose ``decode(z)`` draws digits from codes
    ``(N, latent_dim)`` alone (an autoencoder, an unconditional generator)."""
    check_model(model, name, needs=("decode",))
    size = getattr(model, "latent_dim", None)
    if not isinstance(size, numbers.Integral) or size < 1:
        raise TypeError(f"{name}: expected a model with a latent_dim, found a "
                        f"{type(model).__name__} without one")
    if getattr(model, "classes", 0):
        raise ValueError(f"{name}: expected a model that decodes codes alone, found a "
                         f"conditional {type(model).__name__} (it needs labels too); call "
                         "model.decode(z, labels)")
    return int(size)


def check_vector(value: Any, name: str, size: int | None = None, *,
                  like: str = "the model's latent_dim") -> torch.Tensor:
    """One latent code ``(d,)`` (``(size,)`` when given: the same size as ``like``),
    float32 and finite."""
    z = check_tensor(value, name)
    if z.ndim != 1 or len(z) == 0 or (size is not None and len(z) != size):
        fix = "; take one code of a batch with z[0]" if z.ndim == 2 and len(z) == 1 else ""
        raise ValueError(f"{name}: expected one code shaped ({size or 'd'},)"
                         + (f", the same size as {like}" if size else "")
                         + f", found {tuple(z.shape)}{fix}")
    return check_finite(check_float(z, name, what="latent codes"), name)


def _check_latent_set(latents: Any, name: str = "latents") -> torch.Tensor:
    """Codes ``(N, d)`` of any size ``d >= 1``, float32 and finite."""
    z = check_tensor(latents, name)
    if z.ndim != 2 or z.shape[1] == 0:
        raise ValueError(f"{name}: expected latent codes shaped (N, d), found "
                         f"{tuple(z.shape)}")
    return check_codes(z, name, size=z.shape[1])


def encode(model: nn.Module, images: torch.Tensor, batch_size: int = 500) -> torch.Tensor:
    """Latent codes ``(N, latent_dim)`` of ``images`` (for a VAE: the means), computed
    in eval mode on :func:`~genlab.runtime.pick_device`; the model's mode is kept."""
    check_model(model, "model", needs=("encode",))
    images = check_digits(images, "images")  # any device: each slice goes to the model
    batch_size = check_count(batch_size, "batch_size")
    with on_device(model):
        return batched(model.encode, model, images, batch_size=batch_size)


def decode(model: nn.Module, latents: torch.Tensor, batch_size: int = 500) -> torch.Tensor:
    """Images ``(N, 1, 28, 28)`` decoded from ``latents`` (as :func:`encode` runs)."""
    size = check_decoder(model)
    latents = check_codes(latents, "latents", size=size)
    batch_size = check_count(batch_size, "batch_size")
    with on_device(model):
        return batched(model.decode, model, latents, batch_size=batch_size)


@dataclass
class LatentGaussian:
    """A Gaussian N(mean, covariance) fitted to encoded data: ``mean`` ``(d,)`` and a
    symmetric positive-definite ``covariance`` ``(d, d)``, both checked."""

    mean: torch.Tensor
    covariance: torch.Tensor
    _factor: torch.Tensor = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        self.mean = check_vector(self.mean, "mean")
        d = len(self.mean)
        covariance = check_tensor(self.covariance, "covariance")
        if tuple(covariance.shape) != (d, d):
            raise ValueError(f"covariance: expected a ({d}, {d}) matrix (the mean has {d} "
                             f"numbers), found {tuple(covariance.shape)}")
        covariance = check_finite(check_float(covariance, "covariance"), "covariance")
        factor, info = torch.linalg.cholesky_ex(covariance)  # once, for every sample
        if info.item() or not torch.allclose(covariance, covariance.T, atol=1e-6,
                                             rtol=1e-4):
            raise ValueError("covariance: expected a symmetric positive-definite matrix, "
                             "found one that is not; fit one with LatentGaussian.fit")
        self.covariance, self._factor = covariance, factor

    @classmethod
    def fit(cls, latents: torch.Tensor) -> LatentGaussian:
        """The Gaussian of ``latents`` ``(N, d)``: their mean and covariance (which
        needs more codes than dimensions)."""
        latents = _check_latent_set(latents)
        n, d = latents.shape
        if n <= d:
            raise ValueError(f"latents: expected more points than dimensions (at least "
                             f"{d + 1} codes of size {d}) to fit a covariance, found {n}")
        covariance = torch.cov(latents.T.double()).float()
        covariance += 1e-5 * torch.eye(len(covariance))  # keep it positive definite
        return cls(latents.mean(0), covariance)

    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """``n`` codes ``(n, d)`` drawn from the Gaussian (seeded by ``generator``)."""
        n = check_count(n, "n")
        generator = check_generator(generator)
        noise = torch.randn(n, len(self.mean), generator=generator)
        return self.mean + noise @ self._factor.T


def principal_directions(latents: torch.Tensor, k: int = 2) -> tuple[torch.Tensor,
                                                                   torch.Tensor]:
    """The ``k`` leading principal directions ``(k, d)`` of the latents and the
    standard deviation of the data along each: the axes a slider should move along.
    ``k`` runs from 1 to the latent size ``d``; it takes more than ``k`` codes."""
    latents = _check_latent_set(latents)
    k = check_count(k, "k", maximum=latents.shape[1])
    if len(latents) <= k:
        raise ValueError(f"latents: expected more codes than the k={k} directions asked "
                         f"for, found {len(latents)}")
    centred = latents - latents.mean(0)
    _, singular, directions = torch.linalg.svd(centred, full_matrices=False)
    return directions[:k], singular[:k] / (len(latents) - 1) ** 0.5


def plane_grid(x_range: tuple[float, float], y_range: tuple[float, float],
               steps: int = 15) -> torch.Tensor:
    """Points ``(steps * steps, 2)`` on a grid, row by row from the top (high y) down,
    so that decoding them and laying the images out row by row matches a plot. Each
    range is ``(low, high)`` with ``low < high``; ``steps`` (at least 2) per axis."""
    x_low, x_high = check_interval(x_range, "x_range")
    y_low, y_high = check_interval(y_range, "y_range")
    steps = check_count(steps, "steps", minimum=2)
    xs = torch.linspace(x_low, x_high, steps)
    ys = torch.linspace(y_low, y_high, steps).flip(0)
    return torch.cartesian_prod(ys, xs).flip(1)


def interpolate(z_start: torch.Tensor, z_end: torch.Tensor, steps: int = 8) -> torch.Tensor:
    """``steps`` latents (at least 2: both ends) on the straight line from ``z_start``
    to ``z_end``, two codes of the same size."""
    z_start = check_vector(z_start, "z_start")
    z_end = check_vector(z_end, "z_end", size=len(z_start), like="z_start")
    if z_end.device != z_start.device:
        raise ValueError(f"z_end: expected a tensor on {z_start.device} (where z_start "
                         f"is), found one on {z_end.device}")
    steps = check_count(steps, "steps", minimum=2)
    t = torch.linspace(0, 1, steps, device=z_start.device)[:, None]
    return (1 - t) * z_start + t * z_end
