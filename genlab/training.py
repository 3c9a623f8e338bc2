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

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from .data import Batches
from .models.cnn import check_digit_batch


class History:
    """Per-epoch training record: named series such as ``train_loss``, ``test_mse``.

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

    def as_dict(self) -> dict[str, list[float]]:
        return {name: list(values) for name, values in self.series.items()}

    def plot(self) -> plt.Figure:
        kinds: dict[str, list[str]] = {}
        for name in self.series:
            if name != "seconds":
                kinds.setdefault(name.split("_", 1)[-1], []).append(name)
        fig, axes = plt.subplots(1, len(kinds), figsize=(4.5 * len(kinds), 3.2),
                                 squeeze=False)
        labels = {"train": "training batches", "test": "held-out test set"}
        for ax, (kind, names) in zip(axes[0], kinds.items()):
            for name in names:
                values = self.series[name]
                scale = 100 if kind == "accuracy" else 1
                ax.plot(range(1, len(values) + 1), [scale * v for v in values], "o-",
                        label=labels.get(name.split("_", 1)[0], name))
            ax.set(xlabel="epoch", title=kind.replace("_", " ") +
                   (" (%)" if kind == "accuracy" else ""))
            if kind != "accuracy" and min(min(self.series[n]) for n in names) > 0:
                ax.set_yscale("log")
            ax.grid(alpha=0.3)
            ax.legend()
        fig.tight_layout()
        return fig


def jitter_digits(x: torch.Tensor, generator: torch.Generator, *, shift: float = 2.0,
                  degrees: float = 10.0, scale: float = 0.1) -> torch.Tensor:
    """Randomly move, rotate and rescale each image a little (one affine warp each)."""
    n = len(x)
    angle = (torch.rand(n, generator=generator) * 2 - 1) * math.radians(degrees)
    zoom = 1 + (torch.rand(n, generator=generator) * 2 - 1) * scale
    offset = (torch.rand(n, 2, generator=generator) * 2 - 1) * (2 * shift / x.shape[-1])
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    theta = torch.stack([torch.stack([cos, -sin, offset[:, 0]], 1),
                         torch.stack([sin, cos, offset[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, align_corners=False, padding_mode="zeros")


@torch.no_grad()
def predict(model: nn.Module, images: torch.Tensor, batch_size: int = 500) -> torch.Tensor:
    """Class probabilities ``(N, 10)`` for ``images``, in eval mode."""
    check_digit_batch(images)
    was_training = model.training
    model.eval()
    probs = torch.cat([F.softmax(model(images[i:i + batch_size]), dim=1)
                       for i in range(0, len(images), batch_size)])
    model.train(was_training)
    return probs


def evaluate(model: nn.Module, images: torch.Tensor,
             labels: torch.Tensor) -> tuple[float, float]:
    """(mean cross-entropy, accuracy) of ``model`` on a labelled set."""
    probs = predict(model, images)
    loss = F.nll_loss(probs.clamp_min(1e-12).log(), labels).item()
    return loss, (probs.argmax(1) == labels).float().mean().item()


def confusion_matrix(predicted: torch.Tensor, labels: torch.Tensor,
                     classes: int = 10) -> torch.Tensor:
    """``C[true, predicted]`` counts."""
    if predicted.shape != labels.shape:
        raise ValueError(f"{tuple(predicted.shape)} predictions for "
                         f"{tuple(labels.shape)} labels")
    return torch.bincount(labels * classes + predicted,
                          minlength=classes * classes).view(classes, classes)


def train_epochs(model: nn.Module, batches: Batches, step_loss, *, epochs: int,
                 lr: float, weight_decay: float, max_seconds: float | None,
                 progress: bool, after_epoch) -> float:
    """The loop every trainer here shares: AdamW, one-cycle schedule, progress bar.

    ``step_loss(batch)`` returns ``(loss, numbers to log)``; ``after_epoch(logs,
    seconds)`` records the epoch and may return a dict for the progress bar. Returns
    the training seconds spent (evaluation excluded).
    """
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=lr, total_steps=epochs * len(batches), pct_start=0.25)
    spent = 0.0
    with tqdm(total=epochs * len(batches), desc="training", unit="batch",
              disable=not progress) as bar:
        for _ in range(epochs):
            model.train()
            start = time.perf_counter()
            sums: dict[str, float] = {}
            count = 0
            for batch in batches:
                loss, logs = step_loss(batch)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                schedule.step()
                for name, value in logs.items():
                    sums[name] = sums.get(name, 0.0) + value
                count += 1
                bar.update()
                if max_seconds is not None and spent + time.perf_counter() - start > max_seconds:
                    break
            spent += time.perf_counter() - start
            model.eval()
            postfix = after_epoch({k: v / count for k, v in sums.items()}, spent)
            if postfix:
                bar.set_postfix(postfix)
            if max_seconds is not None and spent > max_seconds:
                break
    model.eval()
    return spent


def fit_classifier(model: nn.Module, train: tuple[torch.Tensor, torch.Tensor],
                   test: tuple[torch.Tensor, torch.Tensor] | None = None, *,
                   epochs: int = 10, batch_size: int = 128, lr: float = 3e-3,
                   weight_decay: float = 5e-4, label_smoothing: float = 0.0,
                   augment: bool = False, seed: int = 0, max_seconds: float | None = None,
                   progress: bool = True) -> History:
    """Train ``model`` on ``train = (images, labels)``; evaluate on ``test`` each epoch.

    AdamW, one-cycle schedule peaking at ``lr``, cross-entropy. Deterministic for a
    given ``seed``. ``max_seconds`` stops early once that much training time is spent
    (for time-budget benchmarks; a stopped run is not reproducible to the batch).
    """
    images, labels = train
    check_digit_batch(images)
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels")
    torch.manual_seed(seed)
    jitter_rng = torch.Generator().manual_seed(seed + 1)
    history = History()

    def step_loss(batch):
        x, y = batch
        if augment:
            x = jitter_digits(x, jitter_rng)
        logits = model(x)
        loss = F.cross_entropy(logits, y, label_smoothing=label_smoothing)
        return loss, {"loss": loss.item(),
                      "accuracy": (logits.argmax(1) == y).float().mean().item()}

    def after_epoch(logs, seconds):
        history.append(train_loss=logs["loss"], train_accuracy=logs["accuracy"],
                       seconds=seconds)
        if test is not None:
            test_loss, test_accuracy = evaluate(model, *test)
            history.append(test_loss=test_loss, test_accuracy=test_accuracy)
            return {"test_accuracy": f"{test_accuracy:.3f}"}
        return None

    train_epochs(model, Batches(images, labels, batch_size=batch_size, seed=seed),
                 step_loss, epochs=epochs, lr=lr, weight_decay=weight_decay,
                 max_seconds=max_seconds, progress=progress, after_epoch=after_epoch)
    return history


@torch.no_grad()
def reconstruction_error(model: nn.Module, images: torch.Tensor,
                         batch_size: int = 500) -> float:
    """Mean squared error per pixel between ``images`` and their reconstructions."""
    was_training = model.training
    model.eval()
    total = sum(F.mse_loss(model(images[i:i + batch_size]), images[i:i + batch_size],
                           reduction="sum").item()
                for i in range(0, len(images), batch_size))
    model.train(was_training)
    return total / images.numel()


def fit_autoencoder(model: nn.Module, images: torch.Tensor,
                    test_images: torch.Tensor | None = None, *, epochs: int = 10,
                    batch_size: int = 128, lr: float = 2e-3, weight_decay: float = 0.0,
                    augment: bool = False, seed: int = 0,
                    max_seconds: float | None = None, progress: bool = True) -> History:
    """Train an autoencoder (anything with ``training_loss(x)``) to rebuild ``images``.

    Records the training loss (and MSE, KL where the model reports them) per epoch and
    the held-out reconstruction MSE on ``test_images``. Deterministic for a ``seed``.
    """
    if isinstance(images, tuple):
        raise TypeError("fit_autoencoder takes the images only (no labels): pass "
                        "load_digits('train')[0]")
    check_digit_batch(images)
    torch.manual_seed(seed)
    jitter_rng = torch.Generator().manual_seed(seed + 1)
    history = History()

    def step_loss(batch):
        x = jitter_digits(batch[0], jitter_rng).clamp(0, 1) if augment else batch[0]
        loss, logs = model.training_loss(x)
        return loss, {"loss": loss.item(), **logs}

    def after_epoch(logs, seconds):
        history.append(**{f"train_{k}": v for k, v in logs.items()}, seconds=seconds)
        if test_images is not None:
            mse = reconstruction_error(model, test_images)
            history.append(test_mse=mse)
            return {"test_mse": f"{mse:.4f}"}
        return None

    train_epochs(model, Batches(images, batch_size=batch_size, seed=seed), step_loss,
                 epochs=epochs, lr=lr, weight_decay=weight_decay, max_seconds=max_seconds,
                 progress=progress, after_epoch=after_epoch)
    return history
