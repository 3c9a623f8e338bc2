"""Interactive pieces that still work in the rendered book, where no kernel runs.

A widget whose effect needs Python does nothing in a static HTML page. What does work
there is a widget whose behaviour lives in the browser: :func:`image_player` puts
precomputed images in an ``ipywidgets.Stack`` and ``jslink``s a slider (or a dropdown)
to the stack's ``selected_index``. The link runs in JavaScript, so moving the slider
flips the image in Jupyter, in Colab and in the static book alike. Chapters use it as
the kernel-free twin of their live widgets.

The live widgets (:func:`convolution_explorer`, ...) recompute in Python as their
controls move, so they work in Jupyter and Colab only; each comes with a twin
(:func:`convolution_gallery`, ...) built from :func:`linked_stack`.
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


def linked_stack(pages: Sequence[widgets.Widget], labels: Sequence[str], *,
                 description: str, control: str = "slider") -> widgets.VBox:
    """A slider or dropdown ``jslink``ed to a ``Stack`` of ``pages`` (any widgets).

    Returns the whole widget; its ``.control`` and ``.stack`` attributes are the two
    linked parts, ``.link`` the link between them.
    """
    if control not in ("slider", "dropdown"):
        raise ValueError(f"control must be 'slider' or 'dropdown', got {control!r}")
    if len(labels) != len(pages):
        raise ValueError(f"{len(labels)} labels for {len(pages)} pages")
    stack = widgets.Stack(list(pages), selected_index=0)
    if control == "slider":
        chooser = widgets.IntSlider(value=0, min=0, max=len(pages) - 1,
                                    description=description, continuous_update=True)
        link = widgets.jslink((chooser, "value"), (stack, "selected_index"))
    else:
        # A dropdown syncs its position as "index" (its "value" lives in Python only).
        chooser = widgets.Dropdown(options=list(labels), index=0, description=description)
        link = widgets.jslink((chooser, "index"), (stack, "selected_index"))
    box = widgets.VBox([chooser, stack])
    box.control, box.stack, box.link = chooser, stack, link
    return box


def image_player(frames: Sequence[bytes], labels: Sequence[str] | None = None, *,
                 description: str = "frame", control: str = "slider",
                 width: str | None = None) -> widgets.VBox:
    """A control that flips through precomputed PNG ``frames``, with no kernel needed.

    ``control`` is ``"slider"`` (an integer slider, with ``labels`` shown as captions)
    or ``"dropdown"`` (choose by label). See :func:`linked_stack` for the parts.
    """
    frames = list(frames)
    if not frames:
        raise ValueError("image_player needs at least one frame")
    if not all(isinstance(f, (bytes, bytearray)) for f in frames):
        raise TypeError("frames must be PNG bytes (see figure_png)")
    labels = [str(x) for x in labels] if labels is not None else [str(i) for i in
                                                                  range(len(frames))]
    layout = widgets.Layout(width=width) if width else widgets.Layout()
    pages = [widgets.VBox([widgets.HTML(f"<b>{label}</b>"),
                           widgets.Image(value=bytes(frame), format="png", layout=layout)])
             for frame, label in zip(frames, labels)]
    return linked_stack(pages, labels, description=description, control=control)


def convolution_explorer(images: dict[str, "torch.Tensor"]) -> widgets.VBox:
    """Live: choose an image and a filter (a preset, or edit the 3x3 grid), a stride and
    a padding; the feature map and its size are redrawn at once. Needs a kernel."""
    import torch

    from .convolution import PRESETS, draw_convolution

    if not images:
        raise ValueError("convolution_explorer needs at least one image")
    image_choice = widgets.Dropdown(options=list(images), description="image")
    preset = widgets.Dropdown(options=[*PRESETS, "custom"], value="vertical edges",
                              description="filter")
    cells = [widgets.FloatText(layout=widgets.Layout(width="64px")) for _ in range(9)]
    grid = widgets.GridBox(cells, layout=widgets.Layout(
        grid_template_columns="repeat(3, 68px)", width="220px"))
    stride = widgets.IntSlider(value=1, min=1, max=3, description="stride")
    padding = widgets.IntSlider(value=0, min=0, max=2, description="padding")
    picture = widgets.Image(format="png")
    updating = {"grid": False}

    def redraw(*_):
        kernel = torch.tensor([c.value for c in cells]).view(3, 3)
        picture.value = figure_png(draw_convolution(images[image_choice.value], kernel,
                                                    stride.value, padding.value), dpi=80)

    def load_preset(change):
        if change["new"] == "custom":
            return
        updating["grid"] = True
        for cell, value in zip(cells, PRESETS[change["new"]].flatten().tolist()):
            cell.value = round(value, 4)
        updating["grid"] = False
        redraw()

    def edited(_):
        if not updating["grid"]:
            preset.value = "custom"
            redraw()

    preset.observe(load_preset, names="value")
    for cell in cells:
        cell.observe(edited, names="value")
    for control in (image_choice, stride, padding):
        control.observe(redraw, names="value")
    load_preset({"new": preset.value})
    controls = widgets.VBox([image_choice, preset,
                             widgets.HBox([widgets.Label("3×3 filter"), grid]),
                             stride, padding])
    box = widgets.VBox([controls, picture])
    box.picture = picture
    return box


def convolution_gallery(images: dict[str, "torch.Tensor"], *, stride: int = 1,
                        padding: int = 1) -> widgets.VBox:
    """Kernel-free twin of :func:`convolution_explorer`: every preset on every image,
    drawn in advance; an image dropdown and a filter dropdown flip between them."""
    from .convolution import PRESETS, draw_convolution

    pages = []
    for name, image in images.items():
        frames = [figure_png(draw_convolution(image, kernel, stride, padding), dpi=80)
                  for kernel in PRESETS.values()]
        pages.append(image_player(frames, labels=list(PRESETS), description="filter",
                                  control="dropdown"))
    return linked_stack(pages, list(images), description="image", control="dropdown")
