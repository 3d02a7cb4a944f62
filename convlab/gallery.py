"""Images, feature maps and small matrices side by side, for the lessons' before/after pictures.

Figures follow :mod:`convlab.figures`: every function draws into the Axes it is given,
or (``ax=None``) onto a new Figure outside pyplot, and returns the Figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from .figures import (
    axes_or_new,
    figure_of,
    image_colour,
    subplots,
    warn_unreadable,
    wrap_to_width,
    write_cell_values,
)
from .i18n import _
from .images import to_display
from .render import box_shrink

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def display_array(tensor: torch.Tensor, clip: float | None = None) -> np.ndarray:
    """What ``imshow`` should get for a (1, C, H, W) or (C, H, W) tensor, as a uint8 numpy array.

    Three channels: an (H, W, 3) colour picture, stretched jointly (keeps the colours).
    Any other count: channel 0 as an (H, W) map, min-max stretched (negatives never wrap);
    a constant map is mid-grey (both by :func:`convlab.to_display`). ``clip=1`` stretches a map
    from its 1st to its 99th percentile instead, so a few outliers don't wash it out.
    """
    t = tensor.detach()
    if t.dim() == 4:
        t = t[0]
    if t.dim() != 3:
        raise ValueError(_("expected a (1, C, H, W) or (C, H, W) tensor, got shape {shape}.").format(
            shape=tuple(tensor.shape)))
    if t.shape[0] == 3:
        return to_display(t, per_map=False, clip=clip).permute(1, 2, 0).numpy()
    return to_display(t[0], clip=clip).numpy()


ROW_WIDTH = 9.0
"""Widest a row of pictures gets, in inches (900 px at 100 dpi): a laptop's notebook column. A wider
figure would be shrunk to fit the page, and its titles with it, down to unreadable."""

TITLE_PT = 9.0
"""Title size of each picture."""


def show_images(
    tensors: Sequence[torch.Tensor],
    titles: Sequence[str],
    *,
    true_scale: bool = False,
    size: float = 3.2,
    max_pixels: int = 256,
    clip: float | None = None,
    ax: Sequence[Axes] | None = None,
) -> Figure:
    """One row of pictures with titles; returns the Figure.

    ``true_scale=True`` draws every picture at the same pixels-per-inch, so a 128×128
    output looks a quarter as wide as a 512×512 input. Pictures bigger than
    ``max_pixels`` a side are shrunk for display only (axes stay in input pixels).
    ``clip``: percentile clipping of each picture's stretch (see :func:`display_array`).
    ``ax``: one Axes per picture to draw into; None makes a new Figure, ``size`` inches a picture
    (less when the row would be wider than :data:`ROW_WIDTH`; long titles then wrap).
    """
    if len(tensors) != len(titles):
        raise ValueError(_("{n} pictures but {m} titles.").format(n=len(tensors), m=len(titles)))
    size = min(size, ROW_WIDTH / max(1, len(tensors)))
    if ax is None:
        fig, grid = subplots(len(tensors), width=size * len(tensors), height=size + 0.6)
        axes = list(grid[0])
    else:
        axes = list(ax)
        if len(axes) != len(tensors):
            raise ValueError(_("{n} pictures but {m} Axes.").format(n=len(tensors), m=len(axes)))
        fig = figure_of(axes[0])
    height = max(t.shape[-2] for t in tensors)
    width = max(t.shape[-1] for t in tensors)
    for a, t, title in zip(axes, tensors, titles, strict=True):
        h, w = t.shape[-2:]
        shown = display_array(box_shrink((t if t.dim() == 4 else t.unsqueeze(0)).detach().float(), max_pixels), clip)
        a.imshow(shown, cmap="gray", extent=(-0.5, w - 0.5, h - 0.5, -0.5),
                 interpolation="nearest" if w <= 64 else "antialiased")
        a.set_title(wrap_to_width(title, size, 0.55 * TITLE_PT / 72, 8), fontsize=TITLE_PT)
        a.axis("off")
        if true_scale:
            a.set_xlim(-0.5, width - 0.5)
            a.set_ylim(height - 0.5, -0.5)
    if ax is None:
        fig.tight_layout()
    return fig


def _values(matrix: Any) -> np.ndarray:
    values = np.asarray(matrix.detach().cpu() if isinstance(matrix, torch.Tensor) else matrix)
    if values.ndim != 2:
        raise ValueError(_("write_numbers needs a 2-d matrix, got shape {shape}.").format(shape=values.shape))
    return values


def write_numbers(ax: Axes, matrix: Any, fmt: str = "{:g}", fontsize: float | None = 8) -> Figure:
    """Write each value of a small 2-d tensor or array on its cell of an ``imshow`` in ``ax``.

    Each number is black or white, whichever reads better on its cell's colour, and at
    least :data:`convlab.figures.MIN_FONT_PT` points (``fontsize=None``: as big as fits).
    If the cells are too small for that, nothing is written and a warning says so.
    Returns the Figure.
    """
    values = _values(matrix)
    labels = np.vectorize(fmt.format, otypes=[object])(values)
    if not write_cell_values(ax, values, labels, image_colour(ax), fontsize):
        warn_unreadable(ax.get_title() or "write_numbers")
    return figure_of(ax)


def show_numbers(ax: Axes | None, matrix: Any, title: str = "", fmt: str = "{:g}", cmap: str = "Blues",
                 fontsize: float | None = 8) -> Figure:
    """A small matrix as a heatmap with its numbers written in and no ticks; returns the Figure.

    ``ax=None`` draws it on a new Figure, about 0.45 inch a cell.
    """
    values = _values(matrix)
    rows, cols = values.shape
    target = axes_or_new(ax, width=max(2.0, 0.45 * cols + 0.4), height=max(1.6, 0.45 * rows + 0.7))
    target.imshow(values, cmap=cmap)
    target.set_title(title, fontsize=10)
    target.set(xticks=[], yticks=[])
    return write_numbers(target, values, fmt, fontsize)
