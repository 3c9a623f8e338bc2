"""The frame every training loop of genlab shares; each loop keeps only its own step.

* :class:`History` — the record of a run: named series (losses, accuracies, seconds),
  one value per epoch or per step, that plots itself.
* :class:`Budget` — how long a run may go: a number of steps, a number of seconds, or
  both (whichever ends first), and the share at the end over which the learning rate
  cools down to zero; :class:`Steps` counts a step-by-step run through it, with a
  progress bar.
* :func:`check_losses` — stop with :class:`TrainingDiverged` the moment a loss is no
  longer a number, naming the likely cause, instead of training on garbage.
* :func:`evaluating` — eval mode for a while, then each model's own mode back.
* :func:`batched` — a function applied to a large batch in slices, without gradients,
  in eval mode, on the device the model lives on.
* :func:`on_device` — a model moved to :func:`~genlab.runtime.pick_device` for the
  length of a computation and back to where the caller had it afterwards, so a GPU is
  used when there is one while the reader's code keeps working with CPU tensors.

Every argument is checked with :mod:`genlab.checks` before any work; the few checks it
lacks (:func:`check_lengths`, :func:`check_generator`, :func:`check_flag`,
:func:`check_text`) are at the end of this module, in the same style.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import torch
from torch import nn

from .checks import (check_count, check_function, check_lengths, check_model, check_number,
                     check_seconds, summary)
from .language import N_, tr
from .runtime import pick_device
from .runtime import progress as progress_bar


class TrainingDiverged(FloatingPointError):
    """A loss became NaN or infinite; the message names the likely cause."""


class History:
    """The record of a run: named series such as ``train_loss`` or ``d_loss``.

    ``history.test_accuracy`` reads a series; :meth:`plot` draws one panel per kind of
    measurement (``train_loss`` and ``test_loss`` share the "loss" panel).
    """

    def __init__(self, **series: list[float]):
        self.series: dict[str, list[float]] = {k: list(v) for k, v in series.items()}

    def append(self, **values: float) -> None:
        for name, value in values.items():
            self.series.setdefault(name, []).append(float(value))

    def __getattr__(self, name: str) -> list[float]:
        try:
            return self.__dict__["series"][name]
        except KeyError:
            raise AttributeError(f"no series {name!r} in this history") from None

    def __len__(self) -> int:
        """The number of records (epochs or steps) so far."""
        return max((len(v) for v in self.series.values()), default=0)

    def as_dict(self) -> dict[str, list[float]]:
        return {name: list(values) for name, values in self.series.items()}

    def step_numbers(self) -> list[float]:
        """The step each record was taken at: the ``steps`` series where there is one
        (epoch loops, thinned runs), else 1, 2, 3, ... (one record per step)."""
        return list(self.series.get("steps") or range(1, len(self) + 1))

    def thinned(self, points: int = 400) -> History:
        """At most ``points`` records of every series, each the mean of an even share of
        the run, with the step number where that share ends (what a manifest stores of a
        long run's curves: per-step noise averaged out, the shape kept)."""
        points = check_count(points, "points", minimum=2)  # the first and the last record
        n = len(self)
        if n <= points:
            return History(**{**self.series, "steps": self.step_numbers()})
        ends = [round((i + 1) * n / points) for i in range(points)]
        starts = [0] + ends[:-1]
        numbers = self.step_numbers()

        def means(values):
            return [sum(values[a:b]) / (b - a) for a, b in zip(starts, ends)]

        return History(**{k: means(v) for k, v in self.series.items()
                          if len(v) == n and k not in ("steps", "seconds")},
                       **({"seconds": [self.seconds[b - 1] for b in ends]}
                          if len(self.series.get("seconds", ())) == n else {}),
                       steps=[numbers[b - 1] for b in ends])

    def plot(self) -> plt.Figure:
        kinds: dict[str, list[str]] = {}
        for name in self.series:
            if name not in ("seconds", "steps"):
                kinds.setdefault(name.split("_", 1)[-1], []).append(name)
        fig, axes = plt.subplots(1, len(kinds), figsize=(4.5 * len(kinds), 3.2),
                                 squeeze=False)
        labels = {"train": tr("training batches"), "test": tr("held-out test set")}
        for ax, (kind, names) in zip(axes[0], kinds.items()):
            for name in names:
                values = self.series[name]
                scale = 100 if kind == "accuracy" else 1
                ax.plot(range(1, len(values) + 1), [scale * v for v in values], "o-",
                        label=labels.get(name.split("_", 1)[0], name))
            ax.set(xlabel=tr("epoch"), title=tr(_SERIES_TITLES.get(kind, kind)))
            if kind != "accuracy" and min(min(self.series[n]) for n in names) > 0:
                ax.set_yscale("log")
            ax.grid(alpha=0.3)
            ax.legend()
        fig.tight_layout()
        return fig


_SERIES_TITLES = {"loss": N_("loss"), "accuracy": N_("accuracy (%)"),
                  "mse": N_("error per pixel")}


@dataclass(frozen=True)
class Budget:
    """How long a run may go: ``steps`` updates, ``seconds`` of wall time, or both
    (whichever ends first), cooling the learning rate linearly to zero over the last
    ``cooldown`` share of it, so the run settles instead of stopping mid-stride.

    A step budget is reproducible to the bit; a time budget is not (the last step
    depends on the machine), which is why the chapters give steps.
    """

    steps: int | None = None
    seconds: float | None = None
    cooldown: float = 0.0

    def __post_init__(self):
        if self.steps is None and self.seconds is None:
            raise ValueError("steps: expected steps, seconds or both, found neither; a "
                             "budget without either never ends")
        if self.steps is not None:
            object.__setattr__(self, "steps", check_count(self.steps, "steps"))
        if self.seconds is not None:
            object.__setattr__(self, "seconds", check_seconds(self.seconds, "seconds"))
        object.__setattr__(self, "cooldown", check_number(self.cooldown, "cooldown", low=0,
                                                          high=1, high_open=True))

    def fraction(self, step: int, elapsed: float) -> float:
        """The share of the budget used after ``step`` steps and ``elapsed`` seconds."""
        return max(step / self.steps if self.steps else 0.0,
                   elapsed / self.seconds if self.seconds else 0.0)

    def over(self, step: int, elapsed: float) -> bool:
        """Whether the budget is spent."""
        return self.fraction(step, elapsed) >= 1.0

    def lr_scale(self, step: int, elapsed: float) -> float:
        """The learning rate's factor now: 1, falling to 0 over the cool-down."""
        if not self.cooldown:
            return 1.0
        return max(0.0, min(1.0, (1.0 - self.fraction(step, elapsed)) / self.cooldown))


class Steps:
    """The steps of a run under a :class:`Budget`: ``for step in Steps(...)`` yields
    1, 2, 3, ... until the budget is spent, sets each optimiser's learning rate for the
    step (its base rate times the cool-down's factor, times a parameter group's own
    ``lr_factor`` where it has one) before yielding it, and keeps a progress bar.
    ``steps.elapsed`` is the run's wall time so far; ``steps.bar`` the bar, for a loop
    that shows its loss on it."""

    def __init__(self, budget: Budget, optimizers: Sequence[tuple[torch.optim.Optimizer, float]],
                 *, desc: str, progress: bool = True):
        if not isinstance(budget, Budget):
            raise TypeError(f"budget: expected a genlab.frame.Budget, e.g. Budget(steps=300), "
                            f"found {summary(budget)}")
        self.budget, self.optimizers = budget, list(optimizers)
        self.desc, self.progress = desc, progress
        self.start = time.perf_counter()
        self.bar = None

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def __iter__(self) -> Iterator[int]:
        self.start = time.perf_counter()
        self.bar = progress_bar(total=self.budget.steps, desc=self.desc, unit=N_("step"),
                                disable=not self.progress)
        step = 0
        try:
            while not self.budget.over(step, self.elapsed):
                scale = self.budget.lr_scale(step, self.elapsed)
                for optimizer, lr in self.optimizers:
                    for group in optimizer.param_groups:
                        group["lr"] = lr * scale * group.get("lr_factor", 1.0)
                step += 1
                yield step
                self.bar.update()
        finally:
            self.bar.close()


def check_losses(step: int, losses: dict[str, float], advice: str) -> None:
    """Raise :class:`TrainingDiverged` if any of ``losses`` is NaN or infinite."""
    bad = [name for name, value in losses.items() if not math.isfinite(value)]
    if bad:
        raise TrainingDiverged(f"{', '.join(bad)} became {losses[bad[0]]} at step {step}. "
                               + advice)


def endless(batches) -> Iterator:
    """Pass after pass over ``batches``, for loops that count steps, not epochs (a
    pass that yields nothing is an error, not a loop that never ends)."""
    while True:
        empty = True
        for batch in batches:
            empty = False
            yield batch
        if empty:
            raise ValueError("batches: expected at least one batch per pass, found none")


@contextmanager
def evaluating(*models: nn.Module):
    """Eval mode for the models inside the ``with`` block; each model's own mode after."""
    _check_models(models)
    modes = [model.training for model in models]
    try:
        for model in models:
            model.eval()
        yield
    finally:
        for model, mode in zip(models, modes):
            model.train(mode)


def module_device(model: nn.Module) -> torch.device:
    """The device ``model``'s weights are on (the CPU for a model without any)."""
    check_model(model, "model")
    for tensor in (*model.parameters(), *model.buffers()):
        return tensor.device
    return torch.device("cpu")


@contextmanager
def on_device(*models: nn.Module, device: torch.device | str | None = None):
    """Move the models to ``device`` (default: :func:`~genlab.runtime.pick_device`) for
    the ``with`` block, yield the device, and move each back to where it was after."""
    _check_models(models)
    device = pick_device() if device is None else torch.device(device)
    homes = [module_device(model) for model in models]
    try:
        for model in models:
            model.to(device)
        yield device
    finally:
        for model, home in zip(models, homes):
            model.to(home)


def batched(function: Callable, model: nn.Module, *tensors: torch.Tensor,
            batch_size: int = 500):
    """``function(slice, ...)`` over ``tensors`` in slices of ``batch_size``, in eval
    mode and without gradients, on the device ``model`` is on; the outputs (a tensor,
    or a tuple of tensors) concatenated on the CPU. ``model``'s mode is restored."""
    check_function(function, "function")
    check_model(model, "model")
    tensors = check_lengths(tensors)
    batch_size = check_count(batch_size, "batch_size")
    device = module_device(model)
    parts = []
    with torch.no_grad(), evaluating(model):
        for i in range(0, len(tensors[0]), batch_size):
            out = function(*(t[i:i + batch_size].to(device) for t in tensors))
            parts.append(tuple(o.cpu() for o in out) if isinstance(out, tuple) else out.cpu())
    if isinstance(parts[0], tuple):
        return tuple(torch.cat(column) for column in zip(*parts))
    return torch.cat(parts)


# ------------------------------------------------------------------ checks of this module
# Checks genlab.checks does not have (yet), written in its style.

def _check_models(models: Sequence[Any]) -> None:
    for i, model in enumerate(models):
        check_model(model, f"models[{i}]" if len(models) > 1 else "model")
