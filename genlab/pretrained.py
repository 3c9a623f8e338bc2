"""Trained models that several chapters share, from the model cache.

Each entry is a recipe — a model and how to train it — and a loader that returns the
model from the cache or trains it first (deterministically). The chapter that
introduces a model trains it in view with the same recipe and stores it; later chapters
load it. (The digit judge lives in :mod:`genlab.judge`.)

For the GANs only the generator is stored: it is all that is needed to draw.
"""

from __future__ import annotations

from typing import Any

from . import cache
from .adversarial import train_gan
from .data import load_digits
from .diffusion import train_diffusion
from .models.autoencoders import VAE, ConvAutoencoder
from .models.gan import Discriminator, Generator
from .models.stylegan import StyleGenerator
from .models.unet import DenoisingUNet
from .training import History, fit_autoencoder

CONV_AUTOENCODER = "conv-autoencoder-16-v1"
VAE_NAME = "vae-8-v1"
GAN_NAME = "gan-digits-v3"
CONDITIONAL_GAN = "conditional-gan-digits-v3"
STYLE_GAN = "style-gan-digits-v1"
DIFFUSION = "diffusion-digits-v2"

_GAN_RECIPE: dict[str, Any] = dict(
    noise_dim=32, width=32, refine=True, batch_spread=True, steps=2500, batch_size=64,
    lr_g=3e-3, lr_d=7.5e-4, betas=(0.0, 0.99), cooldown=0.25, seed=0)
RECIPES: dict[str, dict[str, Any]] = {
    # ~40 s here; held-out MSE about 0.0092 (benchmarks/README.md)
    CONV_AUTOENCODER: dict(epochs=20, batch_size=64, lr=3e-3, seed=0),
    # ~50 s here; 8 latent numbers: few enough that N(0, I) is well covered
    VAE_NAME: dict(epochs=20, batch_size=64, lr=3e-3, seed=0),
    # under two minutes here; its quality at a 120 s budget is in benchmarks/README.md
    GAN_NAME: dict(_GAN_RECIPE),
    # about a minute here; the label decides the digit (the chapter measures how often)
    CONDITIONAL_GAN: dict(_GAN_RECIPE, classes=10, batch_spread=False, steps=1200,
                          lr_g=1e-3, lr_d=5e-4, betas=(0.5, 0.999), cooldown=0.0),
    # about three minutes here; the style-based generator beside the book's
    # discriminator, trained by the GAN loop
    STYLE_GAN: dict(_GAN_RECIPE, style_dim=64, style_width=48, mixing=0.5, steps=1200,
                    lr_g=2e-3),
    # about three minutes here; told the digit's label (hidden for 15% of the digits,
    # for guidance); its quality at 180 s is in benchmarks/README.md
    DIFFUSION: dict(channels=(32, 64), patch=2, classes=10, steps=1400, batch_size=64,
                    lr=2e-3, ema_decay=0.995, cooldown=0.3, label_dropout=0.15, seed=0),
}
_MODEL_KEYS = ("noise_dim", "width", "refine", "classes", "batch_spread", "style_dim",
               "style_width", "mixing")
BUILDERS = {CONV_AUTOENCODER: lambda: ConvAutoencoder(latent_dim=16),
            VAE_NAME: lambda: VAE(latent_dim=8),
            DIFFUSION: lambda: DenoisingUNet(RECIPES[DIFFUSION]["channels"],
                                             RECIPES[DIFFUSION]["patch"],
                                             classes=RECIPES[DIFFUSION]["classes"])}
GANS = (GAN_NAME, CONDITIONAL_GAN, STYLE_GAN)


def _recipe(name: str) -> dict[str, Any]:
    if name not in RECIPES:
        raise ValueError(f"unknown model {name!r}: use one of {list(RECIPES)}")
    return RECIPES[name]


def build(name: str):
    """A fresh, untrained model of the entry ``name`` (seeded, so always the same).
    For a GAN entry: its generator."""
    import torch

    recipe = _recipe(name)
    torch.manual_seed(recipe["seed"])
    if name == STYLE_GAN:
        return StyleGenerator(recipe["noise_dim"], recipe["style_dim"],
                              recipe["style_width"], mixing=recipe["mixing"])
    if name in GANS:
        return Generator(recipe["noise_dim"], recipe["width"], recipe.get("classes", 0),
                         refine=recipe["refine"])
    return BUILDERS[name]()


def build_discriminator(name: str) -> Discriminator:
    """The untrained discriminator that trains beside the generator of GAN ``name``."""
    if name not in GANS:
        raise ValueError(f"{name!r} is not a GAN: use one of {list(GANS)}")
    recipe = _recipe(name)
    return Discriminator(recipe["width"], recipe.get("classes", 0),
                         batch_spread=recipe.get("batch_spread", False))


def train(name: str, model, progress: bool = True, hooks=(),
          seconds: float | None = None) -> tuple[History, dict[str, Any]]:
    """Train ``model`` by the recipe of ``name`` on the bundled training digits.

    For a GAN, ``model`` is the generator: a discriminator is built and trained beside
    it, and ``hooks`` (a dashboard, say) are called after every step. ``seconds`` caps
    a GAN's training time; the diffusion model trains for ``seconds`` (to the end of
    the step under way) instead of its recipe's steps (the benchmarks compare recipes at a fixed budget).
    """
    recipe = _recipe(name)
    images, labels = load_digits("train")
    if name == DIFFUSION:
        loop = {k: v for k, v in recipe.items() if k not in ("channels", "patch", "classes")}
        if seconds is not None:  # a time budget replaces the step count
            loop.update(seconds=seconds, steps=None)
        averaged, history = train_diffusion(model, images, labels, progress=progress,
                                            **loop)
        # What is kept, and what samples, is the moving average of the weights.
        model.load_state_dict(averaged.state_dict())
        return history, {"recipe": dict(recipe), "seconds": history.seconds[-1],
                         "steps": len(history.loss)}
    if name not in GANS:
        history = fit_autoencoder(model, images, load_digits("test")[0],
                                  progress=progress, **recipe)
        return history, {"history": history.as_dict(), "recipe": dict(recipe),
                         "test_mse": history.test_mse[-1]}
    loop = {k: v for k, v in recipe.items() if k not in _MODEL_KEYS}
    history = train_gan(model, build_discriminator(name), images,
                        labels if recipe.get("classes") else None, progress=progress,
                        hooks=hooks, seconds=seconds, **loop)
    return history, {"recipe": dict(recipe), "seconds": history.seconds[-1],
                     "steps": len(history.d_loss)}


def save(name: str, model, meta: dict[str, Any]) -> None:
    cache.save(name, model, **meta)


def load_with_meta(name: str, *, retrain: bool = False, progress: bool = True):
    """``(model, meta)``: the trained model ``name`` (eval mode), from the cache or
    trained first, and what was stored beside it (its recipe, its training seconds)."""
    return cache.cached_model(name, lambda: build(name),
                              lambda m: train(name, m, progress)[1], retrain=retrain)


def load(name: str, *, retrain: bool = False, progress: bool = True):
    """The trained model ``name`` (eval mode), from the cache or trained first."""
    return load_with_meta(name, retrain=retrain, progress=progress)[0]
