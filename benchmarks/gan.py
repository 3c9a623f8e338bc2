"""The book's GAN at a fixed time budget, side by side with the PyTorch DCGAN tutorial.

Both train on the same 4,000 bundled training digits for the same wall-clock budget
(default 120 s) in one run on this machine; then 1,000 samples of each are scored by
the judge against the 1,000 held-out test digits, beside the real-versus-real baseline
(1,000 training digits scored the same way).

* genlab: ``genlab.pretrained.ENTRIES[GAN_NAME]`` — the generator and discriminator
  of ``genlab.models.gan`` (width 32, a refining 3x3 convolution at the end of the
  generator, the discriminator sees the batch's spread),
  non-saturating loss, Adam (beta1 0) with the generator 4x faster than the
  discriminator, and a cool-down of both learning rates over the last quarter.
  Its step count is capped by the budget, and the cool-down follows whichever ends
  first.
* reference: the recipe of the PyTorch DCGAN tutorial (nz 100, ngf = ndf = 64, batch
  norm, weights from N(0, 0.02), Adam 2e-4 with beta1 0.5, BCE, batch 128, the
  discriminator's real and fake batches backpropagated separately), shrunk from 64x64
  RGB to 28x28 grey: the generator grows 1 -> 7 -> 14 -> 28 with three transposed
  convolutions, the discriminator shrinks 28 -> 14 -> 7 -> 1.

    python benchmarks/gan.py                 # 120 s each, about five minutes in all
    python benchmarks/gan.py --seconds 10    # a quick smoke run
"""

from __future__ import annotations

import argparse
import time

import torch
import torch.nn.functional as F
from torch import nn

from genlab import pretrained
from genlab.data import Batches, load_digits
from genlab.frame import Budget
from genlab.judge import load_judge
from genlab.metrics import score_samples

from report import print_rows, write_json
from genlab.models.gan import to_signed_range, to_unit_range


class ReferenceGenerator(nn.Module):
    def __init__(self, nz: int = 100, ngf: int = 64):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 4, 7, 1, 0, bias=False),        # 1 -> 7
            nn.BatchNorm2d(ngf * 4), nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False),   # 7 -> 14
            nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, 1, 4, 2, 1, bias=False),         # 14 -> 28
            nn.Tanh())

    def forward(self, z):
        return self.main(z)


class ReferenceDiscriminator(nn.Module):
    def __init__(self, ndf: int = 64):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(1, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ndf * 2), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 2, 1, 7, 1, 0, bias=False), nn.Sigmoid())

    def forward(self, x):
        return self.main(x).view(-1)


def tutorial_init(module):
    name = type(module).__name__
    if "Conv" in name:
        nn.init.normal_(module.weight, 0.0, 0.02)
    elif "BatchNorm" in name:
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


def reference_run(images: torch.Tensor, seconds: float, nz: int = 100):
    torch.manual_seed(0)
    generator, discriminator = ReferenceGenerator(nz), ReferenceDiscriminator()
    generator.apply(tutorial_init)
    discriminator.apply(tutorial_init)
    opt_g = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    batches = Batches(to_signed_range(images), batch_size=128, seed=0)
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for (real,) in batches:
            if time.perf_counter() - start >= seconds:
                break
            discriminator.zero_grad()
            F.binary_cross_entropy(discriminator(real), torch.ones(len(real))).backward()
            fake = generator(torch.randn(len(real), nz, 1, 1))
            F.binary_cross_entropy(discriminator(fake.detach()),
                                   torch.zeros(len(real))).backward()
            opt_d.step()
            generator.zero_grad()
            F.binary_cross_entropy(discriminator(fake), torch.ones(len(real))).backward()
            opt_g.step()
            steps += 1
    elapsed = time.perf_counter() - start
    generator.eval()
    with torch.no_grad():
        z = torch.randn(1000, nz, 1, 1, generator=torch.Generator().manual_seed(1))
        samples = to_unit_range(generator(z))
    return samples, steps, elapsed


def genlab_run(images: torch.Tensor, seconds: float):
    entry = pretrained.entry(pretrained.GAN_NAME)
    generator = entry.build()
    # the recipe's steps, or the seconds, whichever ends first
    record = entry.train(generator, Budget(steps=entry.recipe.steps, seconds=seconds,
                                           cooldown=entry.recipe.cooldown), progress=False)
    samples = generator.sample(1000, torch.Generator().manual_seed(1))
    return samples, record.steps, record.seconds, entry.recipe.steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    judge = load_judge(progress=False)
    train, _ = load_digits("train")
    test, _ = load_digits("test")
    rows = {"real digits (baseline)": (score_samples(judge, train[:1000], test), None, None)}
    samples, steps, elapsed, planned = genlab_run(train, args.seconds)
    rows[f"genlab GAN (recipe: {planned} steps)"] = (score_samples(judge, samples, test),
                                                     steps, elapsed)
    samples, steps, elapsed = reference_run(train, args.seconds)
    rows["PyTorch DCGAN tutorial recipe"] = (score_samples(judge, samples, test), steps,
                                             elapsed)
    print_rows(rows, args.seconds, width=38)
    write_json(rows, args.json)


if __name__ == "__main__":
    main()
