"""convlab.linear: the y = W x + b picture, numbers readable on every cell."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from convlab.linear import draw_linear_product  # noqa: E402


def test_every_number_contrasts_with_its_cell() -> None:
    """Each number's colour is the course's one rule (figures.text_colour_on) applied to its cell."""
    from matplotlib.colors import Normalize

    from convlab.figures import relative_luminance, text_colour_on

    weight = torch.linspace(-2.0, 2.0, 12).reshape(2, 6)
    fig = draw_linear_product(weight, torch.zeros(6), torch.zeros(2), torch.zeros(2))
    try:
        cmap, norm = plt.get_cmap("coolwarm"), Normalize(-2.0, 2.0)
        for text, value in zip(fig.axes[0].texts, weight.flatten().tolist(), strict=True):
            cell = cmap(norm(value))
            assert text.get_color() == text_colour_on(cell)
            lum = relative_luminance(cell)
            text_lum = 0.0 if text.get_color() == "black" else 1.0
            contrast = (max(lum, text_lum) + 0.05) / (min(lum, text_lum) + 0.05)
            assert contrast >= 4.5, (value, text.get_color(), contrast)   # WCAG AA for normal text
    finally:
        plt.close(fig)


def test_draw_linear_product_writes_every_number() -> None:
    lin = nn.Linear(6, 4)
    x = torch.randn(6)
    y = lin(x)
    fig = draw_linear_product(lin.weight, x, lin.bias, y)
    try:
        axes = fig.axes
        assert len(axes) == 4
        assert [len(ax.texts) for ax in axes] == [24, 6, 4, 4]
        assert axes[0].get_title() == "W (4 × 6)" and axes[3].get_title() == "y (4)"
        assert [t.get_text() for t in axes[3].texts] == [f"{v:.2f}" for v in y.tolist()]
        assert {t.get_color() for t in axes[0].texts} <= {"black", "white"}
    finally:
        plt.close(fig)


def test_numbers_on_the_darkest_cells_are_white_and_on_the_palest_black() -> None:
    weight = torch.tensor([[-2.0, 0.0, 2.0]])
    fig = draw_linear_product(weight, torch.zeros(3), torch.zeros(1), torch.zeros(1))
    try:
        assert [t.get_color() for t in fig.axes[0].texts] == ["white", "black", "white"]
    finally:
        plt.close(fig)


def test_draw_linear_product_refuses_mismatched_shapes() -> None:
    with pytest.raises(ValueError):
        draw_linear_product(torch.zeros(4, 6), torch.zeros(5), torch.zeros(4), torch.zeros(4))
