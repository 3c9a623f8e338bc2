"""A Sphinx extension: the themes' own words (buttons, menus, the footer) in the
edition's language, where the themes' catalogues lack them or word them badly.

sphinx-book-theme's Korean catalogue says 으로 ("with") for "By" and 시작하다 ("to
begin") for "Launch", and has no "Repository"; pydata-sphinx-theme has no Korean at all
("Skip to main content", "Back to top"). ``genlab_theme_words`` maps a catalogue
(``booktheme``, ``sphinx``) to its words: for ``booktheme`` they come before the theme's
own; for ``sphinx`` (whose translator the page templates hold from the start) they fill
in only what Sphinx's catalogue lacks.
"""

import gettext

from sphinx import locale


class _Words(gettext.NullTranslations):
    """Translations from a dict, handing every other message to the fallback."""

    def __init__(self, words: dict[str, str]):
        super().__init__()
        self._words = dict(words)

    def gettext(self, message):
        if message in self._words:
            return self._words[message]
        return self._fallback.gettext(message) if self._fallback else message


def _install(app):
    for catalog, words in app.config.genlab_theme_words.items():
        if catalog == "sphinx":
            app.translator.add_fallback(_Words(words))
            continue
        ours = _Words(words)
        theirs = locale.translators.get(("general", catalog))
        if theirs is not None:
            ours.add_fallback(theirs)
        locale.translators[("general", catalog)] = ours


def setup(app):
    app.add_config_value("genlab_theme_words", {}, "html")
    app.connect("builder-inited", _install)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
