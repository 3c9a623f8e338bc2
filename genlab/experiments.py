"""Small, seeded GAN experiments: a configuration in, curves and the judge's verdict out.

The instability chapter runs a dozen short trainings that differ in one knob each — a
loss, a learning rate, a remedy — and compares what they did. :func:`run_gan` is one
such training: it builds a generator and a discriminator from a :class:`GanConfig`,
trains them with :func:`genlab.adversarial.train_gan` under a :class:`Dashboard` that
measures the samples every few dozen steps, and returns a :class:`Run` holding all of
it. Every run is seeded, so the chapter's figures are the same on every machine with
the same number of threads.

:func:`knob_panel` puts the knobs on controls (live, in Jupyter and Colab);
:func:`knob_gallery` shows runs precomputed over a grid of knob settings behind the same
controls, for the rendered book.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import torch

from .adversarial import AveragedGenerator, check_gan_settings, train_gan
from .checks import (check_choice, check_count, check_digits, check_flag, check_model,
                     check_number, check_text, summary)
from .dashboard import Dashboard
from .flipbook import Flipbook
from .models.gan import Discriminator, Generator
from .language import tr
from .plots import COLUMN_INCHES, image_grid
from .training import History

if TYPE_CHECKING:
    from .widgets import LiveBox


@dataclass(frozen=True)
class GanConfig:
    """Everything that defines one GAN training run (see ``train_gan`` for the knobs).

    ``loss="wasserstein"`` makes the discriminator a Wasserstein critic: built without
    batch normalisation, trained with a gradient penalty of weight ``gp_weight`` (which
    the other losses ignore)."""

    steps: int = 400
    width: int = 32
    noise_dim: int = 64
    batch_size: int = 64
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    betas: tuple[float, float] = (0.5, 0.999)
    d_steps: int = 1
    g_steps: int = 1
    loss: str = "non-saturating"
    real_target: float = 1.0
    gp_weight: float = 10.0
    spectral: bool = False
    augment: int = 0
    average: float | None = None
    seed: int = 0

    def __post_init__(self):
        """Every knob checked (with :func:`~genlab.adversarial.train_gan`'s own checks)
        and converted (NumPy numbers to Python ones, a list of betas to a tuple), so a
        bad knob is named when the configuration is made, not steps into a run."""
        knobs = check_gan_settings(**{k: getattr(self, k) for k in (
            "steps", "batch_size", "lr_g", "lr_d", "betas", "d_steps", "g_steps", "loss",
            "real_target", "gp_weight", "augment", "seed")})
        knobs.update(width=check_count(self.width, "width"),
                     noise_dim=check_count(self.noise_dim, "noise_dim"),
                     spectral=check_flag(self.spectral, "spectral"),
                     average=None if self.average is None else check_number(
                         self.average, "average", low=0, high=1, low_open=True,
                         high_open=True))
        for name, value in knobs.items():
            object.__setattr__(self, name, value)

    def changed(self, **knobs) -> "GanConfig":
        """A copy with some knobs changed: ``config.changed(lr_d=1e-3)``."""
        unknown = sorted(set(knobs) - set(asdict(self)))
        if unknown:
            raise ValueError(f"{unknown[0]}: expected one of the knobs "
                             f"{', '.join(asdict(self))}, found an unknown knob")
        return replace(self, **knobs)


@dataclass
class Run:
    """One finished training: its configuration, per-step history, measurements."""

    config: GanConfig
    history: History
    dashboard: Dashboard
    generator: Generator
    discriminator: Discriminator
    samples: torch.Tensor = field(repr=False)  # the measured samples after the last step

    @property
    def final(self) -> dict[str, float]:
        """The judge's last measurements: confidence, effective classes, Fréchet."""
        return self.dashboard.final()

    def figure(self, title: str | None = None) -> plt.Figure:
        """The run's dashboard as a figure (titled ``title``, or as it was)."""
        if title is not None:
            check_text(title, "title")
        self.dashboard.title = title or self.dashboard.title
        return self.dashboard.figure()


def build_models(config: GanConfig) -> tuple[Generator, Discriminator]:
    """A seeded generator and discriminator for ``config`` (for the Wasserstein loss, a
    critic without batch normalisation: its gradient penalty is taken image by image)."""
    _check_config(config)
    torch.manual_seed(config.seed)
    return (Generator(config.noise_dim, config.width),
            Discriminator(config.width, spectral=config.spectral,
                          batch_norm=config.loss != "wasserstein"))


def run_gan(config: GanConfig, images: torch.Tensor, judge, real: torch.Tensor, *,
            every: int = 25, live: bool = False, title: str = "",
            start: Run | None = None, progress: bool = True) -> Run:
    """Train a GAN by ``config`` on ``images``; measure it every ``every`` steps
    against ``real`` digits with ``judge``; return the :class:`Run`.

    ``start`` continues from copies of an earlier run's two players (their optimisers
    start afresh) instead of from new ones: what happens to a trained GAN when a
    knob changes."""
    _check_config(config)
    images = check_digits(images, "images")
    if config.batch_size > len(images):
        raise ValueError(f"images: expected at least config.batch_size={config.batch_size} "
                         f"digits, found {len(images)}")
    judge = None if judge is None else check_model(judge, "judge")
    real = None if real is None else check_digits(real, "real")
    every = check_count(every, "every")
    live, progress = check_flag(live, "live"), check_flag(progress, "progress")
    check_text(title, "title")
    if start is not None and not isinstance(start, Run):
        raise TypeError(f"start: expected a Run (from run_gan) or None, found {summary(start)}")
    if start is None:
        generator, discriminator = build_models(config)
    else:
        if start.config.average:
            raise ValueError("continue from a run without averaging (average=None): an "
                             "averaged run keeps only the averaged generator")
        fixed = ("width", "noise_dim", "spectral")
        if any(getattr(config, k) != getattr(start.config, k) for k in fixed):
            raise ValueError(f"{fixed} must match those of the run continued from: the "
                             "players are taken over as they are")
        generator = copy.deepcopy(start.generator)
        discriminator = copy.deepcopy(start.discriminator)
    hooks = []
    watched = generator
    if config.average:
        averaged = AveragedGenerator(generator, config.average)
        hooks.append(averaged)
        watched = averaged.model
    dashboard = Dashboard(watched, judge, real=real, every=every, live=live,
                          title=title or describe(config),
                          critic=config.loss == "wasserstein")
    hooks.append(dashboard)
    if live:
        from IPython.display import display

        display(dashboard)
    history = train_gan(generator, discriminator, images, steps=config.steps,
                        batch_size=config.batch_size, lr_g=config.lr_g, lr_d=config.lr_d,
                        betas=config.betas, d_steps=config.d_steps,
                        g_steps=config.g_steps, loss=config.loss,
                        real_target=config.real_target, gp_weight=config.gp_weight,
                        augment=config.augment,
                        seed=config.seed, hooks=hooks, progress=progress)
    if config.steps % every:
        dashboard.checkpoint(config.steps)
    return Run(config, history, dashboard, watched, discriminator, dashboard.samples())


def describe(config: GanConfig, baseline: GanConfig | None = None) -> str:
    """The knobs where ``config`` differs from ``baseline`` (default: ``GanConfig()``)."""
    _check_config(config)
    baseline = GanConfig() if baseline is None else _check_config(baseline, "baseline")
    different = {k: v for k, v in asdict(config).items() if asdict(baseline)[k] != v}
    return ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                     for k, v in different.items()) or tr("baseline")


def compare(runs: dict[str, Run], metric: str = "effective classes") -> plt.Figure:
    """One metric over training for several runs, plus their final samples."""
    _check_runs(runs)
    measured = tuple(next(iter(runs.values())).dashboard.metrics)
    if not measured:
        raise ValueError("runs: expected runs measured by a judge (run_gan with a judge), "
                         "found runs without measurements")
    check_choice(metric, "metric", measured)
    n = len(runs)
    # the column's width: the curves beside two runs' samples, or above more of them
    if n <= 2:
        fig, axes = plt.subplots(1, 1 + n, figsize=(COLUMN_INCHES, 2.6),
                                 gridspec_kw={"width_ratios": [2.2] + [1] * n})
        curves, pictures = axes[0], axes[1:]
    else:
        fig = plt.figure(figsize=(COLUMN_INCHES, 2.3 + COLUMN_INCHES / n + 0.3))
        grid = fig.add_gridspec(2, n, height_ratios=[2.3, COLUMN_INCHES / n + 0.3])
        curves = fig.add_subplot(grid[0, :])
        pictures = [fig.add_subplot(grid[1, i]) for i in range(n)]
    for i, (name, run) in enumerate(runs.items()):
        curves.plot(run.dashboard.checkpoints, run.dashboard.metrics[metric], "o-",
                    ms=3, label=name, color=f"C{i}")
        pictures[i].imshow(image_grid(run.samples[:36], nrow=6), interpolation="nearest")
        pictures[i].set_title(name, fontsize=8, color=f"C{i}")
        pictures[i].axis("off")
    curves.set(xlabel=tr("step"), title=tr(metric))
    curves.grid(alpha=0.3)
    curves.legend(fontsize=7)
    fig.tight_layout()
    return fig


LEARNING_RATES = (5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3)


def knob_panel(images: torch.Tensor, judge, real: torch.Tensor,
               base: GanConfig = GanConfig()) -> "LiveBox":
    """Live: set the knobs, press *train*, watch a short run's dashboard (Jupyter and
    Colab; it needs a kernel). Knobs: both learning rates, discriminator steps per
    generator step, the number of steps, and three remedies on or off."""
    images = check_digits(images, "images")
    judge = None if judge is None else check_model(judge, "judge")
    real = None if real is None else check_digits(real, "real")
    _check_config(base, "base")
    import ipywidgets as widgets

    from .widgets import LiveBox

    def rate(description, value):
        return widgets.SelectionSlider(options=[(f"{r:g}", r) for r in LEARNING_RATES],
                                       value=value, description=description)

    lr_g = rate(tr("G learning rate"), base.lr_g)
    lr_d = rate(tr("D learning rate"), base.lr_d)
    d_steps = widgets.IntSlider(value=base.d_steps, min=1, max=5,
                                description=tr("D steps per G step"))
    steps = widgets.IntSlider(value=base.steps, min=100, max=1500, step=100,
                              description=tr("G steps"))
    non_saturating = widgets.Checkbox(value=base.loss == "non-saturating",
                                      description=tr("non-saturating loss"))
    smoothing = widgets.Checkbox(value=base.real_target < 1,
                                 description=tr("label smoothing"))
    spectral = widgets.Checkbox(value=base.spectral, description=tr("spectral norm"))
    button = widgets.Button(description=tr("train"), button_style="primary", icon="play")
    output = widgets.Output()
    for control in (lr_g, lr_d, d_steps, steps):
        control.style.description_width = "130px"

    def train(_):
        config = base.changed(lr_g=lr_g.value, lr_d=lr_d.value, d_steps=d_steps.value,
                              steps=steps.value,
                              loss="non-saturating" if non_saturating.value else "saturating",
                              real_target=0.9 if smoothing.value else 1.0,
                              spectral=spectral.value)
        button.disabled = True
        output.clear_output()
        try:
            with output:  # the dashboard redraws itself here as the run goes
                run = run_gan(config, images, judge, real, every=max(10, config.steps // 20),
                              live=True, title=describe(config))
                box.runs.append(run)
                print(tr("final: {scores}").format(scores=", ".join(
                    f"{tr(k)} {v:.2f}" for k, v in run.final.items())))
        except Exception as error:  # a diverged run is a result worth showing
            with output:
                print(f"{type(error).__name__}: {error}")
        finally:
            button.disabled = False

    button.on_click(train)
    knobs = widgets.VBox([lr_g, lr_d, d_steps, steps,
                          widgets.HBox([non_saturating, smoothing, spectral]), button])
    box = LiveBox([knobs, output])
    box.button, box.output, box.runs = button, output, []
    return box


def knob_gallery(runs: dict[tuple, Run], choices: dict[str, list[str]]
                 ) -> Flipbook:
    """The kernel-free twin of :func:`knob_panel`: the dashboards of runs precomputed
    for every combination of ``choices`` (``runs[(a, b, ...)]``), behind one dropdown
    per knob."""
    _check_runs(runs)
    if not isinstance(choices, dict) or not all(
            isinstance(options, (list, tuple)) and options for options in choices.values()):
        raise TypeError(f"choices: expected a dict of knob name to a list of its settings, "
                        f"found {summary(choices)}")
    from .dashboard import figure_bytes
    from .widgets import choice_grid

    frames = {key: figure_bytes(run.figure()) for key, run in runs.items()}
    return choice_grid(frames, choices)


# ------------------------------------------------------------------------------ checks

def _check_config(config, name: str = "config") -> GanConfig:
    if not isinstance(config, GanConfig):
        raise TypeError(f"{name}: expected a GanConfig, e.g. GanConfig(steps=300), found "
                        f"{summary(config)}")
    return config


def _check_runs(runs) -> None:
    """A non-empty dict of :class:`Run` s."""
    if not isinstance(runs, dict):
        raise TypeError(f"runs: expected a dict of runs from run_gan, found {summary(runs)}")
    if not runs:
        raise ValueError("runs: expected at least one run, found an empty dict")
    for key, run in runs.items():
        if not isinstance(run, Run):
            raise TypeError(f"runs[{key!r}]: expected a Run (from run_gan), found "
                            f"{summary(run)}")

