"""Diffusion, in its flow-matching form: blur a digit into noise, learn to walk back.

The **forward process** takes a digit ``x0`` (in [-1, 1]) and a noise image ``e`` and
mixes them: ``x_t = (1 - t) x0 + t e``. At ``t = 0`` it is the digit, at ``t = 1`` pure
noise; in between, a digit sinking into noise. Nothing is learned there.

The **reverse process** is learned. A network (:class:`~genlab.models.unet.DenoisingUNet`)
is shown ``x_t`` and ``t`` and asked for the *velocity* ``e - x0``: the direction from
the digit towards its noise. Averaged over all digits that could have made ``x_t``, that
direction is a field that carries noise to digits when followed backwards. Sampling
starts from fresh noise at ``t = 1`` and takes small steps against the predicted
velocity down to ``t = 0`` (Euler's method): more steps follow the field more closely,
fewer are faster.

A denoiser that is also told the digit's label (``classes=10``) is trained with the label
hidden for some of the digits (``label_dropout``), so that it learns both to draw a
given digit and to draw without being told. Sampling can then *guide*: move along
``v_none + w (v_label - v_none)``, the unlabelled velocity pushed ``w`` times as far
towards the labelled one. ``w = 1`` is the plain labelled model, ``w = 0`` the
unlabelled one, ``w > 1`` exaggerates what makes a digit that digit: surer digits, less
variety (classifier-free guidance; Ho & Salimans, 2022).

This is *flow matching* with straight paths (Lipman et al., 2023; Liu et al., 2023)
rather than DDPM (Ho et al., 2020). The two are close relatives: both add Gaussian
noise in a fixed forward process and train a network by plain mean-squared error to
undo it; DDPM's network predicts the noise ``e`` on a 1,000-step variance-preserving
schedule and samples with as many small random steps. Straight paths let a sampler take
10-50 deterministic steps instead, which matters on a CPU, and the whole method fits on
a page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

from .checks import (SIGNED, check_count, check_digits, check_flag, check_generator,
                     check_labels, check_model, check_number, summary)
from .data import Batches
from .frame import (Budget, History, Steps, check_losses, endless, evaluating,
                    module_device, on_device)
from .language import N_
from .models.gan import to_signed_range, to_unit_range
from .models.unet import check_noise_levels

#: The guidance scale the book draws with: at 180 s of training its Fréchet distance
#: is half that of ``w = 1`` and close to the best measured, with more variety than
#: ``w = 2`` (``benchmarks/README.md``); it costs two network passes per step.
GUIDANCE = 1.5


def add_noise(x0: torch.Tensor, noise: torch.Tensor, t) -> torch.Tensor:
    """The forward process: ``(1 - t) x0 + t noise`` for each image's level ``t``:
    digits ``x0`` in [-1, 1], noise of the same shape, ``t`` in [0, 1] (one number for
    all, or one per image)."""
    x0 = check_digits(x0, "x0", value_range=SIGNED)
    noise = check_digits(noise, "noise", value_range=None, n=len(x0))
    return _add_noise(x0, noise, check_noise_levels(t, len(x0)))


def _add_noise(x0, noise, t):
    """:func:`add_noise` without the checks, for every step of training."""
    t = t[:, None, None, None]
    return (1 - t) * x0 + t * noise


def noise_levels(n: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """Training noise levels: logit-normal, so middling levels come up most often — the
    very clean and the very noisy images teach the least (Esser et al., 2024)."""
    n = check_count(n, "n")
    return torch.sigmoid(torch.randn(n, generator=check_generator(generator)))


def _levels(n, generator):
    """:func:`noise_levels` without the checks."""
    return torch.sigmoid(torch.randn(n, generator=generator))


def velocity_loss(model: nn.Module, x0: torch.Tensor,
                  generator: torch.Generator | None = None,
                  labels: torch.Tensor | None = None) -> torch.Tensor:
    """One training signal: noise some digits ``x0`` (in [-1, 1]), ask for
    ``noise - x0``, score by MSE. ``labels`` (``-1``: hidden) go to a conditional
    denoiser."""
    check_model(model, "model")
    x0 = check_digits(x0, "x0", value_range=SIGNED)
    generator = check_generator(generator)
    labels = _check_denoiser_labels(labels, model, len(x0))
    return _velocity_loss(model, x0, generator, labels)


def _velocity_loss(model, x0, generator, labels):
    """:func:`velocity_loss` without the checks, for every step of training."""
    noise = torch.randn(x0.shape, generator=generator).to(x0.device)
    t = _levels(len(x0), generator).to(x0.device)
    noisy = _add_noise(x0, noise, t)
    predicted = model(noisy, t) if labels is None else model(noisy, t, labels)
    return F.mse_loss(predicted, noise - x0)


def hide_labels(labels: torch.Tensor, share: float,
                generator: torch.Generator | None = None) -> torch.Tensor:
    """``labels`` with about ``share`` of them replaced by ``-1`` (no label)."""
    labels = check_labels(labels, "labels", missing=True)
    share = check_number(share, "share", low=0, high=1)
    return _hide(labels, share, check_generator(generator))


def _hide(labels, share, generator):
    """:func:`hide_labels` without the checks, for every step of training."""
    hidden = (torch.rand(len(labels), generator=generator) < share).to(labels.device)
    return labels.masked_fill(hidden, -1)


def train_diffusion(model: nn.Module, images: torch.Tensor,
                    labels: torch.Tensor | None = None, *, steps: int | None = 3000,
                    seconds: float | None = None, batch_size: int = 64, lr: float = 2e-3,
                    ema_decay: float = 0.995, cooldown: float = 0.3,
                    label_dropout: float = 0.15, seed: int = 0,
                    progress: bool = True) -> tuple[nn.Module, History]:
    """Train the denoiser on ``images`` (digits in [0, 1]) for ``steps`` steps or
    ``seconds`` of wall time, whichever ends first.

    A conditional denoiser (``model.classes > 0``) needs the digits' ``labels``; each
    is hidden with probability ``label_dropout``, so the same network also learns to
    denoise without a label (what guidance needs).

    Adam, with the learning rate lowered linearly to zero over the last ``cooldown``
    share of training. Returns ``(averaged, history)``: ``averaged`` is an exponential
    moving average of the weights (decay ``ema_decay``), which samples cleaner digits
    than the last weights, whose step-to-step noise shows in every sample.
    """
    check_model(model, "model")
    images = check_digits(images, "images")  # in [0, 1]: mapped to [-1, 1] here
    classes = getattr(model, "classes", 0)
    if classes and labels is None:
        raise ValueError(f"labels: expected the digits' labels for this conditional "
                         f"denoiser (classes={classes}), found None; pass the digits' labels")
    labels = _check_denoiser_labels(labels, model, len(images))
    budget = Budget(steps, seconds, cooldown)
    lr = check_number(lr, "lr", low=0, low_open=True)
    ema_decay = check_number(ema_decay, "ema_decay", low=0, high=1, low_open=True,
                             high_open=True)
    label_dropout = check_number(label_dropout, "label_dropout", low=0, high=1,
                                 high_open=True)
    seed = check_count(seed, "seed", minimum=0)
    progress = check_flag(progress, "progress")
    batches = Batches(to_signed_range(images), *([] if labels is None else [labels]),
                      batch_size=batch_size, seed=seed)
    torch.manual_seed(seed)
    noise = torch.Generator().manual_seed(seed + 1)
    history = History()
    with on_device(model) as device:
        batches.tensors = tuple(t.to(device) for t in batches.tensors)
        stream = endless(batches)
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        averaged = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(ema_decay))
        model.train()
        steps = Steps(budget, [(optimizer, lr)], desc=N_("diffusion training"),
                      progress=progress)
        for step in steps:
            x0, *batch_labels = next(stream)
            shown = _hide(batch_labels[0], label_dropout, noise) if batch_labels else None
            loss = _velocity_loss(model, x0, noise, shown)
            check_losses(step, {"loss": loss.item()},
                         f"Lower the learning rate (now {lr:g}).")
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            averaged.update_parameters(model)
            history.append(loss=loss.item(), seconds=steps.elapsed)
            if step % 50 == 0:
                steps.bar.set_postfix(loss=f"{loss.item():.3f}")
        model.eval()
        average = averaged.module.eval()
    return average.to(module_device(model)), history


@torch.no_grad()
def sample(model: nn.Module, n: int, steps: int = 20,
           generator: torch.Generator | None = None, *,
           labels: torch.Tensor | None = None, guidance: float | None = None,
           keep: Sequence[int] = ()) -> torch.Tensor | tuple[torch.Tensor, list]:
    """``n`` new digits in [0, 1]: start from noise at ``t = 1`` and take ``steps``
    Euler steps against the predicted velocity down to ``t = 0``.

    For a conditional denoiser: ``labels`` says which digits to draw (drawn at random,
    after the starting noise, when not given) and ``guidance`` is the scale ``w``
    (default :data:`GUIDANCE`; 1: the labelled velocity alone, 0: the unlabelled one;
    any other value costs two network passes per step). With ``keep`` (step numbers,
    0 = the starting noise), also returns the images at those steps, in [0, 1], for
    watching a sample form.
    """
    check_model(model, "model")
    n, steps = check_count(n, "n"), check_count(steps, "steps")
    generator = check_generator(generator)
    classes = getattr(model, "classes", 0)
    if not classes and guidance is not None:
        raise ValueError(f"guidance: expected None for this unconditional denoiser "
                         f"(classes=0), found {summary(guidance)}; labels and guidance need a "
                         "conditional denoiser")
    labels = _check_denoiser_labels(labels, model, n)
    guidance = GUIDANCE if guidance is None else check_number(guidance, "guidance", low=0)
    if isinstance(keep, (str, bytes)) or not isinstance(keep, Sequence):
        raise TypeError(f"keep: expected a list of step numbers, e.g. [0, {steps}], found "
                        f"{summary(keep)}")
    keep = tuple(check_count(k, f"keep[{i}]", minimum=0, maximum=steps)
                 for i, k in enumerate(keep))
    x = torch.randn(n, 1, 28, 28, generator=generator)
    if classes:
        labels = torch.randint(classes, (n,), generator=generator) if labels is None else labels
    with on_device(model) as device, evaluating(model):
        digits, kept = _walk_back(model, x.to(device), steps, classes,
                                  labels.to(device) if classes else None, guidance, keep)
    return (digits, kept) if keep else digits


def _check_denoiser_labels(labels: Any, model: nn.Module, n: int) -> torch.Tensor | None:
    """``labels`` for ``n`` digits, ``0..classes-1`` or ``-1`` (no label), for a
    conditional denoiser; ``None`` (no label for any) for any denoiser."""
    classes = getattr(model, "classes", 0)
    if labels is None:
        return None
    if not classes:
        raise ValueError(f"labels: expected None for this unconditional denoiser "
                         f"(classes=0), found {summary(labels)}; labels and guidance need a "
                         "conditional denoiser")
    return check_labels(labels, "labels", n=n, classes=classes, missing=True)


def _walk_back(model, x, steps, classes, labels, guidance, keep):
    """Euler steps from noise ``x`` at t = 1 to t = 0; the digits and the kept frames
    in [0, 1], on the CPU."""
    n = len(x)

    def velocity(x, t):
        if not classes:
            return model(x, t.expand(n))
        if guidance in (0.0, 1.0):
            return model(x, t.expand(n), labels if guidance else -torch.ones_like(labels))
        both = model(torch.cat([x, x]), t.expand(2 * n),
                     torch.cat([labels, -torch.ones_like(labels)]))
        labelled, unlabelled = both[:n], both[n:]
        return unlabelled + guidance * (labelled - unlabelled)

    kept = [to_unit_range(x).cpu()] if 0 in keep else []
    levels = torch.linspace(1, 0, steps + 1, device=x.device)
    for i in range(steps):
        t, t_next = levels[i], levels[i + 1]
        x = x + (t_next - t) * velocity(x, t)
        if i + 1 in keep:
            kept.append(to_unit_range(x).cpu())
    return to_unit_range(x).cpu(), kept
