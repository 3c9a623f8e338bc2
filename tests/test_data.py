"""genlab.data: the bundled digits, the full datasets offline, batching, bad input."""

import gzip
import struct

import numpy as np
import pytest
import torch

from genlab import data
from genlab.data import Batches, DataError, load_dataset, load_digits


# --- the bundled digits -------------------------------------------------------------

@pytest.mark.parametrize("split, n", [("train", 4000), ("test", 1000)])
def test_bundled_digits_shape_dtype_range(split, n):
    images, labels = load_digits(split)
    assert images.shape == (n, 1, 28, 28) and images.dtype == torch.float32
    assert labels.shape == (n,) and labels.dtype == torch.int64
    assert images.min() == 0.0 and images.max() == 1.0
    # Real digits: mostly background, some full ink, and every pixel value on the 1/255 grid.
    assert 0.05 < images.mean() < 0.25
    assert torch.allclose(images * 255, (images * 255).round(), atol=1e-4)


@pytest.mark.parametrize("split, per_class", [("train", 400), ("test", 100)])
def test_split_is_class_stratified_and_interleaved(split, per_class):
    _, labels = load_digits(split)
    assert labels.bincount().tolist() == [per_class] * 10
    assert torch.equal(labels, torch.arange(len(labels)) % 10)


def test_train_and_test_share_no_image():
    train, _ = load_digits("train")
    test, _ = load_digits("test")
    train_keys = {bytes((img * 255).round().to(torch.uint8).numpy()) for img in train}
    assert not any(bytes((img * 255).round().to(torch.uint8).numpy()) in train_keys
                   for img in test)


def test_loading_is_deterministic():
    first, second = load_digits("test"), load_digits("test")
    assert torch.equal(first[0], second[0]) and torch.equal(first[1], second[1])


def test_load_dataset_digits_is_the_bundled_set():
    images, labels = load_dataset("digits", "test")
    assert torch.equal(images, load_digits("test")[0])


@pytest.mark.parametrize("call", [lambda: load_digits("validation"),
                                  lambda: load_dataset("digits", "val")])
def test_unknown_split_is_a_clear_error(call):
    with pytest.raises(ValueError, match="^split: expected one of 'train', 'test', found"):
        call()


def test_unknown_dataset_is_a_clear_error():
    with pytest.raises(ValueError, match="^name: expected one of 'digits'.*found .*'cifar10'"):
        load_dataset("cifar10")


def test_missing_bundled_file(monkeypatch, tmp_path):
    monkeypatch.setattr(data, "BUNDLED_FILE", tmp_path / "gone.npz")
    with pytest.raises(DataError, match="missing.*Reinstall genlab"):
        load_digits()


@pytest.mark.parametrize("content", [b"not a zip file at all", b"PK\x03\x04 truncated"])
def test_corrupt_bundled_file(monkeypatch, tmp_path, content):
    bad = tmp_path / "mnist_5k.npz"
    bad.write_bytes(content)
    monkeypatch.setattr(data, "BUNDLED_FILE", bad)
    with pytest.raises(DataError, match="corrupt.*Reinstall genlab"):
        load_digits()


def test_bundled_file_with_wrong_content(monkeypatch, tmp_path):
    bad = tmp_path / "mnist_5k.npz"
    np.savez_compressed(bad, train_images=np.zeros((3, 5, 5), np.float64),
                        train_labels=np.zeros(3, np.uint8))
    monkeypatch.setattr(data, "BUNDLED_FILE", bad)
    with pytest.raises(DataError, match="does not hold 28x28 uint8 images"):
        load_digits("train")
    with pytest.raises(DataError, match="corrupt"):  # no test arrays in this file
        load_digits("test")


# --- the full datasets, offline ------------------------------------------------------

def write_idx(path, array, compress=False):
    """Write ``array`` (uint8) in the IDX format that MNIST is distributed in."""
    array = np.asarray(array, dtype=np.uint8)
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(
        f">{array.ndim}I", *array.shape)
    payload = header + array.tobytes()
    path.write_bytes(gzip.compress(payload) if compress else payload)


def make_fake_raw_folder(root, folder_name, n_train=20, n_test=10):
    raw = root / folder_name / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    content = {}
    for prefix, n in [("train", n_train), ("t10k", n_test)]:
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        labels = np.arange(n, dtype=np.uint8) % 10
        write_idx(raw / f"{prefix}-images-idx3-ubyte", images)
        write_idx(raw / f"{prefix}-labels-idx1-ubyte", labels)
        content[prefix] = (images, labels)
    return content


@pytest.mark.parametrize("name, folder", [("mnist", "MNIST"),
                                          ("fashion-mnist", "FashionMNIST")])
def test_full_dataset_loads_from_idx_files(tmp_path, name, folder):
    content = make_fake_raw_folder(tmp_path, folder)
    images, labels = load_dataset(name, "test", root=tmp_path, download=False)
    expected_images, expected_labels = content["t10k"]
    assert images.shape == (10, 1, 28, 28) and images.dtype == torch.float32
    assert torch.equal((images[:, 0] * 255).round().to(torch.uint8),
                       torch.from_numpy(expected_images))
    assert labels.tolist() == expected_labels.tolist()
    train, _ = load_dataset(name, "train", root=tmp_path, download=False)
    assert len(train) == 20


def test_full_dataset_missing_offline_names_the_fallback(tmp_path):
    with pytest.raises(DataError, match=r"download=False.*load_digits"):
        load_dataset("mnist", root=tmp_path, download=False)


def test_failed_download_names_the_fallback(tmp_path, monkeypatch):
    from urllib.error import URLError

    import torchvision.datasets.mnist as tv_mnist

    def no_network(*args, **kwargs):
        raise URLError("Temporary failure in name resolution")

    monkeypatch.setattr(tv_mnist, "download_and_extract_archive", no_network)
    with pytest.raises(DataError, match=r"download failed.*bundled.*load_digits"):
        load_dataset("fashion-mnist", root=tmp_path, download=True)


def test_unwritable_dataset_root(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(DataError, match="cannot create the dataset folder"):
        load_dataset("mnist", root=blocker / "datasets")


# --- batching ------------------------------------------------------------------------

def test_batches_shapes_and_drop_last():
    x, y = torch.arange(130).float().view(130, 1), torch.arange(130)
    batches = Batches(x, y, batch_size=32)
    assert len(batches) == 4
    out = list(batches)
    assert len(out) == 4 and all(b[0].shape == (32, 1) and b[1].shape == (32,) for b in out)
    # Rows stay paired across tensors.
    assert all(torch.equal(bx[:, 0].long(), by) for bx, by in out)
    keep = list(Batches(x, batch_size=32, drop_last=False))
    assert len(keep) == 5 and keep[-1][0].shape == (2, 1)
    assert sorted(torch.cat([b[0] for b in keep]).view(-1).long().tolist()) == list(range(130))


def test_batches_cover_each_item_once_per_epoch():
    x = torch.arange(64)
    seen = torch.cat([b[0] for b in Batches(x, batch_size=16)])
    assert sorted(seen.tolist()) == list(range(64))
    assert seen.tolist() != list(range(64))  # shuffled


def test_batches_deterministic_under_seed_and_epochs_differ():
    def two_epochs(seed):
        batches = Batches(torch.arange(100), batch_size=10, seed=seed)
        return [[b[0].tolist() for b in batches] for _ in range(2)]

    first = two_epochs(3)
    assert first == two_epochs(3)
    assert first[0] != first[1]
    assert first != two_epochs(4)


def test_batches_without_shuffle_keep_order():
    x = torch.arange(10)
    assert [b[0].tolist() for b in Batches(x, batch_size=5, shuffle=False)] == [
        [0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]


@pytest.mark.parametrize("args, kwargs, message", [
    ((), {}, "^tensors: expected at least one tensor"),
    ((torch.zeros(5), torch.zeros(6)), {}, r"^tensors: expected tensors of the same length"),
    (([0.0] * 5,), {}, r"^tensors\[0\]: expected a tensor"),
    ((torch.zeros(5),), {"batch_size": 0}, "^batch_size: expected a whole number at least 1"),
    ((torch.zeros(5),), {"batch_size": 2.5}, "^batch_size: expected a whole number"),
    ((torch.zeros(5),), {"batch_size": 8}, "^batch_size: expected at most 5 .*drop_last"),
])
def test_batches_bad_input(args, kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        Batches(*args, **kwargs)
