"""genlab speaks the reader's language: English by default, Korean after
``use_language("ko")`` — every marked word has its Korean, the compiled catalogue is the
one its source says, the placeholders survive translation, Hangul draws in figures, and
each edition's chapters choose their language in their first cell."""

import json
import re
import string
import warnings

import matplotlib
import matplotlib.pyplot as plt
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo

from editions import EDITIONS, KOREAN_CATALOGUE, ROOT, korean_catalogue
from genlab import language
from genlab.exercises import conv
from genlab.language import tr, use_language
from genlab.runtime import progress
from genlab.tables import ScoreTable

PO = KOREAN_CATALOGUE
HANGUL = re.compile("[\uac00-\ud7a3]")
SAME_IN_KOREAN = {"VAE", "GAN", "Fréchet"}
"""Words the Korean edition writes as the English does."""


@pytest.fixture
def korean():
    use_language("ko")
    yield
    use_language("en")


def _is_code(text: str) -> bool:
    """Code with no prose in it (a worked solution that is only a formula): no comment
    and no run of four English words."""
    return "#" not in text and not re.search(r"[a-z]{3,} [a-z]{3,} [a-z]{3,} [a-z]{3,}", text)


def _marked() -> set[str]:
    """Every text genlab's source marks with tr("...") or N_("...")."""
    found = extract_from_dir(ROOT / "genlab", keywords={"tr": None, "N_": None},
                             comment_tags=())
    return {message for _, _, message, _, _ in found}


def test_english_is_the_default_and_unknown_languages_are_refused():
    assert language.language() == "en"
    assert tr("✓ Correct") == "✓ Correct"
    with pytest.raises(ValueError, match=r"code: expected one of 'en', 'ko', found"):
        use_language("kr")


def test_every_marked_word_has_its_korean_and_the_catalogue_nothing_else():
    marked, catalogue = _marked(), korean_catalogue()
    assert PO == language.LOCALE_DIR / "ko" / "LC_MESSAGES" / f"{language.DOMAIN}.po"
    assert len(marked) > 300  # the exercises, the figures, the tables
    missing = sorted(marked - {k for k, v in catalogue.items() if v})
    assert not missing, f"{len(missing)} words lack their Korean (make catalogue, then " \
                        f"translate in {PO.name}): {missing[:5]}"
    assert not set(catalogue) - marked, "words no longer in genlab: run make catalogue"
    english = [k for k, v in catalogue.items() if not HANGUL.search(v)
               and v not in SAME_IN_KOREAN and not (v == k and _is_code(k))]
    assert not english, f"translations without Korean: {english[:5]}"


def test_translations_keep_the_placeholders_and_line_breaks():
    def fields(text):
        return sorted((name, spec) for _, name, spec, _ in string.Formatter().parse(text)
                      if name is not None)

    for english, korean in korean_catalogue().items():
        assert fields(korean) == fields(english), english
        assert korean.count("\n") == english.count("\n"), english


def test_the_compiled_catalogue_is_the_po_file():
    with PO.with_suffix(".mo").open("rb") as file:
        compiled = {m.id: m.string for m in read_mo(file) if m.id}
    assert compiled == korean_catalogue(), "genlab.mo is stale: run make catalogue"


def test_exercises_answer_in_korean(korean):
    feedback = conv.output_size.check(24)
    assert not feedback and HANGUL.search(feedback.message)
    assert "24" in feedback.message  # the numbers survive translation
    assert HANGUL.search(conv.output_size.hint().summary)
    assert HANGUL.search(conv.output_size.solution())
    assert HANGUL.search(conv.output_size.check(...)._repr_html_())
    use_language("en")
    assert conv.output_size.check(24).message.startswith("24 pixels is too large.")


def test_tables_and_progress_lines_speak_korean(korean, monkeypatch, capsys):
    header = ScoreTable({"GAN": {"recall": 0.5}}).markdown().splitlines()[0]
    assert HANGUL.search(header) and "recall" not in header
    monkeypatch.setenv("GENLAB_PROGRESS", "line")
    for _ in progress(range(3), desc="GAN training", unit="step"):
        pass
    printed = capsys.readouterr().out
    assert HANGUL.search(printed) and "3" in printed and "steps" not in printed


def _draw(title: str) -> None:
    fig, axis = plt.subplots(figsize=(2, 1))
    axis.set_title(title)
    axis.text(0.5, 0.5, title, fontweight="bold")
    fig.canvas.draw()
    plt.close(fig)


def test_korean_figures_draw_hangul_with_no_missing_glyph(korean, caplog):
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font")
        _draw("생성자와 판별자 × → 0.5")  # Hangul from NanumGothic, the rest as in English
    assert not [r for r in caplog.records if "findfont" in r.getMessage()]  # bold too
    assert matplotlib.rcParams["font.family"][-1] == language.HANGUL_FONT
    use_language("en")  # back to the English font list, which has no Hangul
    assert language.HANGUL_FONT not in matplotlib.rcParams["font.family"]
    with pytest.warns(UserWarning, match="missing from font"):
        _draw("생성자")


def test_korean_without_the_font_package_says_what_to_install(monkeypatch):
    monkeypatch.setattr(language.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModuleNotFoundError, match=r'pip install "genlab\[ko\]"'):
        use_language("ko")
    assert language.language() == "en"


@pytest.mark.parametrize("prefix, code", [("", "en"), ("ko/", "ko")])
def test_each_edition_chooses_its_language_in_its_first_cells(prefix, code):
    for path in sorted((EDITIONS[prefix] / "book").glob("*.ipynb")):
        cells = [c for c in json.loads(path.read_text())["cells"]
                 if c["cell_type"] == "code"]
        install, setup = ("".join(c["source"]) for c in cells[:2])
        assert f'use_language("{code}")' in setup, path.name
        if code == "ko":  # Colab has no Hangul font: the Korean edition installs one
            assert '"genlab[ko] @ git+' in install, path.name
