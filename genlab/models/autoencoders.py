"""Autoencoders: a network that rebuilds its input through a bottleneck.

The encoder compresses a digit into a few numbers, the latent representation; the
decoder expands them back into an image; training compares the output with the input.
Three variants, each symmetric around its bottleneck:

* :class:`DenseAutoencoder` — fully connected layers, any bottleneck size;
* :class:`ConvAutoencoder` — convolutions down, transposed convolutions up;
* :class:`VAE` — the convolutional autoencoder made variational: the encoder outputs a
  Gaussian per digit, and a KL penalty keeps the latents close to N(0, I), so that the
  decoder alone can turn random draws from N(0, I) into digits.

Every model takes digits ``(N, 1, 28, 28)`` in ``[0, 1]`` and returns reconstructions of
the same shape and range; ``encode`` and ``decode`` expose the two halves, and
``training_loss`` is what :func:`genlab.training.fit_autoencoder` minimises.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..checks import check_choice, check_codes, check_count, check_digits, check_number
from ..frame import evaluating, module_device


class Autoencoder(nn.Module):
    """An ``encoder`` and a ``decoder`` around a ``latent_dim``-sized bottleneck.

    Subclasses build the two halves; this class checks what goes in and trains on the
    mean squared difference between each digit and its reconstruction.
    """

    latent_dim: int
    encoder: nn.Module
    decoder: nn.Module

    def check_images(self, x: torch.Tensor, name: str = "x") -> torch.Tensor:
        """Digits in [0, 1] on the model's device, as float32 (see :mod:`genlab.checks`)."""
        return check_digits(x, name, device=module_device(self))

    def check_latent(self, z: torch.Tensor, name: str = "z") -> torch.Tensor:
        """Latent codes ``(N, latent_dim)``, finite, on the model's device."""
        z = check_codes(z, name, size=self.latent_dim)
        if z.device != module_device(self):
            raise ValueError(f"{name}: expected a tensor on {module_device(self)} (where "
                             f"the model is), found one on {z.device}")
        return z

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder(self.check_images(x))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.check_latent(z))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x))

    def training_loss(self, x: torch.Tensor) -> tuple[torch.Tensor, dict[str, float]]:
        x = self.check_images(x)
        mse = F.mse_loss(self(x), x)
        return mse, {"mse": mse.item()}


class DenseAutoencoder(Autoencoder):
    """784 -> 256 -> 64 -> ``latent_dim`` -> 64 -> 256 -> 784, ReLU, sigmoid output."""

    def __init__(self, latent_dim: int = 16):
        super().__init__()
        self.latent_dim = latent_dim = check_count(latent_dim, "latent_dim")
        self.encoder = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(),
                                     nn.Linear(256, 64), nn.ReLU(), nn.Linear(64, latent_dim))
        self.decoder = nn.Sequential(nn.Linear(latent_dim, 64), nn.ReLU(),
                                     nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 784),
                                     nn.Sigmoid(), nn.Unflatten(1, (1, 28, 28)))


def conv_encoder(width: int) -> nn.Sequential:
    """28x28 -> 14x14 -> 7x7 with stride-2 convolutions; returns (N, 2*width*7*7)."""
    return nn.Sequential(
        nn.Conv2d(1, width, 4, stride=2, padding=1), nn.BatchNorm2d(width), nn.LeakyReLU(0.1),
        nn.Conv2d(width, 2 * width, 4, stride=2, padding=1), nn.BatchNorm2d(2 * width),
        nn.LeakyReLU(0.1), nn.Flatten())


def conv_decoder(latent_dim: int, width: int, kernel_size: int = 4,
                 refine: bool = True) -> nn.Sequential:
    """latent -> 7x7 -> 14x14 -> 28x28 with stride-2 transposed convolutions.

    ``kernel_size=4`` with stride 2: every output pixel receives the same number of
    kernel stamps. ``kernel_size=3`` (with ``output_padding=1``) makes the overlaps
    uneven, and the decoder paints a checkerboard it must then learn to hide.
    ``refine`` adds a 3x3 convolution after each upsampling step, which lets the
    decoder sharpen strokes; without it the decoder is the bare textbook version.
    """
    kernel_size = check_choice(check_count(kernel_size, "kernel_size"), "kernel_size", (3, 4))
    padding, extra = {4: (1, 0), 3: (1, 1)}[kernel_size]
    last = width // 2 if refine else 1
    layers = [nn.Linear(latent_dim, 2 * width * 7 * 7), nn.Unflatten(1, (2 * width, 7, 7)),
              nn.BatchNorm2d(2 * width), nn.LeakyReLU(0.1),
              nn.ConvTranspose2d(2 * width, width, kernel_size, stride=2, padding=padding,
                                 output_padding=extra),
              nn.BatchNorm2d(width), nn.LeakyReLU(0.1)]
    if refine:
        layers += [nn.Conv2d(width, width, 3, padding=1), nn.BatchNorm2d(width),
                   nn.LeakyReLU(0.1)]
    layers.append(nn.ConvTranspose2d(width, last, kernel_size, stride=2, padding=padding,
                                     output_padding=extra))
    if refine:
        layers += [nn.BatchNorm2d(last), nn.LeakyReLU(0.1), nn.Conv2d(last, 1, 3, padding=1)]
    layers.append(nn.Sigmoid())
    return nn.Sequential(*layers)


class ConvAutoencoder(Autoencoder):
    """Convolutional encoder, transposed-convolution decoder, ``latent_dim`` between."""

    def __init__(self, latent_dim: int = 16, width: int = 32, kernel_size: int = 4,
                 refine: bool = True):
        super().__init__()
        self.latent_dim = latent_dim = check_count(latent_dim, "latent_dim")
        width = check_count(width, "width", minimum=2)
        kernel_size = check_choice(kernel_size, "kernel_size", (3, 4))  # before any layer
        self.encoder = nn.Sequential(conv_encoder(width),
                                     nn.Linear(2 * width * 7 * 7, latent_dim))
        self.decoder = conv_decoder(latent_dim, width, kernel_size, refine)


class VAE(Autoencoder):
    """Variational autoencoder: the encoder gives a mean and a log-variance per latent.

    ``training_loss`` is the negative evidence lower bound per image: the reconstruction
    term (binary cross-entropy summed over pixels) plus ``beta`` times the KL divergence
    of the encoder's Gaussian from N(0, I).
    """

    def __init__(self, latent_dim: int = 16, width: int = 32, beta: float = 1.0):
        super().__init__()
        self.latent_dim = latent_dim = check_count(latent_dim, "latent_dim")
        width = check_count(width, "width", minimum=2)
        self.beta = check_number(beta, "beta", low=0)
        self.encoder = conv_encoder(width)
        self.to_mean = nn.Linear(2 * width * 7 * 7, latent_dim)
        self.to_logvar = nn.Linear(2 * width * 7 * 7, latent_dim)
        self.decoder = conv_decoder(latent_dim, width)

    def encode_distribution(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.encoder(self.check_images(x))
        return self.to_mean(h), self.to_logvar(h).clamp(-10, 10)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """The mean of each digit's latent Gaussian (what plots and interpolation use)."""
        return self.encode_distribution(x)[0]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mean, logvar = self.encode_distribution(x)
        z = mean + torch.randn_like(mean) * (0.5 * logvar).exp() if self.training else mean
        return self.decoder(z)

    def training_loss(self, x: torch.Tensor) -> tuple[torch.Tensor, dict[str, float]]:
        x = self.check_images(x)
        mean, logvar = self.encode_distribution(x)
        z = mean + torch.randn_like(mean) * (0.5 * logvar).exp()  # reparameterisation
        recon = self.decoder(z)
        bce = F.binary_cross_entropy(recon, x, reduction="sum") / len(x)
        kl = -0.5 * (1 + logvar - mean.pow(2) - logvar.exp()).sum() / len(x)
        return bce + self.beta * kl, {"mse": F.mse_loss(recon, x).item(), "kl": kl.item()}

    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """Decode ``n`` latents drawn from the prior N(0, I) (seeded by ``generator``),
        in eval mode on the model's device (the mode is kept)."""
        n = check_count(n, "n")
        z = torch.randn(n, self.latent_dim, generator=generator).to(module_device(self))
        with torch.no_grad(), evaluating(self):
            return self.decode(z)
