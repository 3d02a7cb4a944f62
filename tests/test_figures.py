"""convlab.figures: one way to make figures, and numbers that read (colour by luminance, never below 8 pt)."""

from __future__ import annotations

import warnings

import matplotlib
import numpy as np
import pytest
import torch
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

import convlab as cl
import convlab.diagrams
from convlab import figures
from convlab.figures import MIN_FONT_PT, relative_luminance, text_colour_on
from convlab.gallery import show_images, show_numbers, write_numbers
from convlab.groups import draw_connections, draw_costs
from convlab.sliding import draw_sliding

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (only to check its registry stays empty)

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(autouse=True)
def _no_figures_before():
    plt.close("all")
    yield
    plt.close("all")


def _contrast(a: float, b: float) -> float:
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


# -- colour by luminance -----------------------------------------------------------------------

def test_luminance_of_black_white_and_grey():
    assert relative_luminance((0, 0, 0)) == 0
    assert relative_luminance((1, 1, 1)) == pytest.approx(1)
    assert relative_luminance((0.5, 0.5, 0.5)) == pytest.approx(0.214, abs=1e-3)


@pytest.mark.parametrize("colour", ["navy", "#0b3d75", "#67000d", "black", "#2b7a2b", "white", "#f7fbff",
                                    "yellow", "#fddbc7", "#7fb5dd"])
def test_text_colour_is_the_one_with_more_contrast(colour):
    lum = relative_luminance(to_rgba(colour))
    chosen = text_colour_on(colour)
    other = "white" if chosen == "black" else "black"
    assert _contrast(lum, relative_luminance(to_rgba(chosen))) >= _contrast(lum, relative_luminance(to_rgba(other)))


def test_navy_gets_white_text_and_pale_blue_black():
    assert text_colour_on("navy") == "white"
    assert text_colour_on(matplotlib.colormaps["Blues"](1.0)) == "white"
    assert text_colour_on(matplotlib.colormaps["Blues"](0.0)) == "black"
    assert text_colour_on((0.0, 0.0, 0.5, 0.0)) == "black", "a transparent cell shows the white behind it"


def _cell_texts(ax):
    return {(round(t.get_position()[1]), round(t.get_position()[0])): t for t in ax.texts}


def test_show_numbers_picks_white_on_dark_cells():
    """Lesson 06's round trip: 11049 on the darkest cell of 'Blues' was black on navy."""
    values = torch.tensor([[0.0, 5.0], [1000.0, 11049.0]])
    fig = show_numbers(None, values, "x_back")
    assert isinstance(fig, Figure) and plt.get_fignums() == []
    ax = fig.axes[0]
    texts = _cell_texts(ax)
    assert texts[(1, 1)].get_text() == "11049" and texts[(1, 1)].get_color() == "white"
    assert texts[(0, 0)].get_color() == "black"
    for (r, c), t in texts.items():
        background = ax.images[0].cmap(ax.images[0].norm(values[r, c].item()))
        assert t.get_color() == text_colour_on(background)


# -- never below 8 pt ----------------------------------------------------------------------------

def test_numbers_are_never_below_the_minimum_size():
    fig = Figure(figsize=(6, 6))
    ax = fig.add_subplot()
    board = torch.ones(17, 17)
    ax.imshow(board.numpy(), cmap="Blues")
    assert write_numbers(ax, board, "{:.0f}", fontsize=7) is fig
    assert len(ax.texts) == 17 * 17
    assert min(t.get_fontsize() for t in ax.texts) >= MIN_FONT_PT


def test_numbers_that_would_not_read_are_left_out_with_a_warning():
    fig = Figure(figsize=(2, 2))
    ax = fig.add_subplot()
    m = torch.arange(400.0).view(20, 20)
    ax.imshow(m.numpy())
    with pytest.warns(UserWarning, match="8 pt"):
        write_numbers(ax, m)
    assert len(ax.texts) == 0


def test_draw_conv_matrix_writes_readable_numbers_for_lesson_06():
    """06: draw_conv_matrix(kernel, (5, 5), stride=2, padding=1) printed 5-px digits."""
    kernel = torch.arange(1.0, 10.0).view(3, 3)
    fig = cl.diagrams.draw_conv_matrix(kernel, (5, 5), stride=2, padding=1)
    texts = [t for ax in fig.axes for t in ax.texts]
    c_axes = next(ax for ax in fig.axes if ax.get_title().startswith("C:"))
    assert len(c_axes.texts) == int((cl.conv_matrix(kernel, (5, 5), stride=2, padding=1) != 0).sum())
    assert min(t.get_fontsize() for t in texts) >= MIN_FONT_PT
    for ax in fig.axes:  # text colour by the cell's colour
        image = ax.images[0]
        for t in ax.texts:
            c, r = (round(v) for v in t.get_position())
            colour = image.cmap(image.norm(image.get_array()[r, c]))
            assert t.get_color() == text_colour_on(colour)
    nine = [t for t in c_axes.texts if t.get_text() == "9"]
    assert nine and all(t.get_color() == "white" for t in nine)  # the darkest red


def test_draw_conv_matrix_drops_numbers_it_cannot_fit_and_grows_when_asked():
    torch.manual_seed(0)
    kernel = torch.randn(3, 3)  # one-decimal labels such as "-1.2": four characters
    dropped = cl.diagrams.draw_conv_matrix(kernel, (7, 7), stride=1)
    c_axes = [ax for ax in dropped.axes if ax.get_title().startswith("C")]
    assert all(len(ax.texts) == 0 for ax in c_axes)
    assert "too many to write" in " ".join(t.get_text() for t in dropped.texts)
    kernel_axes = dropped.axes[0]
    assert len(kernel_axes.texts) == 9 and min(t.get_fontsize() for t in kernel_axes.texts) >= MIN_FONT_PT
    grown = cl.diagrams.draw_conv_matrix(kernel, (7, 7), stride=1, numbers=True)
    assert grown.get_figwidth() > dropped.get_figwidth()
    assert min(t.get_fontsize() for ax in grown.axes for t in ax.texts) >= MIN_FONT_PT
    assert plt.get_fignums() == []


# -- one way to make figures -------------------------------------------------------------------

def _drawings():
    m = {"groups=1": torch.ones(4, 4, dtype=torch.bool), "groups=2": torch.eye(4, dtype=torch.bool)}
    return {
        "show_images": (lambda ax: show_images([torch.rand(1, 3, 8, 8), torch.rand(1, 1, 6, 6)], ["a", "b"],
                                               ax=ax), 2),
        "show_numbers": (lambda ax: show_numbers(ax if ax is None else ax[0], torch.eye(3)), 1),
        "draw_connections": (lambda ax: draw_connections(m, ax=ax), 2),
        "draw_costs": (lambda ax: draw_costs(["a", "b"], [10, 20], [100, 50], ax=ax), 2),
        "draw_sliding": (lambda ax: draw_sliding(2, ax=ax if ax is None else ax[0]), 1),
        "draw_conv": (lambda ax: cl.diagrams.draw_conv(4, 3, ax=ax), 2),
        "draw_conv_matrix": (lambda ax: cl.diagrams.draw_conv_matrix(torch.ones(2, 2), 3, ax=ax), 3),
    }


@pytest.mark.parametrize("name", list(_drawings()))
def test_every_drawing_returns_a_figure_outside_pyplot(name):
    draw, _n = _drawings()[name]
    fig = draw(None)
    assert isinstance(fig, Figure)
    assert fig._repr_png_()[:8] == b"\x89PNG\r\n\x1a\n"
    assert plt.get_fignums() == [], "nothing left in pyplot's registry: shown once, as the cell's value"


@pytest.mark.parametrize("name", list(_drawings()))
def test_every_drawing_draws_into_given_axes(name):
    draw, n = _drawings()[name]
    fig, axes = plt.subplots(1, n, squeeze=False)
    assert draw(list(axes[0])) is fig
    assert plt.get_fignums() == [fig.number], "no figure of its own"
    assert all(ax.has_data() or ax.texts or ax.patches or ax.artists for ax in axes[0])


def test_importing_the_drawing_modules_does_not_import_pyplot():
    import subprocess
    import sys

    code = ("import sys, convlab.gallery, convlab.groups, convlab.sliding, convlab.figures, convlab.matrix_figures; "
            "print('matplotlib.pyplot' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_figure_png_and_axes_or_new():
    ax = figures.axes_or_new(None, 2, 1)
    assert tuple(figures.figure_of(ax).get_size_inches()) == (2, 1)
    with pytest.raises(TypeError):
        figures.axes_or_new("not axes", 1, 1)  # type: ignore[arg-type]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert figures.figure_png(figures.figure_of(ax), dpi=50)[:4] == b"\x89PNG"
    assert np.isclose(figures.cell_size_pt(ax, 1, 1), min(ax.get_position().width * 2, ax.get_position().height) * 72)


# -- every word a figure says has its Chinese -------------------------------------------------------

FIGURE_MODULES = ["diagrams/geometry.py", "diagrams/drawing.py", "diagrams/stepper.py", "figures.py",
                  "matrix_figures.py", "matrix.py", "gallery.py", "groups.py", "sliding.py", "receptive.py",
                  "images.py", "fetch_lena.py"]


def _messages(path) -> set[str]:
    import ast

    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("_", "N_", "ngettext", "figure_text"):
            found |= {a.value for a in node.args[:2] if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    return found


