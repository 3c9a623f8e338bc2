"""Interactive pieces: live widgets for Jupyter and Colab, each with a kernel-free twin.

The live widgets (:func:`convolution_explorer`, :func:`latent_explorer`, ...) recompute
in Python as their controls move, so they work where a kernel runs: Jupyter and Colab.
In the rendered book, where none runs, each shows a one-line note instead (see
:class:`LiveWidget`), and its twin (:func:`convolution_gallery`, :func:`grid_player`,
...) does the job: a :class:`genlab.flipbook.Flipbook` of pictures drawn in advance,
plain HTML that works everywhere.

Every function checks its arguments before it builds anything (see
:mod:`genlab.checks`); a live widget draws in eval mode and gives the model its own
mode back after each redraw.
"""

from __future__ import annotations

import base64
import io
import numbers
import re
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib import animation

from .checks import (UNIT, check_choice, check_codes, check_count, check_finite, check_float,
                     check_model, check_number, check_range, check_tensor, check_text,
                     summary)
from .convolution import PRESETS, check_picture, draw_convolution, output_size
from .flipbook import Control, Flipbook, check_png
from .frame import evaluating, module_device
from .language import N_, tr
from .latent import check_decoder, check_vector


# matplotlib's animation player draws its buttons with Font Awesome icons from a CDN;
# offline (in class, or in the book served without one) the buttons would be blank.
# Arrows and geometric shapes that common fonts (DejaVu, the system fonts of Windows and
# macOS) carry; the media-control symbols U+23E9-U+23FA show as empty boxes without an
# emoji or symbol font.
# A frame in the player's script: "data:image/png;base64,...", its lines joined by "\"
_FRAME = re.compile(r'(= "data:image/png;base64,)([A-Za-z0-9+/=\\\n]+)"')
_MODES = {"Once": N_("Once"), "Loop": N_("Loop"), "Reflect": N_("Reflect")}
_MODE_LABEL = re.compile(r'(<label for="_anim_radio\d_[^"]*">)(Once|Loop|Reflect)(</label>)')
"""The player's three playing modes, which it names in English."""
_PLAYER_ICONS = {"fa-minus": "−", "fa-fast-backward": "⇤", "fa-step-backward": "◁",
                 "fa-play fa-flip-horizontal": "◀", "fa-pause": "‖", "fa-play": "▶",
                 "fa-step-forward": "▷", "fa-fast-forward": "⇥", "fa-plus": "+"}

LIVE_NOTE = N_("A live widget: it runs Python, so it works in Jupyter and Colab (the "
               "rocket button at the top of the page opens this chapter in Colab). On this "
               "page, its twin below shows the same pictures, drawn in advance.")
"""What a live widget shows where no kernel runs (the rendered book), in English."""


class LiveWidget:
    """A widget that shows :data:`LIVE_NOTE` as HTML where widgets are not rendered.

    Jupyter and Colab show the widget; the rendered book, which has no kernel to run
    it and renders no widget views (``_config.yml``), shows the note, so no page
    carries controls that do nothing."""

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/html"] = f'<p class="genlab-live"><i>{tr(LIVE_NOTE)}</i></p>'
        return bundle


class LiveBox(LiveWidget, widgets.VBox):
    """A column of live controls (see :class:`LiveWidget`)."""


class LiveImage(LiveWidget, widgets.Image):
    """A picture that a running kernel redraws (see :class:`LiveWidget`)."""


def _picture(value: bytes = b"", width: str | None = None) -> widgets.Image:
    """An image widget shown at its own size (or ``width``), never wider than the output.

    A VBox lays its children out as a column flexbox, which stretches an image to the
    box's full width: in JupyterLab a 28 × 28 digit drawn 6× became 960 px across,
    blurred, with its sliders scrolled off screen. Held to the left at its natural size,
    it shows the sharp pixels :func:`digit_png` drew."""
    layout = widgets.Layout(align_self="flex-start", max_width="100%")
    if width:
        layout.width = width
    return widgets.Image(value=value, format="png", layout=layout)


def _check_list(value: Any, name: str, what: str) -> list:
    """``value`` as a non-empty list (a list, a tuple or another sequence, not a string)."""
    if not isinstance(value, Sequence) or isinstance(value, (str, bytes, bytearray)):
        raise TypeError(f"{name}: expected a list of {what}, found {summary(value)}")
    if not value:
        raise ValueError(f"{name}: expected a non-empty list of {what}, found an empty one")
    return list(value)


def _check_names(mapping: Any, name: str, what: str) -> Mapping:
    """``mapping`` if it is a non-empty dict whose keys are names (strings)."""
    if not isinstance(mapping, Mapping):
        raise TypeError(f"{name}: expected a dict from names to {what}, found "
                        f"{summary(mapping)}")
    if not mapping:
        raise ValueError(f"{name}: expected a dict from names to {what}, found an empty one")
    for key in mapping:
        if not isinstance(key, str):
            raise TypeError(f"{name}: expected a dict from names (strings) to {what}, "
                            f"found the key {summary(key)}")
    return mapping


def _check_labels(labels: Any, name: str, n: int) -> list[str]:
    """``n`` captions, each a string (or a number, written as one)."""
    labels = _check_list(labels, name, "labels")
    if len(labels) != n:
        raise ValueError(f"{name}: expected {n} labels (one per page), found {len(labels)}")
    return [str(label) if isinstance(label, numbers.Real) and not isinstance(label, bool)
            else check_text(label, f"{name}[{i}]") for i, label in enumerate(labels)]


def animation_html(movie, default_mode: str = "once") -> "IPython.display.HTML":
    """A matplotlib animation as a player that needs no kernel and no network.

    ``to_jshtml`` embeds every frame (here re-encoded by :func:`palette_png`); this also
    drops its link to the Font Awesome CDN and writes the buttons' icons as plain
    characters, so the player looks the same offline, and names the playing modes in the
    reader's language. Close the animation's figure yourself, or Jupyter shows it a
    second time.
    """
    from IPython.display import HTML

    if not isinstance(movie, animation.Animation):
        raise TypeError(f"movie: expected a matplotlib animation (FuncAnimation), found "
                        f"{summary(movie)}")
    default_mode = check_choice(default_mode, "default_mode", ("once", "loop", "reflect"))
    html = movie.to_jshtml(default_mode=default_mode)
    html = _FRAME.sub(lambda m: m.group(1) + base64.b64encode(palette_png(
        base64.b64decode(m.group(2).replace("\\\n", "")))).decode() + '"', html)
    html = re.sub(r'<link rel="stylesheet"\s+href="https?://[^"]*font-awesome[^"]*">', "",
                  html)
    for icon, character in _PLAYER_ICONS.items():
        html = html.replace(f'<i class="fa {icon}"></i>', character)
    html = _MODE_LABEL.sub(lambda m: m.group(1) + tr(_MODES[m.group(2)]) + m.group(3), html)
    if 'class="fa ' in html or "://" in html:
        raise RuntimeError("matplotlib's player changed: an icon or a remote link is left "
                           "in it; update genlab.widgets.animation_html")
    return HTML(html)


def palette_png(png: bytes) -> bytes:
    """``png`` re-encoded with a palette of 256 colours: a figure's flat colours and
    smooth colour maps look the same, in about a third of the bytes. The twins and the
    animations carry dozens of pictures each, and every byte is in the page."""
    from PIL import Image  # pillow comes with matplotlib

    image = Image.open(io.BytesIO(check_png(png, "png"))).convert("RGB")
    buffer = io.BytesIO()
    image.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def figure_png(fig: plt.Figure, dpi: int = 100) -> bytes:
    """Render a matplotlib figure to a PNG (:func:`palette_png`) and close it (so it is
    not shown twice)."""
    if not isinstance(fig, plt.Figure):
        raise TypeError(f"fig: expected a matplotlib Figure, found {summary(fig)}"
                        + ("; use ax.figure" if isinstance(fig, plt.Axes) else ""))
    dpi = check_number(dpi, "dpi", low=0, low_open=True)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return palette_png(buffer.getvalue())


def image_player(frames: Sequence[bytes], labels: Sequence[str] | None = None, *,
                 description: str = N_("frame"), control: str = "slider",
                 width: str | None = None) -> Flipbook:
    """A control that flips through precomputed PNG ``frames``, with no kernel needed.

    ``control`` is ``"slider"`` (the label of its position shown beside it) or
    ``"dropdown"`` (choose by label). The label is shown once, by the control: a caption
    over the picture would repeat it. ``description`` is shown in the reader's language if the
    catalogue has it.
    """
    frames = [check_png(frame, f"frames[{i}]")
              for i, frame in enumerate(_check_list(frames, "frames", "PNG frames"))]
    labels = ([str(i) for i in range(len(frames))] if labels is None
              else _check_labels(labels, "labels", len(frames)))
    description = check_text(description, "description")
    control = check_choice(control, "control", ("slider", "dropdown"))
    width = check_text(width, "width", optional=True)
    return Flipbook(frames, [Control(tr(description), tuple(labels), control)],
                    width=width)


def _check_pictures(images: Any) -> dict[str, torch.Tensor]:
    """A non-empty dict of named grey images ``(H, W)`` in [0, 1], each at least 3x3
    (the presets' size)."""
    checked = {}
    for name, image in _check_names(images, "images", "images").items():
        image = check_picture(image, f"images[{name!r}]")
        if min(image.shape) < 3:
            raise ValueError(f"images[{name!r}]: expected an image at least 3x3 (the "
                             f"filters' size), found {tuple(image.shape)}")
        checked[name] = image
    return checked


CONVOLUTION_DPI = 70
"""The resolution of the convolution explorer's figures and of its twin's (21 of them
on one page: at 70 dpi their labels stay readable and the page light)."""


def convolution_explorer(images: dict[str, torch.Tensor]) -> LiveBox:
    """Live: choose an image and a filter (a preset, or edit the 3x3 grid), a stride and
    a padding; the feature map and its size are redrawn at once. Needs a kernel."""
    images = _check_pictures(images)
    image_choice = widgets.Dropdown(options=list(images), description=tr("image"))
    preset = widgets.Dropdown(options=[(tr(name), name) for name in PRESETS] +
                              [(tr("custom"), "custom")], value="vertical edges",
                              description=tr("filter"))
    cells = [widgets.FloatText(layout=widgets.Layout(width="64px")) for _ in range(9)]
    grid = widgets.GridBox(cells, layout=widgets.Layout(
        grid_template_columns="repeat(3, 68px)", width="220px"))
    stride = widgets.IntSlider(value=1, min=1, max=3, description=tr("stride"))
    padding = widgets.IntSlider(value=0, min=0, max=2, description=tr("padding"))
    picture = _picture()
    updating = {"grid": False}

    def redraw(*_):
        kernel = torch.tensor([c.value for c in cells]).view(3, 3)
        picture.value = figure_png(draw_convolution(images[image_choice.value], kernel,
                                                    stride.value, padding.value),
                                   dpi=CONVOLUTION_DPI)

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
                             widgets.HBox([widgets.Label(tr("3×3 filter")), grid]),
                             stride, padding])
    box = LiveBox([controls, picture])
    box.picture = picture
    return box


def convolution_gallery(images: dict[str, torch.Tensor], *, stride: int = 1,
                        padding: int = 1) -> Flipbook:
    """Kernel-free twin of :func:`convolution_explorer`: every preset on every image,
    drawn in advance; an image dropdown and a filter dropdown flip between them."""
    images = _check_pictures(images)
    stride = check_count(stride, "stride")
    padding = check_count(padding, "padding", minimum=0)
    for image in images.values():
        output_size(min(image.shape), 3, stride, padding)  # every preset fits every image
    frames = [figure_png(draw_convolution(image, kernel, stride, padding),
                         dpi=CONVOLUTION_DPI)
              for image in images.values() for kernel in PRESETS.values()]
    return Flipbook(frames, [Control(tr("image"), tuple(images), "dropdown"),
                             Control(tr("filter"), tuple(map(tr, PRESETS)), "dropdown")])


def _check_digit_picture(image: Any, name: str = "image") -> torch.Tensor:
    """One grey image ``(1, H, W)`` or ``(H, W)`` in [0, 1], as ``(H, W)`` on the CPU."""
    x = check_tensor(image, name).detach().cpu()
    if not (x.ndim == 2 or x.ndim == 3 and len(x) == 1) or x.numel() == 0:
        raise ValueError(f"{name}: expected one grey image shaped (1, H, W) or (H, W), "
                         f"found {tuple(x.shape)}"
                         + ("; take one image of the batch with images[0]" if x.ndim == 4
                            else ""))
    x = check_finite(check_float(x.reshape(x.shape[-2:]), name, what="pixels in [0, 1]"),
                     name)
    return check_range(x, name, UNIT)


def digit_png(image: torch.Tensor, scale: int = 5) -> bytes:
    """One grey digit ``(1, H, W)`` or ``(H, W)`` in [0, 1] as a PNG, enlarged by
    ``scale`` with sharp pixels (a few hundred bytes: cheap to precompute by the dozen)."""
    from PIL import Image  # pillow comes with matplotlib

    pixels = _check_digit_picture(image)
    scale = check_count(scale, "scale")
    pixels = pixels.clamp(0, 1).mul(255).round().to(torch.uint8)
    big = pixels.repeat_interleave(scale, 0).repeat_interleave(scale, 1)
    buffer = io.BytesIO()
    Image.fromarray(big.numpy()).save(buffer, format="PNG")  # uint8 2-D: grey
    return buffer.getvalue()


def _check_values(values: Any, name: str) -> list[float | str]:
    """Slider positions or spreads: a non-empty list (or a 1-D tensor or array) of
    finite numbers, as floats, or of strings."""
    if isinstance(values, (torch.Tensor, np.ndarray)):
        tensor = check_tensor(values, name)
        if tensor.ndim != 1:
            raise ValueError(f"{name}: expected a list or a 1-D tensor, found a tensor "
                             f"shaped {tuple(tensor.shape)}")
        values = tensor.tolist()
    values = _check_list(values, name, "numbers or strings")
    return [value if isinstance(value, str) else check_number(value, f"{name}[{i}]")
            for i, value in enumerate(values)]


def grid_player(frames: Sequence[Sequence[bytes]], x_values: Sequence[float | str],
                y_values: Sequence[float | str], *, x_label: str = "z₁",
                y_label: str = "z₂") -> Flipbook:
    """Two sliders over a precomputed grid of images, ``frames[i][j]`` at
    ``(x_values[i], y_values[j])`` — the kernel-free twin of a 2-D explorer. Values
    are shown as signed numbers, or as they are if given as strings (``"digit 7"``).
    """
    x_values = _check_values(x_values, "x_values")
    y_values = _check_values(y_values, "y_values")
    frames = _check_list(frames, "frames", "columns of PNG frames")
    if len(frames) != len(x_values) or any(
            not isinstance(column, Sequence) or len(column) != len(y_values)
            for column in frames):
        raise ValueError(f"frames: expected a {len(x_values)} x {len(y_values)} grid (one "
                         f"column of {len(y_values)} per x value), found "
                         f"{len(frames)} columns")
    frames = [[check_png(f, f"frames[{i}][{j}]") for j, f in enumerate(column)]
              for i, column in enumerate(frames)]
    x_label, y_label = check_text(x_label, "x_label"), check_text(y_label, "y_label")

    def caption(value) -> str:
        return value if isinstance(value, str) else f"{value:+.2f}"

    return Flipbook([frame for column in frames for frame in column],
                    [Control(x_label, tuple(map(caption, x_values)), "slider",
                             len(x_values) // 2),
                     Control(y_label, tuple(map(caption, y_values)), "slider",
                             len(y_values) // 2)])


def _decoded(model, z: torch.Tensor, *labels: torch.Tensor) -> torch.Tensor:
    """``model.decode(z, *labels)`` on the model's device, in eval mode and without
    gradients; the model's mode is kept. Returned on the CPU."""
    device = module_device(model)
    with torch.no_grad(), evaluating(model):
        return model.decode(z.to(device), *(y.to(device) for y in labels)).cpu()


def latent_explorer(model, origin: torch.Tensor, directions: torch.Tensor,
                    spreads: Sequence[float], *, labels: Sequence[str] | None = None,
                    scale: int = 6) -> LiveBox:
    """Live: one slider per direction in latent space; the decoded digit follows.

    The latent is ``origin + sum_i s_i * spreads[i] * directions[i]``, each slider
    ``s_i`` running from -3 to 3 (in units of ``spreads``). For a 2-D model use the two
    axes; for a larger one, the leading principal directions of the encoded data.
    """
    size = check_decoder(model)
    origin = check_vector(origin, "origin", size=size).cpu()
    directions = check_codes(directions, "directions", size=size, what="directions").cpu()
    spreads = _check_values(spreads, "spreads")
    if len(spreads) != len(directions) or any(isinstance(s, str) for s in spreads):
        raise ValueError(f"spreads: expected {len(directions)} numbers (one per direction), "
                         f"found {spreads!r}")
    spreads = torch.tensor(spreads)
    labels = ([tr("direction {number}").format(number=i + 1)
               for i in range(len(directions))] if labels is None
              else _check_labels(labels, "labels", len(directions)))
    scale = check_count(scale, "scale")
    sliders = [widgets.FloatSlider(value=0.0, min=-3, max=3, step=0.1, description=label)
               for label in labels]
    picture = _picture()
    caption = widgets.HTML()

    def redraw(*_):
        steps = torch.tensor([s.value for s in sliders]) * spreads
        z = origin + steps @ directions
        picture.value = digit_png(_decoded(model, z[None])[0], scale)
        caption.value = "z = [" + ", ".join(f"{v:+.2f}" for v in z.tolist()[:8]) + \
            (", …]" if len(z) > 8 else "]")

    for slider in sliders:
        slider.observe(redraw, names="value")
    redraw()
    box = LiveBox([*sliders, picture, caption])
    box.sliders, box.picture = sliders, picture
    return box


def interpolation_widget(model, z_start: torch.Tensor, z_end: torch.Tensor, *,
                         scale: int = 6) -> LiveBox:
    """Live: a slider t from 0 to 1 decodes (1 - t) z_start + t z_end."""
    size = check_decoder(model)
    z_start = check_vector(z_start, "z_start", size=size).cpu()
    z_end = check_vector(z_end, "z_end", size=size).cpu()
    scale = check_count(scale, "scale")
    slider = widgets.FloatSlider(value=0.0, min=0.0, max=1.0, step=0.05, description="t")
    picture = _picture()

    def redraw(*_):
        z = (1 - slider.value) * z_start + slider.value * z_end
        picture.value = digit_png(_decoded(model, z[None])[0], scale)

    slider.observe(redraw, names="value")
    redraw()
    box = LiveBox([slider, picture])
    box.slider, box.picture = slider, picture
    return box


def choice_grid(frames: dict[tuple, bytes], choices: dict[str, Sequence[str]], *,
                note: str | None = None) -> Flipbook:
    """One dropdown per knob over images precomputed for every combination of choices.

    ``choices`` names each knob and its options, in order; ``frames[(a, b, ...)]`` is
    the PNG for option ``a`` of the first knob, ``b`` of the second, and so on; ``note``
    is a line shown under the picture. The kernel-free twin of a knob panel.
    """
    choices = {name: _check_list(options, f"choices[{name!r}]", "options")
               for name, options in _check_names(choices, "choices", "options").items()}
    if not isinstance(frames, Mapping):
        raise TypeError(f"frames: expected a dict from tuples of options to PNG bytes, "
                        f"found {summary(frames)}")
    expected = [()]
    for options in choices.values():
        expected = [key + (option,) for key in expected for option in options]
    missing = [key for key in expected if key not in frames]
    if missing:
        raise ValueError(f"frames: expected a frame for every combination of choices, "
                         f"found none for {missing[0]} (and {len(missing) - 1} more)")
    pictures = [check_png(frames[key], f"frames[{key!r}]") for key in expected]
    return Flipbook(pictures, [Control(name, tuple(map(str, options)), "dropdown")
                               for name, options in choices.items()], note=note)


WALK = 2.5
"""How far the noise walks of :func:`conditional_explorer` go, each way."""


def noise_walk(noise_dim: int, rows: int = 6, seed: int = 0):
    """``rows`` noise vectors and one direction of unit length to move them along,
    seeded: the walk :func:`conditional_explorer` takes (and its precomputed twin)."""
    noise_dim, rows = check_count(noise_dim, "noise_dim"), check_count(rows, "rows")
    seed = check_count(seed, "seed", minimum=0)
    rng = torch.Generator().manual_seed(seed)
    base = torch.randn(rows, noise_dim, generator=rng)
    direction = torch.randn(noise_dim, generator=rng)
    return base, direction / direction.norm()


def conditional_explorer(generator, *, seed: int = 0, scale: int = 5) -> LiveBox:
    """Live: choose a digit and move along a direction in the noise; a conditional
    generator draws it at once. A row of six draws for the chosen digit shows what
    the noise still decides once the label is fixed (style: slant, thickness)."""
    check_model(generator, "generator", needs=("decode",))
    classes = getattr(generator, "classes", 0)
    if not isinstance(classes, int) or classes < 1:
        raise ValueError(f"generator: expected a conditional generator (classes > 0), "
                         f"found a {type(generator).__name__} with classes={classes!r}")
    seed, scale = check_count(seed, "seed", minimum=0), check_count(scale, "scale")
    base, direction = noise_walk(generator.noise_dim, seed=seed)
    digit = widgets.Dropdown(options=list(range(generator.classes)), value=0,
                             description=tr("digit"))
    sweep = widgets.FloatSlider(value=0.0, min=-WALK, max=WALK, step=WALK / 8,
                                description=tr("noise walk"))
    picture = _picture()

    def redraw(*_):
        z = base + sweep.value * direction
        labels = torch.full((len(z),), digit.value, dtype=torch.long)
        row = _decoded(generator, z, labels)
        picture.value = digit_png(torch.cat(list(row), dim=-1), scale)

    digit.observe(redraw, names="value")
    sweep.observe(redraw, names="value")
    redraw()
    box = LiveBox([widgets.HBox([digit, sweep]), picture])
    box.controls, box.picture = (digit, sweep), picture
    return box


def _check_mixer(generator: Any, seed: Any, sources: Any, scale: Any, *,
                 fewest: int) -> tuple[int, int, int]:
    """The arguments of :func:`style_mixer` and :func:`style_mixing_gallery`, checked:
    a style-based generator and ``seed``, ``sources`` (at least ``fewest``), ``scale``."""
    check_model(generator, "generator", needs=("mix",))
    for needed in ("noise_dim", "num_layers"):
        if not isinstance(getattr(generator, needed, None), int):
            raise TypeError(f"generator: expected a style-based generator with "
                            f"{needed}, found a {type(generator).__name__} without it")
    return (check_count(seed, "seed", minimum=0),
            check_count(sources, "sources", minimum=fewest), check_count(scale, "scale"))


def _mixing_sources(generator, seed: int, count: int):
    # Each set from its own seed, so the first few sources are the same however many
    # are drawn: the twin's four are the live widget's first four.
    return [torch.randn(count, generator.noise_dim,
                        generator=torch.Generator().manual_seed(seed + k)) for k in (0, 1)]


def _mixture_png(generator, z_coarse, z_fine, crossover: int, scale: int) -> bytes:
    """The coarse source, the fine source and their mixture, side by side (drawn in
    eval mode, on the generator's device; its mode is kept)."""
    device = module_device(generator)
    z_coarse, z_fine = z_coarse[None].to(device), z_fine[None].to(device)

    def mix(coarse, fine, crossover):
        noise = torch.Generator().manual_seed(0)  # the same per-pixel noise for all three
        return generator.mix(coarse, fine, crossover, generator=noise)[0].cpu()

    with torch.no_grad(), evaluating(generator):
        coarse = mix(z_coarse, z_coarse, crossover)
        fine = mix(z_fine, z_fine, crossover)
        mixed = mix(z_coarse, z_fine, crossover)
    gap = torch.ones(1, 28, 4)
    return digit_png(torch.cat([coarse, gap, fine, gap, mixed], dim=-1), scale)


MIXING_CAPTION = N_("left: the coarse source · middle: the fine source · right: layers "
                    "below the crossover styled by the left, the rest by the middle")


def style_mixer(generator, *, seed: int = 0, sources: int = 8,
                scale: int = 6) -> LiveBox:
    """Live: pick a coarse source, a fine source and the crossover layer; a style-based
    generator draws the mixture at once (Jupyter and Colab)."""
    seed, sources, scale = _check_mixer(generator, seed, sources, scale, fewest=2)
    coarse, fine = _mixing_sources(generator, seed, sources)
    pick_coarse = widgets.IntSlider(value=0, min=0, max=sources - 1,
                                    description=tr("coarse from"))
    pick_fine = widgets.IntSlider(value=1, min=0, max=sources - 1,
                                  description=tr("fine from"))
    crossover = widgets.IntSlider(value=generator.num_layers // 2 + 1, min=0,
                                  max=generator.num_layers, description=tr("crossover"))
    picture = _picture()

    def redraw(*_):
        picture.value = _mixture_png(generator, coarse[pick_coarse.value],
                                     fine[pick_fine.value], crossover.value, scale)

    for control in (pick_coarse, pick_fine, crossover):
        control.observe(redraw, names="value")
    redraw()
    box = LiveBox([widgets.HBox([pick_coarse, pick_fine, crossover],
                                     layout=widgets.Layout(flex_flow="row wrap")),
                        picture, widgets.HTML(f"<small>{tr(MIXING_CAPTION)}</small>")])
    box.controls, box.picture = (pick_coarse, pick_fine, crossover), picture
    return box


def style_mixing_gallery(generator, *, seed: int = 0, sources: int = 4,
                         scale: int = 6) -> Flipbook:
    """The kernel-free twin of :func:`style_mixer`: every mixture of ``sources`` coarse
    and ``sources`` fine sources at every crossover, drawn in advance, behind three
    dropdowns (:func:`choice_grid`)."""
    seed, sources, scale = _check_mixer(generator, seed, sources, scale, fewest=1)
    coarse, fine = _mixing_sources(generator, seed, sources)
    names = [tr("source {number}").format(number=i + 1) for i in range(sources)]
    layers = [str(c) for c in range(generator.num_layers + 1)]
    frames = {(names[i], names[j], c): _mixture_png(generator, coarse[i], fine[j],
                                                    int(c), scale)
              for i in range(sources) for j in range(sources) for c in layers}
    return choice_grid(frames, {tr("coarse from"): names, tr("fine from"): names,
                                tr("crossover"): layers}, note=tr(MIXING_CAPTION))
