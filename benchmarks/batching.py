"""How fast genlab hands digits to a model, against torchvision's usual pipeline.

Measures, on the bundled 4,000 training digits:
  * load_digits: reading the bundled file into tensors (both splits);
  * one epoch of genlab.data.Batches (batch 64, shuffled) against one epoch of a
    torch DataLoader over a Dataset that applies torchvision's ToTensor to each image
    (the pattern of the PyTorch tutorials), same images, same batch size, shuffled,
    num_workers=0 and num_workers=2.
Each epoch is timed REPEATS times; the median is reported.

    python benchmarks/batching.py          (writes nothing; paste the table into README)
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset
from torchvision.transforms import ToTensor

from genlab.data import BUNDLED_FILE, Batches, load_digits

REPEATS = 7
BATCH = 64


class PerItemDigits(Dataset):
    """The tutorial pattern: uint8 images kept as arrays, ToTensor applied per item."""

    def __init__(self, images: np.ndarray, labels: np.ndarray):
        self.images, self.labels, self.to_tensor = images, labels, ToTensor()

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        return self.to_tensor(self.images[i]), int(self.labels[i])


def median_seconds(fn) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def epoch(batches) -> int:
    seen = 0
    for images, labels in batches:
        seen += len(images)
    return seen


def main() -> None:
    torch.set_num_threads(2)
    load_time = median_seconds(lambda: (load_digits("train"), load_digits("test")))
    images, labels = load_digits("train")
    with np.load(BUNDLED_FILE) as archive:
        raw_images, raw_labels = archive["train_images"], archive["train_labels"]

    ours = Batches(images, labels, batch_size=BATCH, seed=0)
    t_ours = median_seconds(lambda: epoch(ours))
    rows = [("genlab Batches (in-memory tensors)", t_ours)]
    for workers in (0, 2):
        loader = DataLoader(PerItemDigits(raw_images, raw_labels), batch_size=BATCH,
                            shuffle=True, drop_last=True, num_workers=workers,
                            persistent_workers=workers > 0,
                            generator=torch.Generator().manual_seed(0))
        epoch(loader)  # warm up (starts the workers)
        rows.append((f"DataLoader + per-item ToTensor, num_workers={workers}",
                     median_seconds(lambda: epoch(loader))))

    n = len(ours) * BATCH
    print(f"load_digits (train + test): {load_time * 1000:.1f} ms\n")
    print(f"| pipeline (one epoch of {n} digits, batch {BATCH}) | seconds | images/s "
          "| genlab is faster by |")
    print("|---|---:|---:|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.4f} | {n / seconds:,.0f} | {seconds / t_ours:.1f}x |")


if __name__ == "__main__":
    main()
