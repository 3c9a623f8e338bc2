"""The convolutions chapter's classifier against the pytorch/examples MNIST recipe.

Same data (the bundled 4,000/1,000 split), same machine, same run, same time budget:

* genlab: ``DigitCNN`` trained by ``genlab.pretrained.ClassifierRecipe`` (AdamW, one-cycle, jittered
  digits, 12 epochs) — a fixed recipe that fits inside the budget, run for 3 seeds;
* reference: pytorch/examples' ``Net`` (2 conv + 2 fully connected, dropout) with its
  recipe: inputs normalised by MNIST's mean and std, Adadelta lr 1.0, StepLR gamma 0.7
  per epoch, batch 64, epochs until the budget is spent.

    python benchmarks/classifier.py [--budget 30] [--seeds 3]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import asdict

import torch
import torch.nn.functional as F

from genlab.data import Batches, load_digits
from genlab.pretrained import ClassifierRecipe
from genlab.models.cnn import DigitCNN, ExamplesNet
from genlab.training import evaluate, fit_classifier

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081


def reference_run(train, test, budget: float, seed: int = 1) -> tuple[float, float, int]:
    """pytorch/examples main.py, trained for ``budget`` seconds: (accuracy, s, epochs)."""
    torch.manual_seed(seed)
    model = ExamplesNet()
    optimizer = torch.optim.Adadelta(model.parameters(), lr=1.0)
    schedule = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
    normalise = lambda x: (x - MNIST_MEAN) / MNIST_STD  # noqa: E731
    batches = Batches(*train, batch_size=64, drop_last=False, seed=seed)
    spent, epochs = 0.0, 0
    while spent < budget:
        model.train()
        start = time.perf_counter()
        for x, y in batches:
            loss = F.cross_entropy(model(normalise(x)), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if spent + time.perf_counter() - start > budget:
                break
        spent += time.perf_counter() - start
        schedule.step()
        epochs += 1
    _, accuracy = evaluate(model, normalise(test[0]), test[1])
    return accuracy, spent, epochs


def genlab_run(train, test, seed: int) -> tuple[float, float]:
    torch.manual_seed(seed)  # seed 0 builds exactly the judge's entry.build()
    model = DigitCNN()
    recipe = {**asdict(ClassifierRecipe()), "seed": seed}
    history = fit_classifier(model, train, test, progress=False, **recipe)
    return history.test_accuracy[-1], history.seconds[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--budget", type=float, default=30.0)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(2)
    train, test = load_digits("train"), load_digits("test")

    print(f"| model and recipe | seed | training s | epochs | test accuracy |")
    print("|---|---:|---:|---:|---:|")
    for seed in range(args.seeds):
        accuracy, seconds = genlab_run(train, test, seed)
        print(f"| genlab DigitCNN, judge recipe | {seed} | {seconds:.1f} | "
              f"{ClassifierRecipe().epochs} | {100 * accuracy:.1f}% |", flush=True)
    for budget in (args.budget, args.budget * 4 / 3):
        accuracy, seconds, epochs = reference_run(train, test, budget)
        print(f"| pytorch/examples Net, Adadelta + StepLR | 1 | {seconds:.1f} | "
              f"{epochs} | {100 * accuracy:.1f}% |", flush=True)


if __name__ == "__main__":
    main()
