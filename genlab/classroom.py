"""For teachers: student copies of the chapters, and each chapter's measured run time.

Two commands, also reachable through ``make``::

    python -m genlab.classroom student-copies [OUT_DIR]   # make student-copies
    python -m genlab.classroom time-chapters              # make chapter-times

A *student copy* is a chapter with its worked solutions (the cells tagged ``solution``,
which call ``q.solution()``) and every output removed: students run it themselves, and
``q.check(answer)`` and ``q.hint()`` still work. The *chapter times* are measured by
running every chapter top to bottom, alone, on the machine at hand; the instructor page
of the book shows them, so a teacher can plan a lesson around real numbers.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import re
import tempfile
import time
from datetime import date
from pathlib import Path

import nbformat

SOLUTION_TAG = "solution"
REPOSITORY = Path(__file__).resolve().parents[1]
BOOK = REPOSITORY / "book"
TIMES_FILE = BOOK / "chapter_times.json"


def chapters(book_dir: Path | str = BOOK) -> list[Path]:
    """The chapter notebooks (``NN_name.ipynb``) of ``book_dir``, in reading order."""
    book_dir = Path(book_dir)
    if not book_dir.is_dir():
        raise FileNotFoundError(f"no book folder at {book_dir}: pass the folder that "
                                f"holds the chapters (book/ in the repository)")
    found = sorted(p for p in book_dir.glob("[0-9][0-9]_*.ipynb"))
    if not found:
        raise FileNotFoundError(f"no chapters (NN_name.ipynb) in {book_dir}")
    return found


def _read(path: Path) -> nbformat.NotebookNode:
    try:
        return nbformat.read(path, as_version=4)
    except Exception as error:  # nbformat raises several kinds for a broken file
        raise ValueError(f"{path} is not a readable notebook ({error}); restore it from "
                         f"git (git checkout -- {path.name})") from error


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(text)
    os.replace(temporary, path)


def student_copy(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook without its solution cells and without any output."""
    copy = nbformat.from_dict(json.loads(json.dumps(notebook)))
    copy.cells = [cell for cell in copy.cells
                  if SOLUTION_TAG not in cell.get("metadata", {}).get("tags", [])]
    for cell in copy.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.validate(copy)
    return copy


def write_student_copies(out_dir: Path | str, book_dir: Path | str = BOOK) -> list[Path]:
    """Write a student copy of every chapter into ``out_dir``; return the files."""
    out_dir = Path(out_dir)
    written = []
    for path in chapters(book_dir):
        target = out_dir / path.name
        _write_atomically(target, nbformat.writes(student_copy(_read(path))) + "\n")
        written.append(target)
    return written


def time_chapters(book_dir: Path | str = BOOK, out_file: Path | str | None = None,
                  timeout: int = 900) -> dict:
    """Run every chapter top to bottom, one after another, and record the seconds each
    took, with the facts of the machine; write them to ``out_file`` (JSON)."""
    import torch
    from nbclient import NotebookClient
    from tqdm.auto import tqdm

    book_dir = Path(book_dir)
    out_file = Path(out_file) if out_file else book_dir / TIMES_FILE.name
    seconds = {}
    for path in tqdm(chapters(book_dir), desc="chapters", unit="chapter"):
        notebook = _read(path)
        start = time.perf_counter()
        NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(book_dir)}}).execute()
        seconds[path.stem] = round(time.perf_counter() - start, 1)
    record = {
        "date": date.today().isoformat(),
        "cpu_cores": os.cpu_count(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "model_cache": "warm: models that chapters share were already trained and cached",
        "seconds": seconds,
    }
    _write_atomically(out_file, json.dumps(record, indent=1) + "\n")
    return record


def load_chapter_times(path: Path | str = TIMES_FILE) -> dict:
    """The record :func:`time_chapters` wrote, checked."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no chapter times at {path}: run "
                                f"`python -m genlab.classroom time-chapters` (make chapter-times)")
    record = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(record.get("seconds"), dict) or not record["seconds"]:
        raise ValueError(f"{path} holds no chapter times; measure them again")
    return record


def chapter_title(path: Path) -> str:
    """The chapter's own title: the first ``# `` heading of its notebook."""
    for cell in _read(path).cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise ValueError(f"{path.name} has no '# ' title")


def chapter_exercises(path: Path) -> list:
    """The exercises a chapter asks, in order: read from its code (which exercise
    module it imports, which ``exercises.NAME.check`` it calls), not typed again."""
    code = "\n".join(c.source for c in _read(path).cells if c.cell_type == "code")
    module = re.search(r"from genlab\.exercises import (\w+) as exercises", code)
    if not module:
        return []
    exercises = importlib.import_module(f"genlab.exercises.{module.group(1)}")
    names = dict.fromkeys(re.findall(r"\bexercises\.(\w+)\.check\(", code))
    return [getattr(exercises, name) for name in names]


def _minutes(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"


def times_table(book_dir: Path | str = BOOK, times_file: Path | str = TIMES_FILE) -> str:
    """Markdown: every chapter with its measured run time and the machine it ran on.

    A chapter with no measurement shows as "not measured", visibly.
    """
    record = load_chapter_times(times_file)
    rows, total = [], 0.0
    for path in chapters(book_dir):
        seconds = record["seconds"].get(path.stem)
        total += seconds or 0.0
        shown = _minutes(seconds) if seconds else "**not measured** (make chapter-times)"
        rows.append(f"| {chapter_title(path)} | `{path.name}` | {shown} |")
    return "\n".join([
        "| chapter | notebook | run time, top to bottom |", "|---|---|---|", *rows,
        f"| **all chapters** | | **{_minutes(total)}** |", "",
        f"Measured on {record['date']} with `python -m genlab.classroom time-chapters` "
        f"on a {record['cpu_cores']}-core {record['machine']} CPU, no GPU "
        f"(PyTorch {record['torch']}, {record['torch_threads']} threads; model cache "
        f"{record['model_cache']}). A chapter's first run on an empty cache takes "
        f"longer: it trains what it would otherwise load."])


def chapter_card(name: str, book_dir: Path | str = BOOK,
                 times_file: Path | str = TIMES_FILE) -> str:
    """Markdown for one chapter on the instructor page: run time and exercises."""
    path = Path(book_dir) / f"{name}.ipynb"
    if not path.is_file():
        raise FileNotFoundError(f"no chapter {name!r} in {book_dir}")
    record = load_chapter_times(times_file)
    seconds = record["seconds"].get(name)
    lines = [f"**Run time:** {_minutes(seconds)} on the {record['cpu_cores']}-core build "
             f"machine."
             if seconds else "**Run time: not measured** — run `make chapter-times`."]
    exercises = chapter_exercises(path)
    if exercises:
        lines += ["", "**Exercises** (each checks its answer: `check`, `hint`, "
                  "`solution`):", ""]
        lines += [f"{i}. {exercise.question}" for i, exercise in enumerate(exercises, 1)]
    else:
        lines += ["", "No exercises: this chapter sets up the tools."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m genlab.classroom",
                                     description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    copies = commands.add_parser("student-copies", help="write the chapters without "
                                 "solutions or outputs, for handing out")
    copies.add_argument("out_dir", nargs="?", default="student-copies",
                        help="folder to write them into (default: student-copies/)")
    copies.add_argument("--book", default=str(BOOK), help="the chapters' folder")
    timing = commands.add_parser("time-chapters", help="run every chapter and record how "
                                 "long each took, for the instructor page")
    timing.add_argument("--book", default=str(BOOK), help="the chapters' folder")
    timing.add_argument("--out", default=None, help=f"where to write (default: "
                        f"{TIMES_FILE.relative_to(REPOSITORY)})")
    args = parser.parse_args(argv)
    if args.command == "student-copies":
        for path in write_student_copies(args.out_dir, args.book):
            print(f"wrote {path}")
    else:
        record = time_chapters(args.book, args.out)
        for name, seconds in record["seconds"].items():
            print(f"{name}: {seconds:.0f} s")


if __name__ == "__main__":
    main()
