"""genlab.data checks every argument before any work: an unknown split or dataset, a
bad batch size, tensors of different or zero length are refused with an error that
names the argument; NumPy arrays and integers are accepted."""

from pathlib import Path

import numpy as np
import pytest
import torch

from genlab.data import Batches, load_dataset, load_digits

X, Y = torch.rand(10, 3), torch.arange(10)


@pytest.mark.parametrize("split, error", [("validation", ValueError), ("Train", ValueError),
                                          (0, ValueError), (None, ValueError)])
def test_load_digits_refuses_an_unknown_split(split, error):
    with pytest.raises(error, match=r"^split: expected one of 'train', 'test'"):
        load_digits(split)


@pytest.mark.parametrize("kwargs, error, name", [
    ({"name": "cifar10"}, ValueError, "name"),
    ({"name": None}, ValueError, "name"),
    ({"split": "val"}, ValueError, "split"),
    ({"name": "mnist", "root": 42}, TypeError, "root"),
    ({"name": "mnist", "download": "no"}, TypeError, "download"),
])
def test_load_dataset_refuses(kwargs, error, name, tmp_path):
    with pytest.raises(error, match=rf"^{name}: expected"):
        load_dataset(**kwargs)


def test_load_dataset_accepts_a_path_root_offline(tmp_path):
    images, labels = load_dataset("digits", "test", root=Path(tmp_path))
    assert images.shape == (1000, 1, 28, 28) and labels.shape == (1000,)


@pytest.mark.parametrize("tensors, kwargs, error, name", [
    ((), {}, ValueError, "tensors"),                                  # none at all
    ((X, Y[:5]), {}, ValueError, "tensors"),                          # lengths differ
    ((X[:0], Y[:0]), {"drop_last": False}, ValueError, "tensors"),    # nothing to batch
    ((X, [1, 2]), {}, TypeError, r"tensors\[1\]"),                    # a list
    ((torch.tensor(3.0),), {}, ValueError, r"tensors\[0\]"),          # a single number
    ((X,), {"batch_size": 0}, ValueError, "batch_size"),
    ((X,), {"batch_size": -2}, ValueError, "batch_size"),
    ((X,), {"batch_size": 2.0}, TypeError, "batch_size"),
    ((X,), {"batch_size": "4"}, TypeError, "batch_size"),
    ((X,), {"batch_size": 11}, ValueError, "batch_size"),             # > 10 items
    ((X,), {"shuffle": "yes", "batch_size": 4}, TypeError, "shuffle"),
    ((X,), {"drop_last": 1}, TypeError, "drop_last"),
    ((X,), {"seed": -1, "batch_size": 4}, ValueError, "seed"),
    ((X,), {"seed": 0.5, "batch_size": 4}, TypeError, "seed"),
])
def test_batches_refuse(tensors, kwargs, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        Batches(*tensors, **kwargs)


def test_batches_accept_numpy_arrays_and_integers():
    batches = Batches(X.numpy(), Y.numpy(), batch_size=np.int64(4), seed=np.int32(1),
                      shuffle=np.bool_(False))
    first = next(iter(batches))
    assert len(batches) == 2 and isinstance(first[0], torch.Tensor)
    assert torch.equal(first[0], X[:4]) and torch.equal(first[1], Y[:4])
    assert batches.batch_size == 4 and type(batches.batch_size) is int


def test_batches_keep_a_batch_larger_than_the_items_when_nothing_is_dropped():
    assert [len(b[0]) for b in Batches(X, batch_size=32, drop_last=False)] == [10]
