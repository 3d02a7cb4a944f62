"""The kernel-sliding sketches of lesson 01 draw what they claim."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

import convlab as cl  # noqa: E402
from convlab.sliding import KERNEL_COLOUR, OUTPUT_COLOUR, draw_sliding  # noqa: E402


def _rects(fig):
    return [p for p in fig.axes[0].patches if isinstance(p, Rectangle)]


def _is(colour, rgba):
    return matplotlib.colors.to_hex(rgba[:3]) == matplotlib.colors.to_hex(colour)


@pytest.mark.parametrize("ndim", [1, 2, 3])
@pytest.mark.parametrize("size,k", [(6, 3), (7, 2), (9, 5)])
def test_output_cells_match_the_output_size(ndim, size, k):
    fig = draw_sliding(ndim, size=size, kernel_size=k, position=0)
    out = cl.conv_output_size(size, k)
    depth = size - 2 if ndim == 3 else 1
    want = out ** ndim if ndim < 3 else (depth - k + 1) * out * out
    cells = [r for r in _rects(fig) if r.fill and _is(OUTPUT_COLOUR, r.get_facecolor())]
    assert len(cells) == want
    plt.close(fig)


@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_kernel_outline_covers_k_cells_per_axis(ndim):
    fig = draw_sliding(ndim, size=7, kernel_size=3, position=2)
    outlines = [r for r in _rects(fig) if not r.fill]
    assert len(outlines) == (3 if ndim == 3 else 1)  # one outline per depth slice the kernel spans
    for r in outlines:
        assert r.get_width() == 3 and r.get_height() == (1 if ndim == 1 else 3)
    hits = [r for r in _rects(fig) if r.fill and _is(KERNEL_COLOUR, r.get_facecolor())]
    assert len(hits) == 1
    plt.close(fig)


def test_title_names_the_number_of_sliding_axes():
    for ndim in (1, 2, 3):
        fig = draw_sliding(ndim)
        assert f"slides along {ndim} ax" in fig.axes[0].get_title()
        plt.close(fig)


@pytest.mark.parametrize("kwargs", [{"ndim": 4}, {"ndim": 0}, {"ndim": 2, "position": 4}, {"ndim": 1, "position": -1}])
def test_refuses_what_it_cannot_draw(kwargs):
    with pytest.raises(ValueError):
        draw_sliding(**kwargs)
