"""The conditional GAN: does it draw the digit asked for, and many hands of it?

Scores 1,000 draws (each digit asked for 100 times, sampling seed 1) against the 1,000
held-out test digits with the judge, and adds the two measures a conditional model
needs beside them: how often the judge reads the digit that was asked for, and the
pixel spread among draws of the same digit against that of real digits (a model that
draws one image per digit has all ten classes, high confidence and a spread near 0).

    python benchmarks/conditional_gan.py            # the shipped model: seconds
    python benchmarks/conditional_gan.py --train    # also retrain the variants below

With ``--train`` it trains, by the shipped recipe (``genlab.pretrained``), the
generator with its discriminator's batch spread measured over the whole batch
(``spread_within_labels=False``: what the book's conditional GAN did before) and within
each label (the recipe), for 2,500 steps and for the recipe's 5,000.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time

import torch

from genlab import pretrained
from genlab.adversarial import train_gan
from genlab.data import load_digits
from genlab.judge import load_judge
from genlab.metrics import judge_features, score_samples
from genlab.models.gan import Discriminator

SAMPLES, SEED = 1000, 1


def within_digit_spread(images: torch.Tensor, labels: torch.Tensor) -> float:
    """Mean pixel standard deviation among images of the same digit."""
    return torch.stack([images[labels == d].std(0).mean() for d in range(10)]).mean().item()


def measure(generator, judge, test_images) -> dict[str, float]:
    asked = torch.arange(SAMPLES) % 10
    drawn = generator.sample(SAMPLES, torch.Generator().manual_seed(SEED), labels=asked)
    scores = score_samples(judge, drawn, test_images)
    _, probs = judge_features(judge, drawn)
    scores["asked digit"] = (probs.argmax(1) == asked).float().mean().item()
    scores["within-digit spread"] = within_digit_spread(drawn, asked)
    return scores


def train_variant(steps: int, spread_within_labels: bool):
    entry = pretrained.entry(pretrained.CONDITIONAL_GAN)
    r = dataclasses.replace(entry.recipe, steps=steps)
    generator = entry.build()
    discriminator = Discriminator(r.width, r.classes, batch_spread=r.batch_spread,
                                  spread_within_labels=spread_within_labels)
    images, labels = load_digits("train")
    start = time.perf_counter()
    train_gan(generator, discriminator, images, labels, steps=r.steps,
              cooldown=r.cooldown, batch_size=r.batch_size, lr_g=r.lr_g, lr_d=r.lr_d,
              betas=r.betas, seed=r.seed)
    return generator, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", action="store_true", help="retrain the variants too")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    judge = load_judge()
    test_images, test_labels = load_digits("test")
    rows = {"real test digits (their own spread)":
            {"within-digit spread": within_digit_spread(test_images, test_labels)},
            "shipped": {**measure(pretrained.load(pretrained.CONDITIONAL_GAN), judge,
                                  test_images), "seconds": None}}
    if args.train:
        for steps in (2500, 5000):
            for within in (False, True):
                generator, seconds = train_variant(steps, within)
                name = f"{steps} steps, spread {'within labels' if within else 'over the batch'}"
                rows[name] = {**measure(generator, judge, test_images), "seconds": seconds}
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    columns = ("confidence", "effective classes", "Fréchet distance", "precision", "recall",
               "asked digit", "within-digit spread", "seconds")
    print("| model | " + " | ".join(columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for name, row in rows.items():
        cells = [f"{row[c]:.3g}" if isinstance(row.get(c), float) else "" for c in columns]
        print(f"| {name} | " + " | ".join(cells) + " |")
    if args.json:
        with open(args.json, "w") as file:
            json.dump(rows, file, indent=1)


if __name__ == "__main__":
    main()
