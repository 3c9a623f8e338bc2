"""Hand the chapters nbmake executed to the book build, so the build does not run them again.

``make test`` executes every chapter once, with nbmake, on a copy of ``book/`` (nbmake
``--overwrite`` writes the outputs into that copy, never into the committed chapters).
This script puts those outputs into the book's execution cache (``_build/.jupyter_cache``,
the cache ``make book`` uses): for each executed copy it takes the committed chapter,
fills in the executed copy's outputs, execution counts and widget state, and stores that.
The cache matches a chapter by its code cells and their metadata, which are the committed
chapter's own, so the strict build that follows finds every chapter there, renders it,
and executes nothing (tests/test_book.py checks its log for that).

    python scripts/seed_execution_cache.py _executed/book
    python scripts/seed_execution_cache.py --edition ko _executed/ko/book

A copy that differs from its chapter in any code cell, or holds a cell nbmake did not
execute, is refused: its outputs do not belong to the chapter.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

import nbformat
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "_build" / ".jupyter_cache"  # myst-nb's default under Jupyter Book 1.x
# Each edition: its chapters, and the execution cache its build reads (the Korean
# edition builds with --path-output _build/ko; see the Makefile's html target).
EDITIONS = {"en": (ROOT / "book", CACHE),
            "ko": (ROOT / "ko" / "book", ROOT / "_build" / "ko" / "_build" / ".jupyter_cache")}


def _seconds(notebook: nbformat.NotebookNode) -> float | None:
    """From the first cell's start to the last cell's end (nbmake records the times)."""
    stamps = [cell.metadata.get("execution", {}) for cell in notebook.cells
              if cell.cell_type == "code"]
    starts = [s["iopub.execute_input"] for s in stamps if "iopub.execute_input" in s]
    ends = [s["shell.execute_reply"] for s in stamps if "shell.execute_reply" in s]
    if not starts or not ends:
        return None
    return (datetime.fromisoformat(max(ends)) - datetime.fromisoformat(min(starts))).total_seconds()


def merged(chapter: Path, executed: Path, run: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The committed ``chapter`` with the outputs of ``run``, its ``executed`` copy."""
    notebook = nbformat.read(chapter, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    ran = [cell for cell in run.cells if cell.cell_type == "code"]
    if [cell.source for cell in code] != [cell.source for cell in ran]:
        raise SystemExit(f"{executed}: its code cells differ from {chapter}'s; copy the "
                         "chapter again and re-execute it")
    for index, (cell, done) in enumerate(zip(code, ran)):
        if done.source.strip() and done.execution_count is None:
            raise SystemExit(f"{executed}: code cell {index} was not executed")
        cell.outputs, cell.execution_count = done.outputs, done.execution_count
    if "widgets" in run.metadata:
        notebook.metadata["widgets"] = run.metadata["widgets"]
    return notebook


def seed(executed_dir: Path, book_dir: Path = ROOT / "book", cache_dir: Path = CACHE) -> list[str]:
    """Cache every executed copy in ``executed_dir``; return the chapters cached."""
    cache = get_cache(str(cache_dir))
    done = []
    for executed in sorted(executed_dir.glob("*.ipynb")):
        chapter = book_dir / executed.name
        if not chapter.is_file():
            raise SystemExit(f"{executed}: no chapter {chapter} to match it")
        run = nbformat.read(executed, as_version=4)
        seconds = _seconds(run)
        cache.cache_notebook_bundle(
            CacheBundleIn(merged(chapter, executed, run), str(chapter),
                          data={"execution_seconds": seconds} if seconds else {}),
            check_validity=False, overwrite=True)
        done.append(chapter.stem)
    return done


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("executed", type=Path, help="the folder of executed chapters")
    parser.add_argument("--edition", choices=sorted(EDITIONS), default="en",
                        help="the edition the chapters belong to (default: en)")
    args = parser.parse_args(argv)
    if not args.executed.is_dir():
        raise SystemExit(f"{args.executed} is not a folder of executed chapters")
    book_dir, cache_dir = EDITIONS[args.edition]
    names = seed(args.executed, book_dir, cache_dir)
    if not names:
        raise SystemExit(f"{args.executed} holds no executed chapter")
    print(f"execution cache {cache_dir.relative_to(ROOT)}: {len(names)} executed chapters "
          f"({', '.join(names)})", file=sys.stderr)


if __name__ == "__main__":
    main()
