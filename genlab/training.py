"""Training and evaluating classifiers: the loop a chapter runs but need not show.

:func:`fit_classifier` trains with AdamW and a one-cycle learning-rate schedule, shows
a progress bar, and returns a :class:`History` that plots itself. With ``augment=True``
every batch is randomly shifted, rotated and scaled a little (:func:`jitter_digits`): a
classifier that has seen a digit a few pixels to the left recognises it there, which is
worth more than anything else when only 4,000 training digits are available.
"""

from __future__ import annotations

import math
import time

import torch
import torch.nn.functional as F
from torch import nn

from .checks import (check_count, check_digits, check_flag, check_function, check_generator,
                     check_labels, check_model, check_number, check_seconds, summary)
from .data import Batches
from .frame import Budget, History, batched, check_losses, on_device
from .language import N_
from .runtime import progress as progress_bar

__all__ = ["History", "jitter_digits", "predict", "evaluate", "confusion_matrix",
           "fit_classifier", "reconstruction_error", "fit_autoencoder"]


def jitter_digits(x: torch.Tensor, generator: torch.Generator, *, shift: float = 2.0,
                  degrees: float = 10.0, scale: float = 0.1) -> torch.Tensor:
    """Randomly move, rotate and rescale each image a little (one affine warp each):
    by up to ``shift`` pixels, ``degrees`` degrees and a ``scale`` share of the size."""
    x = check_digits(x, "x", value_range=None)
    check_generator(generator, optional=False)
    shift = check_number(shift, "shift", low=0)
    degrees = check_number(degrees, "degrees", low=0)
    scale = check_number(scale, "scale", low=0, high=1, high_open=True)
    return _jitter(x, generator, shift, degrees, scale)


def _jitter(x, generator, shift=2.0, degrees=10.0, scale=0.1):
    """:func:`jitter_digits` without the checks, for a training loop's every batch."""
    n = len(x)
    angle = (torch.rand(n, generator=generator) * 2 - 1) * math.radians(degrees)
    zoom = 1 + (torch.rand(n, generator=generator) * 2 - 1) * scale
    offset = (torch.rand(n, 2, generator=generator) * 2 - 1) * (2 * shift / x.shape[-1])
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    theta = torch.stack([torch.stack([cos, -sin, offset[:, 0]], 1),
                         torch.stack([sin, cos, offset[:, 1]], 1)], 1).to(x.device)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, align_corners=False, padding_mode="zeros")


def predict(model: nn.Module, images: torch.Tensor, batch_size: int = 500) -> torch.Tensor:
    """Class probabilities ``(N, 10)`` for ``images`` (computed in eval mode; the
    model's own mode is kept). The images may be any finite values (a model trained on
    normalised pixels, say); the model checks the range it expects."""
    check_model(model, "model")
    images = check_digits(images, "images", value_range=None)
    batch_size = check_count(batch_size, "batch_size")
    return batched(lambda x: F.softmax(model(x), dim=1), model, images,
                   batch_size=batch_size)


def evaluate(model: nn.Module, images: torch.Tensor,
             labels: torch.Tensor) -> tuple[float, float]:
    """(mean cross-entropy, accuracy) of ``model`` on a labelled set."""
    check_model(model, "model")
    images = check_digits(images, "images", value_range=None)
    labels = check_labels(labels, "labels", n=len(images))
    probs = predict(model, images)
    loss = F.nll_loss(probs.clamp_min(1e-12).log(), labels).item()
    return loss, (probs.argmax(1) == labels).float().mean().item()


def confusion_matrix(predicted: torch.Tensor, labels: torch.Tensor,
                     classes: int = 10) -> torch.Tensor:
    """``C[true, predicted]`` counts."""
    classes = check_count(classes, "classes")
    predicted = check_labels(predicted, "predicted", classes=classes)
    labels = check_labels(labels, "labels", n=len(predicted), classes=classes)
    return torch.bincount(labels * classes + predicted,
                          minlength=classes * classes).view(classes, classes)


SHORTEST_SCHEDULE = 8
"""Runs of fewer steps than this train at a constant learning rate: a one-cycle
schedule needs steps to warm up and to cool down in."""


def train_epochs(model: nn.Module, batches: Batches, step_loss, *, budget: Budget,
                 lr: float, weight_decay: float, progress: bool, after_epoch) -> int:
    """The loop of the classifier and the autoencoders: AdamW, a one-cycle schedule over
    the budget's steps (batches), a progress bar, a check after every batch that the
    loss is a number, and ``after_epoch`` at the end of every pass over the data (and
    of the last, partial one).

    ``step_loss(batch)`` returns ``(loss, numbers to log)``; ``after_epoch(logs,
    seconds, steps)`` records the epoch (the seconds and steps so far) and may return a
    dict for the progress bar. Returns the number of steps taken. The model trains on
    the batches' device and is left in eval mode.
    """
    check_model(model, "model")
    if not isinstance(batches, Batches):
        raise TypeError(f"batches: expected a genlab.data.Batches, found {summary(batches)}")
    check_function(step_loss, "step_loss")
    if not isinstance(budget, Budget):
        raise TypeError(f"budget: expected a genlab.frame.Budget, found {summary(budget)}")
    check_function(after_epoch, "after_epoch")
    lr = check_number(lr, "lr", low=0, low_open=True)
    weight_decay = check_number(weight_decay, "weight_decay", low=0)
    progress = check_flag(progress, "progress")
    total = budget.steps or len(batches)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    if total >= SHORTEST_SCHEDULE:
        schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr,
                                                       total_steps=total, pct_start=0.25)
    else:  # too short to warm up and cool down (torch divides by zero): a constant rate
        schedule = torch.optim.lr_scheduler.ConstantLR(optimizer, factor=1.0)
    spent, step = 0.0, 0
    with progress_bar(total=total, desc=N_("training"), unit=N_("batch"),
                      disable=not progress) as bar:
        while not budget.over(step, spent):
            model.train()
            start = time.perf_counter()
            sums: dict[str, float] = {}
            count = 0
            for batch in batches:
                loss, logs = step_loss(batch)
                check_losses(step + 1, {"loss": loss.item()},
                             f"Lower the learning rate (now {lr:g}).")
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                schedule.step()
                for name, value in logs.items():
                    sums[name] = sums.get(name, 0.0) + value
                count += 1
                step += 1
                bar.update()
                if budget.over(step, spent + time.perf_counter() - start):
                    break
            spent += time.perf_counter() - start
            model.eval()
            postfix = after_epoch({k: v / count for k, v in sums.items()}, spent, step)
            if postfix:
                bar.set_postfix(postfix)
    model.eval()
    return step


def _epoch_budget(epochs: int, batches: Batches, steps: int | None,
                  max_seconds: float | None) -> Budget:
    """``epochs`` passes over ``batches``, or ``steps`` batches, stopped after
    ``max_seconds`` (all checked already by :func:`_check_settings`)."""
    return Budget(steps=epochs * len(batches) if steps is None else steps,
                  seconds=max_seconds)


def _check_settings(*, epochs, batch_size, lr, weight_decay, augment, seed, steps,
                    max_seconds, progress) -> dict:
    """The settings :func:`fit_classifier` and :func:`fit_autoencoder` share, checked
    and converted (NumPy numbers to Python ones) before any work (:class:`Batches`
    checks ``batch_size`` against the number of digits)."""
    return dict(
        epochs=check_count(epochs, "epochs"),
        batch_size=check_count(batch_size, "batch_size"),
        lr=check_number(lr, "lr", low=0, low_open=True),
        weight_decay=check_number(weight_decay, "weight_decay", low=0),
        augment=check_flag(augment, "augment"),
        seed=check_count(seed, "seed", minimum=0),
        steps=None if steps is None else check_count(steps, "steps"),
        max_seconds=None if max_seconds is None else check_seconds(max_seconds,
                                                                   "max_seconds"),
        progress=check_flag(progress, "progress"))


def _check_pair(pair, name: str) -> tuple[torch.Tensor, torch.Tensor]:
    """``(images, labels)``: digits in [0, 1] and one label 0..9 for each."""
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise TypeError(f"{name}: expected a pair (images, labels), e.g. "
                        f"load_digits('{name}'), found {summary(pair)}")
    images = check_digits(pair[0], f"{name}[0]")
    return images, check_labels(pair[1], f"{name}[1]", n=len(images))


def fit_classifier(model: nn.Module, train: tuple[torch.Tensor, torch.Tensor],
                   test: tuple[torch.Tensor, torch.Tensor] | None = None, *,
                   epochs: int = 10, batch_size: int = 128, lr: float = 3e-3,
                   weight_decay: float = 5e-4, label_smoothing: float = 0.0,
                   augment: bool = False, seed: int = 0, steps: int | None = None,
                   max_seconds: float | None = None, progress: bool = True) -> History:
    """Train ``model`` on ``train = (images, labels)``; evaluate on ``test`` each epoch.

    AdamW, one-cycle schedule peaking at ``lr``, cross-entropy. Deterministic for a
    given ``seed``. ``steps`` (batches) replaces ``epochs`` passes as the length of the
    run (a brief run in a chapter); ``max_seconds`` stops early once that much training
    time is spent (for time-budget benchmarks; a stopped run is not reproducible to the
    batch). Trains on :func:`~genlab.runtime.pick_device`; the model ends where it was.
    """
    check_model(model, "model")
    images, labels = _check_pair(train, "train")
    test = None if test is None else _check_pair(test, "test")
    label_smoothing = check_number(label_smoothing, "label_smoothing", low=0, high=1,
                                   high_open=True)
    settings = _check_settings(epochs=epochs, batch_size=batch_size, lr=lr,
                               weight_decay=weight_decay, augment=augment, seed=seed,
                               steps=steps, max_seconds=max_seconds, progress=progress)
    seed, augment, lr = settings["seed"], settings["augment"], settings["lr"]
    batches = Batches(images, labels, batch_size=settings["batch_size"], seed=seed)
    budget = _epoch_budget(settings["epochs"], batches, settings["steps"],
                           settings["max_seconds"])
    torch.manual_seed(seed)
    jitter_rng = torch.Generator().manual_seed(seed + 1)
    history = History()

    def step_loss(batch):
        x, y = batch
        if augment:
            x = _jitter(x, jitter_rng)
        logits = model(x)
        loss = F.cross_entropy(logits, y, label_smoothing=label_smoothing)
        return loss, {"loss": loss.item(),
                      "accuracy": (logits.argmax(1) == y).float().mean().item()}

    def after_epoch(logs, seconds, steps):
        history.append(train_loss=logs["loss"], train_accuracy=logs["accuracy"],
                       seconds=seconds, steps=steps)
        if test is not None:
            test_loss, test_accuracy = evaluate(model, *test)
            history.append(test_loss=test_loss, test_accuracy=test_accuracy)
            return {"test_accuracy": f"{test_accuracy:.3f}"}
        return None

    with on_device(model) as device:
        batches.tensors = tuple(t.to(device) for t in batches.tensors)
        train_epochs(model, batches, step_loss, budget=budget, lr=lr,
                     weight_decay=settings["weight_decay"], progress=settings["progress"],
                     after_epoch=after_epoch)
    return history


def reconstruction_error(model: nn.Module, images: torch.Tensor,
                         batch_size: int = 500) -> float:
    """Mean squared error per pixel between ``images`` (digits in [0, 1]) and their
    reconstructions."""
    check_model(model, "model")
    images = check_digits(images, "images")
    batch_size = check_count(batch_size, "batch_size")
    squared = batched(lambda x: (model(x) - x).pow(2).flatten(1).sum(1, keepdim=True),
                      model, images, batch_size=batch_size)
    return squared.sum().item() / images.numel()


def fit_autoencoder(model: nn.Module, images: torch.Tensor,
                    test_images: torch.Tensor | None = None, *, epochs: int = 10,
                    batch_size: int = 128, lr: float = 2e-3, weight_decay: float = 0.0,
                    augment: bool = False, seed: int = 0, steps: int | None = None,
                    max_seconds: float | None = None, progress: bool = True) -> History:
    """Train an autoencoder (anything with ``training_loss(x)``) to rebuild ``images``.

    Records the training loss (and MSE, KL where the model reports them) per epoch and
    the held-out reconstruction MSE on ``test_images``. Deterministic for a ``seed``.
    ``steps`` and ``max_seconds`` as for :func:`fit_classifier`.
    """
    check_model(model, "model", needs=("training_loss",))
    for name, value in (("images", images), ("test_images", test_images)):
        if isinstance(value, (tuple, list)):
            raise TypeError(f"{name}: expected the images only (an autoencoder needs no "
                            f"labels), found a {type(value).__name__}; pass "
                            "load_digits('train')[0]")
    images = check_digits(images, "images")
    if test_images is not None:
        test_images = check_digits(test_images, "test_images")
    settings = _check_settings(epochs=epochs, batch_size=batch_size, lr=lr,
                               weight_decay=weight_decay, augment=augment, seed=seed,
                               steps=steps, max_seconds=max_seconds, progress=progress)
    seed, augment, lr = settings["seed"], settings["augment"], settings["lr"]
    batches = Batches(images, batch_size=settings["batch_size"], seed=seed)
    budget = _epoch_budget(settings["epochs"], batches, settings["steps"],
                           settings["max_seconds"])
    torch.manual_seed(seed)
    jitter_rng = torch.Generator().manual_seed(seed + 1)
    history = History()

    def step_loss(batch):
        x = _jitter(batch[0], jitter_rng).clamp(0, 1) if augment else batch[0]
        loss, logs = model.training_loss(x)
        return loss, {"loss": loss.item(), **logs}

    def after_epoch(logs, seconds, steps):
        history.append(**{f"train_{k}": v for k, v in logs.items()}, seconds=seconds,
                       steps=steps)
        if test_images is not None:
            mse = reconstruction_error(model, test_images)
            history.append(test_mse=mse)
            return {"test_mse": f"{mse:.4f}"}
        return None

    with on_device(model) as device:
        batches.tensors = tuple(t.to(device) for t in batches.tensors)
        train_epochs(model, batches, step_loss, budget=budget, lr=lr,
                     weight_decay=settings["weight_decay"], progress=settings["progress"],
                     after_epoch=after_epoch)
    return history
