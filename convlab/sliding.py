"""Sketches of a kernel sliding along 1, 2 or 3 axes (lesson 01: what makes a convolution N-d)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .arithmetic import conv_output_size
from .figures import axes_or_new, figure_of
from .i18n import _, figure_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

INPUT_COLOUR = "#dbe9f6"
OUTPUT_COLOUR = "#e3f1df"
KERNEL_COLOUR = "#d62728"
_GAP = 0.6  # space between depth slices, in cells


def _cells(ax: Any, x0: float, y0: float, rows: int, cols: int, colour: str) -> None:
    """A rows×cols grid of unit cells whose top-left corner is (x0, y0); y grows downwards."""
    from matplotlib.patches import Rectangle

    for r in range(rows):
        for c in range(cols):
            ax.add_patch(Rectangle((x0 + c, y0 + r), 1, 1, facecolor=colour, edgecolor="#555", lw=0.8))


def _box(ax: Any, x0: float, y0: float, h: float, w: float, **style: Any) -> None:
    from matplotlib.patches import Rectangle

    ax.add_patch(Rectangle((x0, y0), w, h, fill=False, **style))


def _arrow(ax: Any, start: tuple[float, float], end: tuple[float, float], label: str) -> None:
    ax.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "->", "lw": 1.8, "color": KERNEL_COLOUR})
    mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
    ax.text(mid[0], mid[1], label, color=KERNEL_COLOUR, ha="center", va="center", fontsize=10,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})


def _slices(ax: Any, x0: float, y0: float, depth: int, side: int, colour: str) -> list[float]:
    """``depth`` side×side slices in a row; returns each slice's left x."""
    lefts = [x0 + z * (side + _GAP) for z in range(depth)]
    for left in lefts:
        _cells(ax, left, y0, side, side, colour)
    return lefts


def draw_sliding(ndim: int, *, size: int = 6, kernel_size: int = 3, position: int = 1,
                 ax: Axes | None = None) -> Figure:
    """Sketch an ``ndim``-d convolution (1 to 3): INPUT, the kernel in red at one place, OUTPUT.

    The red arrows name the axes the kernel slides along; the filled output cell is the
    one this kernel position computes. ``position`` is the kernel's offset along every
    sliding axis. Draws into ``ax``, or onto a new Figure; returns the Figure.
    """
    if ndim not in (1, 2, 3):
        raise ValueError(_("ndim={ndim!r}: sketches exist for 1-, 2- and 3-d convolutions only.").format(ndim=ndim))
    out = conv_output_size(size, kernel_size)
    if not 0 <= position < out:
        raise ValueError(_("position={position} is off the input: it must be in 0..{last}.").format(
            position=position, last=out - 1))
    ax = axes_or_new(ax, {1: 7.0, 2: 6.5, 3: 10.0}[ndim], 2.4 if ndim == 1 else 3.6)
    k, p = kernel_size, position
    depth = size - 2 if ndim == 3 else 1  # a shallower volume keeps the 3-d sketch readable
    out_depth = depth - k + 1
    rows = 1 if ndim == 1 else size
    in_width = size if ndim < 3 else depth * (size + _GAP) - _GAP
    out_x = in_width + 2.0 if ndim > 1 else 0.0
    out_y = 0.0 if ndim > 1 else 3.6

    lefts = _slices(ax, 0, 0, depth, size, INPUT_COLOUR) if ndim == 3 else [0.0]
    if ndim < 3:
        _cells(ax, 0, 0, rows, size, INPUT_COLOUR)
    kernel_rows = 1 if ndim == 1 else k
    kernel_top = 0 if ndim == 1 else p
    kernel_slices = lefts[p:p + k] if ndim == 3 else lefts
    for left in kernel_slices:
        _box(ax, left + p, kernel_top, kernel_rows, k, edgecolor=KERNEL_COLOUR, lw=3)

    out_rows = 1 if ndim == 1 else out
    out_lefts = [out_x + z * (out + _GAP) for z in range(out_depth)] if ndim == 3 else [out_x]
    for left in out_lefts:
        _cells(ax, left, out_y, out_rows, out, OUTPUT_COLOUR)
    hit = out_lefts[p] if ndim == 3 else out_x
    from matplotlib.patches import Rectangle

    ax.add_patch(Rectangle((hit + p, out_y + (0 if ndim == 1 else p)), 1, 1, facecolor=KERNEL_COLOUR, alpha=0.8))

    in_shape = {1: figure_text("length {n}").format(n=size), 2: f"{size}×{size}", 3: f"{depth}×{size}×{size}"}[ndim]
    out_shape = {1: figure_text("length {n}").format(n=out), 2: f"{out}×{out}", 3: f"{out_depth}×{out}×{out}"}[ndim]
    ax.text(0, -0.5, figure_text("INPUT ({shape})").format(shape=in_shape), fontsize=10, weight="bold")
    ax.text(out_x, out_y - 0.5, figure_text("OUTPUT ({shape})").format(shape=out_shape), fontsize=10, weight="bold")
    bottom = rows + 0.9
    if ndim == 1:
        _arrow(ax, (0, 1.9), (size, 1.9), figure_text("slides along L"))
    else:
        first = lefts[0]
        _arrow(ax, (first, bottom), (first + size, bottom), "W")
        _arrow(ax, (-0.8, 0), (-0.8, size), "H")
    if ndim == 3:
        _arrow(ax, (0, bottom + 1.0), (in_width, bottom + 1.0), figure_text("D (depth)"))
    ax.set_xlim(-1.5, max(out_x + (out_lefts[-1] - out_x) + out, in_width) + 0.5)
    ax.set_ylim((bottom + 1.7) if ndim == 3 else (out_y + 1.5 if ndim == 1 else bottom + 0.7), -1.2)
    ax.set_aspect("equal")
    ax.axis("off")
    kernel = figure_text("size-{k}").format(k=k) if ndim == 1 else "×".join([str(k)] * ndim)
    title = (figure_text("{ndim}-d convolution: a {kernel} kernel slides along {ndim} axis") if ndim == 1
             else figure_text("{ndim}-d convolution: a {kernel} kernel slides along {ndim} axes"))
    ax.set_title(title.format(ndim=ndim, kernel=kernel), fontsize=11)
    return figure_of(ax)
