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

This is *flow matching* with straight paths (Lipman et al., 2023; Liu et al., 2023)
rather than DDPM (Ho et al., 2020). The two are close relatives: both add Gaussian
noise in a fixed forward process and train a network by plain mean-squared error to
undo it; DDPM's network predicts the noise ``e`` on a 1,000-step variance-preserving
schedule and samples with as many small random steps. Straight paths let a sampler take
10-50 deterministic steps instead, which matters on a CPU, and the whole method fits on
a page.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn
from tqdm.auto import tqdm

from .data import Batches
from .models.gan import to_signed_range, to_unit_range
from .models.unet import check_noise_levels
from .training import History


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
                  generator: torch.Generator | None = None) -> torch.Tensor:
    """One training signal: noise some digits, ask for ``noise - x0``, score by MSE."""
    noise = torch.randn(x0.shape, generator=generator)
    t = noise_levels(len(x0), generator)
    return F.mse_loss(model(add_noise(x0, noise, t), t), noise - x0)


def train_diffusion(model: nn.Module, images: torch.Tensor, *, steps: int | None = 3000,
                    seconds: float | None = None, batch_size: int = 64, lr: float = 2e-3,
                    ema_decay: float = 0.995, cooldown: float = 0.3, seed: int = 0,
                    progress: bool = True) -> tuple[nn.Module, History]:
    """Train the denoiser on ``images`` (digits in [0, 1]) for ``steps`` steps or
    ``seconds`` of wall time, whichever ends first.

    Adam, with the learning rate lowered linearly to zero over the last ``cooldown``
    share of training. Returns ``(averaged, history)``: ``averaged`` is an exponential
    moving average of the weights (decay ``ema_decay``), which samples cleaner digits
    than the last weights, whose step-to-step noise shows in every sample.
    """
    if steps is None and seconds is None:
        raise ValueError("give steps, seconds or both: otherwise training never ends")
    if steps is not None and (not isinstance(steps, int) or steps < 1):
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    if seconds is not None and not seconds > 0:
        raise ValueError(f"seconds must be positive, got {seconds!r}")
    if not 0 <= cooldown < 1:
        raise ValueError(f"cooldown must lie in [0, 1), got {cooldown!r}")
    if not isinstance(images, torch.Tensor) or images.ndim != 4 or images.shape[1:] != (1, 28, 28):
        raise ValueError("expected digits shaped (N, 1, 28, 28), got "
                         f"{getattr(images, 'shape', type(images).__name__)}")
    if images.min() < -1e-3 or images.max() > 1 + 1e-3:
        raise ValueError("expected digits in [0, 1] (the diffusion model works in [-1, 1] "
                         "and maps them itself)")
    torch.manual_seed(seed)
    noise = torch.Generator().manual_seed(seed + 1)
    batches = Batches(to_signed_range(images), batch_size=batch_size, seed=seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    averaged = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(ema_decay))
    history = History()
    model.train()
    start = time.perf_counter()
    bar = tqdm(total=steps, desc="diffusion training", unit="step", disable=not progress)
    step = 0

    def endless():
        while True:
            yield from batches

    for (x0,) in endless():
        elapsed = time.perf_counter() - start
        if (steps is not None and step >= steps) or (seconds is not None and
                                                     elapsed >= seconds):
            break
        if cooldown:
            done = max(step / steps if steps else 0.0, elapsed / seconds if seconds else 0.0)
            for group in optimizer.param_groups:
                group["lr"] = lr * max(0.0, min(1.0, (1.0 - done) / cooldown))
        loss = velocity_loss(model, x0, noise)
        if not torch.isfinite(loss):
            raise FloatingPointError(f"the loss became {loss.item()} at step {step}: "
                                     f"lower the learning rate (now {lr:g})")
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        averaged.update_parameters(model)
        step += 1
        history.append(loss=loss.item(), seconds=time.perf_counter() - start)
        bar.update()
        if step % 50 == 0:
            bar.set_postfix(loss=f"{loss.item():.3f}")
    bar.close()
    model.eval()
    return averaged.module.eval(), history


@torch.no_grad()
def sample(model: nn.Module, n: int, steps: int = 20,
           generator: torch.Generator | None = None, *,
           keep: Sequence[int] = ()) -> torch.Tensor | tuple[torch.Tensor, list]:
    """``n`` new digits in [0, 1]: start from noise at ``t = 1`` and take ``steps``
    Euler steps against the predicted velocity down to ``t = 0``.

    With ``keep`` (step numbers, 0 = the starting noise), also returns the images at
    those steps, in [0, 1], for watching a sample form.
    """
    if not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    bad = [k for k in keep if not 0 <= k <= steps]
    if bad:
        raise ValueError(f"keep holds steps outside 0..{steps}: {bad}")
    was_training = model.training
    model.eval()
    x = torch.randn(n, 1, 28, 28, generator=generator)
    kept = [to_unit_range(x)] if 0 in keep else []
    levels = torch.linspace(1, 0, steps + 1)
    for i in range(steps):
        t, t_next = levels[i], levels[i + 1]
        x = x + (t_next - t) * model(x, t.expand(n))
        if i + 1 in keep:
            kept.append(to_unit_range(x))
    model.train(was_training)
    digits = to_unit_range(x)
    return (digits, kept) if keep else digits
