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

import torch
import torch.nn.functional as F
from torch import nn
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

from .data import Batches
from .frame import (Budget, History, Steps, check_finite, endless, evaluating,
                    module_device, on_device)
from .models.gan import to_signed_range, to_unit_range
from .models.unet import check_denoiser_labels, check_noise_levels

#: The guidance scale the book draws with: at 180 s of training its Fréchet distance
#: is half that of ``w = 1`` and close to the best measured, with more variety than
#: ``w = 2`` (``benchmarks/README.md``); it costs two network passes per step.
GUIDANCE = 1.5


def add_noise(x0: torch.Tensor, noise: torch.Tensor, t) -> torch.Tensor:
    """The forward process: ``(1 - t) x0 + t noise`` for each image's level ``t``."""
    if x0.shape != noise.shape:
        raise ValueError(f"digits {tuple(x0.shape)} and noise {tuple(noise.shape)} "
                         "must have the same shape")
    t = check_noise_levels(t, len(x0))[:, None, None, None]
    return (1 - t) * x0 + t * noise


def noise_levels(n: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """Training noise levels: logit-normal, so middling levels come up most often — the
    very clean and the very noisy images teach the least (Esser et al., 2024)."""
    return torch.sigmoid(torch.randn(n, generator=generator))


def velocity_loss(model: nn.Module, x0: torch.Tensor,
                  generator: torch.Generator | None = None,
                  labels: torch.Tensor | None = None) -> torch.Tensor:
    """One training signal: noise some digits, ask for ``noise - x0``, score by MSE.
    ``labels`` (``-1``: hidden) go to a conditional denoiser."""
    noise = torch.randn(x0.shape, generator=generator).to(x0.device)
    t = noise_levels(len(x0), generator).to(x0.device)
    noisy = add_noise(x0, noise, t)
    predicted = model(noisy, t) if labels is None else model(noisy, t, labels)
    return F.mse_loss(predicted, noise - x0)


def hide_labels(labels: torch.Tensor, share: float,
                generator: torch.Generator | None = None) -> torch.Tensor:
    """``labels`` with about ``share`` of them replaced by ``-1`` (no label)."""
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
    budget = Budget(steps, seconds, cooldown)
    if not isinstance(images, torch.Tensor) or images.ndim != 4 or images.shape[1:] != (1, 28, 28):
        raise ValueError("expected digits shaped (N, 1, 28, 28), got "
                         f"{getattr(images, 'shape', type(images).__name__)}")
    if images.min() < -1e-3 or images.max() > 1 + 1e-3:
        raise ValueError("expected digits in [0, 1] (the diffusion model works in [-1, 1] "
                         "and maps them itself)")
    classes = getattr(model, "classes", 0)
    if classes and labels is None:
        raise ValueError("this denoiser is conditional: pass the digits' labels")
    if labels is not None:
        if not classes:
            raise ValueError("this denoiser is unconditional (classes=0): train it "
                             "without labels")
        labels = check_denoiser_labels(labels, len(images), classes)
        if not 0 <= label_dropout < 1:
            raise ValueError(f"label_dropout must lie in [0, 1), got {label_dropout!r}")
    torch.manual_seed(seed)
    noise = torch.Generator().manual_seed(seed + 1)
    history = History()
    with on_device(model) as device:
        tensors = [to_signed_range(images).to(device)]
        if labels is not None:
            tensors.append(labels.to(device))
        stream = endless(Batches(*tensors, batch_size=batch_size, seed=seed))
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        averaged = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(ema_decay))
        model.train()
        steps = Steps(budget, [(optimizer, lr)], desc="diffusion training",
                      progress=progress)
        for step in steps:
            x0, *batch_labels = next(stream)
            shown = hide_labels(batch_labels[0], label_dropout, noise) if batch_labels else None
            loss = velocity_loss(model, x0, noise, shown)
            check_finite(step, {"loss": loss.item()},
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
    if not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    bad = [k for k in keep if not 0 <= k <= steps]
    if bad:
        raise ValueError(f"keep holds steps outside 0..{steps}: {bad}")
    classes = getattr(model, "classes", 0)
    if not classes and (labels is not None or guidance is not None):
        raise ValueError("labels and guidance need a conditional denoiser (classes > 0); "
                         "this one is unconditional")
    guidance = GUIDANCE if guidance is None else float(guidance)
    if not guidance >= 0:
        raise ValueError(f"guidance must be 0 or more, got {guidance!r}")
    x = torch.randn(n, 1, 28, 28, generator=generator)
    if classes:
        labels = (torch.randint(classes, (n,), generator=generator) if labels is None
                  else check_denoiser_labels(labels, n, classes))
    with on_device(model) as device, evaluating(model):
        digits, kept = _walk_back(model, x.to(device), steps, classes,
                                  labels.to(device) if classes else None, guidance, keep)
    return (digits, kept) if keep else digits


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
