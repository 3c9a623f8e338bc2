"""A Sphinx extension: each script once per page.

Sphinx 7.4 adds a body-only script that an extension registers while the build runs
(sphinx-thebe's ``const THEBE_JS_URL = ...``) to every page twice: once as given
(file name ``None``) and once more when it copies its registry (file name ``""``), and
the two do not compare equal. The second ``const`` declaration is an error in every
page's console. This drops the repeat.
"""


def _key(script):
    """What a script is: its file (``None`` and ``""`` alike) and its attributes."""
    return (getattr(script, "filename", script) or "",
            tuple(sorted(getattr(script, "attributes", {}).items())))


def _drop_repeated_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts:
        seen = set()
        scripts[:] = [s for s in scripts if not (_key(s) in seen or seen.add(_key(s)))]


def setup(app):
    app.connect("html-page-context", _drop_repeated_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
