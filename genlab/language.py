"""The reader's language: what genlab prints, draws and asks, in English or in Korean.

One setting, :func:`use_language`, chooses the language of every word genlab shows a
reader: exercise questions, feedback, hints and solutions, table headers, progress
lines, widget labels, figure titles and axis labels. English is the default; the
Korean edition of the book calls ``use_language("ko")`` in each chapter's set-up cell.
Error messages stay in English, like Python's own.

The words live in a gettext catalogue, ``genlab/locale/ko/LC_MESSAGES/genlab.po``,
compiled into the ``.mo`` file Python's :mod:`gettext` reads (``make catalogue``
extracts, merges and compiles them with Babel). In the source, :func:`tr` marks a text
translated where it is shown, and :func:`N_` one stored in English and translated
later — an exercise written at import time, shown after the reader chose Korean.

Korean in figures needs a font with Hangul: the NanumGothic of the
``koreanize-matplotlib`` package (SIL Open Font License), installed with
``pip install "genlab[ko]"``. Latin letters, digits and symbols stay in the font of
the English figures; only Hangul, which that font lacks, comes from NanumGothic.
"""

from __future__ import annotations

import functools
import gettext
import importlib.util
from pathlib import Path

import matplotlib
from matplotlib import font_manager

from .checks import check_choice

LANGUAGES = ("en", "ko")
"""The languages genlab speaks: English (the default) and Korean."""

LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "genlab"
HANGUL_FONT = "NanumGothic"
_FONT_PACKAGE = "koreanize_matplotlib"

_current = "en"
_default_family = None


def use_language(code: str) -> None:
    """Show everything genlab shows from now on in ``code``'s language: ``"en"`` or
    ``"ko"``. Korean also makes matplotlib draw Hangul (with NanumGothic)."""
    global _current, _default_family
    code = check_choice(code, "code", LANGUAGES)
    if code == "ko":
        if _default_family is None:
            _default_family = list(matplotlib.rcParams["font.family"])
        _use_hangul_font(_default_family)
    elif _default_family is not None:
        matplotlib.rcParams["font.family"] = _default_family
    _current = code


def language() -> str:
    """The language genlab speaks now: ``"en"`` or ``"ko"``."""
    return _current


def tr(message: str) -> str:
    """``message`` (English, as written in genlab's source) in the reader's language."""
    return _catalogue(_current).gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it now: it is stored in
    English and passed through :func:`tr` where it is shown."""
    return message


@functools.cache
def _catalogue(code: str) -> gettext.NullTranslations:
    if code == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[code])


def _use_hangul_font(family: list[str]) -> None:
    """Register the Hangul font of koreanize-matplotlib and put it after ``family`` in
    matplotlib's font list, for the characters ``family`` lacks. The package is found,
    not imported: importing it would also change other settings (and needs distutils,
    gone from Python 3.12)."""
    found = importlib.util.find_spec(_FONT_PACKAGE)
    if found is None or not found.submodule_search_locations:
        raise ModuleNotFoundError(
            'use_language("ko") draws Hangul in figures with the NanumGothic font of the '
            "koreanize-matplotlib package, which is not installed: "
            'pip install "genlab[ko]"')
    fonts = Path(list(found.submodule_search_locations)[0]) / "fonts"
    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    # Matplotlib reads NanumGothicBold as semi-bold (600) and warns on every bold label;
    # ExtraBold is the face it takes for "bold" (700).
    for style in ("NanumGothic.ttf", "NanumGothicExtraBold.ttf"):
        if str(fonts / style) not in known:
            font_manager.fontManager.addfont(str(fonts / style))
    matplotlib.rcParams["font.family"] = [name for name in family
                                          if name != HANGUL_FONT] + [HANGUL_FONT]
