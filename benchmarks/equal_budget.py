"""Every generator of the book trained for the same time, then scored alike.

The yardstick chapter measures the shipped models, and each shipped recipe trained for
its own length (the manifests say how long). Which *method* is better cannot be read
from that table alone: a model trained twice as long may lead for that reason. This
benchmark trains every generator's recipe from scratch for one budget of seconds on
the machine at hand, then scores each like the shipped ones (1,000 draws, sampling
seed 1, against the 1,000 held-out test digits), with the real training digits as the
baseline, and writes the results (machine, date, torch, every figure) to
``genlab/results/equal_budget.json``, the file the yardstick chapter reads.

    python benchmarks/equal_budget.py                 # 300 s each (about 35 minutes)
    python benchmarks/equal_budget.py --seconds 60 --out /tmp/equal.json
    python benchmarks/equal_budget.py --only vae-8-v3   # one recipe again, the rest kept

Each recipe's seconds are turned into a number of steps first (the steps per second of
a short timed run of the same recipe), so that every schedule — the one-cycle learning
rate of the autoencoders, the cool-down of the GANs and the denoiser — spans the whole
budget, as it spans the whole recipe in a shipped run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

from genlab import pretrained, yardstick
from genlab.data import load_digits
from genlab.frame import Budget
from genlab.judge import load_judge
from genlab.metrics import score_samples
from genlab.runtime import hardware, seed_everything

CALIBRATION_SECONDS = 20.0
"""How long the timed run that measures a recipe's steps per second goes."""


def steps_per_second(entry: pretrained.Entry) -> float:
    """The recipe's training steps per second on this machine (a brief timed run)."""
    model = entry.build()
    start = time.perf_counter()
    record = entry.train(model, Budget(steps=10 ** 7, seconds=CALIBRATION_SECONDS),
                         progress=False)
    return record.steps / (time.perf_counter() - start)


def measure(contender: yardstick.Contender, seconds: float, judge, test_images) -> dict:
    """Train the contender's recipe for about ``seconds`` and score 1,000 draws."""
    entry = pretrained.entry(contender.entry)
    steps = max(1, round(steps_per_second(entry) * seconds))
    model = entry.build()
    start = time.perf_counter()
    record = entry.train(model, Budget(steps=steps), progress=True)
    trained = time.perf_counter() - start
    rng = torch.Generator().manual_seed(pretrained.SCORE_SEED)
    start = time.perf_counter()
    with torch.no_grad():
        digits = contender.sample(model, pretrained.SCORE_SAMPLES, rng)
    drawing = time.perf_counter() - start
    return {"generator": contender.name, "entry": contender.entry,
            **score_samples(judge, digits, test_images),
            "training s": trained, "training steps": record.steps,
            "ms per digit": 1000 * drawing / len(digits)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300.0,
                        help="the training budget of every generator (default 300)")
    parser.add_argument("--out", type=Path, default=yardstick.EQUAL_BUDGET_FILE,
                        help="the results file to write")
    names = [c.entry for c in yardstick.contenders()]
    parser.add_argument("--only", choices=names, action="append",
                        help="measure only this generator again (repeatable), keeping the "
                             "other rows of --out, which must have been measured for the "
                             "same seconds on a machine like this one")
    args = parser.parse_args(argv)
    if not args.seconds > 0:
        parser.error(f"--seconds: expected a positive number, found {args.seconds}")
    kept = {}
    if args.only:
        rows, about = yardstick.load_equal_budget(args.out)
        if about["seconds"] != args.seconds or about["hardware"] != hardware():
            parser.error(f"--only: {args.out} was measured for {about['seconds']:g} s on "
                         f"{about['hardware']}, not for {args.seconds:g} s on {hardware()}; "
                         f"measure every generator again")
        kept = {row["entry"]: row for row in rows}
    seed_everything(0)
    judge = load_judge()
    test_images = load_digits("test")[0]
    train_images = load_digits("train")[0][:pretrained.SCORE_SAMPLES]
    rows = [{"generator": "real training digits (baseline)", "entry": None,
             **score_samples(judge, train_images, test_images),
             "training s": float("nan"), "training steps": float("nan"),
             "ms per digit": float("nan")}]
    for contender in yardstick.contenders():
        if args.only and contender.entry not in args.only:
            if contender.entry not in kept:
                parser.error(f"--only: {args.out} has no row for {contender.entry}; "
                             f"measure it too")
            rows.append({**kept[contender.entry], "generator": contender.name})
            continue
        rows.append(measure(contender, args.seconds, judge, test_images))
        print(yardstick.table(rows[-1:]), file=sys.stderr, flush=True)
    yardstick.save_equal_budget(rows, args.seconds, args.out)
    print(yardstick.table(rows))
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
