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
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from .data import Batches
from .models.cnn import check_digit_batch


@dataclass
class History:
    """Per-epoch training record; ``plot()`` draws the loss and accuracy curves."""

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[float]]:
        return {name: list(values) for name, values in self.__dict__.items()}

    def plot(self) -> plt.Figure:
        epochs = range(1, len(self.train_loss) + 1)
        fig, (loss_ax, acc_ax) = plt.subplots(1, 2, figsize=(9, 3.2))
        loss_ax.plot(epochs, self.train_loss, "o-", label="training batches")
        loss_ax.plot(epochs, self.test_loss, "o-", label="held-out test set")
        loss_ax.set(xlabel="epoch", ylabel="cross-entropy loss", yscale="log",
                    title="loss")
        acc_ax.plot(epochs, [100 * a for a in self.train_accuracy], "o-",
                    label="training batches")
        acc_ax.plot(epochs, [100 * a for a in self.test_accuracy], "o-",
                    label="held-out test set")
        acc_ax.set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy")
        acc_ax.legend()
        for ax in (loss_ax, acc_ax):
            ax.grid(alpha=0.3)
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
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
    torch.manual_seed(seed)
    batches = Batches(images, labels, batch_size=batch_size, seed=seed)
    jitter_rng = torch.Generator().manual_seed(seed + 1)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=lr, total_steps=epochs * len(batches), pct_start=0.25)
    history = History()
    spent = 0.0
    bar = tqdm(total=epochs * len(batches), desc="training", unit="batch",
               disable=not progress)
    for _ in range(epochs):
        model.train()
        start = time.perf_counter()
        loss_sum = correct = seen = 0
        for x, y in batches:
            if augment:
                x = jitter_digits(x, jitter_rng)
            logits = model(x)
            loss = F.cross_entropy(logits, y, label_smoothing=label_smoothing)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            loss_sum += loss.item() * len(y)
            correct += (logits.argmax(1) == y).sum().item()
            seen += len(y)
            bar.update()
            if max_seconds is not None and spent + time.perf_counter() - start > max_seconds:
                break
        spent += time.perf_counter() - start
        history.train_loss.append(loss_sum / seen)
        history.train_accuracy.append(correct / seen)
        history.seconds.append(spent)
        if test is not None:
            test_loss, test_acc = evaluate(model, *test)
            history.test_loss.append(test_loss)
            history.test_accuracy.append(test_acc)
            bar.set_postfix(test_accuracy=f"{test_acc:.3f}")
        if max_seconds is not None and spent > max_seconds:
            break
    bar.close()
    model.eval()
    return history
