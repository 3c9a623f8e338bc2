"""Where the code runs, and how to make it run the same way twice.

``seed_everything`` fixes Python's, NumPy's and torch's random generators so that the
figure a teacher shows is the one students get. ``pick_device`` chooses CUDA, then Apple
MPS, then the CPU — the book is written to run well on the last of these.
"""

from __future__ import annotations

import numbers
import os
import platform
import random
from pathlib import Path

import numpy as np
import torch

_DEVICES = ("cuda", "mps", "cpu")


def seed_everything(seed: int = 0) -> torch.Generator:
    """Seed Python, NumPy and torch; return a torch generator seeded the same way."""
    if not isinstance(seed, numbers.Integral) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def pick_device(prefer: str | None = None) -> torch.device:
    """The best device here: CUDA, then MPS, then CPU (or ``prefer`` if given).

    ``GENLAB_DEVICE=cpu`` forces a device from outside, e.g. to get the book's exact
    CPU numbers on a machine with a GPU.
    """
    prefer = prefer or os.environ.get("GENLAB_DEVICE")
    if prefer is not None:
        if prefer not in _DEVICES:
            raise ValueError(f"unknown device {prefer!r}: use one of {_DEVICES}")
        available = {"cuda": torch.cuda.is_available(),
                     "mps": torch.backends.mps.is_available(), "cpu": True}[prefer]
        if not available:
            raise RuntimeError(f"device {prefer!r} is not available here; use 'cpu'")
        return torch.device(prefer)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def cpu_name() -> str:
    """The processor's model name (from ``/proc/cpuinfo`` on Linux), for the records
    of measured times."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
