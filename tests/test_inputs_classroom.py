"""genlab.classroom: paths that do not exist, chapters not in the book and odd
arguments are refused with an error naming the argument, before anything is run or
written."""

import json
import math

import nbformat
import numpy as np
import pytest

from genlab import classroom


@pytest.fixture
def book(tmp_path):
    """A book of two tiny chapters, and its chapter times."""
    folder = tmp_path / "book"
    folder.mkdir()
    for name in ("00_first", "01_second"):
        notebook = nbformat.v4.new_notebook(cells=[
            nbformat.v4.new_markdown_cell(f"# Chapter {name}"),
            nbformat.v4.new_code_cell("x = 1")])
        nbformat.write(notebook, folder / f"{name}.ipynb")
    record = {key: 1 for key in classroom.RECORD_KEYS}
    record.update(seconds={"00_first": 3.0, "01_second": 4.0}, model_cache="empty",
                  gpu=False, date="2026-01-01")
    (tmp_path / "times.json").write_text(json.dumps(record))
    return folder


def _write(path, value):
    path.write_text(json.dumps(value))
    return path


@pytest.mark.parametrize("book_dir, error, says", [
    (3, TypeError, "^book_dir: expected a path"),
    ([], TypeError, "^book_dir: expected a path"),  # None: the reader's edition
    ("", ValueError, "^book_dir: expected a path"),
    ("MISSING", FileNotFoundError, "^book_dir: expected the folder .*found no folder"),
    ("FILE", FileNotFoundError, "^book_dir: expected the folder .*found no folder"),
    ("EMPTY", FileNotFoundError, "^book_dir: expected a folder of chapters .*found no "
                                 "chapters")])
@pytest.mark.parametrize("function", [
    classroom.chapters, classroom.times_table,
    lambda book_dir: classroom.write_student_copies("out", book_dir),
    lambda book_dir: classroom.time_chapters(book_dir),
    lambda book_dir: classroom.chapter_card("00_first", book_dir)],
    ids=["chapters", "times_table", "write_student_copies", "time_chapters",
         "chapter_card"])
def test_a_bad_book_folder_is_named(function, book_dir, error, says, tmp_path,
                                    monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "FILE").write_text("")
    (tmp_path / "EMPTY").mkdir()
    with pytest.raises(error, match=says):
        function(book_dir)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("notebook, out, error, says", [
    ("MISSING", "copy.ipynb", FileNotFoundError, "^notebook_path: expected a notebook "
                                                 "file .*found nothing at"),
    ("BOOK", "copy.ipynb", FileNotFoundError, "^notebook_path: .*found a folder"),
    (5, "copy.ipynb", TypeError, "^notebook_path: expected a path"),
    ("CHAPTER", "BOOK", ValueError, "^out_path: expected a file to write, found a folder"),
    ("CHAPTER", "CHAPTER", ValueError, "^out_path: expected a file other than the chapter"),
    ("CHAPTER", None, TypeError, "^out_path: expected a path")])
def test_student_copy_checks_both_paths(notebook, out, error, says, book):
    chapter = book / "00_first.ipynb"
    before = chapter.read_text()
    where = {"MISSING": book / "99.ipynb", "BOOK": book, "CHAPTER": chapter}
    with pytest.raises(error, match=says):
        classroom.student_copy(where.get(notebook, notebook), where.get(out, out))
    assert chapter.read_text() == before  # the chapter itself is never overwritten


def test_write_student_copies_never_writes_over_the_book(book):
    before = (book / "00_first.ipynb").read_text()
    with pytest.raises(ValueError, match="^out_dir: expected a folder other than the "
                                         "book's"):
        classroom.write_student_copies(book, book)
    assert (book / "00_first.ipynb").read_text() == before
    with pytest.raises(ValueError, match="^out_dir: expected a folder .*found a file"):
        classroom.write_student_copies(book / "00_first.ipynb", book)
    with pytest.raises(TypeError, match="^out_dir: expected a path"):
        classroom.write_student_copies(1, book)


def test_a_broken_chapter_stops_the_copies_before_the_first_is_written(book, tmp_path):
    (book / "02_broken.ipynb").write_text("{ not json")
    with pytest.raises(ValueError, match="02_broken.ipynb is not a readable notebook"):
        classroom.write_student_copies(tmp_path / "out", book)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("timeout, error", [(0, ValueError), (-5, ValueError),
                                            (1.5, TypeError), (math.inf, TypeError),
                                            ("900", TypeError), (None, TypeError)])
def test_time_chapters_checks_the_timeout_before_running(timeout, error, book, tmp_path):
    with pytest.raises(error, match="^timeout: expected a whole number"):
        classroom.time_chapters(book, tmp_path / "times-out.json", timeout=timeout)
    assert not (tmp_path / "times-out.json").exists()


@pytest.mark.parametrize("out_file, error, says", [
    ("BOOK", ValueError, "^out_file: expected a file to write, found a folder"),
    ("CHAPTER", ValueError, "^out_file: expected a file other than the chapter"),
    (7, TypeError, "^out_file: expected a path")])
def test_time_chapters_checks_where_it_writes(out_file, error, says, book):
    where = {"BOOK": book, "CHAPTER": book / "01_second.ipynb"}
    with pytest.raises(error, match=says):
        classroom.time_chapters(book, where.get(out_file, out_file))


@pytest.mark.parametrize("content, error, says", [
    (None, FileNotFoundError, "^path: expected a file of chapter times, found no chapter "
                              "times.*make chapter-times"),
    ([1, 2], ValueError, "holds no chapter times"),
    ({"seconds": []}, ValueError, "holds no chapter times"),
    ({"seconds": {"00_first": "3 s"}}, ValueError, "no valid time for 00_first"),
    ({"seconds": {"00_first": -1}}, ValueError, "no valid time for 00_first"),
    ({"seconds": {"00_first": True}}, ValueError, "no valid time for 00_first")])
def test_load_chapter_times_checks_the_file(content, error, says, tmp_path):
    path = tmp_path / "times.json"
    if content is not None:
        _write(path, content)
    with pytest.raises(error, match=says):
        classroom.load_chapter_times(path)


def test_load_chapter_times_checks_the_path_type():
    with pytest.raises(TypeError, match="^path: expected a path"):
        classroom.load_chapter_times(3)


@pytest.mark.parametrize("function", [classroom.chapter_title, classroom.chapter_exercises])
def test_one_chapter_functions_check_the_path(function, book):
    with pytest.raises(FileNotFoundError, match="^path: expected a notebook file .*found "
                                                "nothing"):
        function(book / "07_missing.ipynb")
    with pytest.raises(TypeError, match="^path: expected a path"):
        function(None)


@pytest.mark.parametrize("name, error, says", [
    ("99_missing", ValueError, "^name: expected one of '00_first', '01_second', found "
                               "str '99_missing'"),
    ("first", ValueError, "^name: expected one of"),
    (0, TypeError, "^name: expected a chapter's name"),
    (None, TypeError, "^name: expected a chapter's name")])
def test_chapter_card_names_the_chapters_of_the_book(name, error, says, book):
    with pytest.raises(error, match=says):
        classroom.chapter_card(name, book, book.parent / "times.json")


def test_chapter_card_accepts_the_file_name_and_numpy_strings(book):
    times = book.parent / "times.json"
    card = classroom.chapter_card("01_second.ipynb", book, times)
    assert card == classroom.chapter_card(np.str_("01_second"), book, times)
    assert "No exercises" in card


def test_times_table_checks_the_times_file(book, tmp_path):
    assert "Chapter 00_first" in classroom.times_table(book, tmp_path / "times.json")
    with pytest.raises(FileNotFoundError, match="^path: expected a file of chapter times"):
        classroom.times_table(book, tmp_path / "missing.json")


@pytest.mark.parametrize("command", ["student-copies", "time-chapters"])
def test_the_command_line_refuses_a_missing_book(command, tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        classroom.main([command, "--book", str(tmp_path / "missing")])
    assert stop.value.code == 2
    assert "--book: expected the folder that holds the chapters" in capsys.readouterr().err
