"""Every generator of the book on one yardstick.

Six ways to draw a digit, each trained on the same 4,000 bundled digits by its recipe
in :mod:`genlab.pretrained`, each the model genlab ships:

* the convolutional autoencoder, decoding codes drawn from a Gaussian fitted to its
  codes of the training digits;
* the VAE, decoding codes drawn from N(0, I);
* the GAN and the conditional GAN (asked for each digit equally often);
* the style-based GAN;
* the diffusion model (asked for each digit equally often), with a chosen number of
  sampling steps and guidance scale.

Each draws the same number of digits, and the judge (the convolutions chapter's
classifier) scores them against the held-out test digits with the measures of
:mod:`genlab.metrics`. Beside the scores stand the seconds each model trained (as its
manifest records them, with the machine) and the milliseconds it takes to draw one
digit on this machine, timed here.
"""

from __future__ import annotations

import json
import math
import numbers
import platform
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import torch
from torch import nn

from . import pretrained
from .checks import (check_count, check_digits, check_flag, check_function, check_generator,
                     check_mapping, check_model, check_number, check_path, check_seconds,
                     summary)
from .data import load_digits
from .diffusion import GUIDANCE
from .language import N_, tr
from .metrics import NEIGHBOURS, score_samples
from .plots import COLUMN_INCHES
from .runtime import hardware, write_atomically
from .runtime import progress as progress_bar
from .tables import ScoreTable

MEASURES = ("confidence", "effective classes", "Fréchet distance", "precision", "recall")
COLUMNS = (*MEASURES, "training s", "ms per digit")
"""The numbers of a row of :func:`measure_all` that :func:`table` shows (NaN: not
applicable, as for the real baseline's training time)."""

EQUAL_BUDGET_FILE = Path(__file__).parent / "results" / "equal_budget.json"
"""Every generator trained for the same seconds and scored (``benchmarks/equal_budget.py``
writes it; the yardstick chapter reads it with :func:`load_equal_budget`)."""
EQUAL_BUDGET_FORMAT = "genlab-equal-budget/1"


BASELINE_NAME = N_("real training digits (baseline)")
DIFFUSION_NAME = N_("diffusion, w = {guidance:g}, {steps} steps")
"""The English names of the rows that are not a contender's plain name: the real
baseline, and the diffusion model with its guidance scale and steps."""


def shown_name(name: str) -> str:
    """A row's name (English, as the rows and the equal-budget file keep it) in the
    reader's language."""
    diffusion = re.fullmatch(r"diffusion, w = ([0-9.e+-]+), (\d+) steps", name)
    if diffusion:
        return tr(DIFFUSION_NAME).format(guidance=float(diffusion[1]),
                                         steps=int(diffusion[2]))
    return tr(name)


@dataclass
class Contender:
    """A generator as the yardstick sees it: a shipped model and how to draw from it
    (by default, as its registry entry draws)."""

    name: str
    entry: str
    draw: Callable[[nn.Module, int, torch.Generator], torch.Tensor] | None = None

    def __post_init__(self):
        for label in ("name", "entry"):
            if not isinstance(getattr(self, label), str):
                raise TypeError(f"{label}: expected a string, found "
                                f"{summary(getattr(self, label))}")
        if self.draw is not None:
            check_function(self.draw, "draw")

    def sample(self, model: nn.Module, n: int, rng: torch.Generator) -> torch.Tensor:
        """``n`` digits drawn from ``model`` (seeded by ``rng``; ``None``: unseeded)."""
        model, n = check_model(model, "model"), check_count(n, "n")
        rng = check_generator(rng, "rng")
        draw = self.draw or pretrained.entry(self.entry).draw
        return draw(model, n, rng)


def contenders(diffusion_steps: int = 20,
               guidance: float = GUIDANCE) -> list[Contender]:
    """The book's generators, in the order the book meets them; the diffusion model
    samples in ``diffusion_steps`` steps with guidance scale ``guidance`` (0: none)."""
    diffusion_steps = check_count(diffusion_steps, "diffusion_steps")
    guidance = check_number(guidance, "guidance", low=0)
    diffusion = pretrained.entry(pretrained.DIFFUSION)
    return [
        Contender(N_("autoencoder + fitted Gaussian"), pretrained.CONV_AUTOENCODER),
        Contender(N_("VAE"), pretrained.VAE_NAME),
        Contender(N_("GAN"), pretrained.GAN_NAME),
        Contender(N_("conditional GAN"), pretrained.CONDITIONAL_GAN),
        Contender(N_("style-based GAN"), pretrained.STYLE_GAN),
        Contender(DIFFUSION_NAME.format(guidance=guidance, steps=diffusion_steps),
                  pretrained.DIFFUSION,
                  lambda model, n, rng: diffusion.draw(model, n, rng, steps=diffusion_steps,
                                                       guidance=guidance)),
    ]


def measure(contender: Contender, judge: nn.Module, real: torch.Tensor, n: int = 1000,
            seed: int = pretrained.SCORE_SEED) -> dict:
    """Draw ``n`` digits from one contender (timed, seeded by ``seed``) and score them
    against ``real`` digits in [0, 1]. With the defaults and the test digits, the scores
    are the ones the model's manifest records."""
    if not isinstance(contender, Contender):
        raise TypeError(f"contender: expected a Contender (see yardstick.contenders()), "
                        f"found {summary(contender)}")
    judge, real, n, seed = _check_measure(judge, real, n, seed)
    model, record = pretrained.load_with_meta(contender.entry)
    rng = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        start = time.perf_counter()
        digits = contender.sample(model, n, rng)
        seconds = time.perf_counter() - start
    if digits.shape != (n, 1, 28, 28):
        raise RuntimeError(f"{contender.name} drew {tuple(digits.shape)}, not "
                           f"{(n, 1, 28, 28)}")
    return {"generator": contender.name, **score_samples(judge, digits, real),
            "training s": float(record["seconds"]), "training steps": record["steps"],
            "ms per digit": 1000 * seconds / n, "samples": digits[:20]}


def measure_all(judge: nn.Module, real: torch.Tensor, n: int = 1000,
                seed: int = pretrained.SCORE_SEED,
                chosen: Sequence[Contender] | None = None,
                progress: bool = True) -> list[dict]:
    """:func:`measure` for every contender, with the real-versus-real baseline first
    (``n`` real training digits, scored the same way). ``chosen``: the contenders to
    measure (default: all of :func:`contenders`)."""
    judge, real, n, seed = _check_measure(judge, real, n, seed)
    train = load_digits("train")[0]
    if n > len(train):
        raise ValueError(f"n: expected at most {len(train)} (the training digits the "
                         f"baseline draws on), found {n}")
    if chosen is None:
        chosen = contenders()
    elif not isinstance(chosen, Sequence) or isinstance(chosen, str) or not all(
            isinstance(c, Contender) for c in chosen):
        raise TypeError(f"chosen: expected a list of Contenders (see "
                        f"yardstick.contenders()) or None, found {summary(chosen)}")
    elif not chosen:
        raise ValueError("chosen: expected at least one Contender (or None for all of "
                         "them), found an empty list")
    progress = check_flag(progress, "progress")
    rows = [{"generator": BASELINE_NAME,
             **score_samples(judge, train[:n], real), "training s": float("nan"),
             "training steps": float("nan"),
             "ms per digit": float("nan"), "samples": train[:20]}]
    for contender in progress_bar(chosen, desc=N_("generators"), unit=N_("model"),
                                  disable=not progress):
        rows.append(measure(contender, judge, real, n, seed))
    return rows


def _check_measure(judge: Any, real: Any, n: Any, seed: Any) -> tuple:
    """The arguments :func:`measure` and :func:`measure_all` share, checked."""
    judge = check_model(judge, "judge", needs=("features", "classify"))
    real = check_digits(real, "real")
    if len(real) <= NEIGHBOURS:
        raise ValueError(f"real: expected more than {NEIGHBOURS} digits, found {len(real)}")
    n = check_count(n, "n", minimum=NEIGHBOURS + 1)
    return judge, real, n, check_count(seed, "seed", minimum=0)


def _check_rows(rows: Any, *, keys: Sequence[str] = ("generator", *COLUMNS),
                minimum: int = 1) -> list[Mapping]:
    """``rows`` as :func:`measure_all` returns them: at least ``minimum`` dicts, each
    with ``keys`` (a name under "generator", numbers under the :data:`COLUMNS`), the
    real baseline first when there is more than one."""
    if not isinstance(rows, Sequence) or isinstance(rows, str):
        raise TypeError(f"rows: expected the list of rows measure_all returns, found "
                        f"{summary(rows)}")
    if len(rows) < minimum:
        raise ValueError(f"rows: expected at least {minimum} row{'s' * (minimum > 1)} (the "
                         f"real baseline first, then the generators), found {len(rows)}")
    for i, row in enumerate(rows):
        check_mapping(row, f"rows[{i}]", keys, what="a row of measure_all")
        if not isinstance(row["generator"], str):
            raise TypeError(f"rows[{i}]['generator']: expected a string, found "
                            f"{summary(row['generator'])}")
        for key in keys:
            if key in COLUMNS and (not isinstance(row[key], numbers.Real)
                                   or isinstance(row[key], bool)):
                raise TypeError(f"rows[{i}][{key!r}]: expected a number (NaN where not "
                                f"applicable), found {summary(row[key])}")
    if minimum > 1 and rows[0]["ms per digit"] == rows[0]["ms per digit"]:
        raise ValueError(f"rows: expected the real baseline first (as measure_all puts "
                         f"it), found {rows[0]['generator']!r}")
    return list(rows)


def table(rows: Sequence[dict]) -> str:
    """The rows of :func:`measure_all` as a Markdown table (see :mod:`genlab.tables`)."""
    rows = _check_rows(rows)
    return ScoreTable({shown_name(row["generator"]): row for row in rows}, COLUMNS,
                      label=tr("model")).markdown()


def figure(rows: Sequence[dict]) -> plt.Figure:
    """Three panels: Fréchet distance (lower is better), precision against recall
    (up and right is better), and quality against the time to draw a digit. ``rows``:
    the real baseline, then at least one generator (as :func:`measure_all` returns)."""
    rows = _check_rows(rows, minimum=2)
    generated = [row for row in rows if row["ms per digit"] == row["ms per digit"]]
    baseline = rows[0]
    # the column's width: the bars across the top, the two scatter plots below
    fig = plt.figure(figsize=(COLUMN_INCHES, 6.4))
    grid = fig.add_gridspec(2, 2, height_ratios=[1, 1.25])
    bars = fig.add_subplot(grid[0, :])
    pr, cost = fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[1, 1])
    names = [shown_name(row["generator"]) for row in generated]
    colours = plt.cm.tab10(range(len(generated)))
    bars.barh(names, [row["Fréchet distance"] for row in generated], color=colours)
    bars.axvline(baseline["Fréchet distance"], color="black", ls="--", lw=1,
                 label=tr("real vs real"))
    bars.set(xscale="log", xlabel=tr("Fréchet distance (log scale; lower is better)"))
    bars.invert_yaxis()
    bars.legend(loc="lower right")
    for row, colour in zip(generated, colours):
        pr.scatter(row["recall"], row["precision"], s=50, color=colour,
                   label=shown_name(row["generator"]))
        cost.scatter(row["ms per digit"], row["Fréchet distance"], s=50, color=colour)
    pr.scatter(baseline["recall"], baseline["precision"], marker="*", s=150,
               color="black", label=tr("real digits"))
    pr.set(xlim=(0, 1.02), ylim=(0, 1.02), xlabel=tr("recall (coverage)"),
           ylabel=tr("precision (quality)"))
    pr.set_title(tr("precision and recall"), fontsize=10)
    pr.legend(fontsize=7, loc="lower left")
    cost.set(xscale="log", yscale="log", xlabel=tr("ms to draw one digit (log)"),
             ylabel=tr("Fréchet distance (log)"))
    cost.set_title(tr("quality against drawing time"), fontsize=10)
    for axis in (pr, cost):
        axis.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def samples_figure(rows: Sequence[dict], per_row: int = 12) -> plt.Figure:
    """The first ``per_row`` digits of every row (one or more), one strip each, named on
    the left."""
    rows = _check_rows(rows, keys=("generator", "samples"))
    samples = [check_digits(row["samples"], f"rows[{i}]['samples']").detach().cpu()
               for i, row in enumerate(rows)]
    per_row = check_count(per_row, "per_row")
    fig, axes = plt.subplots(len(rows), 1, squeeze=False,
                             figsize=(min(per_row * 0.55 + 3, COLUMN_INCHES + 0.8),
                                      len(rows) * 0.62))
    for axis, row, digits in zip(axes[:, 0], rows, samples):
        strip = torch.cat(list(digits[:per_row, 0]), dim=1)
        axis.imshow(strip.numpy(), cmap="gray", vmin=0, vmax=1)
        axis.set_xticks([])
        axis.set_yticks([])
        axis.set_ylabel(shown_name(row["generator"]), rotation=0, ha="right", va="center", fontsize=9)
    fig.subplots_adjust(left=0.3, hspace=0.08)
    return fig


def leaders(rows: Sequence[dict]) -> dict[str, str]:
    """Which generator (not the real baseline, which comes first) does best by each
    measure."""
    generated = _check_rows(rows, minimum=2)[1:]
    best = {"confidence": max, "effective classes": max, "Fréchet distance": min,
            "precision": max, "recall": max, "training s": min, "ms per digit": min}
    return {measure: choose(generated, key=lambda row: row[measure])["generator"]
            for measure, choose in best.items()}


def leaders_table(rows: Sequence[dict]) -> str:
    """:func:`leaders` as a Markdown table, in the reader's language."""
    header = (tr("measure"), tr("best model"))
    lines = ["| {} | {} |".format(*header), "|---|---|"]
    lines += [f"| {tr(measure)} | {shown_name(name)} |"
              for measure, name in leaders(rows).items()]
    return "\n".join(lines)


def save_equal_budget(rows: Sequence[dict], seconds: float,
                      path: Path | str = EQUAL_BUDGET_FILE) -> dict:
    """Keep the rows of an equal-budget comparison (the real baseline first, then each
    generator trained for ``seconds``), with the machine, the date and the versions,
    in ``path`` (JSON, written atomically; NaN kept as null). Returns the record."""
    rows = _check_rows(rows, keys=("generator", *COLUMNS, "training steps"), minimum=2)
    seconds = check_seconds(seconds, "seconds")
    record = {"format": EQUAL_BUDGET_FORMAT, "seconds": seconds,
              "date": date.today().isoformat(), "torch": torch.__version__,
              "python": platform.python_version(), "hardware": hardware(),
              "samples": pretrained.SCORE_SAMPLES, "sampling seed": pretrained.SCORE_SEED,
              "rows": [{key: (None if isinstance(value, float) and math.isnan(value)
                              else value) for key, value in row.items()
                        if key != "samples"} for row in rows]}
    write_atomically(check_path(path, "path"), json.dumps(record, indent=1) + "\n")
    return record


def load_equal_budget(path: Path | str = EQUAL_BUDGET_FILE) -> tuple[list[dict], dict]:
    """The rows :func:`save_equal_budget` kept (null back to NaN, ready for
    :func:`table`), and the facts of the run (``seconds``, ``date``, ``hardware``...)."""
    path = check_path(path, "path")
    remedy = "measure it again with `python benchmarks/equal_budget.py`"
    if not path.is_file():
        raise FileNotFoundError(f"path: expected the file of an equal-budget comparison, "
                                f"found nothing at {path}; {remedy}")
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"{path} is not readable JSON ({error}); {remedy}") from None
    if not isinstance(record, dict) or record.get("format") != EQUAL_BUDGET_FORMAT:
        found = record.get("format") if isinstance(record, dict) else summary(record)
        raise ValueError(f"{path}: expected format {EQUAL_BUDGET_FORMAT!r}, found "
                         f"{found!r}; {remedy}")
    rows = [{key: (float("nan") if value is None and key in (*COLUMNS, "training steps")
                   else value) for key, value in row.items()}
            for row in record.get("rows", []) if isinstance(row, dict)]
    try:
        rows = _check_rows(rows, keys=("generator", *COLUMNS, "training steps"), minimum=2)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{path} holds no valid rows ({error}); {remedy}") from None
    return rows, {key: value for key, value in record.items() if key != "rows"}
