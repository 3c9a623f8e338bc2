"""Adversarial training: the discriminator step, the generator step, and the long loop.

One step of GAN training, as the article tells it:

1. **Discriminator step.** Show it real digits (target: "real", 1) and the generator's
   fakes (target: "fake", 0); lower its binary cross-entropy.
2. **Generator step.** Make fresh fakes and push the discriminator's score on them
   towards "real". The *saturating* loss of the original paper minimises
   ``log(1 - D(G(z)))``, whose gradient vanishes exactly when the discriminator wins;
   the *non-saturating* loss maximises ``log D(G(z))`` instead (Goodfellow et al., 2014).

:func:`train_gan` repeats that, calls ``hooks`` after every step (the live dashboard is
one), and stops with :class:`TrainingDiverged` — naming the likely cause — as soon as a
loss stops being a finite number, rather than training on garbage.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from .data import Batches
from .models.gan import to_signed_range
from .training import History

GENERATOR_LOSSES = ("non-saturating", "saturating")


class TrainingDiverged(RuntimeError):
    """A loss became NaN or infinite; the message names the likely cause."""


def discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor,
                       real_target: float = 1.0) -> torch.Tensor:
    """BCE for "real is 1, fake is 0". ``real_target=0.9`` is one-sided label smoothing."""
    return (F.binary_cross_entropy_with_logits(real_logits,
                                               torch.full_like(real_logits, real_target))
            + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))


def generator_loss(fake_logits: torch.Tensor, kind: str = "non-saturating") -> torch.Tensor:
    """The generator's loss on the discriminator's logits for its fakes."""
    if kind == "non-saturating":
        return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    if kind == "saturating":
        return -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    raise ValueError(f"unknown generator loss {kind!r}: use one of {GENERATOR_LOSSES}")


def check_finite(step: int, values: dict[str, float], lr_d: float, lr_g: float) -> None:
    bad = [name for name, value in values.items() if not math.isfinite(value)]
    if bad:
        raise TrainingDiverged(
            f"{', '.join(bad)} became {values[bad[0]]} at step {step}. Likely causes: a "
            f"learning rate too high for this model (discriminator {lr_d:g}, generator "
            f"{lr_g:g}; try 2e-4), or the saturating loss driving logits to infinity. "
            "Lower the learning rates, use the non-saturating loss, or add spectral "
            "normalisation to the discriminator.")


def train_gan(generator: nn.Module, discriminator: nn.Module, images: torch.Tensor,
              labels: torch.Tensor | None = None, *, steps: int = 1000,
              batch_size: int = 64, lr_g: float = 2e-4, lr_d: float = 2e-4,
              betas: tuple[float, float] = (0.5, 0.999), d_steps: int = 1,
              loss: str = "non-saturating", real_target: float = 1.0, seed: int = 0,
              hooks: Sequence[Callable[[int, dict[str, float]], None]] = (),
              progress: bool = True) -> History:
    """Train a GAN on ``images`` (digits in [0, 1]) for ``steps`` generator steps.

    With ``labels`` (and conditional models) every step is conditioned on real labels.
    ``d_steps`` discriminator steps precede each generator step. Each hook is called as
    ``hook(step, logs)`` with the losses and the mean of D(x) and D(G(z)). Returns the
    per-step history: ``d_loss``, ``g_loss``, ``d_real``, ``d_fake``.
    """
    if loss not in GENERATOR_LOSSES:
        raise ValueError(f"unknown generator loss {loss!r}: use one of {GENERATOR_LOSSES}")
    if not isinstance(steps, int) or steps < 1 or not isinstance(d_steps, int) or d_steps < 1:
        raise ValueError(f"steps and d_steps must be positive integers, got {steps!r} "
                         f"and {d_steps!r}")
    if images.min() < -1e-3 or images.max() > 1 + 1e-3:
        raise ValueError("expected real digits in [0, 1] (train_gan maps them to [-1, 1])")
    conditional = labels is not None
    torch.manual_seed(seed)
    tensors = (to_signed_range(images), labels) if conditional else (to_signed_range(images),)
    batches = Batches(*tensors, batch_size=batch_size, seed=seed)
    opt_g = torch.optim.Adam(generator.parameters(), lr=lr_g, betas=betas)
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=lr_d, betas=betas)
    history = History()

    def endless():
        while True:
            yield from batches

    stream = endless()
    generator.train()
    discriminator.train()
    for step in tqdm(range(1, steps + 1), desc="GAN training", unit="step",
                     disable=not progress):
        for _ in range(d_steps):
            batch = next(stream)
            real, y = batch[0], (batch[1] if conditional else None)
            z = torch.randn(len(real), generator.noise_dim)
            with torch.no_grad():
                fake = generator(z, y) if conditional else generator(z)
            real_logits = discriminator(real, y) if conditional else discriminator(real)
            fake_logits = discriminator(fake, y) if conditional else discriminator(fake)
            d_loss = discriminator_loss(real_logits, fake_logits, real_target)
            opt_d.zero_grad(set_to_none=True)
            d_loss.backward()
            opt_d.step()
        z = torch.randn(batch_size, generator.noise_dim)
        y = y if conditional else None
        fake = generator(z, y) if conditional else generator(z)
        g_logits = discriminator(fake, y) if conditional else discriminator(fake)
        g_loss = generator_loss(g_logits, loss)
        opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
        opt_g.step()
        logs = {"d_loss": d_loss.item(), "g_loss": g_loss.item(),
                "d_real": torch.sigmoid(real_logits).mean().item(),
                "d_fake": torch.sigmoid(fake_logits).mean().item()}
        check_finite(step, logs, lr_d, lr_g)
        history.append(**logs)
        for hook in hooks:
            hook(step, logs)
    generator.eval()
    discriminator.eval()
    return history
