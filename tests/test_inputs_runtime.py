"""genlab.runtime: what seed_everything and pick_device refuse, and what they accept."""

import numpy as np
import pytest
import torch

from genlab.checks import check_flag, check_path
from genlab.runtime import pick_device, seed_everything


@pytest.mark.parametrize("seed, error", [
    (-1, ValueError), (1.5, TypeError), ("0", TypeError), (True, TypeError),
    (None, TypeError), (np.float64(2.0), TypeError), (torch.tensor(1.5), TypeError)])
def test_seed_everything_refuses(seed, error):
    with pytest.raises(error, match="^seed: expected a whole number"):
        seed_everything(seed)


@pytest.mark.parametrize("seed", [0, 7, np.int64(7), np.uint8(7), torch.tensor(7),
                                  2**40])
def test_seed_everything_accepts_whole_numbers(seed):
    generator = seed_everything(seed)
    assert torch.equal(torch.rand(3, generator=generator),
                       torch.rand(3, generator=torch.Generator().manual_seed(int(seed))))


@pytest.mark.parametrize("prefer", ["tpu", "CPU", "cuda:0", 3, True])
def test_pick_device_refuses_unknown_devices(prefer):
    with pytest.raises(ValueError, match="^prefer: expected one of 'cuda', 'mps', 'cpu'"):
        pick_device(prefer)


def test_pick_device_accepts_names_numpy_strings_and_devices(monkeypatch):
    monkeypatch.delenv("GENLAB_DEVICE", raising=False)
    for prefer in ("cpu", np.str_("cpu"), torch.device("cpu")):
        assert pick_device(prefer) == torch.device("cpu")


def test_pick_device_checks_the_environment_variable(monkeypatch):
    monkeypatch.setenv("GENLAB_DEVICE", "gpu")
    with pytest.raises(ValueError, match="^GENLAB_DEVICE: expected one of"):
        pick_device()
    assert pick_device("cpu").type == "cpu"  # an argument wins over the variable


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_pick_device_says_when_a_device_is_missing():
    with pytest.raises(RuntimeError, match="^prefer: device 'cuda' is not available"):
        pick_device("cuda")


@pytest.mark.parametrize("value, error", [("yes", TypeError), (1, TypeError),
                                          (None, TypeError)])
def testcheck_flag(value, error):
    with pytest.raises(error, match="^retrain: expected True or False"):
        check_flag(value, "retrain")
    assert check_flag(np.bool_(True), "retrain") is True


@pytest.mark.parametrize("value, error", [(3, TypeError), (b"book", TypeError),
                                          ("", ValueError), (None, TypeError)])
def testcheck_path(value, error):
    with pytest.raises(error, match="^folder: expected a path"):
        check_path(value, "folder")
