"""How the live lab looks: its style sheet, the sizes of its pictures, and the text beside them.

Layout, from wide to narrow: the controls sit left of the pictures; when the notebook is
narrower than both (a laptop with the file browser open, a projector at 150%), the
pictures wrap below the controls (CSS flex-wrap), and input and output wrap under each
other. Input and output are always drawn at one scale, so sizes compare: the scale is
the natural one, or, when the pictures do not fit side by side in the available width
(a container query unit, ``cqw``), the one that keeps the smaller picture
``--convlab-min`` wide (240 CSS px) with the pictures one per line; a picture wider
than its box (a transposed output on a projector) scrolls sideways within it. The
zoom uses the same scale, so its caption's magnification is true in every layout. Each
update sends the picture sizes as three CSS variables in the same HTML as the text under
the lab, so a resize costs no extra widget message.

Presenter size (``ConvLab(presenter=True)``, or JupyterLab's Presentation Mode) sets
larger text and pictures through the same CSS variables. Colours come from
JupyterLab's theme variables, with a brighter red on dark themes so that the message
keeps a contrast of at least 4.5:1.
"""

from __future__ import annotations

import html

import torch

from .i18n import _

INPUT_WIDTH_PX = 320
"""The input's natural on-screen width (CSS px); outputs are drawn at the same scale."""

GAP_PX = 16
"""The gap between pictures (CSS px)."""

ZOOM_CROP, ZOOM_MAGNIFICATION = 40, 8
"""The zoom shows the centre ``ZOOM_CROP``² output pixels, ``ZOOM_MAGNIFICATION`` times as big as
the output picture beside it shows them (in every layout: both use the same scale)."""

ZOOM_PNG_SCALE = 5
"""Image pixels per output pixel in the zoom's PNG (sharp at the natural scale: 8 × 320/512 = 5)."""

# --convlab-s is the CSS length of one image pixel: the natural scale, or less when the pictures do
# not fit side by side: then the larger of the side-by-side scale and the one that keeps the smaller
# picture --convlab-min wide (the pictures wrap, one per line), but never so large that the widest
# picture is more than 1.5 times the container's width (the rest scrolls within its panel).
CSS = """<style>
.convlab-lab { --convlab-k: 1; --convlab-min: 240px; --convlab-control: 320px;
  --convlab-in-w: 512; --convlab-grid-w: 512; --convlab-zoom-w: 40; max-width: 100%; }
.convlab-lab.convlab-presenter, body[data-jp-presentation-mode] .convlab-lab {
  --convlab-k: 1.5; --convlab-min: 320px; --convlab-control: 460px; font-size: 1.35em; }
.convlab-presenter :is(.widget-label, .widget-readout, select, .jupyter-button, .widget-html-content,
  .widget-checkbox label, .widget-html-content code),
body[data-jp-presentation-mode] .convlab-lab :is(.widget-label, .widget-readout, select, .jupyter-button,
  .widget-html-content, .widget-checkbox label, .widget-html-content code) {
  font-size: calc(1.5 * var(--jp-widgets-font-size, 13px)); line-height: 1.4; }
.convlab-presenter .widget-inline-hbox, body[data-jp-presentation-mode] .convlab-lab .widget-inline-hbox {
  height: auto; min-height: calc(1.5 * var(--jp-widgets-inline-height, 28px)); }
.convlab-lab .convlab-body { display: flex; flex-flow: row wrap; align-items: flex-start; gap: 8px 16px; }
.convlab-lab .convlab-controls { flex: 0 0 auto; width: var(--convlab-control); max-width: 100%; }
.convlab-lab .convlab-controls > .widget-inline-hbox { width: 100%; }
.convlab-lab .convlab-pictures { flex: 1 1 480px; min-width: min(100%, 260px); container-type: inline-size;
  display: flex; flex-flow: row wrap; align-items: flex-start; gap: 8px 16px;
  --convlab-s: min(calc(var(--convlab-k) * 320px / var(--convlab-in-w)),
                   max(calc((100cqw - 16px) / (var(--convlab-in-w) + var(--convlab-grid-w))),
                       min(calc(var(--convlab-min) / min(var(--convlab-in-w), var(--convlab-grid-w))),
                           calc(150cqw / max(var(--convlab-in-w), var(--convlab-grid-w)))))); }
.convlab-lab .convlab-picture { flex: 0 0 auto; max-width: 100%; overflow-x: auto; }
.convlab-lab .convlab-picture img { display: block; height: auto; max-width: none; }
.convlab-lab .convlab-input img { width: calc(var(--convlab-in-w) * var(--convlab-s)); }
.convlab-lab .convlab-output img { width: calc(var(--convlab-grid-w) * var(--convlab-s)); }
.convlab-lab .convlab-zoom img { image-rendering: pixelated;
  width: calc(var(--convlab-zoom-w) * MAG * var(--convlab-s)); }
.convlab-lab .convlab-zoom { max-width: max(calc(var(--convlab-zoom-w) * MAG * var(--convlab-s)), 160px); }
.convlab-lab .convlab-picture .widget-html-content { white-space: normal; overflow-wrap: anywhere;
  line-height: 1.3; }
.convlab-lab .convlab-stale .convlab-output img, .convlab-lab .convlab-stale .convlab-zoom img {
  opacity: 0.5; filter: grayscale(1); outline: 2px dashed var(--jp-ui-font-color2, #757575); outline-offset: 2px; }
.convlab-lab .convlab-error { color: var(--jp-error-color0, #b00020); font-weight: 600; }
body[data-jp-theme-light="false"] .convlab-lab .convlab-error { color: var(--jp-error-color2, #ff8a80); }
.convlab-lab .convlab-error:has(.widget-html-content:empty) { display: none; }
.convlab-lab .convlab-info .widget-html-content { white-space: normal; overflow-wrap: anywhere; }
.convlab-lab .convlab-info .convlab-formula { font-family: var(--jp-code-font-family, monospace); }
</style>""".replace("MAG", str(ZOOM_MAGNIFICATION))


def size_style(lab_class: str, in_w: int, grid_w: int, zoom_w: int) -> str:
    """The per-lab CSS variables that size the pictures: the input's, the output grid's and the zoom's widths."""
    return (f"<style>.convlab-lab.{lab_class} {{ --convlab-in-w: {in_w}; --convlab-grid-w: {grid_w}; "
            f"--convlab-zoom-w: {zoom_w}; }}</style>")


def shape_html(label: str, shape: torch.Size | tuple[int, ...]) -> str:
    """``<b>label</b> torch.Size([...])``."""
    return f"<b>{html.escape(label)}</b> <code>torch.Size({list(shape)})</code>"


def invalid_shape_html() -> str:
    return "<b>{}</b> — {}".format(html.escape(_("output")), html.escape(_("(invalid configuration)")))


def message_html(error: str) -> str:
    """The reason a layer cannot run, for the box beside the output picture."""
    if not error:
        return ""
    return "⚠ {} <i>{}</i>".format(html.escape(error), html.escape(_("(the picture shows the last valid layer)")))


def info_html(code: str, formula: str = "", parameters: int | None = None, macs: int | None = None) -> str:
    """One HTML block under the lab: the PyTorch line, then (for a valid layer) the size formula and the counts."""
    parts = [f'<div class="convlab-code"><code>{html.escape(code)}</code></div>']
    if formula:
        lines = "".join(f"<div>{html.escape(line)}</div>" for line in formula.splitlines())
        parts.append(f'<div class="convlab-formula">{lines}</div>')
    if parameters is not None and macs is not None:
        counts = _("parameters: {parameters} &nbsp; multiply-accumulates: {macs}").format(
            parameters=f"<b>{parameters:,}</b>", macs=f"<b>{macs:,}</b>")
        parts.append(f'<div class="convlab-counts">{counts}</div>')
    return "".join(parts)


def zoom_crop(out_hw: tuple[int, int]) -> tuple[int, int]:
    """How many output pixels (rows, columns) the zoom shows."""
    return min(ZOOM_CROP, out_hw[0]), min(ZOOM_CROP, out_hw[1])


def zoom_caption(out_hw: tuple[int, int], channels: int) -> str:
    """What the zoom shows, and its magnification against the output picture (true in every layout)."""
    rows, cols = zoom_crop(out_hw)
    if channels > 1:
        text = _("<b>zoom ×{mag}</b>: the centre {rows}×{cols} pixels of output channel 0")
    else:
        text = _("<b>zoom ×{mag}</b>: the centre {rows}×{cols} output pixels")
    return text.format(mag=ZOOM_MAGNIFICATION, rows=rows, cols=cols)
