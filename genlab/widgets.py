"""Interactive pieces that still work in the rendered book, where no kernel runs.

A widget whose effect needs Python does nothing in a static HTML page. What does work
there is a widget whose behaviour lives in the browser: :func:`image_player` puts
precomputed images in an ``ipywidgets.Stack`` and ``jslink``s a slider (or a dropdown)
to the stack's ``selected_index``. The link runs in JavaScript, so moving the slider
flips the image in Jupyter, in Colab and in the static book alike. Chapters use it as
the kernel-free twin of their live widgets.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import ipywidgets as widgets
import matplotlib.pyplot as plt


def figure_png(fig: plt.Figure, dpi: int = 100) -> bytes:
    """Render a matplotlib figure to PNG bytes and close it (so it is not shown twice)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def image_player(frames: Sequence[bytes], labels: Sequence[str] | None = None, *,
                 description: str = "frame", control: str = "slider",
                 width: str | None = None) -> widgets.VBox:
    """A control that flips through precomputed PNG ``frames``, with no kernel needed.

    ``control`` is ``"slider"`` (an integer slider, with ``labels`` shown as captions)
    or ``"dropdown"`` (choose by label). Returns the whole widget; its ``.control`` and
    ``.stack`` attributes are the two linked parts, ``.link`` the link between them.
    """
    frames = list(frames)
    if not frames:
        raise ValueError("image_player needs at least one frame")
    if not all(isinstance(f, (bytes, bytearray)) for f in frames):
        raise TypeError("frames must be PNG bytes (see figure_png)")
    if labels is not None and len(labels) != len(frames):
        raise ValueError(f"{len(labels)} labels for {len(frames)} frames")
    if control not in ("slider", "dropdown"):
        raise ValueError(f"control must be 'slider' or 'dropdown', got {control!r}")
    labels = [str(x) for x in labels] if labels is not None else [str(i) for i in
                                                                  range(len(frames))]
    layout = widgets.Layout(width=width) if width else widgets.Layout()
    pages = [widgets.VBox([widgets.HTML(f"<b>{label}</b>"),
                           widgets.Image(value=bytes(frame), format="png", layout=layout)])
             for frame, label in zip(frames, labels)]
    stack = widgets.Stack(pages, selected_index=0)
    if control == "slider":
        chooser = widgets.IntSlider(value=0, min=0, max=len(frames) - 1,
                                    description=description, continuous_update=True)
    else:
        chooser = widgets.Dropdown(options=labels, index=0, description=description)
    # A dropdown syncs its position as "index" (its "value" lives in Python only).
    link = widgets.jslink((chooser, "value" if control == "slider" else "index"),
                          (stack, "selected_index"))
    box = widgets.VBox([chooser, stack])
    box.control, box.stack, box.link = chooser, stack, link
    return box
