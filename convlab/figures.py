"""How convlab makes figures: one way, for every picture it draws.

Every drawing function in convlab takes ``ax=None`` and returns the matplotlib
Figure it drew on:

- ``ax`` given (Axes the notebook made, e.g. with ``plt.subplots``): it draws into
  them and returns their figure; the notebook shows it as it shows its own figures.
- ``ax=None``: it draws on a new Figure that is *not* registered with pyplot and
  returns it; Jupyter shows it when it is a cell's value (and only then, so it is
  never shown twice, and nothing stays open in pyplot's registry).

Numbers written on coloured cells are black or white, whichever reads better on
the cell's colour, and never smaller than :data:`MIN_FONT_PT`: where they would not
fit, the figure is made bigger or the numbers are left out.

Adding a picture touches three places: a ``draw_x(..., ax=None) -> Figure`` in the
module of its topic (Axes from :func:`axes_or_new` or :func:`subplots`, numbers through
:func:`write_cell_values`, words through ``figure_text``); their Chinese in
``locale/zh/parts/figures.json``; and one line in ``_drawings`` of
``tests/test_figures.py``, which checks it both ways (new Figure outside pyplot, given Axes).
"""

from __future__ import annotations

import io
import textwrap
import warnings
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from .i18n import _

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

MIN_FONT_PT = 8.0
"""The smallest text convlab writes on a figure (at the figure's own size, 100 dpi on screen)."""

DIGIT_WIDTH = 0.6
"""Width of a digit in DejaVu Sans, as a fraction of the font size."""

_FIGURE_CLASS: Any = None


def _figure_class() -> Any:
    global _FIGURE_CLASS
    if _FIGURE_CLASS is None:
        from matplotlib.figure import Figure

        class ConvlabFigure(Figure):
            """A Figure that IPython shows as a PNG even when pyplot's inline backend is not loaded."""

            def _repr_png_(self) -> bytes:
                return figure_png(self, tight=True)  # as Jupyter's inline backend: no title cut off

        _FIGURE_CLASS = ConvlabFigure
    return _FIGURE_CLASS


def new_figure(width: float, height: float) -> Figure:
    """A new ``width`` × ``height`` inch Figure on an Agg canvas, outside pyplot, shown by Jupyter as PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig: Figure = _figure_class()(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def subplots(ncols: int, nrows: int = 1, *, width: float, height: float, **kwargs: Any) -> tuple[Figure, Any]:
    """A new Figure (see :func:`new_figure`) and a 2-d array of its Axes, ``nrows`` × ``ncols``."""
    fig = new_figure(width, height)
    axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs)
    return fig, axes


def figure_png(fig: Figure, dpi: float | None = None, tight: bool = False) -> bytes:
    """PNG bytes of a Figure, rendered with Agg (no pyplot, nothing left open).

    ``tight`` crops to what is drawn, as a notebook shows figures (text beyond the
    figure's edge is kept, not cut off).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, pil_kwargs={"compress_level": 1},
                bbox_inches="tight" if tight else None)
    return buffer.getvalue()


def wrap_to_width(text: str, inches: float, char_inches: float, min_chars: int) -> str:
    """``text`` broken at spaces into lines of at most ``inches``, one character being ``char_inches``
    wide (at least ``min_chars`` characters a line)."""
    return textwrap.fill(text, max(min_chars, int(inches / char_inches)), break_long_words=False)


def figure_of(ax: Axes) -> Figure:
    """The top-level Figure an Axes belongs to (also for an Axes in a SubFigure)."""
    from matplotlib.figure import Figure

    fig = ax.get_figure(root=True)
    if not isinstance(fig, Figure):
        raise TypeError(_("ax belongs to no figure."))
    return fig


def axes_or_new(ax: Axes | None, width: float, height: float) -> Axes:
    """``ax`` itself, or the one Axes of a new ``width`` × ``height`` Figure (see :func:`new_figure`)."""
    if ax is not None:
        if not hasattr(ax, "add_patch"):
            raise TypeError(_("ax must be one matplotlib Axes (or None for a new figure)."))
        return ax
    fig = new_figure(width, height)
    return fig.add_subplot()


# ---------------------------------------------------------------- readable numbers


def relative_luminance(rgb: Iterable[float]) -> float:
    """WCAG 2 relative luminance of an sRGB colour with channels in [0, 1] (alpha ignored)."""
    channels = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in list(rgb)[:3]]
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def text_colour_on(background: Any) -> str:
    """``"black"`` or ``"white"``: whichever has more contrast on ``background`` (any matplotlib colour)."""
    from matplotlib.colors import to_rgba

    r, g, b, a = to_rgba(background)
    # A translucent cell shows the white figure behind it.
    lum = relative_luminance((a * r + 1 - a, a * g + 1 - a, a * b + 1 - a))
    on_black = (lum + 0.05) / 0.05
    on_white = 1.05 / (lum + 0.05)
    return "black" if on_black >= on_white else "white"


def cell_size_pt(ax: Axes, rows: int, cols: int) -> float:
    """The side, in points at the figure's size, of one cell of a ``rows`` × ``cols`` picture in ``ax``."""
    fig = figure_of(ax)
    ax.apply_aspect()
    box = ax.get_position()
    width_pt = box.width * fig.get_figwidth() * 72
    height_pt = box.height * fig.get_figheight() * 72
    return min(width_pt / max(cols, 1), height_pt / max(rows, 1))


def fitting_font(labels: Iterable[str], cell_pt: float, largest: float = 10.0) -> float | None:
    """The font size (points) at which every label fits in a cell of ``cell_pt``; None if below MIN_FONT_PT."""
    longest = max((len(t) for t in labels), default=1)
    size = min(largest, 0.85 * cell_pt / max(longest * DIGIT_WIDTH, 1.0), 0.8 * cell_pt)
    return size if size >= MIN_FONT_PT else None


def write_cell_values(
    ax: Axes,
    values: np.ndarray,
    labels: np.ndarray,
    colour_of: Callable[[float], Any] | None,
    fontsize: float | None,
    cells: Iterable[tuple[int, int]] | None = None,
) -> bool:
    """Write ``labels[r, c]`` on each cell of a ``values`` picture in ``ax``; False if they would not read.

    The text is black or white by the luminance of ``colour_of(value)`` (the cell's
    colour; None: the cells are white). ``fontsize`` None picks the largest size that
    fits a cell; a given size is raised to MIN_FONT_PT. Nothing is written when the
    text would not fit at MIN_FONT_PT.
    """
    rows, cols = values.shape
    cell_pt = cell_size_pt(ax, rows, cols)
    where = list(cells) if cells is not None else list(np.ndindex(rows, cols))
    fits = fitting_font((labels[r, c] for r, c in where), cell_pt, largest=max(fontsize or 10.0, MIN_FONT_PT))
    if fits is None:
        return False
    size = fits if fontsize is None else max(MIN_FONT_PT, min(fontsize, fits))
    for r, c in where:
        colour = text_colour_on(colour_of(values[r, c])) if colour_of is not None else "black"
        ax.text(c, r, labels[r, c], ha="center", va="center", fontsize=size, color=colour)
    return True


def image_colour(ax: Axes) -> Callable[[float], Any] | None:
    """value -> RGBA of the last ``imshow`` in ``ax`` (None if it has none)."""
    if not ax.images:
        return None
    image = ax.images[-1]

    def colour(value: float) -> Any:
        if not np.isfinite(value):
            return "white"
        return image.cmap(image.norm(np.asarray(value)))

    return colour


def warn_unreadable(what: str) -> None:
    """Say that numbers were left out because they would not read (the picture is too small)."""
    warnings.warn(
        _("{what}: the numbers would be smaller than {size:g} pt, so they are left out; "
          "make the figure bigger to see them.").format(what=what, size=MIN_FONT_PT),
        stacklevel=3,
    )
