"""Where the code runs, and how to make it run the same way twice.

``seed_everything`` fixes Python's, NumPy's and torch's random generators so that the
figure a teacher shows is the one students get. ``pick_device`` chooses CUDA, then Apple
MPS, then the CPU — the book is written to run well on the last of these.
``write_atomically`` is how genlab writes every file it keeps (weights, manifests,
chapter times, results): whole or not at all. ``progress`` is the progress bar of every
long loop — or, where the outputs become a static page, one line saying what ran and
how long.
"""

from __future__ import annotations

import io
import os
import platform
import random
import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm
from tqdm.std import tqdm as text_tqdm

from .checks import check_choice, check_count
from .language import N_, language, tr

_DEVICES = ("cuda", "mps", "cpu")


def seed_everything(seed: int = 0) -> torch.Generator:
    """Seed Python, NumPy and torch; return a torch generator seeded the same way.

    ``seed`` is a whole number from 0 up (a NumPy integer too)."""
    seed = check_count(seed, "seed", minimum=0)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def pick_device(prefer: str | torch.device | None = None) -> torch.device:
    """The best device here: CUDA, then MPS, then CPU (or ``prefer`` if given: one of
    ``"cuda"``, ``"mps"``, ``"cpu"``).

    ``GENLAB_DEVICE=cpu`` forces a device from outside, e.g. to get the book's exact
    CPU numbers on a machine with a GPU.
    """
    if isinstance(prefer, torch.device):
        prefer = prefer.type
    if prefer is not None:
        prefer = check_choice(prefer, "prefer", _DEVICES)
    elif os.environ.get("GENLAB_DEVICE"):
        prefer = check_choice(os.environ["GENLAB_DEVICE"], "GENLAB_DEVICE", _DEVICES)
    if prefer is not None:
        available = {"cuda": torch.cuda.is_available(),
                     "mps": torch.backends.mps.is_available(), "cpu": True}[prefer]
        if not available:
            raise RuntimeError(f"prefer: device {prefer!r} is not available here; use 'cpu'")
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


def hardware() -> dict:
    """The machine a measurement ran on, for the records that keep it (manifests of
    shipped weights, benchmark results): processor, cores, torch's threads, device."""
    device = pick_device()
    return {"cpu": cpu_name(), "cpu_cores": os.cpu_count(),
            "torch_threads": torch.get_num_threads(), "device": str(device),
            "gpu": torch.cuda.get_device_name() if device.type == "cuda" else None}


def write_atomically(path: Path, data: bytes | str) -> None:
    """Write ``data`` (text as UTF-8) to a temporary file beside ``path``, then rename it:
    a reader (or a build) never sees half a file, and a failed write leaves the old file
    in place. The folder is made if it is missing; the file is readable by everyone."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


PROGRESS_STYLES = ("bar", "line")
"""``GENLAB_PROGRESS``: ``bar`` (the default: a live bar) or ``line`` (one line at the
end; the book's build sets it, see the Makefile)."""


class _FinishedLine(text_tqdm):
    """A bar that draws nothing while it runs and prints one line when it closes:
    "diffusion training: 300 steps in 24 s". A finished bar on a static page says no
    more than that, and each one splits the cell's printout into another box."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, file=io.StringIO(), **kwargs)

    def close(self):
        if not self.disable:  # tqdm disables a bar once it is closed: one line only
            units = UNITS.get(self.unit) or _plural(self.unit)
            print(tr("{desc}: {count:,} {units} in {took}").format(
                desc=self.desc, count=self.n, units=tr(units),
                took=duration(self.format_dict["elapsed"])), flush=True)
        super().close()


def duration(seconds: float) -> str:
    """A time as a reader reads it, in whole seconds and in the reader's language:
    "75 s" below a minute and a half, "2 min 05 s" from there."""
    whole = round(seconds)
    if whole < 90:
        return tr("{seconds} s").format(seconds=whole)
    minutes, rest = divmod(whole, 60)
    return tr("{minutes} min {seconds:02d} s").format(minutes=minutes, seconds=rest)


def _plural(unit: str) -> str:
    """An English plural; other languages, which genlab speaks, need none."""
    if language() != "en":
        return unit
    return unit + ("es" if unit.endswith(("ch", "sh", "s")) else "s")


UNITS = {N_("step"): N_("steps"), N_("batch"): N_("batches"),
         N_("model"): N_("models")}
"""The plural of each unit genlab's progress bars count in, marked for the catalogue
(any other unit gets an English plural)."""


def progress(iterable: Iterable | None = None, *, total: int | None = None, desc: str,
             unit: str, disable: bool = False) -> tqdm:
    """A progress bar for a long loop: tqdm's (a widget in Jupyter and Colab, text in a
    terminal), or — with ``GENLAB_PROGRESS=line`` — one printed line when the loop
    ends, for outputs kept on a static page (the rendered book). ``desc`` and ``unit``
    are English, marked with ``N_``, and shown in the reader's language."""
    style = check_choice(os.environ.get("GENLAB_PROGRESS") or "bar", "GENLAB_PROGRESS",
                         PROGRESS_STYLES)
    if style == "line":  # the line words its unit's plural itself, from the English
        return _FinishedLine(iterable, total=total, desc=tr(desc), unit=unit,
                             disable=disable)
    return tqdm(iterable, total=total, desc=tr(desc), unit=tr(unit), disable=disable)
