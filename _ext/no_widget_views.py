"""A Sphinx extension: the book's pages carry no ipywidgets state.

No kernel runs behind the rendered book, so a live widget there would show controls that
do nothing. ``_config.yml`` renders no widget views (``nb_mime_priority_overrides``):
each live widget shows its HTML note instead (:class:`genlab.widgets.LiveWidget`), and
its kernel-free twin (:class:`genlab.flipbook.Flipbook`) works beside it. What is left
is the widget state that executing the chapter recorded, which myst-nb still embeds in
the page (megabytes of pictures no one sees); this drops it.
"""

STATE = "application/vnd.jupyter.widget-state+json"


def _drop_widget_state(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts:
        scripts[:] = [s for s in scripts
                      if getattr(s, "attributes", {}).get("type") != STATE]


def setup(app):
    app.connect("html-page-context", _drop_widget_state, priority=900)  # after myst-nb
    return {"parallel_read_safe": True, "parallel_write_safe": True}
