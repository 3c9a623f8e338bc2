"""The trained models that several chapters share: one registry entry per model, and
their trained weights, shipped inside the package.

Each entry is a recipe — a typed configuration, :meth:`Entry.build` (a fresh, seeded
model) and :meth:`Entry.train` (its training by the recipe, or by a shorter
:class:`~genlab.frame.Budget`) returning one :class:`Record` — and, for a generator,
how to draw from it (:meth:`Entry.draw`) and how the judge scores it
(:meth:`Entry.score`). The chapter that introduces a model trains it in view briefly;
every chapter then uses the model genlab ships, trained by the same recipe for its
full length:

* :func:`load` returns the shipped model: no training, no network, no write access
  (a read-only install, a shared class folder and a Colab runtime all work). Each
  shipped file is checked against its manifest (its sha256, and that the recipe that
  made it is the recipe in this code) before it is used.
* ``load(name, retrain=True)`` trains the model here, by the recipe, and keeps the
  result in the user's model cache (:mod:`genlab.cache`).
* ``python -m genlab.pretrained train-all`` (``make models``) retrains every entry by
  its recipe and rewrites the weights and manifests in ``genlab/weights/``: the one way
  shipped weights are made.

For the GANs only the generator is kept: it is all that is needed to draw.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import platform
import sys
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import torch
from torch import nn

from . import cache
from .adversarial import check_hooks, train_gan
from .checks import (check_choice, check_count, check_flag, check_generator,
                     check_mapping, check_model, check_path, summary)
from .data import load_digits
from .diffusion import GUIDANCE, train_diffusion
from .diffusion import sample as diffusion_sample
from .frame import Budget, History, evaluating, module_device
from .language import N_, tr
from .latent import LatentGaussian, encode
from .metrics import score_samples
from .models.autoencoders import VAE, ConvAutoencoder
from .models.cnn import DigitCNN
from .models.gan import Discriminator, Generator
from .models.stylegan import StyleGenerator
from .models.unet import DenoisingUNet
from .runtime import hardware, pick_device, write_atomically
from .tables import ScoreTable
from .training import evaluate, fit_autoencoder, fit_classifier

JUDGE = "digit-judge-v2"
CONV_AUTOENCODER = "conv-autoencoder-16-v1"
VAE_NAME = "vae-8-v3"
GAN_NAME = "gan-digits-v4"
CONDITIONAL_GAN = "conditional-gan-digits-v4"
STYLE_GAN = "style-gan-digits-v2"
DIFFUSION = "diffusion-digits-v3"

WEIGHTS = Path(__file__).parent / "weights"
MANIFEST_FORMAT = "genlab-weights/1"
SCORE_SAMPLES = 1000  # digits drawn to score a shipped generator
SCORE_SEED = 1  # the seed they are drawn with
CHECK_SAMPLES = 200  # digits drawn for the quick re-check the tests make of every file


class ShippedModelError(RuntimeError):
    """A shipped model file is missing, altered, or made by a different recipe."""


# ----------------------------------------------------------------------------- recipes

@dataclass(frozen=True)
class ClassifierRecipe:
    """The judge: AdamW with a one-cycle schedule on jittered digits, no label
    smoothing (it would cap the judge's confidence on real digits near 0.96, so the
    confidence scores of generators would read on a compressed scale)."""

    epochs: int = 12
    batch_size: int = 64
    lr: float = 3e-3
    weight_decay: float = 5e-4
    label_smoothing: float = 0.0
    augment: bool = True
    seed: int = 0


@dataclass(frozen=True)
class AutoencoderRecipe:
    """A convolutional autoencoder or VAE with ``latent_dim`` numbers in its bottleneck."""

    variational: bool
    latent_dim: int
    epochs: int = 20
    batch_size: int = 64
    lr: float = 3e-3
    seed: int = 0


@dataclass(frozen=True)
class GANRecipe:
    """The book's generator (or, with ``style_dim``, the style-based one) and
    discriminator, and :func:`~genlab.adversarial.train_gan`'s settings."""

    noise_dim: int = 32
    width: int = 32
    refine: bool = True
    batch_spread: bool = True
    classes: int = 0
    style_dim: int = 0  # > 0: the style-based generator of chapter 7
    style_width: int = 0
    mixing: float = 0.0
    mapping_lr: float = 1.0  # the style-based generator's mapping network's rate factor
    steps: int = 2500
    batch_size: int = 64
    lr_g: float = 3e-3
    lr_d: float = 7.5e-4
    betas: tuple[float, float] = (0.0, 0.99)
    cooldown: float = 0.25
    augment: int = 0  # > 0: the discriminator sees every image shifted by up to this
    seed: int = 0


@dataclass(frozen=True)
class DiffusionRecipe:
    """The label-conditioned denoiser and :func:`~genlab.diffusion.train_diffusion`'s
    settings (the label hidden for ``label_dropout`` of the digits, for guidance)."""

    channels: tuple[int, ...] = (32, 64)
    patch: int = 2
    classes: int = 10
    steps: int = 6000
    batch_size: int = 64
    lr: float = 2e-3
    ema_decay: float = 0.995
    cooldown: float = 0.3
    label_dropout: float = 0.2
    seed: int = 0


# ----------------------------------------------------------------------------- records

@dataclass
class Record:
    """What one training run did: the same fields for every entry."""

    history: History
    steps: int
    seconds: float
    device: str
    config: dict[str, Any]

    @property
    def final(self) -> dict[str, float]:
        """The last value of every series of the history (``test_accuracy``, ...)."""
        return {name: values[-1] for name, values in self.history.series.items() if values}

    def as_dict(self, points: int | None = None) -> dict[str, Any]:
        """Plain values (the history thinned to ``points`` records, if given)."""
        history = self.history if points is None else self.history.thinned(points)
        return {"history": history.as_dict(), "steps": self.steps, "seconds": self.seconds,
                "device": self.device, "config": self.config}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Record:
        """The record that :meth:`as_dict` gave (a manifest's ``record``)."""
        check_mapping(values, "values", _RECORD_KEYS, what="a dict from Record.as_dict()")
        return cls(History(**values["history"]), values["steps"], values["seconds"],
                   values["device"], values["config"])


_RECORD_KEYS = ("history", "steps", "seconds", "device", "config")


def _check_record(record: Any, name: str = "record") -> Record:
    """``record`` if it is a :class:`Record` (what :meth:`Entry.train` returns)."""
    if not isinstance(record, Record):
        raise TypeError(f"{name}: expected the Record that entry.train(...) returns, "
                        f"found {summary(record)}")
    return record


def _record(history: History, steps: int, recipe, seconds: float | None = None) -> Record:
    seconds = history.seconds[-1] if seconds is None else seconds
    return Record(history, steps, float(seconds), str(pick_device()), _plain(asdict(recipe)))


def _plain(value: Any) -> Any:
    """Tuples as lists, as JSON has them, so a recipe compares equal to its manifest."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


# ----------------------------------------------------------------------------- entries

@dataclass(frozen=True)
class Entry:
    """One shared model: its name, what it is, the chapter that introduces it, and its
    recipe. Subclasses say how to build, train, draw from and score it."""

    name: str
    title: str
    chapter: str
    recipe: Any
    curves: tuple[str, ...]  # the series a chapter shows of a run
    generates: bool = field(default=True)

    def build(self) -> nn.Module:
        """A fresh, untrained model, initialised from the recipe's seed (so always the
        same)."""
        torch.manual_seed(self.recipe.seed)
        return self._build()

    def _build(self) -> nn.Module:
        raise NotImplementedError

    def check_own_model(self, model: Any, name: str = "model") -> nn.Module:
        """``model`` if it is a model of this entry: the class :meth:`build` makes,
        with the recipe's sizes (compared with a fresh build; the random state is
        left as it was)."""
        check_model(model, name)
        with torch.random.fork_rng(devices=[]):
            fresh = self._build()
        if type(model) is not type(fresh):
            raise TypeError(f"{name}: expected the {type(fresh).__name__} that "
                            f"entry({self.name!r}).build() makes, found a "
                            f"{type(model).__name__}")
        wanted = {k: tuple(v.shape) for k, v in fresh.state_dict().items()}
        found = {k: tuple(v.shape) for k, v in model.state_dict().items()}
        if found != wanted:
            differ = sorted(k for k in set(wanted) | set(found)
                            if wanted.get(k) != found.get(k))
            raise ValueError(f"{name}: expected a {type(fresh).__name__} with the sizes "
                             f"of {self.name}'s recipe (as entry({self.name!r}).build() "
                             f"makes it), found one whose layers differ: "
                             f"{', '.join(differ[:4])}{' ...' if len(differ) > 4 else ''}")
        return model

    def train(self, model: nn.Module, budget: Budget | None = None, *,
              progress: bool = True, hooks=()) -> Record:
        """Train ``model`` (from :meth:`build`) by the recipe on the bundled training
        digits — for its full length, or for ``budget`` instead (a brief run; a budget
        without a cool-down of its own cools down as the recipe does). ``hooks`` (a GAN's
        dashboard, say) are called after every step of a GAN. Returns the
        :class:`Record` of the run; the model ends in eval mode, where it was."""
        self.check_own_model(model)
        if budget is not None and not isinstance(budget, Budget):
            raise TypeError(f"budget: expected a genlab.frame.Budget, e.g. "
                            f"Budget(steps=300), found {summary(budget)}")
        progress = check_flag(progress, "progress")
        hooks = self._check_hooks(hooks)
        return self._train(model, budget, progress, hooks)

    def _check_hooks(self, hooks: Any) -> tuple:
        """``hooks`` as a tuple of functions; only a GAN's training calls them."""
        hooks = check_hooks(hooks)
        if hooks and not isinstance(self, GANEntry):
            raise ValueError(f"hooks: expected none: {self.name} is not a GAN (hooks are "
                             "called after each step of a GAN's training)")
        return hooks

    def _train(self, model, budget, progress, hooks) -> Record:
        raise NotImplementedError

    def _steps(self, budget: Budget | None) -> Budget:
        """The budget of a step-by-step loop: the recipe's steps and cool-down, or
        ``budget`` (with the recipe's cool-down if it has none of its own)."""
        if budget is None:
            return Budget(steps=self.recipe.steps, cooldown=self.recipe.cooldown)
        return Budget(budget.steps, budget.seconds, budget.cooldown or self.recipe.cooldown)

    def draw(self, model: nn.Module, n: int, generator: torch.Generator) -> torch.Tensor:
        """``n`` digits in [0, 1] from the trained ``model``, as the book draws them."""
        model, n = self._check_draw(model, n, generator)
        return self._draw(model, n, generator)

    def _check_draw(self, model: Any, n: Any, generator: Any) -> tuple[nn.Module, int]:
        """The arguments of :meth:`draw`, checked: a model of this entry, a count and a
        seeded generator (``torch.Generator().manual_seed(0)``, not a seed; ``None``:
        torch's global one)."""
        if not self.generates:
            raise NotImplementedError(f"{self.name} does not draw digits")
        model = self.check_own_model(model)
        n = check_count(n, "n")
        check_generator(generator, "generator")
        return model, n

    def _draw(self, model: nn.Module, n: int, generator: torch.Generator) -> torch.Tensor:
        raise NotImplementedError

    def score(self, model: nn.Module, judge: nn.Module,
              n: int | None = None) -> dict[str, float]:
        """The judge's scores of ``n`` digits (default :data:`SCORE_SAMPLES`) drawn with
        seed :data:`SCORE_SEED`, against the held-out test digits."""
        model, n = self._check_score(model, judge, n)
        rng = torch.Generator().manual_seed(SCORE_SEED)
        digits = self.draw(model, n, rng)
        return score_samples(judge, digits, load_digits("test")[0])

    def _check_score(self, model: Any, judge: Any, n: Any) -> tuple[nn.Module, int]:
        model = self.check_own_model(model)
        if judge is not None or self.generates:
            check_model(judge, "judge")
        return model, SCORE_SAMPLES if n is None else check_count(n, "n")


class ClassifierEntry(Entry):
    def _build(self):
        return DigitCNN()

    def _train(self, model, budget, progress, hooks):
        recipe = asdict(self.recipe)
        if budget is not None:
            recipe.update(steps=budget.steps, max_seconds=budget.seconds)
        history = fit_classifier(model, load_digits("train"), load_digits("test"),
                                 progress=progress, **recipe)
        return _record(history, int(history.steps[-1]), self.recipe)

    def score(self, model, judge=None, n=None):
        """Its own accuracy and cross-entropy on the held-out test digits (``judge``
        and ``n`` are not used: the judge is scored on all of them)."""
        self._check_score(model, judge, n)
        loss, accuracy = evaluate(model, *load_digits("test"))
        return {"test accuracy": accuracy, "test loss": loss}


class AutoencoderEntry(Entry):
    def _build(self):
        kind = VAE if self.recipe.variational else ConvAutoencoder
        return kind(latent_dim=self.recipe.latent_dim)

    def _train(self, model, budget, progress, hooks):
        recipe = {k: v for k, v in asdict(self.recipe).items()
                  if k not in ("variational", "latent_dim")}
        if budget is not None:
            recipe.update(steps=budget.steps, max_seconds=budget.seconds)
        history = fit_autoencoder(model, load_digits("train")[0], load_digits("test")[0],
                                  progress=progress, **recipe)
        return _record(history, int(history.steps[-1]), self.recipe)

    def _draw(self, model, n, generator):
        if self.recipe.variational:  # the prior the VAE was trained towards
            z = torch.randn(n, model.latent_dim, generator=generator)
        else:  # a Gaussian fitted to the codes of the training digits
            codes = encode(model, load_digits("train")[0])
            z = LatentGaussian.fit(codes).sample(n, generator)
        with torch.no_grad(), evaluating(model):
            return model.decode(z).clamp(0, 1)


class GANEntry(Entry):
    def _build(self):
        r = self.recipe
        if r.style_dim:
            return StyleGenerator(r.noise_dim, r.style_dim, r.style_width, mixing=r.mixing,
                                  mapping_lr=r.mapping_lr)
        return Generator(r.noise_dim, r.width, r.classes, refine=r.refine)

    def build_discriminator(self) -> Discriminator:
        """The untrained discriminator that trains beside the generator."""
        return Discriminator(self.recipe.width, self.recipe.classes,
                             batch_spread=self.recipe.batch_spread)

    def _train(self, model, budget, progress, hooks):
        r, budget = self.recipe, self._steps(budget)
        images, labels = load_digits("train")
        history = train_gan(model, self.build_discriminator(), images,
                            labels if r.classes else None, steps=budget.steps,
                            seconds=budget.seconds, cooldown=budget.cooldown,
                            batch_size=r.batch_size, lr_g=r.lr_g, lr_d=r.lr_d,
                            betas=r.betas, augment=r.augment, seed=r.seed, hooks=hooks,
                            progress=progress)
        return _record(history, len(history.d_loss), r)

    def _draw(self, model, n, generator):
        labels = torch.arange(n) % self.recipe.classes if self.recipe.classes else None
        return model.sample(n, generator, labels=labels)


class DiffusionEntry(Entry):
    def _build(self):
        return DenoisingUNet(self.recipe.channels, self.recipe.patch,
                             classes=self.recipe.classes)

    def _train(self, model, budget, progress, hooks):
        r, budget = self.recipe, self._steps(budget)
        images, labels = load_digits("train")
        averaged, history = train_diffusion(
            model, images, labels if r.classes else None, steps=budget.steps,
            seconds=budget.seconds, cooldown=budget.cooldown,
            batch_size=r.batch_size, lr=r.lr, ema_decay=r.ema_decay,
            label_dropout=r.label_dropout, seed=r.seed, progress=progress)
        # What is kept, and what samples, is the moving average of the weights.
        model.load_state_dict(averaged.state_dict())
        return _record(history, len(history.loss), r)

    def draw(self, model, n, generator, *, steps: int = 20, guidance: float = GUIDANCE):
        """``n`` digits from ``steps`` steps of the sampler, with classifier-free
        ``guidance`` (each a checked argument of :func:`genlab.diffusion.sample`)."""
        model, n = self._check_draw(model, n, generator)
        labels = torch.arange(n) % self.recipe.classes if self.recipe.classes else None
        return diffusion_sample(model, n, steps, generator, labels=labels,
                                guidance=guidance if self.recipe.classes else None)


_GAN = GANRecipe(steps=5000)
_GAN_CURVES = ("d_loss", "g_loss", "d_real", "d_fake")
ENTRIES: dict[str, Entry] = {e.name: e for e in [
    # about 99% of the held-out digits right (each manifest records its training time)
    ClassifierEntry(JUDGE, N_("the digit judge"), "01_convolutions", ClassifierRecipe(),
                    ("train_loss", "test_accuracy"), generates=False),
    # held-out MSE about 0.009 per pixel (benchmarks/README.md)
    AutoencoderEntry(CONV_AUTOENCODER, N_("the convolutional autoencoder"),
                     "03_transposed_convolutions", AutoencoderRecipe(False, 16),
                     ("train_loss", "test_mse")),
    # 8 latent numbers: few enough that N(0, I) is well covered
    AutoencoderEntry(VAE_NAME, N_("the VAE"), "04_generating_from_the_decoder",
                     AutoencoderRecipe(True, 8, epochs=160), ("train_loss", "test_mse")),
    # the book's GAN: 5,000 steps
    GANEntry(GAN_NAME, N_("the GAN"), "05_adversarial_training", _GAN, _GAN_CURVES),
    # the GAN's recipe given the label, trained twice as long; its discriminator sees
    # the spread among the digits of each label (against collapse within a digit)
    GANEntry(CONDITIONAL_GAN, N_("the conditional GAN"), "05_adversarial_training",
             GANRecipe(classes=10, steps=5000), _GAN_CURVES),
    # the style-based generator beside the book's discriminator; its mapping network
    # learns at 1% of the generator's rate, as in StyleGAN
    GANEntry(STYLE_GAN, N_("the style-based GAN"), "07_style_based_generators",
             GANRecipe(style_dim=64, style_width=48, mixing=0.5, mapping_lr=0.01,
                       steps=5000, lr_g=2e-3),
             _GAN_CURVES),
    # told the digit's label (hidden for 20% of the digits, for guidance and for w = 0)
    DiffusionEntry(DIFFUSION, N_("the diffusion model"), "08_diffusion", DiffusionRecipe(),
                   ("loss",)),
]}
GANS = tuple(name for name, e in ENTRIES.items() if isinstance(e, GANEntry))


def entry(name: str) -> Entry:
    """The registry entry called ``name`` (one of :data:`ENTRIES`)."""
    return ENTRIES[_check_name(name)]


def _check_name(name: Any, label: str = "name") -> str:
    """``name`` if it names an entry of the registry; the error lists the names."""
    if not isinstance(name, str):
        raise TypeError(f"{label}: expected the name of a shared model (a str such as "
                        f"pretrained.GAN_NAME), found {summary(name)}")
    return check_choice(name, label, tuple(ENTRIES))


def build(name: str) -> nn.Module:
    """A fresh, untrained model of the entry ``name`` (for a GAN: its generator)."""
    return entry(name).build()


def build_discriminator(name: str) -> Discriminator:
    """The untrained discriminator that trains beside the generator of GAN ``name``."""
    found = entry(name)
    if not isinstance(found, GANEntry):
        raise ValueError(f"name: expected a GAN, one of {', '.join(map(repr, GANS))}, "
                         f"found {name!r}, which is not a GAN")
    return found.build_discriminator()


# ----------------------------------------------------------------------------- shipping

def weights_path(name: str) -> Path:
    return WEIGHTS / f"{entry(name).name}.safetensors"


def manifest_path(name: str) -> Path:
    return WEIGHTS / f"{entry(name).name}.json"


def manifest(name: str) -> dict[str, Any]:
    """What genlab records of its shipped model ``name``: the recipe, seed, steps,
    training seconds and the machine they were measured on, torch's version, the
    file's sha256 and the judge's scores at shipping time."""
    name = entry(name).name
    path = manifest_path(name)
    if not path.is_file():
        raise ShippedModelError(f"genlab ships no model {name!r} ({path} is missing). "
                                "Train it here with pretrained.load(name, retrain=True), "
                                "or, in the repository, run `make models`.")
    values = json.loads(path.read_text())
    if values.get("format") != MANIFEST_FORMAT or values.get("name") != name:
        raise ShippedModelError(f"{path} is not a genlab manifest of {name!r}")
    missing = [key for key in ("sha256", "hardware", "record") if key not in values]
    if isinstance(values.get("record"), dict):
        missing += [f"record.{key}" for key in _RECORD_KEYS if key not in values["record"]]
    elif "record" in values:
        missing.append("a record")
    if missing:
        raise ShippedModelError(f"{path} lacks {', '.join(missing)}: it was altered or made "
                                "by an older genlab. Reinstall genlab, or retrain it with "
                                "`make models`.")
    return values


def check_recipe(name: str) -> dict[str, Any]:
    """The manifest of ``name``, after checking it was made by the recipe in this code."""
    values = manifest(name)
    recipe = entry(name).recipe
    current = _plain(asdict(recipe))
    # A setting added to the recipes after a model shipped is absent from its manifest;
    # at its default (chosen to train as before the setting existed) it is the same recipe.
    shipped = {**{f.name: _plain(f.default) for f in fields(recipe)},
               **values["record"]["config"]}
    if shipped != current:
        changed = sorted(k for k in set(current) | set(shipped)
                         if current.get(k) != shipped.get(k))
        raise ShippedModelError(
            f"the shipped {name} was trained by a different recipe (changed: "
            f"{', '.join(changed)}). Retrain and ship it: `make models` (or "
            f"`python -m genlab.pretrained train-all --only {name}`).")
    return values


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_shipped(name: str) -> tuple[nn.Module, dict[str, Any]]:
    """``(model, manifest)``: the shipped model ``name`` in eval mode, checked first."""
    from safetensors.torch import load as load_tensors

    name = entry(name).name
    values = check_recipe(name)
    path = weights_path(name)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ShippedModelError(f"cannot read the shipped weights {path}: {error}") from error
    if _sha256(data) != values["sha256"]:
        raise ShippedModelError(f"{path} does not match its manifest's sha256: the file "
                                "was altered or damaged. Reinstall genlab, or retrain it "
                                "with `make models`.")
    model = build(name)
    try:
        model.load_state_dict(load_tensors(data))
    except RuntimeError as error:
        raise ShippedModelError(f"the weights in {path} do not fit {name}'s architecture "
                                f"({error}). Retrain it with `make models`.") from error
    return model.eval(), values


def load_with_meta(name: str, *, retrain: bool = False,
                   progress: bool = True) -> tuple[nn.Module, dict[str, Any]]:
    """``(model, record)``: the trained model ``name`` in eval mode and the
    :class:`Record` of its training, as a dict — the shipped model, or with
    ``retrain=True`` one trained here now by the recipe and kept in the model cache."""
    found = entry(name)
    retrain = check_flag(retrain, "retrain")
    progress = check_flag(progress, "progress")
    if not retrain:
        model, values = load_shipped(found.name)
        return model, values["record"]
    model, meta = cache.cached_model(
        found.name, found.build, lambda m: found.train(m, progress=progress).as_dict(),
        retrain=True)
    return model, meta


def load(name: str, *, retrain: bool = False, progress: bool = True) -> nn.Module:
    """The trained model ``name``, in eval mode: the one genlab ships (no training, no
    writing), or with ``retrain=True`` one trained here now by the same recipe (and
    kept in the user's model cache)."""
    return load_with_meta(name, retrain=retrain, progress=progress)[0]


def shipped_table() -> ScoreTable:
    """Every model genlab ships, in the reader's language: what it is, how many steps and
    seconds its recipe trained it (on the machine its manifest names), and the chapter
    that introduces it."""
    rows = {}
    for name, found in ENTRIES.items():
        record = manifest(name)["record"]
        rows[tr(found.title)] = {"training steps": record["steps"],
                                 "training s": record["seconds"],
                                 N_("chapter"): int(found.chapter[:2])}
    return ScoreTable(rows, label=tr("model"))


def recorded_history(name: str) -> History:
    """The curves of the shipped model's full training (thinned), from its manifest."""
    return History(**manifest(name)["record"]["history"])


_CURVE_TITLES = {"train_loss": N_("training loss"), "test_accuracy": N_("test accuracy"),
                 "test_mse": N_("held-out error per pixel"),
                 "d_loss": N_("discriminator's loss"), "g_loss": N_("generator's loss"),
                 "d_real": N_("D(x) on real digits"), "d_fake": N_("D(G(z)) on fakes"),
                 "loss": N_("velocity loss")}


def beside_shipped(name: str, record: Record) -> plt.Figure:
    """The curves of a run here (``record``, usually a brief one) drawn over those of
    the shipped model's full run by the same recipe, against the step: where the run
    here stopped, and what the full run went on to. Per-step curves are smoothed over
    the same number of steps in both runs (a twentieth of the full run)."""
    found = entry(name)
    record = _check_record(record)
    curves = found.curves
    missing = [series for series in curves if not record.history.series.get(series)]
    if missing:
        raise ValueError(f"record: expected the record of a run of {found.name} (with the "
                         f"curves {', '.join(curves)}), found one without "
                         f"{', '.join(missing)}; pass what entry({found.name!r}).train(...) "
                         f"returned")
    values = manifest(found.name)
    shipped = History(**values["record"]["history"])
    columns = min(len(curves), 2)
    rows = -(-len(curves) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(4.4 * columns, 2.7 * rows + 0.5),
                             squeeze=False)
    window_steps = max(1, values["record"]["steps"] // 20)
    for axis, series in zip(axes.flat, curves):
        lows = []
        for history, label in [
                (shipped, tr("shipped: {steps:,} steps").format(
                    steps=values["record"]["steps"])),
                (record.history, tr("here: {steps:,} steps").format(steps=record.steps))]:
            steps, ys = history.step_numbers(), history.series[series]
            spacing = (steps[-1] - steps[0]) / max(1, len(steps) - 1)
            window = min(len(ys) // 4, round(window_steps / spacing)) if spacing else 1
            smooth = _moving_average(ys, window) if window > 2 else list(ys)
            axis.plot(steps[len(steps) - len(smooth):], smooth, lw=1.2, label=label)
            lows.append(min(smooth))
        highs = [max(history.series[series]) for history in (shipped, record.history)]
        if series.endswith("loss") and min(lows) > 0 and max(highs) > 10 * min(lows):
            axis.set_yscale("log")
        axis.set(xlabel=tr("step"), title=tr(_CURVE_TITLES.get(series, series)))
        axis.grid(alpha=0.3)
    axes.flat[0].legend(fontsize=8)
    hardware = values["hardware"]
    threads = hardware["torch_threads"]
    fig.suptitle((tr("{model}: the run here ({seconds:.0f} s) and the shipped run "
                     "({shipped:.0f} s on {cores} CPU cores, {threads} threads)")
                  if threads > 1 else
                  tr("{model}: the run here ({seconds:.0f} s) and the shipped run "
                     "({shipped:.0f} s on {cores} CPU cores, 1 thread)")).format(
                        model=tr(entry(name).title), seconds=record.seconds,
                        shipped=values["record"]["seconds"], cores=hardware["cpu_cores"],
                        threads=threads), fontsize=10)
    fig.tight_layout()
    return fig


def _moving_average(values: list[float], window: int) -> list[float]:
    sums = torch.tensor(values, dtype=torch.float64).cumsum(0)
    sums = torch.cat([torch.zeros(1, dtype=torch.float64), sums])
    return ((sums[window:] - sums[:-window]) / window).tolist()


def ship(name: str, model: nn.Module, record: Record, judge: nn.Module,
         folder: Path = WEIGHTS) -> dict[str, Any]:
    """Write ``model``'s weights and manifest (scored by ``judge``) into ``folder``."""
    from safetensors.torch import save as save_tensors

    found = entry(name)
    name = found.name
    found.check_own_model(model)
    record = _check_record(record)
    check_model(judge, "judge")
    folder = _check_folder(folder)
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    data = save_tensors(state)
    model = model.to(module_device(judge)).eval()
    values = {
        "format": MANIFEST_FORMAT, "name": name, "title": entry(name).title,
        "class": type(model).__name__, "chapter": entry(name).chapter,
        "made_by": "python -m genlab.pretrained train-all",
        "date": datetime.date.today().isoformat(), "torch": torch.__version__,
        "python": platform.python_version(), "hardware": hardware(),
        "seed": record.config["seed"], "sha256": _sha256(data), "bytes": len(data),
        "scores": entry(name).score(model, judge),
        "score_samples": SCORE_SAMPLES if entry(name).generates else None,
        # what the tests recompute from the shipped file, in seconds
        "check_scores": entry(name).score(model, judge, CHECK_SAMPLES),
        "check_samples": CHECK_SAMPLES if entry(name).generates else None,
        "record": record.as_dict(points=400),
    }
    write_atomically(folder / f"{name}.safetensors", data)
    write_atomically(folder / f"{name}.json",
                      (json.dumps(values, indent=1) + "\n").encode())
    return values


def _check_folder(folder: Any, name: str = "folder") -> Path:
    """``folder`` as a path to a folder, created if missing."""
    folder = check_path(folder, name)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"{name}: expected a folder, found a file at {folder}")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def train_all(names: list[str] | None = None, folder: Path = WEIGHTS,
              progress: bool = True) -> None:
    """Retrain ``names`` (default: every entry) by their recipes and ship them. The
    judge, when it is among them, comes first, and scores the others; when it is not,
    the shipped judge scores them (loaded, and so checked, before any training)."""
    if names is None:
        names = list(ENTRIES)
    elif isinstance(names, str) or not isinstance(names, (list, tuple)):
        raise TypeError(f"names: expected a list of model names, found {summary(names)}"
                        + ("; use [name]" if isinstance(names, str) else ""))
    if not names:
        raise ValueError("names: expected at least one model name, found an empty list; "
                         "pass None to retrain them all")
    names = list(dict.fromkeys(_check_name(n, f"names[{i}]") for i, n in enumerate(names)))
    progress = check_flag(progress, "progress")
    folder = _check_folder(folder)
    judge = None if JUDGE in names else load_shipped(JUDGE)[0]
    for name in sorted(names, key=lambda n: n != JUDGE):
        found = entry(name)
        print(f"training {name} ({found.title}) by its recipe", flush=True)
        model = found.build()
        record = found.train(model, progress=progress)
        if name == JUDGE:
            judge = model.eval()
        values = ship(name, model, record, judge, folder)
        print(f"  {record.steps} steps in {record.seconds:.0f} s on {record.device}; "
              + ", ".join(f"{k} {v:.3f}" for k, v in values["scores"].items()), flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m genlab.pretrained",
                                     description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train-all", help="retrain every shipped model by its "
                                "recipe and rewrite genlab/weights/")
    train.add_argument("--only", nargs="+", metavar="NAME", choices=list(ENTRIES),
                       help="only these entries")
    train.add_argument("--into", type=Path, default=WEIGHTS, help="the folder to write")
    commands.add_parser("list", help="the entries and what their manifests record")
    args = parser.parse_args(argv)
    if args.command == "train-all":
        if args.into.exists() and not args.into.is_dir():
            parser.error(f"--into: expected a folder, found a file at {args.into}")
        start = time.perf_counter()
        train_all(args.only, args.into)
        print(f"done in {time.perf_counter() - start:.0f} s", flush=True)
    else:
        for name, found in ENTRIES.items():
            try:
                values = manifest(name)
                note = (f"{values['record']['steps']} steps, "
                        f"{values['record']['seconds']:.0f} s on "
                        f"{values['hardware']['device']}, {values['date']}")
            except ShippedModelError:
                note = "not shipped"
            print(f"{name:28s} {found.title:32s} {note}")


if __name__ == "__main__":
    main(sys.argv[1:])
