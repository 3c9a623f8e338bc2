"""Shared fixtures: an empty genlab cache per test, and one book build per test run."""

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


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path, monkeypatch):
    """Point GENLAB_CACHE at a fresh folder so tests never touch the user's cache."""
    folder = tmp_path / "genlab-cache"
    monkeypatch.setenv("GENLAB_CACHE", str(folder))
    return folder


def _build_book() -> dict:
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = [str(jupyter_book if jupyter_book.exists() else shutil.which("jupyter-book")),
               "build", "-W", "-n", "--keep-going", "."]
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
