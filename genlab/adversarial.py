"""Adversarial training: the discriminator step, the generator step, and the long loop.

One step of GAN training, as the article tells it:

1. **Discriminator step.** Show it real digits (target: "real", 1) and the generator's
   fakes (target: "fake", 0); lower its binary cross-entropy.
2. **Generator step.** Make fresh fakes and push the discriminator's score on them
   towards "real". The *saturating* loss of the original paper minimises
   ``log(1 - D(G(z)))``, whose gradient vanishes exactly when the discriminator wins;
   the *non-saturating* loss maximises ``log D(G(z))`` instead (Goodfellow et al., 2014).

``loss="wasserstein"`` swaps both losses for those of a Wasserstein GAN with gradient
penalty (Gulrajani et al., 2017): the discriminator becomes a *critic* whose score is
an unbounded real number, not a probability. It lowers ``mean C(fake) - mean C(real)``
plus ``gp_weight`` times :func:`gradient_penalty`; the generator lowers
``-mean C(fake)``.

:func:`train_gan` repeats that, calls ``hooks`` after every step (the live dashboard is
one), and stops with :class:`TrainingDiverged` — naming the likely cause — as soon as a
loss stops being a finite number, rather than training on garbage.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from .checks import (SIGNED, check_choice, check_condition, check_count, check_digits,
                     check_flag, check_float, check_function, check_generator, check_model,
                     check_number, check_tensor, summary)
from .data import Batches
from .frame import (Budget, History, Steps, TrainingDiverged, check_losses, endless,
                    module_device, on_device)
from .language import N_
from .models.gan import to_signed_range

__all__ = ["GENERATOR_LOSSES", "TrainingDiverged", "discriminator_loss", "generator_loss",
           "critic_loss", "gradient_penalty", "shift_images", "AveragedGenerator",
           "train_gan"]

GENERATOR_LOSSES = ("non-saturating", "saturating", "wasserstein")
"""The kinds of loss :func:`train_gan` knows (its ``loss``), the one list of them. The
first two are the generator's half of the usual GAN (the discriminator's half is the
same binary cross-entropy for both); ``"wasserstein"`` changes both halves."""


def discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor,
                       real_target: float = 1.0) -> torch.Tensor:
    """BCE for "real is 1, fake is 0". ``real_target=0.9`` is one-sided label smoothing.

    Non-finite logits are let through: the loss is then not a number, which the
    training loop reports with its likely cause."""
    real_logits = _check_logits(real_logits, "real_logits")
    fake_logits = _check_logits(fake_logits, "fake_logits")
    real_target = check_number(real_target, "real_target", low=0, high=1, low_open=True)
    return _discriminator_loss(real_logits, fake_logits, real_target)


def _discriminator_loss(real_logits, fake_logits, real_target):
    return (F.binary_cross_entropy_with_logits(real_logits,
                                               torch.full_like(real_logits, real_target))
            + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))


def generator_loss(fake_logits: torch.Tensor, kind: str = "non-saturating") -> torch.Tensor:
    """The generator's loss on the discriminator's logits for its fakes (for
    ``kind="wasserstein"``, on the critic's scores: ``-mean C(G(z))``)."""
    fake_logits = _check_logits(fake_logits, "fake_logits")
    return _generator_loss(fake_logits, check_choice(kind, "kind", GENERATOR_LOSSES))


def _generator_loss(fake_logits, kind):
    if kind == "non-saturating":
        return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    if kind == "wasserstein":
        return -fake_logits.mean()
    return -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))


def critic_loss(real_scores: torch.Tensor, fake_scores: torch.Tensor) -> torch.Tensor:
    """A Wasserstein critic's loss without its penalty: ``mean C(fake) - mean C(real)``.

    Its negative is the critic's estimate of how far apart the two sets of images are
    (the earth mover's distance, if the critic is 1-Lipschitz). The scores are real
    numbers of any size, not probabilities: no sigmoid, nothing to saturate."""
    real_scores = _check_logits(real_scores, "real_scores")
    fake_scores = _check_logits(fake_scores, "fake_scores")
    return fake_scores.mean() - real_scores.mean()


def gradient_penalty(critic: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                     labels: torch.Tensor | None = None,
                     generator: torch.Generator | None = None) -> torch.Tensor:
    """The gradient penalty of WGAN-GP (Gulrajani et al., 2017):
    ``mean((||grad_x C(x_hat)||_2 - 1)^2)`` at ``x_hat = eps * real + (1 - eps) * fake``,
    one ``eps ~ U[0, 1]`` per image (drawn with ``generator`` when given).

    It asks the critic for gradients of norm 1 on the points between real digits and
    fakes — where the Kantorovich-Rubinstein duality needs a 1-Lipschitz critic — and
    replaces the first WGAN's weight clipping. ``real`` and ``fake`` are digits in
    [-1, 1] of the same shape; ``labels`` go to a conditional critic with every point.
    Differentiable with respect to the critic's weights (``fake`` is detached)."""
    check_model(critic, "critic")
    real = check_digits(real, "real", value_range=SIGNED)
    fake = check_digits(fake, "fake", value_range=SIGNED)
    if real.shape != fake.shape:
        raise ValueError(f"fake: expected the shape of real, {tuple(real.shape)}, found "
                         f"{tuple(fake.shape)}")
    classes = getattr(critic, "classes", 0)
    labels = check_condition(labels, n=len(real), classes=classes)
    check_generator(generator)
    device = module_device(critic)
    real, fake = real.to(device), fake.to(device)
    if labels is None:
        return _gradient_penalty(critic, real, fake, generator)
    labels = labels.to(device)
    return _gradient_penalty(lambda x: critic(x, labels), real, fake, generator)


def _gradient_penalty(critic, real, fake, generator=None):
    """:func:`gradient_penalty` without the checks; ``critic`` maps images to scores."""
    eps = torch.rand(len(real), 1, 1, 1, generator=generator).to(real.device)
    between = (eps * real.detach() + (1 - eps) * fake.detach()).requires_grad_(True)
    grad, = torch.autograd.grad(critic(between).sum(), between, create_graph=True)
    return ((grad.flatten(1).norm(dim=1) - 1) ** 2).mean()


def _check_logits(logits: Any, name: str) -> torch.Tensor:
    """A discriminator's scores: a non-empty float tensor (one per image)."""
    logits = check_float(check_tensor(logits, name), name, what="logits")
    if logits.numel() == 0:
        raise ValueError(f"{name}: expected at least one logit, found an empty tensor")
    return logits


def shift_images(images: torch.Tensor, max_shift: int, generator: torch.Generator
                 ) -> torch.Tensor:
    """Move each image by a random whole number of pixels (up to ``max_shift`` each way),
    filling with background. Differentiable, so the generator learns through it.

    Shown to the discriminator for real and fake images alike, it keeps a
    discriminator trained on only 4,000 digits from memorising them (the translation
    part of DiffAugment, Zhao et al., 2020): a memorising discriminator stops telling
    the generator anything useful. ``images`` are in [-1, 1], as a GAN draws them.
    """
    images = check_digits(images, "images", value_range=SIGNED)
    max_shift = check_count(max_shift, "max_shift", minimum=0, maximum=27)
    check_generator(generator, optional=False)
    return _shift(images, max_shift, generator)


def _shift(images, max_shift, generator):
    """:func:`shift_images` without the checks, for every step of training."""
    n, _, h, w = images.shape
    padded = F.pad(images, [max_shift] * 4, value=-1.0)  # -1 is background in [-1, 1]
    dy, dx = torch.randint(0, 2 * max_shift + 1, (2, n, 1, 1),
                           generator=generator).to(images.device)
    rows = (torch.arange(h, device=images.device).view(1, h, 1) + dy).expand(n, h, w)
    cols = (torch.arange(w, device=images.device).view(1, 1, w) + dx).expand(n, h, w)
    flat = (rows * (w + 2 * max_shift) + cols).view(n, 1, h * w)
    return padded.flatten(2).gather(2, flat).view(n, 1, h, w)


class AveragedGenerator:
    """A hook that keeps an exponential moving average of the generator's weights.

    ``average = AveragedGenerator(generator)``, then ``train_gan(..., hooks=[average])``;
    ``average.model`` is the averaged copy. Late in training the generator's weights
    jitter from step to step as it chases the discriminator; their running average
    sits near the centre of that jitter and draws cleaner digits (Karras et al., 2018;
    Yazıcı et al., 2019). Batch-norm statistics are copied, not averaged.
    """

    def __init__(self, generator: nn.Module, decay: float = 0.999):
        check_model(generator, "generator")
        decay = check_number(decay, "decay", low=0, high=1, low_open=True, high_open=True)
        self.generator, self.decay = generator, decay
        self._average = copy.deepcopy(generator).eval()
        for parameter in self._average.parameters():
            parameter.requires_grad_(False)

    @property
    def model(self) -> nn.Module:
        """The averaged generator, on the device the generator is on now."""
        return self._average.to(module_device(self.generator))

    @torch.no_grad()
    def __call__(self, step: int, logs: dict[str, float]) -> None:
        average_model = self.model  # where the generator trains (a GPU, say)
        # Early on, a plain mean of the weights so far; later, the exponential average.
        decay = min(self.decay, step / (step + 1))
        for average, current in zip(average_model.parameters(),
                                    self.generator.parameters()):
            average.lerp_(current, 1 - decay)
        for average, current in zip(average_model.buffers(), self.generator.buffers()):
            average.copy_(current)


def train_gan(generator: nn.Module, discriminator: nn.Module, images: torch.Tensor,
              labels: torch.Tensor | None = None, *, steps: int | None = 1000,
              seconds: float | None = None, batch_size: int = 64, lr_g: float = 2e-4,
              lr_d: float = 2e-4, betas: tuple[float, float] = (0.5, 0.999),
              d_steps: int = 1, g_steps: int = 1, loss: str = "non-saturating",
              real_target: float = 1.0, gp_weight: float = 10.0, augment: int = 0,
              cooldown: float = 0.0,
              mismatched: bool = True, seed: int = 0,
              hooks: Sequence[Callable[[int, dict[str, float]], None]] = (),
              progress: bool = True) -> History:
    """Train a GAN on ``images`` (digits in [0, 1]) for ``steps`` generator steps, or
    for ``seconds`` of wall time (whichever ends first; give at least one).

    With ``labels`` (and conditional models) every step is conditioned on real labels,
    and (unless ``mismatched=False``) the discriminator also learns to reject real
    digits paired with a wrong label (the "matching-aware" discriminator of Reed et
    al., 2016).
    Each step makes ``d_steps`` discriminator updates, then ``g_steps`` generator
    updates (one each by default). ``augment=k`` shows
    the discriminator every image shifted by up to ``k`` pixels (:func:`shift_images`).
    ``cooldown=0.3`` lowers both learning rates linearly to zero over the last 30% of
    training (of the steps, or of the seconds, whichever runs out first), so the
    players settle instead of stopping mid-chase.
    ``loss="wasserstein"`` trains the discriminator as a Wasserstein critic with
    gradient penalty (weighted by ``gp_weight``, used by this loss only): it must have
    no batch normalisation (``Discriminator(..., batch_norm=False)``), since the penalty
    is per image; label smoothing (``real_target``) has no meaning for its scores and
    must stay 1; with labels it needs ``mismatched=False``. WGAN-GP's paper uses
    ``betas=(0.0, 0.9)`` and ``d_steps=5``.
    Each hook is called as ``hook(step, logs)`` after every generator step, with the
    losses, the means of D(x) and D(G(z)), and the size of the generator's gradient.
    Returns the per-step history: ``d_loss``, ``g_loss``, ``g_grad``, ``d_real``,
    ``d_fake``, ``seconds``. ``d_real`` and ``d_fake`` are mean probabilities, or for
    ``loss="wasserstein"`` the critic's mean scores (any real numbers; their gap
    ``d_real - d_fake`` is its estimate of the distance between real and fake).
    """
    check_gan_generator(generator)
    check_model(discriminator, "discriminator")
    images = check_digits(images, "images")  # in [0, 1]: mapped to [-1, 1] here
    labels = _check_gan_labels(labels, generator, discriminator, len(images))
    budget = Budget(steps, seconds, cooldown)
    # checked and converted, in the order given
    (batch_size, lr_g, lr_d, betas, d_steps, g_steps, loss, real_target, gp_weight,
     augment, seed) = check_gan_settings(
        batch_size=batch_size, lr_g=lr_g, lr_d=lr_d, betas=betas, d_steps=d_steps,
        g_steps=g_steps, loss=loss, real_target=real_target, gp_weight=gp_weight,
        augment=augment, seed=seed).values()
    mismatched = check_flag(mismatched, "mismatched")
    progress = check_flag(progress, "progress")
    hooks = check_hooks(hooks)
    conditional = labels is not None
    wasserstein = loss == "wasserstein"
    if wasserstein:
        _check_critic(discriminator)
        if conditional and mismatched:
            raise ValueError("mismatched: expected False with loss='wasserstein' and labels, "
                             "found True: a critic's score on a real digit with a wrong "
                             "label has no lower bound (the penalty only looks between "
                             "real digits and fakes), so it would run off to minus "
                             "infinity; pass mismatched=False")
    batches = Batches(to_signed_range(images), *([labels] if conditional else []),
                      batch_size=batch_size, seed=seed)
    advice = (f"Likely causes: a learning rate too high for this model (discriminator "
              f"{lr_d:g}, generator {lr_g:g}; try 2e-4), or the saturating loss driving "
              "logits to infinity. Lower the learning rates, use the non-saturating loss, "
              "or add spectral normalisation to the discriminator.") if not wasserstein else (
              f"Likely causes: a learning rate too high for this critic (critic {lr_d:g}, "
              f"generator {lr_g:g}; try 1e-4), or a gradient penalty too weak to keep its "
              f"scores in bounds (gp_weight={gp_weight:g}; try 10). Lower the learning "
              "rates or raise gp_weight.")
    torch.manual_seed(seed)
    shifts = torch.Generator().manual_seed(seed + 1)
    history = History()
    with on_device(generator, discriminator) as device:
        batches.tensors = tuple(t.to(device) for t in batches.tensors)
        stream = endless(batches)
        # a generator may ask for parts of it to learn slower (the style-based one does)
        groups = (generator.parameter_groups() if hasattr(generator, "parameter_groups")
                  else generator.parameters())
        opt_g = torch.optim.Adam(groups, lr=lr_g, betas=betas)
        opt_d = torch.optim.Adam(discriminator.parameters(), lr=lr_d, betas=betas)

        def judge(x, y):
            if augment:
                x = _shift(x, augment, shifts)
            return discriminator(x, y) if conditional else discriminator(x)

        def generate(n, y):
            z = torch.randn(n, generator.noise_dim, device=device)
            return generator(z, y) if conditional else generator(z)

        # D(x) as a probability; a critic's scores as they are
        verdict = (lambda scores: scores.detach()) if wasserstein else torch.sigmoid
        generator.train()
        discriminator.train()
        steps = Steps(budget, [(opt_g, lr_g), (opt_d, lr_d)], desc=N_("GAN training"),
                      progress=progress)
        for step in steps:
            for i in range(d_steps):
                real, *rest = next(stream)
                y = rest[0] if conditional else None
                # The last batch of fakes is kept, graph and all, for the generator's
                # first update: one generator pass per step instead of two (as the DCGAN
                # tutorial does). The discriminator learns from it detached.
                with torch.set_grad_enabled(i == d_steps - 1):
                    fake = generate(len(real), y)
                real_logits, fake_logits = judge(real, y), judge(fake.detach(), y)
                if wasserstein:
                    # The critic's loss: fakes down, real digits up, and gradients of
                    # norm 1 between them (judged as the critic judges, shifts and all).
                    d_loss = (fake_logits.mean() - real_logits.mean() + gp_weight
                              * _gradient_penalty(lambda x: judge(x, y), real, fake))
                else:
                    d_loss = _discriminator_loss(real_logits, fake_logits, real_target)
                if conditional and mismatched:
                    # Real digits with a wrong label count as fakes too, so the
                    # discriminator must check the label from the first step on.
                    offset = torch.randint(1, generator.classes, y.shape, generator=shifts)
                    wrong = (y + offset.to(device)) % generator.classes
                    wrong_logits = judge(real, wrong)
                    d_loss = d_loss + F.binary_cross_entropy_with_logits(
                        wrong_logits, torch.zeros_like(wrong_logits))
                opt_d.zero_grad(set_to_none=True)
                d_loss.backward()
                opt_d.step()
            for j in range(g_steps):
                if j:
                    fake = generate(len(real), y)
                g_loss = _generator_loss(judge(fake, y), loss)
                opt_g.zero_grad(set_to_none=True)
                g_loss.backward()
                g_grad = torch.linalg.vector_norm(torch.stack(
                    [p.grad.norm() for p in generator.parameters() if p.grad is not None]))
                opt_g.step()
            logs = {"d_loss": d_loss.item(), "g_loss": g_loss.item(),
                    "g_grad": g_grad.item(),
                    "d_real": verdict(real_logits).mean().item(),
                    "d_fake": verdict(fake_logits).mean().item()}
            check_losses(step, logs, advice)
            history.append(**logs, seconds=steps.elapsed)
            for hook in hooks:
                hook(step, logs)
        generator.eval()
        discriminator.eval()
    return history


# ------------------------------------------------------------------------------ checks

def _check_betas(betas: Any, name: str = "betas") -> tuple[float, float]:
    """Adam's two decay rates, each in [0, 1)."""
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"{name}: expected a pair of numbers in [0, 1), e.g. (0.5, 0.999), "
                        f"found {summary(betas)}")
    return tuple(check_number(b, f"{name}[{i}]", low=0, high=1, high_open=True)
                 for i, b in enumerate(betas))


_KNOBS = {
    "steps": lambda v, name: check_count(v, name),
    "batch_size": lambda v, name: check_count(v, name),
    "lr_g": lambda v, name: check_number(v, name, low=0, low_open=True),
    "lr_d": lambda v, name: check_number(v, name, low=0, low_open=True),
    "betas": _check_betas,
    "d_steps": lambda v, name: check_count(v, name),
    "g_steps": lambda v, name: check_count(v, name),
    "loss": lambda v, name: check_choice(v, name, GENERATOR_LOSSES),
    "real_target": lambda v, name: check_number(v, name, low=0, high=1, low_open=True),
    "gp_weight": lambda v, name: check_number(v, name, low=0),
    "augment": lambda v, name: check_count(v, name, minimum=0, maximum=27),
    "seed": lambda v, name: check_count(v, name, minimum=0),
}


def check_gan_settings(**knobs: Any) -> dict[str, Any]:
    """The knobs of :func:`train_gan` given, checked and converted (NumPy numbers to
    Python ones): the one place for them, shared with
    :class:`genlab.experiments.GanConfig`. Label smoothing with the Wasserstein loss is
    refused: ``real_target`` is a probability, and a critic's score is none."""
    knobs = {name: _KNOBS[name](value, name) for name, value in knobs.items()}
    if knobs.get("loss") == "wasserstein" and knobs.get("real_target", 1.0) != 1.0:
        raise ValueError(f"real_target: expected 1.0 with loss='wasserstein', found "
                         f"{knobs['real_target']:g}: label smoothing sets the probability "
                         "a discriminator should give real digits, and a Wasserstein "
                         "critic's score is not a probability")
    return knobs


def _check_critic(critic: nn.Module, name: str = "discriminator") -> None:
    """A Wasserstein critic judges each image alone: no batch normalisation."""
    if any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in critic.modules()):
        raise ValueError(f"{name}: expected a critic without batch normalisation for "
                         "loss='wasserstein' (Discriminator(..., batch_norm=False)), found "
                         "a BatchNorm layer: the gradient penalty is taken image by image, "
                         "and batch normalisation mixes the images of a batch")


def check_gan_generator(generator: Any, name: str = "generator") -> nn.Module:
    """A model that draws digits from noise ``(N, generator.noise_dim)``."""
    check_model(generator, name)
    if not isinstance(getattr(generator, "noise_dim", None), int):
        raise TypeError(f"{name}: expected a generator with a noise_dim (a "
                        f"genlab.models.gan.Generator, say), found a "
                        f"{type(generator).__name__} without one")
    return generator


def check_hooks(hooks: Any) -> tuple[Callable, ...]:
    """A list (or tuple) of functions ``hook(step, logs)``."""
    if callable(hooks) or not isinstance(hooks, (list, tuple)):
        fix = "; put it in a list: hooks=[...]" if callable(hooks) else ""
        raise TypeError(f"hooks: expected a list of functions, e.g. hooks=[dashboard], "
                        f"found {summary(hooks)}{fix}")
    return tuple(check_function(hook, f"hooks[{i}]") for i, hook in enumerate(hooks))


def _check_gan_labels(labels: Any, generator: nn.Module, discriminator: nn.Module,
                      n: int) -> torch.Tensor | None:
    """``labels`` for ``n`` digits exactly when the two players are conditional."""
    classes = getattr(generator, "classes", 0)
    if getattr(discriminator, "classes", 0) != classes:
        raise ValueError(f"discriminator: expected classes={classes}, as the generator's, "
                         f"found classes={getattr(discriminator, 'classes', 0)}")
    return check_condition(labels, n=n, classes=classes)
