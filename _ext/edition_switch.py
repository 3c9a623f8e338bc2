"""A Sphinx extension: a link at the top of every page to the same page in the other
edition of the book (English ↔ 한국어).

The English edition is built into ``_build/html`` and the Korean one into its ``ko/``
folder (see the Makefile's ``html`` target), with the same page names, so the other
edition's page is the same name under another root: ``genlab_other_edition`` gives that
root, relative to this edition's (``"ko/"`` or ``"../"``), and the link's words.
The link is plain HTML at the top of the article: it needs no script and no template.
The index and search pages have no article body to put it in; there a line of script
puts the same link at the top of the page's article column.
"""

import html
import json


def _add_link(app, pagename, templatename, context, doctree):
    other = app.config.genlab_other_edition
    if not other:
        return
    href = context["pathto"](f"{other['root']}{pagename}.html", 1)
    link = (f'<p class="genlab-edition"><a href="{html.escape(href)}" '
            f'hreflang="{other["lang"]}" lang="{other["lang"]}">{html.escape(other["label"])}'
            f"</a></p>")
    if "body" in context:
        context["body"] = link + context["body"]
    else:
        context["metatags"] = context.get("metatags", "") + (
            '<script>document.addEventListener("DOMContentLoaded", () => '
            'document.querySelector(".bd-article-container, main")'
            '.insertAdjacentHTML("afterbegin", '
            f"{json.dumps(link)}));</script>")


def setup(app):
    app.add_config_value("genlab_other_edition", {}, "html")
    app.connect("html-page-context", _add_link)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
