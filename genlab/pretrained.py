"""Trained autoencoders that several chapters share, from the model cache.

Each entry is a recipe — a model and how to train it — and a loader that returns the
model from the cache or trains it first (deterministically). The chapter that
introduces a model trains it in view with the same recipe and stores it; later chapters
load it. (The digit judge lives in :mod:`genlab.judge`.)
"""

from __future__ import annotations

from typing import Any

from . import cache
from .data import load_digits
from .models.autoencoders import VAE, ConvAutoencoder
from .training import History, fit_autoencoder

CONV_AUTOENCODER = "conv-autoencoder-16-v1"
VAE_NAME = "vae-8-v1"
RECIPES: dict[str, dict[str, Any]] = {
    # ~40 s here; held-out MSE about 0.0092 (benchmarks/README.md)
    CONV_AUTOENCODER: dict(epochs=20, batch_size=64, lr=3e-3, seed=0),
    # ~50 s here; 8 latent numbers: few enough that N(0, I) is well covered
    VAE_NAME: dict(epochs=20, batch_size=64, lr=3e-3, seed=0),
}
BUILDERS = {CONV_AUTOENCODER: lambda: ConvAutoencoder(latent_dim=16),
            VAE_NAME: lambda: VAE(latent_dim=8)}


def build(name: str):
    """A fresh, untrained model of the entry ``name`` (seeded, so always the same)."""
    import torch

    if name not in BUILDERS:
        raise ValueError(f"unknown model {name!r}: use one of {list(BUILDERS)}")
    torch.manual_seed(RECIPES[name]["seed"])
    return BUILDERS[name]()


def train(name: str, model, progress: bool = True) -> tuple[History, dict[str, Any]]:
    """Train ``model`` by the recipe of ``name`` on the bundled digits."""
    history = fit_autoencoder(model, load_digits("train")[0], load_digits("test")[0],
                              progress=progress, **RECIPES[name])
    return history, {"history": history.as_dict(), "recipe": dict(RECIPES[name]),
                     "test_mse": history.test_mse[-1]}


def save(name: str, model, meta: dict[str, Any]) -> None:
    cache.save(name, model, **meta)


def load(name: str, *, retrain: bool = False, progress: bool = True):
    """The trained model ``name`` (eval mode), from the cache or trained first."""
    model, _ = cache.cached_model(name, lambda: build(name),
                                  lambda m: train(name, m, progress)[1], retrain=retrain)
    return model
