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
from typing import Any

import nbformat

from .checks import check_choice, check_count, check_path, summary
from .language import language, tr
from .runtime import duration, write_atomically

SOLUTION_TAG = "solution"
REPOSITORY = Path(__file__).resolve().parents[1]
BOOK = REPOSITORY / "book"
EDITIONS = {"en": BOOK, "ko": REPOSITORY / "ko" / "book"}
"""Each language's edition of the chapters: the instructor page lists the chapters of
the reader's language, with their own titles."""
TIMES_FILE = BOOK / "chapter_times.json"
# What a measurement records besides the seconds: the facts the instructor page states.
RECORD_KEYS = ("date", "cpu_cores", "gpu", "torch", "torch_threads", "python",
               "device", "model_cache")


def chapters(book_dir: Path | str = BOOK) -> list[Path]:
    """The chapter notebooks (``NN_name.ipynb``) of ``book_dir``, in reading order."""
    book_dir = check_path(book_dir, "book_dir")
    if not book_dir.is_dir():
        raise FileNotFoundError(f"book_dir: expected the folder that holds the chapters "
                                f"(book/ in the repository), found no folder at {book_dir}")
    found = sorted(p for p in book_dir.glob("[0-9][0-9]_*.ipynb"))
    if not found:
        raise FileNotFoundError(f"book_dir: expected a folder of chapters (NN_name.ipynb), "
                                f"found no chapters in {book_dir}")
    return found


def _check_notebook(path: Any, name: str) -> Path:
    """``path`` if a notebook file is there."""
    path = check_path(path, name)
    if not path.is_file():
        raise FileNotFoundError(f"{name}: expected a notebook file (.ipynb), found "
                                f"{'a folder' if path.is_dir() else 'nothing'} at {path}")
    return path


def _check_output(path: Any, name: str, *, not_into: list[Path] = ()) -> Path:
    """``path`` if a file can be written there: not a folder, and none of
    ``not_into`` (the chapters themselves)."""
    path = check_path(path, name)
    if path.is_dir():
        raise ValueError(f"{name}: expected a file to write, found a folder at {path}")
    if any(path.resolve() == other.resolve() for other in not_into):
        raise ValueError(f"{name}: expected a file other than the chapter, found the "
                         f"chapter itself ({path}): it would be overwritten")
    return path


def _read(path: Path) -> nbformat.NotebookNode:
    try:
        return nbformat.read(path, as_version=4)
    except Exception as error:  # nbformat raises several kinds for a broken file
        raise ValueError(f"{path} is not a readable notebook ({error}); restore it from "
                         f"git (git checkout -- {path.name})") from error


def without_solutions(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of the notebook without its solution cells and without any output.

    Everything else stays as it is, in order: the Colab install cell, the questions,
    the ``check`` and ``hint`` cells, and every cell's tags (``hide-input``, ...).
    """
    copy = nbformat.from_dict(json.loads(json.dumps(notebook)))
    copy.cells = [cell for cell in copy.cells
                  if SOLUTION_TAG not in cell.get("metadata", {}).get("tags", [])]
    for cell in copy.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.validate(copy)
    return copy


def student_copy(notebook_path: Path | str, out_path: Path | str) -> Path:
    """Write the student copy of one chapter (see :func:`without_solutions`)."""
    notebook_path = _check_notebook(notebook_path, "notebook_path")
    out_path = _check_output(out_path, "out_path", not_into=[notebook_path])
    _write_copy(out_path, without_solutions(_read(notebook_path)))
    return out_path


def _write_copy(out_path: Path, copy: nbformat.NotebookNode) -> None:
    write_atomically(out_path, nbformat.writes(copy) + "\n")


def write_student_copies(out_dir: Path | str, book_dir: Path | str = BOOK) -> list[Path]:
    """Write a student copy of every chapter into ``out_dir``; return the files.

    Only the chapters are written: no data, no images, no other page of the book.
    Every chapter is read before the first copy is written, so a broken one leaves
    ``out_dir`` as it was.
    """
    out_dir = check_path(out_dir, "out_dir")
    paths = chapters(book_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"out_dir: expected a folder to write the copies into, found a "
                         f"file at {out_dir}")
    if out_dir.resolve() == paths[0].parent.resolve():
        raise ValueError(f"out_dir: expected a folder other than the book's, found the "
                         f"book folder itself ({out_dir}): the copies would replace the "
                         f"chapters")
    copies = [(out_dir / path.name, without_solutions(_read(path))) for path in paths]
    for out_path, copy in copies:
        _write_copy(out_path, copy)
    return [out_path for out_path, _ in copies]


def time_chapters(book_dir: Path | str = BOOK, out_file: Path | str | None = None,
                  timeout: int = 900) -> dict:
    """Run every chapter alone, top to bottom, one after another, as a student meets it
    in Colab: a fresh ``python3`` kernel in an empty working folder, with an empty
    model cache (``GENLAB_CACHE``), so the chapters use the models genlab ships and
    nothing an earlier chapter left behind. Record the wall-clock seconds each took,
    with the facts of the run, in ``out_file`` (JSON). If a chapter raises, nothing is
    written.
    """
    import torch
    from nbclient import NotebookClient
    from tqdm.auto import tqdm

    from .runtime import cpu_name, pick_device

    paths = chapters(book_dir)
    book_dir = paths[0].parent
    out_file = (book_dir / TIMES_FILE.name if out_file is None
                else _check_output(out_file, "out_file", not_into=paths))
    timeout = check_count(timeout, "timeout")
    seconds = {}
    saved = os.environ.get("GENLAB_CACHE")
    try:
        for path in tqdm(paths, desc="chapters", unit="chapter"):
            notebook = _read(path)
            with tempfile.TemporaryDirectory() as folder:
                os.environ["GENLAB_CACHE"] = str(Path(folder) / "model-cache")
                start = time.perf_counter()
                NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                               resources={"metadata": {"path": folder}}).execute()
                seconds[path.stem] = round(time.perf_counter() - start, 1)
    finally:
        if saved is None:
            os.environ.pop("GENLAB_CACHE", None)
        else:
            os.environ["GENLAB_CACHE"] = saved
    record = {
        "date": date.today().isoformat(),
        "cpu": cpu_name(),
        "cpu_cores": os.cpu_count(),
        "gpu": torch.cuda.is_available(),
        "device": str(pick_device()),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "model_cache": "empty",
        "seconds": seconds,
    }
    write_atomically(out_file, json.dumps(record, indent=1) + "\n")
    return record


def load_chapter_times(path: Path | str = TIMES_FILE) -> dict:
    """The record :func:`time_chapters` wrote, checked."""
    path = check_path(path, "path")
    if not path.is_file():
        raise FileNotFoundError(f"path: expected a file of chapter times, found no chapter "
                                f"times at {path}: run `python -m genlab.classroom "
                                f"time-chapters` (make chapter-times)")
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"{path} is not readable JSON ({error}); measure the times "
                         f"again with `make chapter-times`") from None
    if (not isinstance(record, dict) or not isinstance(record.get("seconds"), dict)
            or not record["seconds"]):
        raise ValueError(f"{path} holds no chapter times; measure them again")
    odd = [name for name, seconds in record["seconds"].items()
           if not isinstance(seconds, (int, float)) or isinstance(seconds, bool)
           or not 0 < seconds < float("inf")]
    if odd:
        raise ValueError(f"{path} holds no valid time for {', '.join(odd)}; measure the "
                         f"times again with `make chapter-times`")
    missing = [key for key in RECORD_KEYS if key not in record]
    if missing:
        raise ValueError(f"{path} lacks {', '.join(missing)}: it was written by an older "
                         f"genlab; measure the times again with `make chapter-times`")
    return record


def chapter_title(path: Path) -> str:
    """The chapter's own title: the first ``# `` heading of its notebook."""
    path = _check_notebook(path, "path")
    for cell in _read(path).cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise ValueError(f"{path.name} has no '# ' title")


def chapter_exercises(path: Path) -> list:
    """The exercises a chapter asks, in order: read from its code (which exercise
    module it imports, which ``exercises.NAME.check`` it calls), not typed again."""
    path = _check_notebook(path, "path")
    code = "\n".join(c.source for c in _read(path).cells if c.cell_type == "code")
    module = re.search(r"from genlab\.exercises import (\w+) as exercises", code)
    if not module:
        return []
    exercises = importlib.import_module(f"genlab.exercises.{module.group(1)}")
    names = dict.fromkeys(re.findall(r"\bexercises\.(\w+)\.check\(", code))
    return [getattr(exercises, name) for name in names]


def times_table(book_dir: Path | str | None = None,
                times_file: Path | str = TIMES_FILE) -> str:
    """Markdown: every chapter with its measured run time and the machine it ran on, in
    the reader's language (``book_dir``: by default, that language's edition).

    A chapter with no measurement shows as "not measured", visibly.
    """
    record = load_chapter_times(times_file)
    rows, total = [], 0.0
    for path in chapters(EDITIONS[language()] if book_dir is None else book_dir):
        seconds = record["seconds"].get(path.stem)
        total += seconds or 0.0
        shown = duration(seconds) if seconds else tr("**not measured** (make chapter-times)")
        rows.append(f"| {chapter_title(path)} | `{path.name}` | {shown} |")
    header = (tr("chapter"), tr("notebook"), tr("run time, top to bottom"))
    cpu = f" ({record['cpu']})" if record.get("cpu") else ""
    gpu = (tr("with a GPU (used: {device})").format(device=record["device"])
           if record["gpu"] else tr("no GPU"))
    machine = tr("Measured on {date} with `python -m genlab.classroom time-chapters`: every "
                 "chapter run alone, top to bottom, on {cores} CPU cores{cpu}, {gpu}, "
                 "PyTorch {torch} with {threads} threads, Python {python}.").format(
                     date=record["date"], cores=record["cpu_cores"], cpu=cpu, gpu=gpu,
                     torch=record["torch"], threads=record["torch_threads"],
                     python=record["python"])
    return "\n".join([
        "| {} | {} | {} |".format(*header), "|---|---|---|", *rows,
        "| **{}** | | **{}** |".format(tr("all chapters"), duration(total)), "",
        f"{machine} {_cache_sentence(record)}"])


def _cache_sentence(record: dict) -> str:
    if record["model_cache"] == "empty":
        return tr("Each chapter ran in an empty folder with an empty model cache, as a "
                  "Colab user meets it: it trains briefly what it introduces and uses the "
                  "models genlab ships for the rest.")
    return tr("The model cache was {cache}: these times are not those of a fresh start; "
              "measure them again with `make chapter-times`.").format(
                  cache=record["model_cache"])


def chapter_card(name: str, book_dir: Path | str | None = None,
                 times_file: Path | str = TIMES_FILE) -> str:
    """Markdown for one chapter on the instructor page: run time and exercises.

    ``name`` is a chapter of ``book_dir`` without its ``.ipynb`` (``"05_adversarial_
    training"``). In the reader's language, as :func:`times_table`."""
    paths = chapters(EDITIONS[language()] if book_dir is None else book_dir)
    if not isinstance(name, str):
        raise TypeError(f"name: expected a chapter's name (a str such as "
                        f"{paths[0].stem!r}), found {summary(name)}")
    name = check_choice(name.removesuffix(".ipynb"), "name", [p.stem for p in paths])
    path = paths[0].parent / f"{name}.ipynb"
    record = load_chapter_times(times_file)
    seconds = record["seconds"].get(name)
    lines = [tr("**Run time:** {time} on the {cores}-core build machine.").format(
                 time=duration(seconds), cores=record["cpu_cores"])
             if seconds else tr("**Run time: not measured** — run `make chapter-times`.")]
    exercises = chapter_exercises(path)
    if exercises:
        lines += ["", tr("**Exercises** (each checks its answer: `check`, `hint`, "
                         "`solution`):"), ""]
        lines += [f"{i}. {exercise.question}" for i, exercise in enumerate(exercises, 1)]
    else:
        lines += ["", tr("No exercises: this chapter sets up the tools.")]
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
    try:  # a wrong folder is a usage error, said before anything is run or written
        chapters(args.book)
    except FileNotFoundError as error:
        parser.error(f"--book: {str(error).removeprefix('book_dir: ')}")
    if args.command == "student-copies":
        for path in write_student_copies(args.out_dir, args.book):
            print(f"wrote {path}")
    else:
        record = time_chapters(args.book, args.out)
        for name, seconds in record["seconds"].items():
            print(f"{name}: {seconds:.0f} s")


if __name__ == "__main__":
    main()
