"""Autoencoders at a fixed time budget, side by side with a course-style reference.

1. Reconstruction (60 s budget, 16-D latent, held-out per-pixel MSE, images in [0, 1]):
   * genlab: ``ConvAutoencoder(16)`` by ``genlab.pretrained.ENTRIES`` (AdamW one-cycle,
     batch 64, 20 epochs — fits inside the budget);
   * reference: a plain course-style conv autoencoder (two stride-2 convs + linear
     encoder, linear + two stride-2 transposed convs decoder, ReLU, sigmoid), MSE,
     Adam 5e-4, batch 256, epochs until the budget is spent.
2. Generation (90 s budget): the VAE by its recipe; 1,000 samples from N(0, I) scored
   by the judge against the 1,000 test digits, beside the real-versus-real baseline
   (1,000 training digits scored the same way).

    python benchmarks/autoencoders.py
"""

from __future__ import annotations

import time

import torch
import torch.nn.functional as F
from torch import nn

from genlab import pretrained
from genlab.data import Batches, load_digits
from genlab.judge import load_judge
from genlab.metrics import score_samples
from genlab.training import reconstruction_error


class CourseAutoencoder(nn.Module):
    """The conv autoencoder of a typical course notebook (no batch norm, no refining)."""

    def __init__(self, latent_dim: int = 16):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.Flatten(), nn.Linear(32 * 7 * 7, latent_dim))
        self.decoder = nn.Sequential(
            nn.Linear(latent_dim, 32 * 7 * 7), nn.ReLU(), nn.Unflatten(1, (32, 7, 7)),
            nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
            nn.ConvTranspose2d(16, 1, 3, stride=2, padding=1, output_padding=1), nn.Sigmoid())

    def forward(self, x):
        return self.decoder(self.encoder(x))


def reference_run(train, test, budget: float) -> tuple[float, float, int]:
    torch.manual_seed(0)
    model = CourseAutoencoder()
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-4)
    batches = Batches(train, batch_size=256, drop_last=False, seed=0)
    spent, epochs = 0.0, 0
    while spent < budget:
        start = time.perf_counter()
        model.train()
        for (x,) in batches:
            loss = F.mse_loss(model(x), x)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if spent + time.perf_counter() - start > budget:
                break
        spent += time.perf_counter() - start
        epochs += 1
    return reconstruction_error(model, test), spent, epochs


def main() -> None:
    torch.set_num_threads(2)
    train, test = load_digits("train")[0], load_digits("test")[0]

    print("| reconstruction, 16-D latent | training s | epochs | held-out MSE |")
    print("|---|---:|---:|---:|")
    entry = pretrained.entry(pretrained.CONV_AUTOENCODER)
    model = entry.build()
    record = entry.train(model, progress=False)
    print(f"| genlab ConvAutoencoder, recipe | {record.seconds:.1f} | "
          f"{len(record.history.test_mse)} | {record.final['test_mse']:.4f} |", flush=True)
    mse, seconds, epochs = reference_run(train, test, 60.0)
    print(f"| course-style conv AE, Adam 5e-4, batch 256 | {seconds:.1f} | {epochs} | "
          f"{mse:.4f} |", flush=True)

    judge = load_judge(progress=False)
    entry = pretrained.entry(pretrained.VAE_NAME)
    vae = entry.build()
    history = entry.train(vae, progress=False).history
    samples = vae.sample(1000, torch.Generator().manual_seed(1))
    rows = {"real training digits (baseline)": score_samples(judge, load_digits("train")[0][:1000], test),
            f"VAE, {history.seconds[-1]:.0f} s of training, N(0, I) samples":
                score_samples(judge, samples, test)}
    print("\n| 1,000 images vs the test digits | confidence | effective classes | "
          "Fréchet distance | precision | recall |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, s in rows.items():
        print(f"| {name} | {s['confidence']:.3f} | {s['effective classes']:.2f} | "
              f"{s['Fréchet distance']:.1f} | {s['precision']:.2f} | {s['recall']:.2f} |")


if __name__ == "__main__":
    main()
