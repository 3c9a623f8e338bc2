"""The shipped generators against the quality targets of issue 16, one command.

Scores every shipped generator as its manifest does — 1,000 draws with sampling seed 1
(the conditional models asked for each digit 100 times), the judge, the 1,000 held-out
test digits — and adds what a target needs beyond the manifest's scores: how often the
judge reads the digit that was asked for, the pixel spread among draws of one digit
against real digits', and the diffusion model at several guidance scales (w = 0: the
same network without a label). Each row ends with the targets it meets.

    python benchmarks/targets.py                        # every model, about 3 minutes
    python benchmarks/targets.py --model diffusion-digits-v3

The models themselves are remade by their recipes with ``make models`` (or
``python -m genlab.pretrained train-all --only NAME``), which writes the manifests.
"""

from __future__ import annotations

import argparse
import math
import time

import torch

from conditional_gan import within_digit_spread
from genlab import pretrained
from genlab.data import load_digits
from genlab.judge import load_judge
from genlab.metrics import judge_features, score_samples

GUIDANCE_SCALES = (0.0, 1.0, 1.5, 2.0)
"""The diffusion model's rows: no label, the label alone, the book's scale, and one past it."""

TARGETS: dict[str, dict[str, tuple[str, float]]] = {
    # measure: (">=" or "<=", bound), as issue 16 sets them
    pretrained.GAN_NAME: {"Fréchet distance": ("<=", 30), "recall": (">=", 0.85),
                          "confidence": (">=", 0.95), "effective classes": (">=", 9.8)},
    pretrained.CONDITIONAL_GAN: {"Fréchet distance": ("<=", 30), "recall": (">=", 0.75),
                                 "confidence": (">=", 0.95), "asked digit": (">=", 0.99),
                                 "spread against real": (">=", 0.8)},
    pretrained.STYLE_GAN: {"Fréchet distance": ("<=", 40), "recall": (">=", 0.7),
                           "confidence": (">=", 0.95)},
    f"{pretrained.DIFFUSION}, w = 1.5": {"Fréchet distance": ("<=", 15),
                                         "recall": (">=", 0.8), "confidence": (">=", 0.97),
                                         "asked digit": (">=", 0.99)},
    f"{pretrained.DIFFUSION}, w = 0": {"Fréchet distance": ("<=", 40), "recall": (">=", 0.8),
                                       "confidence": (">=", 0.9)},
    pretrained.VAE_NAME: {"Fréchet distance": ("<=", 150), "recall": (">=", 0.6),
                          "confidence": (">=", 0.9)},
}
MODELS = (pretrained.GAN_NAME, pretrained.CONDITIONAL_GAN, pretrained.STYLE_GAN,
          pretrained.DIFFUSION, pretrained.VAE_NAME)
COLUMNS = ("confidence", "effective classes", "Fréchet distance", "precision", "recall",
           "asked digit", "spread against real", "ms per digit")


def score(digits: torch.Tensor, asked: torch.Tensor | None, judge, test) -> dict:
    """The judge's scores of ``digits``, with the asked-digit rate and the within-digit
    spread (as a share of the real test digits') where digits were asked for."""
    scores = score_samples(judge, digits, test[0])
    if asked is not None:
        scores["asked digit"] = (judge_features(judge, digits)[1].argmax(1) == asked
                                 ).float().mean().item()
        scores["spread against real"] = (within_digit_spread(digits, asked)
                                         / within_digit_spread(*test))
    return scores


def rows_for(name: str, judge, test) -> dict[str, dict]:
    """The rows of one shipped model (the diffusion model: one per guidance scale)."""
    entry, model = pretrained.entry(name), pretrained.load(name)
    classes = getattr(entry.recipe, "classes", 0)
    asked = torch.arange(pretrained.SCORE_SAMPLES) % classes if classes else None
    settings = ({f"{name}, w = {w:g}": {"guidance": w} for w in GUIDANCE_SCALES}
                if name == pretrained.DIFFUSION else {name: {}})
    rows = {}
    for label, options in settings.items():
        rng = torch.Generator().manual_seed(pretrained.SCORE_SEED)
        start = time.perf_counter()
        with torch.no_grad():
            digits = entry.draw(model, pretrained.SCORE_SAMPLES, rng, **options)
        seconds = time.perf_counter() - start
        unlabelled = options.get("guidance") == 0
        rows[label] = {**score(digits, None if unlabelled else asked, judge, test),
                       "ms per digit": 1000 * seconds / len(digits)}
    return rows


def verdict(label: str, row: dict) -> str:
    """The targets of ``label`` its row meets and misses."""
    targets = TARGETS.get(label)
    if not targets:
        return ""
    met = [m for m, (side, bound) in targets.items()
           if (row[m] <= bound if side == "<=" else row[m] >= bound)]
    missed = [f"{m} {side} {bound:g}" for m, (side, bound) in targets.items() if m not in met]
    return "all met" if not missed else f"missed: {'; '.join(missed)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", choices=MODELS, action="append",
                        help="score only this model (repeatable; default: every one)")
    args = parser.parse_args()
    judge, test = load_judge(), load_digits("test")
    images, labels = (t[:pretrained.SCORE_SAMPLES] for t in load_digits("train"))
    rows = {"real training digits (baseline)": score(images, labels, judge, test)}
    for name in args.model or MODELS:
        rows.update(rows_for(name, judge, test))
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"{pretrained.SCORE_SAMPLES} draws, sampling seed {pretrained.SCORE_SEED}")
    print("| model | " + " | ".join(COLUMNS) + " | targets |")
    print("|---|" + "---:|" * len(COLUMNS) + "---|")
    for label, row in rows.items():
        cells = ["" if (v := row.get(c)) is None or math.isnan(v) else f"{v:.3g}"
                 for c in COLUMNS]
        print(f"| {label} | " + " | ".join(cells) + f" | {verdict(label, row)} |")


if __name__ == "__main__":
    main()
