"""Kernel-position diagrams in the style of Dumoulin & Visin's conv_arithmetic, for any parameters.

``diagram_data`` says what a picture holds (which cells are input pixels, padding,
inserted zeros, where the kernel sits at a step, which output cell it fills);
``draw_conv`` draws it, ``conv_diagram_widget`` steps through it, and
``draw_conv_matrix`` draws the matrix ``C`` of a convolution beside ``C.T``.

A transposed convolution is drawn as the direct convolution it equals: zeros
inserted between the input pixels, a border of ``q = dilation*(k-1) - padding``
(plus ``output_padding`` at the bottom/right), the kernel rotated by 180° and
moving with stride 1.

Figures are built with matplotlib's object-oriented API, never through pyplot, so
nothing is left open in pyplot's registry. They show themselves in Jupyter when
returned from a cell.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import torch

from .arithmetic import conv_output_size, conv_transpose_output_size, same_padding
from .errors import ConvConfigError
from .matrix import Pair, _kernel2d, _pair, conv_matrix

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# The drawn input grid is at most this many cells on a side: the pictures are for small examples.
MAX_GRID = 64

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


def _times(hw: tuple[int, int]) -> str:
    return f"{hw[0]}×{hw[1]}"


def _one_or_pair(hw: tuple[int, int]) -> str:
    return str(hw[0]) if hw[0] == hw[1] else f"({hw[0]}, {hw[1]})"


@dataclass(frozen=True)
class DiagramData:
    """What a kernel-position diagram shows at one step. Cells are (row, col) in the drawn grid."""

    transposed: bool
    input_size: tuple[int, int]  # the layer's input
    kernel_size: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int] | str
    dilation: tuple[int, int]
    output_padding: tuple[int, int]
    grid_size: tuple[int, int]  # the drawn input grid: padded (and, if transposed, zero-inserted)
    pad_before: tuple[int, int]  # border drawn on the top / left (negative: cropped)
    pad_after: tuple[int, int]  # border drawn on the bottom / right (negative: cropped)
    input_cells: frozenset[tuple[int, int]]
    padding_cells: frozenset[tuple[int, int]]
    zero_cells: frozenset[tuple[int, int]]  # zeros inserted between input pixels (transposed only)
    kernel_cells: tuple[tuple[int, int], ...]  # cell under each tap, taps in row-major order
    kernel_weights: tuple[tuple[int, int], ...]  # which weight w[a, b] of the layer sits on each tap
    kernel_stride: tuple[int, int]  # how far the kernel moves per step on the drawn grid
    output_size: tuple[int, int]
    output_cell: tuple[int, int]
    step: int
    n_steps: int

    @property
    def input_title(self) -> str:
        """E.g. 'INPUT 5×5 (padding 1)'."""
        title = f"INPUT {_times(self.input_size)}"
        notes = []
        if self.transposed:
            s = self.stride
            if max(s) > 1:
                gaps = _one_or_pair((s[0] - 1, s[1] - 1))
                notes.append(f"{gaps} zero{'s' if max(s) > 2 else ''} between pixels")
            q, extra = (
                self.pad_before,
                (self.pad_after[0] - self.pad_before[0], self.pad_after[1] - self.pad_before[1]),
            )
            if min(q) >= 0 and max(q) > 0:
                notes.append(f"border q={_one_or_pair(q)}")
            elif max(q) <= 0 and min(q) < 0:
                notes.append(f"cropped {_one_or_pair((-q[0], -q[1]))}")
            elif q != (0, 0):
                notes.append(f"border q={q}")
            if max(extra) > 0:
                notes.append(f"+{_one_or_pair(extra)} bottom/right")
        else:
            if isinstance(self.padding, str):
                notes.append(f"padding '{self.padding}'")
            elif max(self.padding) > 0:
                notes.append(f"padding {_one_or_pair(self.padding)}")
        if notes:
            title += " (" + ", ".join(notes) + ")"
        if self.grid_size != self.input_size:
            title += f" → {_times(self.grid_size)}"
        return title

    @property
    def output_title(self) -> str:
        """E.g. 'OUTPUT 3×3'."""
        return f"OUTPUT {_times(self.output_size)}"

    @property
    def layer_title(self) -> str:
        """The layer and the step, e.g. 'Conv2d: kernel 3×3, stride 2 — step 1 of 9'."""
        parts = [f"kernel {_times(self.kernel_size)}", f"stride {_one_or_pair(self.stride)}"]
        if isinstance(self.padding, str):
            parts.append(f"padding='{self.padding}'")
        else:
            parts.append(f"padding {_one_or_pair(self.padding)}")
        if max(self.dilation) > 1:
            parts.append(f"dilation {_one_or_pair(self.dilation)}")
        if self.transposed and max(self.output_padding) > 0:
            parts.append(f"output_padding {_one_or_pair(self.output_padding)}")
        name = "ConvTranspose2d" if self.transposed else "Conv2d"
        return f"{name}: {', '.join(parts)} — step {self.step + 1} of {self.n_steps}"

    @property
    def formula(self) -> str:
        """The output-size formula with this diagram's numbers (one line per axis if the axes differ)."""
        axes = []
        for a in range(2):
            i, k, s, d = self.input_size[a], self.kernel_size[a], self.stride[a], self.dilation[a]
            o = self.output_size[a]
            if self.transposed:
                p, op = self.padding[a], self.output_padding[a]  # type: ignore[index]
                axes.append(f"({i}−1)·{s} − 2·{p} + {d}·({k}−1) + {op} + 1 = {o}")
            else:
                total = self.pad_before[a] + self.pad_after[a]
                pad = f"2·{self.pad_before[a]}" if self.pad_before[a] == self.pad_after[a] else str(total)
                axes.append(f"⌊({i} + {pad} − {d}·({k}−1) − 1) / {s}⌋ + 1 = {o}")
        if axes[0] == axes[1]:
            return f"out = {axes[0]}"
        return f"height: out = {axes[0]}\nwidth: out = {axes[1]}"

    @property
    def note(self) -> str:
        """What the picture of a transposed convolution means ('' for a direct one)."""
        if not self.transposed:
            return ""
        qs = [
            f"{self.dilation[a]}·({self.kernel_size[a]}−1) − {self.padding[a]} = {self.pad_before[a]}"  # type: ignore[index]
            for a in range(2)
        ]
        q = f"q = {qs[0]}" if qs[0] == qs[1] else f"q = {qs[0]} (height), {qs[1]} (width)"
        return (
            f"drawn as a direct convolution: border {q}, stride 1, kernel rotated 180° (see the wᵢⱼ labels)"
        )


def _padding_amounts(
    padding: Pair | str, k: tuple[int, int], d: tuple[int, int]
) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int] | str]:
    """(before, after, padding as shown) for a direct convolution."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0), "valid"
        if padding == "same":
            (bh, ah), (bw, aw) = same_padding(k, d)
            return (bh, bw), (ah, aw), "same"
        raise ConvConfigError(f"padding={padding!r} must be a number, 'same' or 'valid'.")
    p = _pair(padding, "padding")
    return p, p, p


def diagram_data(
    input_size: Pair,
    kernel_size: Pair,
    *,
    stride: Pair = 1,
    padding: Pair | str = 0,
    dilation: Pair = 1,
    transposed: bool = False,
    output_padding: Pair = 0,
    step: int = 0,
) -> DiagramData:
    """Describe the diagram of a Conv2d (or ConvTranspose2d) at kernel position ``step``.

    Steps go row by row over the output, ``0 .. n_steps-1``. Raises ConvConfigError
    for a configuration PyTorch refuses, a step out of range, or a grid too big to draw.
    """
    i, k = _pair(input_size, "input_size"), _pair(kernel_size, "kernel_size")
    s, d = _pair(stride, "stride"), _pair(dilation, "dilation")
    op = _pair(output_padding, "output_padding")
    if transposed:
        if isinstance(padding, str):
            raise ConvConfigError(f"padding={padding!r}: ConvTranspose2d takes numbers only.")
        p = _pair(padding, "padding")
        out = conv_transpose_output_size(i, k, s, p, op, d)
        before = (d[0] * (k[0] - 1) - p[0], d[1] * (k[1] - 1) - p[1])
        after = (before[0] + op[0], before[1] + op[1])
        inner = ((i[0] - 1) * s[0] + 1, (i[1] - 1) * s[1] + 1)
        kernel_stride, shown_padding = (1, 1), p
    else:
        if op != (0, 0):
            raise ConvConfigError("output_padding belongs to ConvTranspose2d: pass transposed=True, or 0.")
        out = conv_output_size(i, k, s, padding, d)  # validates (padding 'same' needs stride 1)
        before, after, shown_padding = _padding_amounts(padding, k, d)
        inner, kernel_stride = i, s
    grid = (inner[0] + before[0] + after[0], inner[1] + before[1] + after[1])
    if max(grid) > MAX_GRID:
        raise ConvConfigError(
            f"The diagram's input grid would be {_times(grid)} cells; diagrams are for small "
            f"examples (at most {MAX_GRID} a side). Use a smaller input_size."
        )
    n_steps = out[0] * out[1]
    if not isinstance(step, int) or isinstance(step, bool) or not 0 <= step < n_steps:
        raise ConvConfigError(f"step={step!r} must be a whole number from 0 to {n_steps - 1} (n_steps - 1).")

    input_cells, zero_cells, padding_cells = set(), set(), set()
    for r in range(grid[0]):
        for c in range(grid[1]):
            zr, zc = r - before[0], c - before[1]  # position in the (zero-inserted) input
            if not (0 <= zr < inner[0] and 0 <= zc < inner[1]):
                padding_cells.add((r, c))
            elif zr % s[0] == 0 and zc % s[1] == 0 if transposed else True:
                input_cells.add((r, c))
            else:
                zero_cells.add((r, c))

    oh, ow = divmod(step, out[1])
    top, left = oh * kernel_stride[0], ow * kernel_stride[1]
    taps = [(a, b) for a in range(k[0]) for b in range(k[1])]
    kernel_cells = tuple((top + a * d[0], left + b * d[1]) for a, b in taps)
    weights = tuple((k[0] - 1 - a, k[1] - 1 - b) for a, b in taps) if transposed else tuple(taps)
    return DiagramData(
        transposed=transposed,
        input_size=i,
        kernel_size=k,
        stride=s,
        padding=shown_padding,
        dilation=d,
        output_padding=op,
        grid_size=grid,
        pad_before=before,
        pad_after=after,
        input_cells=frozenset(input_cells),
        padding_cells=frozenset(padding_cells),
        zero_cells=frozenset(zero_cells),
        kernel_cells=kernel_cells,
        kernel_weights=weights,
        kernel_stride=kernel_stride,
        output_size=out,  # type: ignore[arg-type]
        output_cell=(oh, ow),
        step=step,
        n_steps=n_steps,
    )


# ---------------------------------------------------------------- drawing


def _new_figure(width: float, height: float) -> Figure:
    """A Figure on an Agg canvas, outside pyplot, that Jupyter displays as PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = _png_figure_class()(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


_FIGURE_CLASS: Any = None


def _png_figure_class() -> Any:
    global _FIGURE_CLASS
    if _FIGURE_CLASS is None:
        from matplotlib.figure import Figure

        class DiagramFigure(Figure):
            """A Figure that IPython shows as a PNG even when pyplot's inline backend is not loaded."""

            def _repr_png_(self) -> bytes:
                return figure_png(self)

        _FIGURE_CLASS = DiagramFigure
    return _FIGURE_CLASS


def figure_png(fig: Figure, dpi: float | None = None) -> bytes:
    """PNG bytes of a Figure, rendered with Agg (no pyplot, nothing left open)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def _cells(ax: Any, cells: Sequence[tuple[int, int]], **style: Any) -> None:
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


def _grid_axes(ax: Any, rows: int, cols: int, title: str) -> None:
    ax.set_xlim(-0.1, cols + 0.1)
    ax.set_ylim(rows + 0.1, -0.1)  # row 0 on top
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_title(title, fontsize=10, fontweight="bold")


def _draw_input(ax: Any, data: DiagramData, cell_in: float) -> list:
    from matplotlib.patches import Patch, Rectangle

    edge = {"edgecolor": COLORS["grid"], "linewidth": 0.8}
    _cells(ax, sorted(data.input_cells), facecolor=COLORS["input"], **edge)
    _cells(ax, sorted(data.padding_cells), facecolor=COLORS["padding"], hatch="///", **edge)
    _cells(ax, sorted(data.zero_cells), facecolor=COLORS["zero"], hatch="...", **edge)
    taps = list(zip(data.kernel_cells, data.kernel_weights, strict=True))
    _cells(
        ax,
        data.kernel_cells,
        facecolor=(*_rgb(COLORS["kernel"]), 0.55),
        edgecolor=COLORS["kernel"],
        linewidth=2.0,
    )
    # The span the (dilated) kernel covers, so the gaps between taps read as part of it.
    (r0, c0), (r1, c1) = data.kernel_cells[0], data.kernel_cells[-1]
    ax.add_patch(
        Rectangle(
            (c0 - 0.08, r0 - 0.08),
            c1 - c0 + 1.16,
            r1 - r0 + 1.16,
            fill=False,
            edgecolor=COLORS["kernel"],
            linewidth=1.6,
            linestyle="--" if max(data.dilation) > 1 else "-",
        )
    )
    font = cell_in * 72 * 0.32
    if font >= 5:
        for (r, c), (a, b) in taps:
            ax.text(
                c + 0.5,
                r + 0.5,
                f"w{a}{b}".translate(SUBSCRIPTS),
                ha="center",
                va="center",
                color="white",
                fontsize=font,
                fontweight="bold",
            )
    grid_edge = {"edgecolor": COLORS["grid"], "linewidth": 0.8}
    handles = [Patch(facecolor=COLORS["input"], label="input pixel", **grid_edge)]
    if data.padding_cells:
        handles.append(Patch(facecolor=COLORS["padding"], hatch="///", label="padding (zeros)", **grid_edge))
    if data.zero_cells:
        handles.append(Patch(facecolor=COLORS["zero"], hatch="...", label="inserted zero", **grid_edge))
    label = "kernel tap (rotated 180°)" if data.transposed else "kernel tap"
    handles.append(Patch(facecolor=(*_rgb(COLORS["kernel"]), 0.55), edgecolor=COLORS["kernel"], label=label))
    return handles


def _draw_output(ax: Any, data: DiagramData) -> list:
    from matplotlib.patches import Patch

    rows, cols = data.output_size
    edge = {"edgecolor": COLORS["grid"], "linewidth": 0.8}
    done = [divmod(t, cols) for t in range(data.step)]
    todo = [divmod(t, cols) for t in range(data.step + 1, data.n_steps)]
    _cells(ax, todo, facecolor=COLORS["output"], **edge)
    _cells(ax, done, facecolor=COLORS["output_done"], **edge)
    _cells(ax, [data.output_cell], facecolor=COLORS["output_now"], edgecolor="black", linewidth=2.0)
    return [
        Patch(facecolor=COLORS["output_now"], edgecolor="black", label="this step's output"),
        Patch(facecolor=COLORS["output_done"], label="done", **edge),
    ]


def _rgb(color: str) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    return to_rgb(color)


def draw_conv(
    input_size: Pair,
    kernel_size: Pair,
    *,
    stride: Pair = 1,
    padding: Pair | str = 0,
    dilation: Pair = 1,
    transposed: bool = False,
    output_padding: Pair = 0,
    step: int = 0,
    ax: Sequence[Any] | None = None,
) -> Figure:
    """Draw where the kernel is at ``step``: the (padded) INPUT grid and the OUTPUT grid.

    Padding cells are hatched, inserted zeros (transposed) dotted, the kernel's taps
    dark, the output cell they produce lit; the size formula is written underneath.
    ``ax``: optionally a pair of matplotlib Axes (input, output) to draw into; their
    figure is returned. Otherwise a new Figure (not registered with pyplot) is returned.
    """
    data = diagram_data(
        input_size,
        kernel_size,
        stride=stride,
        padding=padding,
        dilation=dilation,
        transposed=transposed,
        output_padding=output_padding,
        step=step,
    )
    if ax is not None:
        pair = list(ax) if hasattr(ax, "__iter__") and not hasattr(ax, "add_patch") else []
        if len(pair) != 2 or not all(hasattr(a, "add_patch") for a in pair):
            raise TypeError("ax must be a pair of matplotlib Axes: (input_axes, output_axes).")
        ax_in, ax_out = pair
        title_inches = ax_in.get_position().width * ax_in.figure.get_figwidth()
        _draw_grids(ax_in, ax_out, data, title_inches, legend_y=-0.01)
        return ax_in.figure
    return _laid_out_figure(data)


LINE = 0.21  # inches per line of 9-10 point text


def _laid_out_figure(data: DiagramData) -> Figure:
    """A new figure with the two grids top-aligned, legends under them, the formula at the bottom.

    Laid out by hand in inches: constrained layout does not leave room for titles
    above axes that keep a fixed aspect.
    """
    (gh, gw), (oh, ow) = data.grid_size, data.output_size
    cell = min(0.5, max(0.16, 4.2 / max(gh, gw, oh, ow)))
    grid_w_in, grid_w_out = cell * (gw + 0.2), cell * (ow + 0.2)
    col_in, col_out = max(grid_w_in, 3.4), max(grid_w_out, 1.9)
    caption = data.formula + (f"\n{data.note}" if data.note else "")
    text_w = max(len(line) for line in [data.layer_title, *caption.splitlines()]) * 0.075 + 0.4
    width = max(0.3 + col_in + 0.6 + col_out + 0.3, text_w)
    title = textwrap.fill(data.input_title, max(24, int(max(grid_w_in, 2.6) / 0.085)))
    top = 0.15 + 0.35 + LINE * (title.count("\n") + 1) + 0.1
    grid_h = cell * (max(gh, oh) + 0.2)
    n_legend_rows = max(-(-len(data_handles_count(data)) // 2), 2)
    bottom = 0.15 + LINE * n_legend_rows + 0.25 + LINE * (caption.count("\n") + 1) + 0.15
    height = top + grid_h + bottom
    fig = _new_figure(width, height)
    x_in = (width - col_in - 0.6 - col_out) / 2 + (col_in - grid_w_in) / 2
    x_out = (width - col_in - 0.6 - col_out) / 2 + col_in + 0.6 + (col_out - grid_w_out) / 2
    y_top = height - top  # top edge of both grids, inches from the bottom
    ax_in = fig.add_axes(
        [x_in / width, (y_top - cell * (gh + 0.2)) / height, grid_w_in / width, cell * (gh + 0.2) / height]
    )
    ax_out = fig.add_axes(
        [x_out / width, (y_top - cell * (oh + 0.2)) / height, grid_w_out / width, cell * (oh + 0.2) / height]
    )
    legend_y = (y_top - grid_h - 0.1) / height
    handles_in, handles_out = _draw_grids(
        ax_in, ax_out, data, max(grid_w_in, 2.6), legend_y=None, title=title
    )
    common = {"loc": "upper center", "frameon": False, "fontsize": 8.5}
    fig.legend(
        handles=handles_in, ncol=2, bbox_to_anchor=((x_in + grid_w_in / 2) / width, legend_y), **common
    )
    fig.legend(
        handles=handles_out, ncol=1, bbox_to_anchor=((x_out + grid_w_out / 2) / width, legend_y), **common
    )
    fig.text(0.5, 1 - 0.15 / height, data.layer_title, ha="center", va="top", fontsize=10.5)
    fig.text(0.5, 0.15 / height, caption, ha="center", va="bottom", fontsize=9.5, linespacing=1.5)
    return fig


def data_handles_count(data: DiagramData) -> list[str]:
    """The input legend's entries (to size the space under the grids)."""
    kinds = ["input"]
    kinds += ["padding"] if data.padding_cells else []
    kinds += ["zero"] if data.zero_cells else []
    return [*kinds, "kernel"]


def _draw_grids(
    ax_in: Any,
    ax_out: Any,
    data: DiagramData,
    title_inches: float,
    legend_y: float | None,
    title: str | None = None,
) -> tuple[list, list]:
    """Draw both grids into their axes; put legends under them unless ``legend_y`` is None."""
    (gh, gw), (oh, ow) = data.grid_size, data.output_size
    if title is None:
        title = textwrap.fill(data.input_title, max(24, int(title_inches / 0.085)))  # ~0.085 in a character
    _grid_axes(ax_in, gh, gw, title)
    _grid_axes(ax_out, oh, ow, data.output_title)
    cell = ax_in.get_position().height * ax_in.figure.get_figheight() / (gh + 0.2)
    handles_in, handles_out = _draw_input(ax_in, data, cell), _draw_output(ax_out, data)
    if legend_y is not None:
        legend = {"loc": "upper center", "bbox_to_anchor": (0.5, legend_y), "frameon": False, "fontsize": 7.5}
        ax_in.legend(handles=handles_in, ncol=2, **legend)
        ax_out.legend(handles=handles_out, ncol=1, **legend)
    return handles_in, handles_out


# ---------------------------------------------------------------- stepping widget


def conv_diagram_widget(
    input_size: Pair,
    kernel_size: Pair,
    *,
    stride: Pair = 1,
    padding: Pair | str = 0,
    dilation: Pair = 1,
    transposed: bool = False,
    output_padding: Pair = 0,
) -> Any:
    """A widget that steps the kernel over the input: a Play button linked to a step slider.

    Each step is drawn with :func:`draw_conv` and shown as PNG bytes in an
    ``ipywidgets.Image`` (no figure stays open). The returned ``ipywidgets.VBox`` has
    ``.slider``, ``.play``, ``.image`` and ``.data`` (the current DiagramData);
    setting ``.slider.value`` from code redraws before it returns.
    """
    import ipywidgets as widgets

    options = {
        "stride": stride,
        "padding": padding,
        "dilation": dilation,
        "transposed": transposed,
        "output_padding": output_padding,
    }
    first = diagram_data(input_size, kernel_size, **options)  # validates before any widget exists
    last = first.n_steps - 1
    play = widgets.Play(value=0, min=0, max=last, step=1, interval=800, description="play")
    slider = widgets.IntSlider(
        value=0,
        min=0,
        max=last,
        step=1,
        description="step",
        continuous_update=True,
        layout=widgets.Layout(width="320px"),
    )
    widgets.jslink((play, "value"), (slider, "value"))
    image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
    box = widgets.VBox([widgets.HBox([play, slider]), image])

    def show(step: int) -> None:
        fig = draw_conv(input_size, kernel_size, step=step, **options)
        box.data = diagram_data(input_size, kernel_size, step=step, **options)
        image.value = figure_png(fig, dpi=80)

    slider.observe(lambda change: show(change["new"]), names="value")
    box.slider, box.play, box.image = slider, play, image
    show(0)
    return box


# ---------------------------------------------------------------- the matrix C


def _heatmap(
    ax: Any, values: Any, cell: float, sparse: bool, *, cmap: Any, norm: Any, digits: int, vmax: float
) -> None:
    """A matrix as coloured cells; zeros blank when ``sparse``; values written when cells are big enough."""
    import numpy as np

    rows, cols = values.shape
    ax.imshow(
        np.where(values == 0, np.nan, values) if sparse else values,
        cmap=cmap,
        norm=norm,
        interpolation="nearest",
        aspect="equal",
    )
    ax.set_xticks(np.arange(-0.5, cols, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, rows, 1), minor=True)
    ax.grid(which="minor", color="#d0d0d0", linewidth=0.5 if cell > 0.08 else 0)
    ax.tick_params(which="minor", length=0)
    every = next(n for n in (1, 2, 5, 10, 20, 50, 100, 200) if n * cell >= 0.25)
    ax.set_xticks(np.arange(0, cols, every))
    ax.set_yticks(np.arange(0, rows, every))
    font = cell * 72 * 0.36
    ax.tick_params(labelsize=max(6.0, min(8.0, font * 1.4)))
    if font < 4.2:
        return
    cells = zip(*np.nonzero(values), strict=True) if sparse else np.ndindex(values.shape)
    for r, c in cells:
        v = values[r, c]
        color = "white" if abs(v) > 0.6 * vmax else "black"
        ax.text(c, r, f"{v:.{digits}f}", ha="center", va="center", fontsize=min(font, 9), color=color)


def draw_conv_matrix(
    kernel: torch.Tensor,
    input_size: Pair,
    stride: Pair = 1,
    padding: Pair = 0,
    dilation: Pair = 1,
) -> Figure:
    """Heatmaps of the kernel, of ``C`` and of ``C.T`` side by side, labelled with their shapes.

    Each row of ``C`` is one output pixel: the kernel's weights laid along the
    flattened input, so they show as diagonal bands. Values are written in the
    cells when the matrix is small; empty (zero) entries are white.
    """
    import matplotlib
    import numpy as np
    from matplotlib.colors import TwoSlopeNorm

    kernel = _kernel2d(kernel).detach().cpu()
    C = conv_matrix(kernel, input_size, stride, padding, dilation).double().numpy()
    i = _pair(input_size, "input_size")
    k = kernel.double().numpy()
    n_out, n_in = C.shape
    if max(n_out, n_in) > 400:
        raise ConvConfigError(
            f"C is {n_out}×{n_in}: too big to draw legibly (at most 400 on a side). Use a smaller input_size."
        )
    kh, kw = k.shape
    cell = min(0.32, max(0.025, 10.0 / (n_in + n_out + kw + 6)), 6.0 / max(n_in, n_out))
    vmax = float(np.abs(k).max()) or 1.0
    norm = TwoSlopeNorm(vcenter=0.0, vmin=-vmax, vmax=vmax)
    cmap = matplotlib.colormaps["RdBu_r"].with_extremes(bad="white")
    style = {"cmap": cmap, "norm": norm, "digits": 0 if np.all(k == np.round(k)) else 1, "vmax": vmax}
    panels = [
        (k, max(cell, 0.3), f"kernel {kh}×{kw}", "column", "row", False),
        (C, cell, f"C: {n_out}×{n_in} (outputs × inputs)", "input pixel (row-major)", "output pixel", True),
        (
            C.T,
            cell,
            f"Cᵀ: {n_in}×{n_out} (inputs × outputs)",
            "output pixel",
            "input pixel (row-major)",
            True,
        ),
    ]
    # Hand layout, panels top-aligned; each gets room for its title (~0.085 inch a character)
    # and its y label on the left. C and C.T share one cell size so their shapes compare by eye.
    slots = [max(size * v.shape[1], 0.085 * len(t)) for v, size, t, *_ in panels]
    width = sum(slots) + 0.8 * len(panels) + 0.3
    height = max(cell * max(n_in, n_out), panels[0][1] * kh) + 1.6
    fig = _new_figure(width, height)
    x, top = 0.8, height - 0.9
    for slot, (values, size, title, xlabel, ylabel, sparse) in zip(slots, panels, strict=True):
        rows, cols = values.shape
        x0 = x + (slot - size * cols) / 2
        ax = fig.add_axes(
            [x0 / width, (top - size * rows) / height, size * cols / width, size * rows / height]
        )
        _heatmap(ax, values, size, sparse, **style)
        ax.set_title(title, fontsize=10, fontweight="bold")
        ax.set_xlabel(xlabel, fontsize=8.5)
        ax.set_ylabel(ylabel, fontsize=8.5)
        x += slot + 0.8
    s, p, d = _pair(stride, "stride"), _pair(padding, "padding"), _pair(dilation, "dilation")
    fig.text(
        0.5,
        1 - 0.12 / height,
        f"A {_times(i)} input, kernel {kh}×{kw}, stride {_one_or_pair(s)}, padding {_one_or_pair(p)}, "
        f"dilation {_one_or_pair(d)}\nF.conv2d(x, k) = C @ x.flatten()     "
        "F.conv_transpose2d(y, k) = Cᵀ @ y.flatten()",
        ha="center",
        va="top",
        fontsize=9.5,
        linespacing=1.5,
    )
    return fig
