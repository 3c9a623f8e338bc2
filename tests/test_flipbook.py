"""The kernel-free twins' plain HTML (genlab.flipbook) and the live widgets' note for
the book (genlab.widgets.LiveWidget). The browser tests move every twin's controls in
the rendered book."""

import re

import pytest
import torch

from genlab.flipbook import TWIN_CLASS, Control, Flipbook
from genlab.widgets import LIVE_NOTE, LiveBox, digit_png, latent_explorer


def _frames(n):
    return [digit_png(torch.full((4, 4), i / max(n - 1, 1))) for i in range(n)]


def test_a_flipbook_carries_every_frame_once_and_shows_the_start_frame():
    frames = _frames(6)
    book = Flipbook(frames, [Control("a", ("0", "1", "2"), "slider", 2),
                             Control("b", ("x", "y"), "dropdown", 1)])
    html = book._repr_html_()
    shown = re.findall(r'<div class="genlab-frame"><img[^>]*src="([^"]+)"', html)
    assert len(re.findall(r"<img ", html)) == 6 and len(shown) == 1
    assert book.index(2, 1) == 5 and book.frame(2, 1) == frames[5]
    import base64
    assert shown[0] == "data:image/png;base64," + base64.b64encode(frames[5]).decode()
    assert 'value="2"' in html and "<option selected>y</option>" in html
    assert f'class="{TWIN_CLASS}"' in html and html.endswith("</script>")
    # hidden by style (kept by JupyterLab's sanitiser where no script runs), not by the
    # hidden attribute (removed by it: every frame would show)
    assert html.count('style="display:none"') == 5 and " hidden" not in html


def test_the_flipbook_script_numbers_frames_as_index_does():
    # The script computes index = index * (number of labels) + position, control by
    # control, first control slowest: the order Flipbook.index and the twins' frames use.
    book = Flipbook(_frames(6), [Control("a", ("0", "1", "2")), Control("b", ("x", "y"))])
    assert [book.index(i, j) for i in range(3) for j in range(2)] == list(range(6))
    assert "index = index * labels.length + at" in book._repr_html_()


def test_labels_and_notes_are_escaped():
    book = Flipbook(_frames(1), [Control("<b>", ("a<b",), "dropdown")], note="x < y")
    html = book._repr_html_()
    assert "<span>&lt;b&gt;</span>" in html and "a&lt;b" in html and "x &lt; y" in html


@pytest.mark.parametrize("build, error, name", [
    (lambda: Flipbook(_frames(2), [Control("a", ("0",))]), ValueError, "frames"),
    (lambda: Flipbook(_frames(1), []), TypeError, "controls"),
    (lambda: Flipbook([b"nope"], [Control("a", ("0",))]), ValueError, r"frames\[0\]"),
    (lambda: Flipbook(_frames(1), [Control("a", ("0",))], captions=[]), ValueError,
     "captions"),
    (lambda: Control("a", ["0"]), TypeError, "labels"),
    (lambda: Control("a", ("0",), "knob"), ValueError, "kind"),
    (lambda: Control("a", ("0",), start=1), ValueError, "start"),
    (lambda: Flipbook(_frames(1), [Control("a", ("0",))]).index(1), ValueError, "positions"),
    (lambda: Flipbook(_frames(1), [Control("a", ("0",))]).index(), ValueError, "positions")])
def test_bad_input_is_named(build, error, name):
    with pytest.raises(error, match=rf"^{name}: "):
        build()


def test_a_live_widget_offers_a_note_beside_its_view():
    from genlab.models.autoencoders import DenseAutoencoder

    explorer = latent_explorer(DenseAutoencoder(2), torch.zeros(2), torch.eye(2), [1.0, 1.0])
    assert isinstance(explorer, LiveBox)
    bundle = explorer._repr_mimebundle_()
    # Jupyter and Colab render the widget view; the book renders no widget views and
    # shows the note.
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert LIVE_NOTE in bundle["text/html"]
