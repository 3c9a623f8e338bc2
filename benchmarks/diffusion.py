"""The book's diffusion model at a fixed time budget, beside a simple course recipe.

Both train on the same 4,000 bundled training digits for the same wall-clock budget
(default 180 s) in one run on this machine; then 1,000 samples of each are scored by
the judge against the 1,000 held-out test digits, beside the real-versus-real baseline
and the book's GAN and conditional GAN as the cache holds them (each trained by its own
recipe).

* genlab: ``genlab.pretrained.ENTRIES[DIFFUSION]`` — the time- and label-conditioned
  U-Net of ``genlab.models.unet``, flow matching (predict the velocity ``noise - x0`` of
  the straight path), labels hidden for 15% of the digits, Adam with a linear
  cool-down, the moving average of the weights; sampled with Euler steps, labels drawn
  at random, without a label (w = 0), with it (w = 1) and guided (w > 1).
* reference: the "BasicUNet" recipe of the Hugging Face diffusion course's first unit:
  three 5x5 convolutions down (32, 64, 64 channels, max-pooling between them) and three
  up (upsampling, skip connections added), SiLU, no noise-level input; trained to
  predict the clean image from ``x (1 - a) + u a`` (``u`` uniform noise, ``a`` uniform in
  [0, 1]) by MSE, Adam 1e-3, batch 128; sampled in 5 steps by moving a fifth, a
  quarter, ... of the way to the predicted clean image.

    python benchmarks/diffusion.py                 # 180 s each, about eleven minutes
    python benchmarks/diffusion.py --seconds 10    # a quick smoke run
"""

from __future__ import annotations

import argparse
import time

import torch
import torch.nn.functional as F
from torch import nn

from genlab import diffusion, pretrained
from genlab.data import Batches, load_digits
from genlab.frame import Budget
from genlab.judge import load_judge
from genlab.metrics import score_samples

from report import print_rows, write_json


class BasicUNet(nn.Module):
    """The course's minimal U-Net: no normalisation, no noise-level input."""

    def __init__(self):
        super().__init__()
        self.down = nn.ModuleList([nn.Conv2d(1, 32, 5, padding=2),
                                   nn.Conv2d(32, 64, 5, padding=2),
                                   nn.Conv2d(64, 64, 5, padding=2)])
        self.up = nn.ModuleList([nn.Conv2d(64, 64, 5, padding=2),
                                 nn.Conv2d(64, 32, 5, padding=2),
                                 nn.Conv2d(32, 1, 5, padding=2)])

    def forward(self, x):
        skips = []
        for i, layer in enumerate(self.down):
            x = F.silu(layer(x))
            if i < 2:
                skips.append(x)
                x = F.max_pool2d(x, 2)
        for i, layer in enumerate(self.up):
            if i > 0:
                x = F.interpolate(x, scale_factor=2) + skips.pop()
            x = F.silu(layer(x)) if i < 2 else layer(x)
        return x


def reference_run(images: torch.Tensor, seconds: float):
    torch.manual_seed(0)
    net = BasicUNet()
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    batches = Batches(images, batch_size=128, seed=0)
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for (x,) in batches:
            if time.perf_counter() - start >= seconds:
                break
            amount = torch.rand(len(x), 1, 1, 1)
            noisy = x * (1 - amount) + torch.rand_like(x) * amount
            loss = F.mse_loss(net(noisy), x)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            steps += 1
    elapsed = time.perf_counter() - start
    net.eval()
    with torch.no_grad():
        x = torch.rand(1000, 1, 28, 28, generator=torch.Generator().manual_seed(1))
        for i in range(5):
            mix = 1 / (5 - i)
            x = x * (1 - mix) + net(x) * mix
    return x.clamp(0, 1), steps, elapsed


#: (Euler steps, guidance scale w) scored for the genlab recipe
SAMPLERS = [(20, 0.0), (20, 1.0), (5, 1.5), (10, 1.5), (20, 1.5), (20, 2.0), (20, 3.0)]


def genlab_run(images: torch.Tensor, seconds: float):
    entry = pretrained.entry(pretrained.DIFFUSION)
    model = entry.build()
    history = entry.train(model, Budget(seconds=seconds,
                                        cooldown=entry.recipe.cooldown),
                          progress=False).history
    samples = {}
    for steps, guidance in SAMPLERS:
        start = time.perf_counter()
        images = diffusion.sample(model, 1000, steps, torch.Generator().manual_seed(1),
                                  guidance=guidance)
        samples[steps, guidance] = (images, time.perf_counter() - start)
    return samples, len(history.loss), history.seconds[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    judge = load_judge(progress=False)
    train, _ = load_digits("train")
    test, _ = load_digits("test")
    rows = {"real digits (baseline)": (score_samples(judge, train[:1000], test), None, None)}
    for title, name in (("the book's GAN", pretrained.GAN_NAME),
                        ("the book's conditional GAN", pretrained.CONDITIONAL_GAN)):
        gan, meta = pretrained.load_with_meta(name, progress=False)
        rng = torch.Generator().manual_seed(1)
        labels = (torch.randint(gan.classes, (1000,),
                                generator=torch.Generator().manual_seed(2))
                  if gan.classes else None)
        rows[f"{title} (shipped, its recipe)"] = (
            score_samples(judge, gan.sample(1000, rng, labels=labels), test),
            meta["steps"], meta["seconds"])
    samples, steps, elapsed = genlab_run(train, args.seconds)
    for (n, w), (images, sampling_seconds) in samples.items():
        rows[f"genlab diffusion, w = {w:g}, {n} steps ({sampling_seconds:.1f} s / 1,000)"] = (
            score_samples(judge, images, test), steps, elapsed)
    images, steps, elapsed = reference_run(train, args.seconds)
    rows["course BasicUNet recipe, 5 steps"] = (score_samples(judge, images, test), steps,
                                                elapsed)
    print_rows(rows, args.seconds, width=56)
    write_json(rows, args.json)


if __name__ == "__main__":
    main()
