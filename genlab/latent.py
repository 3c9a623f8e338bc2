"""Working in the latent space: encode a dataset, fit a Gaussian to it, sample from it,
decode a grid over a plane, and walk from one digit to another.

A plain autoencoder puts its codes wherever reconstruction is easiest; nothing makes
them look like N(0, I). Drawing latents from N(0, I) therefore lands mostly where no
digit was ever encoded, and the decoder has never learned what to draw there. A
Gaussian *fitted to the encoded digits* (:class:`LatentGaussian`) puts the draws back
where the data is.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .frame import batched, on_device


def encode(model: nn.Module, images: torch.Tensor, batch_size: int = 500) -> torch.Tensor:
    """Latent codes ``(N, latent_dim)`` of ``images`` (for a VAE: the means), computed
    in eval mode on :func:`~genlab.runtime.pick_device`; the model's mode is kept."""
    with on_device(model):
        return batched(model.encode, model, images, batch_size=batch_size)


def decode(model: nn.Module, latents: torch.Tensor, batch_size: int = 500) -> torch.Tensor:
    """Images ``(N, 1, 28, 28)`` decoded from ``latents`` (as :func:`encode` runs)."""
    with on_device(model):
        return batched(model.decode, model, latents, batch_size=batch_size)


@dataclass
class LatentGaussian:
    """A Gaussian N(mean, covariance) fitted to encoded data."""

    mean: torch.Tensor
    covariance: torch.Tensor

    @classmethod
    def fit(cls, latents: torch.Tensor) -> LatentGaussian:
        if latents.ndim != 2 or len(latents) <= latents.shape[1]:
            raise ValueError("need latents shaped (N, d) with more points than "
                             f"dimensions, got {tuple(latents.shape)}")
        covariance = torch.cov(latents.T.double()).float()
        covariance += 1e-5 * torch.eye(len(covariance))  # keep it positive definite
        return cls(latents.mean(0), covariance)

    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        noise = torch.randn(n, len(self.mean), generator=generator)
        return self.mean + noise @ torch.linalg.cholesky(self.covariance).T


def principal_directions(latents: torch.Tensor, k: int = 2) -> tuple[torch.Tensor,
                                                                   torch.Tensor]:
    """The ``k`` leading principal directions ``(k, d)`` of the latents and the
    standard deviation of the data along each: the axes a slider should move along."""
    centred = latents - latents.mean(0)
    _, singular, directions = torch.linalg.svd(centred, full_matrices=False)
    return directions[:k], singular[:k] / (len(latents) - 1) ** 0.5


def plane_grid(x_range: tuple[float, float], y_range: tuple[float, float],
               steps: int = 15) -> torch.Tensor:
    """Points ``(steps * steps, 2)`` on a grid, row by row from the top (high y) down,
    so that decoding them and laying the images out row by row matches a plot."""
    xs = torch.linspace(*x_range, steps)
    ys = torch.linspace(*y_range, steps).flip(0)
    return torch.cartesian_prod(ys, xs).flip(1)


def interpolate(z_start: torch.Tensor, z_end: torch.Tensor, steps: int = 8) -> torch.Tensor:
    """``steps`` latents on the straight line from ``z_start`` to ``z_end``."""
    if z_start.shape != z_end.shape or z_start.ndim != 1:
        raise ValueError(f"expected two latent vectors of the same size, got "
                         f"{tuple(z_start.shape)} and {tuple(z_end.shape)}")
    t = torch.linspace(0, 1, steps)[:, None]
    return (1 - t) * z_start + t * z_end
