"""Pictures of the matrix view: the kernel, ``C`` and ``C.T`` of a convolution side by side."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from .errors import ConvConfigError
from .figures import MIN_FONT_PT, cell_size_pt, figure_of, fitting_font, new_figure, write_cell_values
from .i18n import _, figure_text
from .matrix import conv_matrix, kernel2d
from .params import IntOrTuple, pair

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

MAX_SIDE = 400
"""C is drawn up to this many rows or columns."""
MAX_WIDTH_IN = 12.0
"""A figure is grown (to make its numbers readable) up to this width ..."""
MAX_HEIGHT_IN = 9.0
"""... and this height; beyond, the numbers are left out instead."""
_GAP = 0.8  # inches between panels, room for a y label


def _labels(values: np.ndarray, digits: int) -> np.ndarray:
    return np.vectorize(lambda v: f"{v:.{digits}f}", otypes=[object])(values)


def _needed_cell_in(labels: np.ndarray) -> float:
    """The smallest cell (inches) in which every label reads at MIN_FONT_PT."""
    cell_pt = MIN_FONT_PT
    while fitting_font(labels.flat, cell_pt) is None:
        cell_pt += 0.5
    return cell_pt / 72


def _heatmap(ax: Axes, values: np.ndarray, labels: np.ndarray | None, cell: float, sparse: bool,
             *, cmap: Any, norm: Any) -> None:
    """A matrix as coloured cells; zeros blank when ``sparse``; ``labels`` written when given."""
    rows, cols = values.shape
    image = ax.imshow(np.where(values == 0, np.nan, values) if sparse else values, cmap=cmap, norm=norm,
                      interpolation="nearest", aspect="equal")
    ax.set_xticks(np.arange(-0.5, cols, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, rows, 1), minor=True)
    ax.grid(which="minor", color="#d0d0d0", linewidth=0.5 if cell > 0.08 else 0)
    ax.tick_params(which="minor", length=0)
    every = next(n for n in (1, 2, 5, 10, 20, 50, 100, 200) if n * cell >= 0.25)
    ax.set_xticks(np.arange(0, cols, every))
    ax.set_yticks(np.arange(0, rows, every))
    ax.tick_params(labelsize=MIN_FONT_PT)
    if labels is not None:
        cells = [(int(r), int(c)) for r, c in zip(*np.nonzero(values), strict=True)] if sparse else None
        write_cell_values(ax, values, labels, lambda v: image.cmap(image.norm(np.asarray(v))), None, cells)


def draw_conv_matrix(
    kernel: torch.Tensor,
    input_size: IntOrTuple,
    stride: IntOrTuple = 1,
    padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    *,
    numbers: bool | None = None,
    ax: Sequence[Axes] | None = None,
) -> Figure:
    """Heatmaps of the kernel, of ``C`` and of ``C.T`` side by side, labelled with their shapes.

    Each row of ``C`` is one output pixel: the kernel's weights laid along the
    flattened input, so they show as diagonal bands. Empty (zero) entries are white.
    The values are written in the cells, black or white by the cell's colour, at
    MIN_FONT_PT or more: the figure grows for them up to MAX_WIDTH_IN × MAX_HEIGHT_IN,
    beyond that they are left out of C and Cᵀ (``numbers=False`` always leaves them
    out, ``True`` insists, growing the figure as needed). Returns a new Figure, or, with
    ``ax`` (three Axes: kernel, C, Cᵀ), draws into them (numbers where they fit) and
    returns their figure.
    """
    import matplotlib
    from matplotlib.colors import TwoSlopeNorm

    k2 = kernel2d(kernel).detach().cpu()
    i, s = pair(input_size, "input_size"), pair(stride, "stride")
    p, d = pair(padding, "padding"), pair(dilation, "dilation")
    C = conv_matrix(k2, i, s, p, d).double().numpy()
    k = k2.double().numpy()
    n_out, n_in = C.shape
    if max(n_out, n_in) > MAX_SIDE:
        raise ConvConfigError(_("C is {rows}×{cols}: too big to draw legibly (at most {limit} on a side). "
                                "Use a smaller input_size.").format(rows=n_out, cols=n_in, limit=MAX_SIDE))
    kh, kw = k.shape
    digits = 0 if np.all(k == np.round(k)) else 1
    k_labels, c_labels = _labels(k, digits), _labels(C, digits)
    needed = _needed_cell_in(np.concatenate([k_labels.ravel(), c_labels[C != 0]]))
    kernel_cell = max(0.3, _needed_cell_in(k_labels))  # the kernel's own numbers are always written
    cell = min(0.32, max(0.025, 10.0 / (n_in + n_out + kw + 6)), 6.0 / max(n_in, n_out))
    titles = [figure_text("kernel {h}×{w}").format(h=kh, w=kw),
              figure_text("C: {rows}×{cols} (outputs × inputs)").format(rows=n_out, cols=n_in),
              figure_text("Cᵀ: {rows}×{cols} (inputs × outputs)").format(rows=n_in, cols=n_out)]

    def size_for(c: float) -> tuple[float, float]:
        k_cell = max(c, kernel_cell)
        slots = [max(k_cell * kw, 0.085 * len(titles[0])), max(c * n_in, 0.085 * len(titles[1])),
                 max(c * n_out, 0.085 * len(titles[2]))]
        return sum(slots) + _GAP * 3 + 0.3, max(c * max(n_in, n_out), k_cell * kh) + 1.9

    write = numbers if numbers is not None else cell >= needed or all(
        v <= limit for v, limit in zip(size_for(needed), (MAX_WIDTH_IN, MAX_HEIGHT_IN), strict=True))
    if write:
        cell = max(cell, needed)
    width, height = size_for(cell)
    extra = 0.0 if write else 0.25  # one more caption line
    height += extra
    vmax = float(np.abs(k).max()) or 1.0
    style: dict[str, Any] = {"cmap": matplotlib.colormaps["RdBu_r"].with_extremes(bad="white"),
             "norm": TwoSlopeNorm(vcenter=0.0, vmin=-vmax, vmax=vmax)}
    k_cell = max(cell, kernel_cell)
    if ax is not None:
        return _into_axes(list(ax), k, C, k_labels, c_labels if numbers is not False else None, titles, style)
    panels = [
        (k, k_labels, k_cell, titles[0], figure_text("column"), figure_text("row"), False),
        (C, c_labels if write else None, cell, titles[1], figure_text("input pixel (row-major)"), figure_text("output pixel"), True),
        (C.T, c_labels.T if write else None, cell, titles[2], figure_text("output pixel"), figure_text("input pixel (row-major)"),
         True),
    ]
    fig = new_figure(width, height)
    x, top = _GAP, height - 0.9 - extra
    for values, labels, size, title, xlabel, ylabel, sparse in panels:
        rows, cols = values.shape
        slot = max(size * cols, 0.085 * len(title))
        x0 = x + (slot - size * cols) / 2
        panel = fig.add_axes((x0 / width, (top - size * rows) / height, size * cols / width, size * rows / height))
        _heatmap(panel, values, labels, size, sparse, **style)
        panel.set_title(title, fontsize=10, fontweight="bold")
        panel.set_xlabel(xlabel, fontsize=8.5)
        panel.set_ylabel(ylabel, fontsize=8.5)
        x += slot + _GAP
    one = {"h": i[0], "w": i[1], "kh": kh, "kw": kw, "s": _one_or_pair(s), "p": _one_or_pair(p), "d": _one_or_pair(d)}
    caption = figure_text("A {h}×{w} input, kernel {kh}×{kw}, stride {s}, padding {p}, dilation {d}").format(**one)
    caption += "\nF.conv2d(x, k) = C @ x.flatten()     F.conv_transpose2d(y, k) = Cᵀ @ y.flatten()"
    if not write:
        caption += "\n" + figure_text("(the values of C are too many to write legibly; the kernel shows them)")
    fig.text(0.5, 1 - 0.12 / height, caption, ha="center", va="top", fontsize=9.5, linespacing=1.5)
    return fig


def _into_axes(axes: list[Axes], k: np.ndarray, C: np.ndarray, k_labels: np.ndarray, c_labels: np.ndarray | None,
               titles: list[str], style: dict[str, Any]) -> Figure:
    """The three panels drawn into the caller's Axes (kernel, C, Cᵀ); numbers only where they read."""
    if len(axes) != 3 or not all(hasattr(a, "imshow") for a in axes):
        raise TypeError(_("ax must be three matplotlib Axes: (kernel, C, Cᵀ)."))
    panels = [(k, k_labels, False), (C, c_labels, True), (C.T, None if c_labels is None else c_labels.T, True)]
    for a, (values, labels, sparse), title in zip(axes, panels, titles, strict=True):
        cell = cell_size_pt(a, *values.shape) / 72
        _heatmap(a, values, labels, cell, sparse, **style)
        a.set_title(title, fontsize=10, fontweight="bold")
    return figure_of(axes[0])


def _one_or_pair(hw: tuple[int, int]) -> str:
    return str(hw[0]) if hw[0] == hw[1] else f"({hw[0]}, {hw[1]})"
