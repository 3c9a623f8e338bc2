"""The judge: the convolutions chapter's digit classifier, reused to score generators.

Later chapters ask of generated digits: does each look like *some* digit (the judge's
confidence), are all ten digits there (the spread of its predictions), and do they
resemble real digits as a whole (distances between the judge's features of real and
generated images)? Inception networks cannot be downloaded here and know nothing of
digits; a classifier trained on the digits themselves is the honest yardstick.

:func:`load_judge` returns the trained classifier from the model cache, training it
first (deterministically, about 20 s on two cores) if this machine has none yet — so a
reader who opens a later chapter first still gets the same judge.
"""

from __future__ import annotations

from typing import Any

from . import cache
from .data import load_digits
from .models.cnn import DigitCNN
from .training import History, fit_classifier

JUDGE_NAME = "digit-judge-v2"
RECIPE: dict[str, Any] = dict(epochs=12, batch_size=64, lr=3e-3, weight_decay=5e-4,
                              label_smoothing=0.0, augment=True, seed=0)
"""How the judge is trained: AdamW with a one-cycle schedule on jittered digits.

No label smoothing: it would cap the judge's confidence on real digits near 0.96, so
the confidence scores of generators would read on a compressed scale. Without it real
test digits score about 0.99 and a shapeless blob scores low."""


def build_judge() -> DigitCNN:
    """A fresh, untrained judge, initialised from ``RECIPE["seed"]`` — so the judge a
    chapter trains in view is the very one :func:`load_judge` would train."""
    import torch

    torch.manual_seed(RECIPE["seed"])
    return DigitCNN()


def train_judge(model: DigitCNN, progress: bool = True) -> tuple[History, dict[str, Any]]:
    """Train ``model`` by :data:`RECIPE` on the bundled digits; returns history and meta."""
    history = fit_classifier(model, load_digits("train"), load_digits("test"),
                             progress=progress, **RECIPE)
    meta = {"test_accuracy": history.test_accuracy[-1], "history": history.as_dict(),
            "recipe": dict(RECIPE)}
    return history, meta


def save_judge(model: DigitCNN, meta: dict[str, Any]) -> None:
    """Store a judge trained by :func:`train_judge` (the chapter trains it in view)."""
    cache.save(JUDGE_NAME, model, **meta)


def load_judge(*, retrain: bool = False, progress: bool = True) -> DigitCNN:
    """The trained judge, in eval mode, from the cache (trained first if missing)."""
    model, _ = cache.cached_model(JUDGE_NAME, build_judge,
                                  lambda m: train_judge(m, progress)[1], retrain=retrain)
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    return model
