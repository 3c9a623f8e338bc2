"""Shared fixtures: an empty genlab cache per test, one book build per test run; and the
order in which ``make test`` hands the chapters to its two workers."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest
from filelock import FileLock

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]

# The order in which `make test` hands the chapters to its two pytest-xdist workers
# (`--dist loadfile --no-loadscope-reorder` keeps this order; each worker asks for the
# next file when it has one left): the longest chapters first (book/chapter_times.json),
# then the others, then the unit tests, so neither worker waits long at the end. No
# chapter depends on another's run: the models they share ship with genlab.
FIRST_CHAPTERS = [
    "06_gan_instability",
    "05_adversarial_training",
    "08_diffusion",
    "07_style_based_generators",
    "09_one_yardstick",
    "04_generating_from_the_decoder",
    "03_transposed_convolutions",
    "01_convolutions",
]


def _run_order(item) -> tuple[int, int]:
    if item.path.suffix != ".ipynb":
        return (2, 0)  # a unit test
    if item.path.stem in FIRST_CHAPTERS:
        return (0, FIRST_CHAPTERS.index(item.path.stem))
    return (1, 0)


def pytest_collection_modifyitems(items):
    """``FIRST_CHAPTERS``, the other chapters, then the unit tests (a stable sort:
    within each kind, the collection's order)."""
    items.sort(key=_run_order)


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path, monkeypatch):
    """Point GENLAB_CACHE at a fresh folder so tests never touch the user's cache."""
    folder = tmp_path / "genlab-cache"
    monkeypatch.setenv("GENLAB_CACHE", str(folder))
    return folder


def _build_book() -> dict:
    """``make book``'s build of both editions (the Makefile's ``html`` target), plus
    ``--all``: Sphinx would otherwise keep the pages of chapters whose files did not
    change, drawn by an earlier run, instead of rendering the outputs this run's nbmake
    left in the execution caches."""
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = ["make", "--no-print-directory", "html", "JB_FLAGS=--all",
               f"JUPYTER_BOOK={jupyter_book if jupyter_book.exists() else shutil.which('jupyter-book')}"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=3600)
    return {"returncode": done.returncode, "log": done.stdout + done.stderr}


@pytest.fixture(scope="session")
def book_build(tmp_path_factory, worker_id):
    """The strict book build (``make book``'s, into ``_build/``), run once per test run.

    Under pytest-xdist the test modules that need it may sit on different workers: the
    first to ask builds, under a file lock, and leaves the result where the others
    (which wait on the lock) read it. Returns ``{"returncode": ..., "log": ...}``.
    """
    if worker_id == "master":
        return _build_book()
    shared = tmp_path_factory.getbasetemp().parent
    result_file = shared / "book-build.json"
    with FileLock(str(shared / "book-build.lock")):
        if not result_file.exists():
            result_file.write_text(json.dumps(_build_book()))
        return json.loads(result_file.read_text())
