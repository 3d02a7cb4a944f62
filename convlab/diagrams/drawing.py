"""Kernel-position diagrams drawn, in the style of Dumoulin & Visin's conv_arithmetic.

:func:`draw_conv` draws the (padded) INPUT grid with the kernel's taps at one step
and the OUTPUT grid with the cell they fill, the size formula underneath. Figures
follow :mod:`convlab.figures`: into given Axes, or onto a new Figure outside pyplot.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..config import LayerConfig
from ..figures import figure_of, new_figure, wrap_to_width
from ..i18n import _, figure_text
from ..params import IntOrTuple, Padding
from .geometry import Cell, DiagramData, diagram_data

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

COLORS = {
    "input": "#7fb5dd",
    "padding": "#ffffff",
    "zero": "#fff4d6",
    "kernel": "#0b3d75",
    "output": "#cfe8c6",
    "output_done": "#8cc47d",
    "output_now": "#2b7a2b",
    "grid": "#5f6b76",
}

SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
LINE = 0.21  # inches per line of 9-10 point text
CHAR = 0.085  # inches per character of a 10 point title
TAP_FONT = 0.42  # a tap label's size as a fraction of its cell (w₀₀ is about 1.6 font sizes wide)
MIN_TAP_FONT = 6.0  # smaller tap labels are left out


def _cells(ax: Axes, cells: Sequence[Cell], **style: Any) -> None:
    """Unit squares at (row, col) drawn as one compound path: hatching a path per cell is slow in Agg."""
    import numpy as np
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path

    if not cells:
        return
    rc = np.asarray(cells, dtype=float)
    corners = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=float)  # (dx, dy) round a square
    squares = rc[:, None, ::-1] + corners[None]  # (n, 4, [x, y])
    # add_artist, not add_patch: the limits are set by hand, and updating them walks every square.
    ax.add_artist(PathPatch(Path.make_compound_path_from_polys(squares), **style))


def _grid_axes(ax: Axes, rows: int, cols: int, title: str) -> None:
    ax.set_xlim(-0.1, cols + 0.1)
    ax.set_ylim(rows + 0.1, -0.1)  # row 0 on top
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_title(title, fontsize=10, fontweight="bold")


def _rgb(color: str) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    return to_rgb(color)


def _draw_input(ax: Axes, data: DiagramData, cell_in: float) -> list[Artist]:
    from matplotlib.patches import Patch, Rectangle

    edge: dict[str, Any] = {"edgecolor": COLORS["grid"], "linewidth": 0.8}
    _cells(ax, sorted(data.input_cells), facecolor=COLORS["input"], **edge)
    _cells(ax, sorted(data.padding_cells), facecolor=COLORS["padding"], hatch="///", **edge)
    _cells(ax, sorted(data.zero_cells), facecolor=COLORS["zero"], hatch="...", **edge)
    kernel_face = (*_rgb(COLORS["kernel"]), 0.55)
    _cells(ax, data.kernel_cells, facecolor=kernel_face, edgecolor=COLORS["kernel"], linewidth=2.0)
    # The span the (dilated) kernel covers, so the gaps between taps read as part of it.
    (r0, c0), (r1, c1) = data.kernel_cells[0], data.kernel_cells[-1]
    ax.add_patch(Rectangle((c0 - 0.08, r0 - 0.08), c1 - c0 + 1.16, r1 - r0 + 1.16, fill=False,
                           edgecolor=COLORS["kernel"], linewidth=1.6,
                           linestyle="--" if max(data.dilation) > 1 else "-"))
    font = min(cell_in * 72 * TAP_FONT, 12.0)
    if font >= MIN_TAP_FONT:
        for (r, c), (a, b) in zip(data.kernel_cells, data.kernel_weights, strict=True):
            ax.text(c + 0.5, r + 0.5, f"w{a}{b}".translate(SUBSCRIPTS), ha="center", va="center",
                    color="white", fontsize=font, fontweight="bold")
    labels = {
        "input": (COLORS["input"], None, figure_text("input pixel")),
        "padding": (COLORS["padding"], "///", figure_text("padding (zeros)") if data.padding_mode == "zeros"
                    else figure_text("padding ({mode})").format(mode=data.padding_mode)),
        "zero": (COLORS["zero"], "...", figure_text("inserted zero")),
    }
    handles: list[Artist] = []
    for kind in data.legend_kinds():
        if kind == "kernel":
            label = figure_text("kernel tap (rotated 180°)") if data.transposed else figure_text("kernel tap")
            handles.append(Patch(facecolor=kernel_face, edgecolor=COLORS["kernel"], label=label))
        else:
            face, hatch, label = labels[kind]
            handles.append(Patch(facecolor=face, hatch=hatch, label=label, **edge))
    return handles


def _draw_output(ax: Axes, data: DiagramData) -> list[Artist]:
    from matplotlib.patches import Patch

    rows, cols = data.output_size
    edge: dict[str, Any] = {"edgecolor": COLORS["grid"], "linewidth": 0.8}
    done = [divmod(t, cols) for t in range(data.step)]
    todo = [divmod(t, cols) for t in range(data.step + 1, data.n_steps)]
    _cells(ax, todo, facecolor=COLORS["output"], **edge)
    _cells(ax, done, facecolor=COLORS["output_done"], **edge)
    _cells(ax, [data.output_cell], facecolor=COLORS["output_now"], edgecolor="black", linewidth=2.0)
    return [
        Patch(facecolor=COLORS["output_now"], edgecolor="black", label=figure_text("this step's output")),
        Patch(facecolor=COLORS["output_done"], label=figure_text("done"), **edge),
    ]


def _draw_grids(ax_in: Axes, ax_out: Axes, data: DiagramData, title: str,
                legend_y: float | None) -> tuple[list[Artist], list[Artist]]:
    """Draw both grids into their axes; put legends under them unless ``legend_y`` is None."""
    (gh, gw), (oh, ow) = data.grid_size, data.output_size
    _grid_axes(ax_in, gh, gw, title)
    _grid_axes(ax_out, oh, ow, data.output_title)
    fig = figure_of(ax_in)
    ax_in.apply_aspect()
    box = ax_in.get_position()
    cell = min(box.height * fig.get_figheight() / (gh + 0.2), box.width * fig.get_figwidth() / (gw + 0.2))
    handles_in, handles_out = _draw_input(ax_in, data, cell), _draw_output(ax_out, data)
    if legend_y is not None:
        legend: dict[str, Any] = {"loc": "upper center", "bbox_to_anchor": (0.5, legend_y), "frameon": False, "fontsize": 8}
        ax_in.legend(handles=handles_in, ncol=2, **legend)
        ax_out.legend(handles=handles_out, ncol=1, **legend)
    return handles_in, handles_out


def _title_lines(text: str, inches: float) -> str:
    return wrap_to_width(text, inches, CHAR, 24)


GRID_INCHES = 4.2
"""The larger grid of a new figure is about this big (cells between 0.16 and 0.5 inch)."""


def draw_diagram(data: DiagramData, ax: Sequence[Axes] | None = None, *, grid_inches: float = GRID_INCHES) -> Figure:
    """Draw a :class:`DiagramData` into a pair of Axes (input, output), or onto a new laid-out Figure.

    ``grid_inches``: for a new figure, about how big the larger grid is drawn.
    """
    if ax is None:
        return _laid_out_figure(data, grid_inches)
    pair = list(ax) if hasattr(ax, "__iter__") and not hasattr(ax, "add_patch") else []
    if len(pair) != 2 or not all(hasattr(a, "add_patch") for a in pair):
        raise TypeError(_("ax must be a pair of matplotlib Axes: (input_axes, output_axes)."))
    ax_in, ax_out = pair
    fig = figure_of(ax_in)
    title = _title_lines(data.input_title, ax_in.get_position().width * fig.get_figwidth())
    _draw_grids(ax_in, ax_out, data, title, legend_y=-0.01)
    return fig


def draw_conv(
    input_size: IntOrTuple,
    kernel_size: IntOrTuple | LayerConfig,
    *,
    stride: IntOrTuple = 1,
    padding: Padding = 0,
    dilation: IntOrTuple = 1,
    transposed: bool = False,
    output_padding: IntOrTuple = 0,
    step: int = 0,
    ax: Sequence[Axes] | None = None,
) -> Figure:
    """Draw where the kernel is at ``step``: the (padded) INPUT grid and the OUTPUT grid.

    The layer is ``kernel_size`` with the keywords, or one :class:`LayerConfig` in its
    place. Padding cells are hatched, inserted zeros (transposed) dotted, the kernel's
    taps dark, the output cell they produce lit; the size formula is written underneath.
    ``ax``: optionally a pair of matplotlib Axes (input, output) to draw into; their
    figure is returned. Otherwise a new Figure (not registered with pyplot) is returned.
    """
    data = diagram_data(input_size, kernel_size, stride=stride, padding=padding, dilation=dilation,
                        transposed=transposed, output_padding=output_padding, step=step)
    return draw_diagram(data, ax)


def _laid_out_figure(data: DiagramData, grid_inches: float) -> Figure:
    """A new figure with the two grids top-aligned, legends under them, the formula at the bottom.

    Laid out by hand in inches: constrained layout does not leave room for titles
    above axes that keep a fixed aspect.
    """
    (gh, gw), (oh, ow) = data.grid_size, data.output_size
    cell = min(0.5, max(0.16, grid_inches / max(gh, gw, oh, ow)))
    grid_w_in, grid_w_out = cell * (gw + 0.2), cell * (ow + 0.2)
    col_in, col_out = max(grid_w_in, 3.4), max(grid_w_out, 1.9)
    caption = data.formula + (f"\n{data.note}" if data.note else "")
    text_w = max(len(line) for line in [data.layer_title, *caption.splitlines()]) * 0.075 + 0.4
    width = max(0.3 + col_in + 0.6 + col_out + 0.3, text_w)
    title = _title_lines(data.input_title, max(grid_w_in, 2.6))
    top = 0.15 + 0.35 + LINE * (title.count("\n") + 1) + 0.1
    grid_h = cell * (max(gh, oh) + 0.2)
    n_legend_rows = max(-(-len(data.legend_kinds()) // 2), 2)
    bottom = 0.15 + LINE * n_legend_rows + 0.25 + LINE * (caption.count("\n") + 1) + 0.15
    height = top + grid_h + bottom
    fig = new_figure(width, height)
    left = (width - col_in - 0.6 - col_out) / 2
    x_in = left + (col_in - grid_w_in) / 2
    x_out = left + col_in + 0.6 + (col_out - grid_w_out) / 2
    y_top = height - top  # top edge of both grids, inches from the bottom
    h_in, h_out = cell * (gh + 0.2), cell * (oh + 0.2)
    ax_in = fig.add_axes((x_in / width, (y_top - h_in) / height, grid_w_in / width, h_in / height))
    ax_out = fig.add_axes((x_out / width, (y_top - h_out) / height, grid_w_out / width, h_out / height))
    handles_in, handles_out = _draw_grids(ax_in, ax_out, data, title, legend_y=None)
    legend_y = (y_top - grid_h - 0.1) / height
    common: dict[str, Any] = {"loc": "upper center", "frameon": False, "fontsize": 8.5}
    fig.legend(handles=handles_in, ncol=2, bbox_to_anchor=((x_in + grid_w_in / 2) / width, legend_y), **common)
    fig.legend(handles=handles_out, ncol=1, bbox_to_anchor=((x_out + grid_w_out / 2) / width, legend_y), **common)
    fig.text(0.5, 1 - 0.15 / height, data.layer_title, ha="center", va="top", fontsize=10.5)
    fig.text(0.5, 0.15 / height, caption, ha="center", va="bottom", fontsize=9.5, linespacing=1.5)
    return fig
