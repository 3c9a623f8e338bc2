"""Watching a GAN train: a live dashboard in Jupyter and Colab, and a record for the book.

:class:`Dashboard` is a hook for :func:`genlab.adversarial.train_gan`. After every step
it keeps the losses and the discriminator's mean verdicts, D(x) on real digits and
D(G(z)) on fakes. Every ``every`` steps it also draws digits from the same fixed noise
(so the frames of the animation differ only because the generator changed) and asks the
judge how good they are: mean confidence, effective number of classes, and — if real
digits are given — the Fréchet distance to them.

* In Jupyter and Colab, ``display(dashboard)`` shows one picture that redraws itself as
  training runs (a :class:`genlab.widgets.LiveImage`).
* Afterwards :meth:`Dashboard.figure` draws the same panels as a plain figure, and
  :meth:`Dashboard.animation` the fixed-noise samples over training as an animation
  that plays in the rendered book, where no kernel runs.
* ``live=False`` skips the drawing: the same records, for experiments that only need
  the numbers (the instability chapter runs a dozen of them).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch
from matplotlib import animation
from torch import nn

from .checks import (check_codes, check_count, check_digits, check_flag, check_labels,
                     check_model, check_text, summary)
from .adversarial import check_gan_generator
from .frame import batched
from .language import tr
from .metrics import effective_classes, frechet_distance, judge_features, mean_confidence
from .models.gan import to_unit_range
from .plots import image_grid
from .widgets import LiveImage, animation_html

CURVES = ("d_loss", "g_loss", "d_real", "d_fake")

JUDGE_BATCH = 100
"""The judge reads the samples in chunks of this many: a chunk's activations stay in the
CPU's cache, so a checkpoint of 500 samples costs about a third less than in one batch
(on two CPU cores), and the numbers are the same."""


class Dashboard:
    """A ``train_gan`` hook that records, measures and (optionally) shows training.

    ``generator`` is the model to draw from (pass an averaged copy to watch that);
    ``judge`` the digit classifier of :func:`genlab.judge.load_judge`; ``noise`` the
    fixed noise ``(n, noise_dim)`` of the sample grid and the measurements (and
    ``labels`` with it, for a conditional generator); ``real`` real digits in [0, 1]
    for the Fréchet distance. ``critic=True`` for a Wasserstein critic
    (``loss="wasserstein"``): its verdicts are unbounded scores, not probabilities, and
    are drawn so.
    """

    def __init__(self, generator: nn.Module, judge: nn.Module | None = None, *,
                 noise: torch.Tensor | None = None, labels: torch.Tensor | None = None,
                 real: torch.Tensor | None = None, every: int = 100, grid: int = 64,
                 live: bool = True, title: str = "GAN training", critic: bool = False):
        noise_dim = check_gan_generator(generator).noise_dim
        judge = None if judge is None else check_model(judge, "judge")
        if noise is None:
            noise = torch.randn(500, noise_dim, generator=torch.Generator().manual_seed(1234))
        noise = check_codes(noise, "noise", size=noise_dim, what="noise")
        classes = getattr(generator, "classes", 0)
        if labels is not None and not classes:
            raise ValueError(f"labels: expected None for this unconditional generator "
                             f"(classes=0), found {summary(labels)}")
        if classes:
            labels = (torch.arange(len(noise)) % classes if labels is None
                      else check_labels(labels, "labels", n=len(noise), classes=classes))
        real = None if real is None else check_digits(real, "real")
        every, grid = check_count(every, "every"), check_count(grid, "grid")
        live = check_flag(live, "live")
        self.critic = check_flag(critic, "critic")
        check_text(title, "title")
        self.generator, self.judge, self.noise, self.labels = generator, judge, noise, labels
        self.every, self.grid, self.live, self.title = every, min(grid, len(noise)), live, title
        self.real_features = judge_features(judge, real, batch_size=JUDGE_BATCH)[0] if (
            judge is not None and real is not None) else None
        self.steps: list[int] = []
        self.curves: dict[str, list[float]] = {name: [] for name in CURVES}
        self.checkpoints: list[int] = []
        self.metrics: dict[str, list[float]] = {}
        self.class_shares: list[list[float]] = []
        self.frames: list[torch.Tensor] = []
        self.image = None
        if live:
            import ipywidgets as widgets
            self.image = LiveImage(format="png", layout=widgets.Layout(max_width="100%"))

    # -- the hook ------------------------------------------------------------------------
    def __call__(self, step: int, logs: dict[str, float]) -> None:
        step = check_count(step, "step")
        missing = [name for name in CURVES if name not in logs]
        if missing:
            raise ValueError(f"logs: expected {', '.join(CURVES)} (what train_gan passes "
                             f"its hooks), found no {', '.join(missing)}")
        self.steps.append(step)
        for name in CURVES:
            self.curves[name].append(logs[name])
        if step == 1 or step % self.every == 0:
            self.checkpoint(step)

    def samples(self) -> torch.Tensor:
        """The generator's digits for the fixed noise, in [0, 1], on the CPU (drawn in
        eval mode on the device the generator trains on; its mode is kept)."""
        if self.labels is not None:
            fake = batched(self.generator, self.generator, self.noise, self.labels)
        else:
            fake = batched(self.generator, self.generator, self.noise)
        return to_unit_range(fake)

    def checkpoint(self, step: int) -> None:
        """Draw the fixed-noise samples, measure them, and redraw the live picture."""
        step = check_count(step, "step")
        fake = self.samples()
        self.checkpoints.append(step)
        self.frames.append(fake[:self.grid].clone())
        if self.judge is not None:
            features, probs = judge_features(self.judge, fake, batch_size=JUDGE_BATCH)
            counts = torch.bincount(probs.argmax(1), minlength=probs.shape[1])
            self.class_shares.append((counts / len(probs)).tolist())
            measured = {"confidence": mean_confidence(probs),
                        "effective classes": effective_classes(probs)}
            if self.real_features is not None:
                measured["Fréchet distance"] = frechet_distance(self.real_features,
                                                                features)
            for name, value in measured.items():
                self.metrics.setdefault(name, []).append(value)
        if self.image is not None:
            self.image.value = figure_bytes(self.figure())

    def class_figure(self, ax: plt.Axes | None = None) -> plt.Axes:
        """Which digits the judge sees in the samples, checkpoint by checkpoint: ten
        even bands for a healthy generator, one band for a collapsed one, bands that
        swap places for one that oscillates."""
        if ax is not None and not isinstance(ax, plt.Axes):
            raise TypeError(f"ax: expected a matplotlib Axes (or None), found {summary(ax)}")
        if not self.class_shares:
            raise ValueError("no judge, or nothing recorded yet: nothing to show")
        if ax is None:
            _, ax = plt.subplots(figsize=(5, 2.6))
        shares = torch.tensor(self.class_shares).T.numpy()
        ax.stackplot(self.checkpoints, shares, labels=[str(d) for d in range(len(shares))],
                     colors=plt.cm.tab10.colors)
        ax.set(xlabel=tr("step"), ylabel=tr("share of samples"), ylim=(0, 1),
               xlim=(self.checkpoints[0], self.checkpoints[-1]))
        ax.legend(title=tr("digit"), fontsize=7, ncol=2, loc="upper left",
                  bbox_to_anchor=(1.01, 1))
        return ax

    def final(self) -> dict[str, float]:
        """The last measurements (after the last checkpoint)."""
        return {name: values[-1] for name, values in self.metrics.items()}

    # -- showing it ----------------------------------------------------------------------
    def _ipython_display_(self) -> None:
        from IPython.display import display

        if self.image is None:
            fig = self.figure()
            display(fig)
            plt.close(fig)  # shown once, not again by the inline backend
            return
        if not self.image.value:
            self.image.value = figure_bytes(self.figure())
        display(self.image)

    def figure(self) -> plt.Figure:
        """Losses, D's verdicts, the judge's measurements and the latest samples."""
        panels = 3 + bool(self.metrics)
        fig, grid = plt.subplots(2, 2, figsize=(8.5, 6.4))
        axes = grid.flatten()
        if panels == 3:
            axes[2].remove()
            axes = [axes[0], axes[1], axes[3]]
        smooth = max(1, len(self.steps) // 60)
        step = tr("step")
        for name, label in [("d_loss", tr("discriminator")), ("g_loss", tr("generator"))]:
            axes[0].plot(*_smoothed(self.steps, self.curves[name], smooth), label=label)
        axes[0].set(title=tr("losses"), xlabel=step)
        who = "C" if self.critic else "D"
        for name, label in [("d_real", tr("{who}(x), real").format(who=who)),
                            ("d_fake", tr("{who}(G(z)), fake").format(who=who))]:
            axes[1].plot(*_smoothed(self.steps, self.curves[name], smooth), label=label)
        if self.critic:  # unbounded scores: only their gap means something
            axes[1].set(title=tr("critic's scores"), xlabel=step)
        else:
            axes[1].axhline(0.5, color="grey", lw=0.8, ls=":")
            axes[1].set(title=tr("discriminator's verdicts"), xlabel=step, ylim=(0, 1))
        for ax in axes[:2]:
            ax.legend(fontsize=8)
            ax.grid(alpha=0.3)
        if self.metrics:
            ax = axes[2]
            ax.plot(self.checkpoints, self.metrics["effective classes"], "o-", ms=3,
                    color="C2", label=tr("effective classes"))
            ax.set(title=tr("the judge's verdict"), xlabel=step, ylim=(0, 10.5))
            ax.set_ylabel(tr("effective classes"), color="C2")
            twin = ax.twinx()
            twin.plot(self.checkpoints, self.metrics["confidence"], "s-", ms=3,
                      color="C3", label=tr("confidence"))
            twin.set_ylim(0, 1.05)
            twin.set_ylabel(tr("confidence"), color="C3")
            ax.grid(alpha=0.3)
        sample_ax = axes[-1]
        if self.frames:
            sample_ax.imshow(image_grid(self.frames[-1], nrow=8), interpolation="nearest")
            sample_ax.set_title(tr("fixed noise, step {step}").format(
                step=self.checkpoints[-1]))
        sample_ax.axis("off")
        fig.suptitle(self.title)
        fig.tight_layout()
        return fig

    def animation(self, interval: int = 250) -> "IPython.display.HTML":
        """The fixed-noise samples at every checkpoint, as an animation that plays in a
        plain web page (``to_jshtml``: the frames are embedded, no kernel needed), one
        frame every ``interval`` milliseconds."""
        interval = check_count(interval, "interval")
        if not self.frames:
            raise ValueError("nothing recorded yet: train with this dashboard as a hook")
        fig, ax = plt.subplots(figsize=(3.6, 3.9), dpi=80)  # 64 digits, 8 x 8, near 1:1
        ax.axis("off")
        picture = ax.imshow(image_grid(self.frames[0], nrow=8),
                             interpolation="nearest")
        caption = ax.set_title("")

        def show(i):
            picture.set_data(image_grid(self.frames[i], nrow=8))
            caption.set_text(tr("step {step}").format(step=self.checkpoints[i]))
            return picture, caption

        movie = animation.FuncAnimation(fig, show, frames=len(self.frames),
                                        interval=interval)
        html = animation_html(movie)
        plt.close(fig)
        return html


def _smoothed(steps: list[int], values: list[float], window: int):
    """Means over consecutive windows: per-step GAN losses are too noisy to read."""
    if window == 1:
        return steps, values
    n = len(values) // window * window
    means = torch.tensor(values[:n]).view(-1, window).mean(1)
    return steps[window - 1:n:window], means.tolist()


def figure_bytes(fig: plt.Figure) -> bytes:
    """``fig`` as PNG bytes, at the dashboard's resolution."""
    from .widgets import figure_png

    if not isinstance(fig, plt.Figure):
        raise TypeError(f"fig: expected a matplotlib Figure, found {summary(fig)}")
    return figure_png(fig, dpi=72)
