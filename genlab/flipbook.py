"""Pictures drawn in advance behind sliders and dropdowns: the kernel-free twins.

A widget whose effect needs Python does nothing in a static HTML page. A
:class:`Flipbook` needs none: it holds every picture its controls can ask for, and a few
lines of JavaScript show the one the controls point at. It is plain HTML (an
``<input type="range">`` or a ``<select>`` per control, an ``<img>`` per picture), so it
works the same in Jupyter, in Colab and in the rendered book, and the book's pages need
no widget manager (3.6 MB of JavaScript) to show it. Where no script runs (a notebook
JupyterLab does not trust), the starting picture shows, and the controls do nothing.

Chapters build flipbooks through :mod:`genlab.widgets` (``image_player``,
``grid_player``, ``choice_grid``, ...), each the twin of a live widget.
"""

from __future__ import annotations

import base64
import html
import json
from dataclasses import dataclass
from math import prod

from .checks import check_choice, check_text, summary

TWIN_CLASS = "genlab-twin"
"""The CSS class of every kernel-free twin, so the browser tests can find and try each."""

_PNG = b"\x89PNG\r\n\x1a\n"

# The frames are numbered row-major over the controls (the first control varies
# slowest); the script shows the frame the controls' positions point at.
_SCRIPT = """<script>(function (root) {
  if (!root) return;
  const controls = Array.from(root.querySelectorAll("[data-genlab-control]"));
  const frames = root.querySelectorAll(".genlab-frame");
  function show() {
    let index = 0;
    for (const control of controls) {
      const labels = JSON.parse(control.dataset.labels);
      const at = control.tagName === "SELECT" ? control.selectedIndex : +control.value;
      index = index * labels.length + at;
      const readout = control.parentElement.querySelector("output");
      if (readout) readout.textContent = labels[at];
    }
    frames.forEach((frame, i) => { frame.style.display = i === index ? "" : "none"; });
  }
  for (const control of controls) {
    control.addEventListener("input", show);
    // the keys that move a control move it, not JupyterLab's cell cursor; the rest
    // (Ctrl+S, Shift+Enter, Escape) still reach JupyterLab
    control.addEventListener("keydown", event => {
      const moves = /^(Arrow|Page|Home$|End$)/.test(event.key);
      if (moves && !event.ctrlKey && !event.metaKey && !event.altKey) event.stopPropagation();
    });
  }
  show();
})(document.currentScript && document.currentScript.previousElementSibling);</script>"""


def check_png(value, name: str) -> bytes:
    """PNG bytes, as :func:`genlab.widgets.figure_png` and ``digit_png`` make them."""
    if not isinstance(value, (bytes, bytearray)):
        raise TypeError(f"{name}: expected PNG bytes (see figure_png and digit_png), "
                        f"found {summary(value)}")
    if not bytes(value[:8]) == _PNG:
        raise ValueError(f"{name}: expected PNG bytes (see figure_png and digit_png), "
                         f"found {len(value)} bytes that are not a PNG")
    return bytes(value)


@dataclass(frozen=True)
class Control:
    """One control of a flipbook: a ``"slider"`` or a ``"dropdown"`` over ``labels``,
    starting at ``start``."""

    description: str
    labels: tuple[str, ...]
    kind: str = "slider"
    start: int = 0

    def __post_init__(self):
        check_text(self.description, "description")
        check_choice(self.kind, "kind", ("slider", "dropdown"))
        if not isinstance(self.labels, tuple) or not self.labels or not all(
                isinstance(label, str) for label in self.labels):
            raise TypeError(f"labels: expected a non-empty tuple of strings, found "
                            f"{summary(self.labels)}")
        if not (isinstance(self.start, int) and 0 <= self.start < len(self.labels)):
            raise ValueError(f"start: expected a position from 0 to {len(self.labels) - 1}, "
                             f"found {summary(self.start)}")

    def html(self) -> str:
        labels = html.escape(json.dumps(list(self.labels), ensure_ascii=False))
        name = f"<span>{html.escape(self.description)}</span>"
        if self.kind == "dropdown":
            options = "".join(f"<option{' selected' if i == self.start else ''}>"
                              f"{html.escape(label)}</option>"
                              for i, label in enumerate(self.labels))
            return (f'<label>{name} <select data-genlab-control data-labels="{labels}">'
                    f"{options}</select></label>")
        return (f'<label>{name} <input type="range" data-genlab-control '
                f'data-labels="{labels}" min="0" max="{len(self.labels) - 1}" step="1" '
                f'value="{self.start}"> <output>{html.escape(self.labels[self.start])}'
                f"</output></label>")


class Flipbook:
    """PNG ``frames`` behind ``controls``; ``frames`` is flat, row-major over the
    controls (the first control varies slowest), one frame per combination.

    ``captions`` (one per frame) are shown above the picture; ``note`` below it;
    ``width`` (a CSS length) sets the pictures' width, else they keep their own size
    (never wider than the column). Shown by Jupyter, Colab and the book through
    ``_repr_html_``.
    """

    def __init__(self, frames: list[bytes], controls: list[Control], *,
                 captions: list[str] | None = None, note: str | None = None,
                 width: str | None = None):
        if not controls or not all(isinstance(c, Control) for c in controls):
            raise TypeError(f"controls: expected a non-empty list of Control, found "
                            f"{summary(controls)}")
        expected = prod(len(c.labels) for c in controls)
        if len(frames) != expected:
            raise ValueError(f"frames: expected {expected} frames (one per combination of "
                             f"the controls), found {len(frames)}")
        frames = [check_png(frame, f"frames[{i}]") for i, frame in enumerate(frames)]
        if captions is not None and len(captions) != len(frames):
            raise ValueError(f"captions: expected {len(frames)} (one per frame), found "
                             f"{len(captions)}")
        self.frames = frames
        self.controls = list(controls)
        self.captions = None if captions is None else [str(c) for c in captions]
        self.note = check_text(note, "note", optional=True)
        self.width = check_text(width, "width", optional=True)

    def index(self, *positions: int) -> int:
        """The frame shown when the controls stand at ``positions``."""
        if len(positions) != len(self.controls):
            raise ValueError(f"positions: expected {len(self.controls)} (one per control), "
                             f"found {len(positions)}")
        index = 0
        for control, at in zip(self.controls, positions):
            if not (isinstance(at, int) and 0 <= at < len(control.labels)):
                raise ValueError(f"positions: {control.description!r} has positions 0 to "
                                 f"{len(control.labels) - 1}, found {summary(at)}")
            index = index * len(control.labels) + at
        return index

    def frame(self, *positions: int) -> bytes:
        """The PNG shown when the controls stand at ``positions``."""
        return self.frames[self.index(*positions)]

    def _frame_html(self, i: int, shown: bool) -> str:
        size = f"width:{self.width};" if self.width else ""
        picture = (f'<img alt="" style="{size}max-width:100%" '
                   f'src="data:image/png;base64,{base64.b64encode(self.frames[i]).decode()}">')
        caption = (f"<div><b>{html.escape(self.captions[i])}</b></div>"
                   if self.captions else "")
        # style, not the hidden attribute: JupyterLab's sanitiser keeps it in an untrusted
        # notebook (which runs no script), so the starting picture alone still shows
        hide = "" if shown else ' style="display:none"'
        return f'<div class="genlab-frame"{hide}>{caption}{picture}</div>'

    def _repr_html_(self) -> str:
        start = self.index(*(c.start for c in self.controls))
        controls = ('<div style="display:flex;flex-wrap:wrap;gap:4px 20px;margin:4px 0">'
                    + "".join(f"<div>{c.html()}</div>" for c in self.controls) + "</div>")
        frames = "".join(self._frame_html(i, i == start) for i in range(len(self.frames)))
        note = f"<div><small>{html.escape(self.note)}</small></div>" if self.note else ""
        return f'<div class="{TWIN_CLASS}">{controls}{frames}{note}</div>{_SCRIPT}'

    def __repr__(self) -> str:
        return (f"Flipbook({len(self.frames)} frames behind "
                + ", ".join(f"{c.kind} {c.description!r}" for c in self.controls) + ")")
