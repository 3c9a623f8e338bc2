"""genlab.classroom: student copies, chapter times, and what the instructor page shows."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from genlab import classroom
from genlab.language import use_language

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = classroom.chapters(ROOT / "book")


def _solution_calls(notebook) -> list:
    return [c for c in notebook.cells if c.cell_type == "code" and ".solution()" in c.source]


def test_chapters_are_the_numbered_notebooks_in_reading_order():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    listed = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    numbered = [f for f in listed if re.fullmatch(r"book/\d\d_\w+", f)]
    assert [f"book/{p.stem}" for p in CHAPTERS] == numbered


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_solution_cell_is_tagged(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in _solution_calls(notebook):
        assert classroom.SOLUTION_TAG in cell.metadata.get("tags", []), cell.source


def test_student_copy_drops_solutions_and_outputs_and_keeps_the_rest():
    original = nbformat.read(ROOT / "book" / "05_adversarial_training.ipynb", as_version=4)
    original.cells[2].outputs = [nbformat.v4.new_output("stream", text="stale output")]
    original.cells[2].execution_count = 7
    copy = classroom.without_solutions(original)
    assert not _solution_calls(copy) and _solution_calls(original)
    assert all(not c.get("outputs") and c.get("execution_count") is None
               for c in copy.cells if c.cell_type == "code")
    kept = [c.source for c in original.cells
            if classroom.SOLUTION_TAG not in c.metadata.get("tags", [])]
    assert [c.source for c in copy.cells] == kept  # nothing else removed or reordered
    assert any(".hint()" in c.source for c in copy.cells)  # hints stay
    assert original.cells[2].execution_count == 7  # the original is left alone


def test_student_copies_command_writes_every_chapter(tmp_path):
    done = subprocess.run([sys.executable, "-m", "genlab.classroom", "student-copies",
                           str(tmp_path / "handout")], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    written = sorted((tmp_path / "handout").glob("*.ipynb"))
    assert [p.name for p in written] == [p.name for p in CHAPTERS]
    assert done.stdout.count("wrote ") == len(CHAPTERS)
    for path in written:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        assert not _solution_calls(notebook)
    assert not list(tmp_path.glob("handout/*.tmp"))  # atomic writes leave nothing behind


def test_bad_book_folders_and_notebooks_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="^book_dir: expected .*found no folder"):
        classroom.write_student_copies(tmp_path / "out", tmp_path / "missing")
    with pytest.raises(FileNotFoundError, match="^book_dir: expected .*found no chapters"):
        classroom.write_student_copies(tmp_path / "out", tmp_path)
    (tmp_path / "01_broken.ipynb").write_text("{ not json")
    with pytest.raises(ValueError, match="01_broken.ipynb is not a readable notebook"):
        classroom.write_student_copies(tmp_path / "out", tmp_path)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_measured_times_cover_every_chapter():
    record = classroom.load_chapter_times()
    assert set(record["seconds"]) == {p.stem for p in CHAPTERS}
    assert all(seconds > 0 for seconds in record["seconds"].values())
    assert record["cpu_cores"] >= 1 and record["torch"] and record["date"]


def test_times_table_shows_each_chapter_and_flags_a_missing_one(tmp_path):
    table = classroom.times_table()
    for path in CHAPTERS:
        assert classroom.chapter_title(path) in table
    assert "not measured" not in table and "all chapters" in table
    record = classroom.load_chapter_times()
    del record["seconds"]["03_transposed_convolutions"]
    partial = tmp_path / "times.json"
    partial.write_text(json.dumps(record))
    assert "not measured" in classroom.times_table(times_file=partial)
    with pytest.raises(FileNotFoundError, match="make chapter-times"):
        classroom.load_chapter_times(tmp_path / "missing.json")
    old_format = tmp_path / "old.json"
    old_format.write_text(json.dumps({"seconds": record["seconds"], "date": "2026-01-01"}))
    with pytest.raises(ValueError, match="lacks cpu_cores, gpu"):
        classroom.load_chapter_times(old_format)
    (tmp_path / "torn.json").write_text('{"seconds": {"00_digits')
    with pytest.raises(ValueError, match="not readable JSON"):
        classroom.load_chapter_times(tmp_path / "torn.json")


def test_times_table_says_how_the_model_cache_was(tmp_path):
    record = classroom.load_chapter_times()
    for cache, expected in [("empty", "an empty model cache, as a Colab user"),
                            ("warm", "these times are not those of a fresh start")]:
        record.update(model_cache=cache)
        path = tmp_path / f"{cache}.json"
        path.write_text(json.dumps(record))
        assert expected in classroom.times_table(times_file=path)


def test_student_copy_writes_one_chapter_atomically(tmp_path):
    chapter = ROOT / "book" / "05_adversarial_training.ipynb"
    out = classroom.student_copy(chapter, tmp_path / "deep" / "handout.ipynb")
    assert out.is_file() and not _solution_calls(nbformat.read(out, as_version=4))
    assert [p.name for p in out.parent.iterdir()] == ["handout.ipynb"]


def test_chapter_card_lists_the_exercises_the_chapter_checks():
    card = classroom.chapter_card("05_adversarial_training")
    from genlab.exercises import gans

    for exercise in (gans.confused_discriminator, gans.generator_loss,
                     gans.optimal_discriminator):
        assert exercise.question in card
    assert gans.push_ratio.question not in card  # that one belongs to the next chapter
    assert "No exercises" in classroom.chapter_card("00_digits_and_tools")
    with pytest.raises(ValueError, match="^name: expected one of '00_digits_and_tools'"):
        classroom.chapter_card("99_missing")


def test_instructor_page_has_a_card_for_every_chapter():
    page = nbformat.read(ROOT / "book" / "instructor.ipynb", as_version=4)
    code = "\n".join(c.source for c in page.cells if c.cell_type == "code")
    cards = re.findall(r'chapter_card\("(\w+)"\)', code)
    assert cards == [p.stem for p in CHAPTERS]
    assert "times_table()" in code


def test_each_chapter_is_timed_alone_in_an_empty_folder_with_an_empty_cache(
        tmp_path, monkeypatch):
    """What a Colab user meets: nothing beside the chapter, no model cache."""
    book = tmp_path / "book"
    book.mkdir()
    (tmp_path / "left-over.txt").write_text("")
    for name in ("00_first", "01_second"):
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
            "import os, json\n"
            "cache = os.environ['GENLAB_CACHE']\n"
            "assert not os.listdir('.') and not os.path.exists(cache), (os.listdir('.'), cache)\n"
            "os.makedirs(cache); open('made-here.txt', 'w').close()")])
        notebook.cells.insert(0, nbformat.v4.new_markdown_cell("# A chapter"))
        nbformat.write(notebook, book / f"{name}.ipynb")
    monkeypatch.setenv("GENLAB_CACHE", str(tmp_path))  # a cache that is not empty
    record = classroom.time_chapters(book, tmp_path / "times.json")
    assert set(record["seconds"]) == {"00_first", "01_second"}
    assert record["model_cache"] == "empty" and record["device"] == "cpu"
    assert json.loads((tmp_path / "times.json").read_text()) == record
    assert os.environ["GENLAB_CACHE"] == str(tmp_path)  # put back as it was


def test_the_instructor_page_lists_the_chapters_of_the_readers_edition():
    use_language("ko")
    try:
        table = classroom.times_table()
        card = classroom.chapter_card("05_adversarial_training")
    finally:
        use_language("en")
    korean = classroom.EDITIONS["ko"]
    assert classroom.chapter_title(korean / "01_convolutions.ipynb") in table
    assert "실행 시간" in table and "모든 장" in table
    assert "연습 문제" in card and "판별자" in card  # the exercises' questions, in Korean
    english = classroom.chapter_title(classroom.BOOK / "01_convolutions.ipynb")
    assert english not in table and english in classroom.times_table()
