"""convlab.activations: autograd derivatives, Φ, the dying ReLU, the plots."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from convlab.activations import (  # noqa: E402
    dead_unit_weight_grad,
    normal_cdf,
    plot_activations,
    plot_with_derivative,
    slopes_on_negatives,
    value_and_grad,
)


def test_value_and_grad_of_sigmoid_matches_its_formula() -> None:
    values, grads = value_and_grad(nn.Sigmoid(), [-2.0, 0.0, 3.0])
    expected = torch.sigmoid(torch.tensor([-2.0, 0.0, 3.0]))
    assert torch.allclose(values, expected)
    assert torch.allclose(grads, expected * (1 - expected))
    assert not values.requires_grad


def test_value_and_grad_of_a_square() -> None:
    values, grads = value_and_grad(lambda t: t**2, [1, -3])
    assert values.tolist() == [1.0, 9.0] and grads.tolist() == [2.0, -6.0]


def test_normal_cdf() -> None:
    assert normal_cdf(0.0) == 0.5
    assert abs(normal_cdf(1.0) - 0.8413447) < 1e-6
    assert abs(normal_cdf(-1.0) + normal_cdf(1.0) - 1) < 1e-12
    assert abs(nn.GELU()(torch.tensor(1.0)).item() - normal_cdf(1.0)) < 1e-6
    assert math.isclose(normal_cdf(-8.0), 0.0, abs_tol=1e-12)


def test_a_relu_unit_with_a_very_negative_bias_is_dead_a_leaky_one_is_not() -> None:
    out, grad = dead_unit_weight_grad(nn.ReLU())
    assert out.shape == (256, 1) and grad.shape == (1, 4)
    assert (out == 0).all() and (grad == 0).all()
    out, grad = dead_unit_weight_grad(nn.LeakyReLU())
    assert (out < 0).all() and (grad != 0).all()
    out, grad = dead_unit_weight_grad(nn.ReLU(), bias=10.0)
    assert (out > 0).all() and (grad != 0).all()


def test_slopes_on_negatives() -> None:
    x = torch.tensor([-2.0, 1.0, -0.5])
    assert torch.allclose(slopes_on_negatives(nn.LeakyReLU(0.3), x), torch.tensor([0.3, 0.3]))
    slopes = slopes_on_negatives(nn.RReLU(0.1, 0.3).train(), -torch.rand(1000) - 0.1)
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3 and slopes.std() > 0.03


def test_plots_draw_the_function_and_its_derivative() -> None:
    fig, axes = plt.subplots(1, 2)
    try:
        plot_activations(axes, {"ReLU": nn.ReLU(), "Tanh": nn.Tanh()})
        relu_lines = axes[0].get_lines()
        x, y = relu_lines[0].get_data()
        _, dy = relu_lines[1].get_data()
        assert len(x) == 401 and y.max() == 5.0 and set(dy.tolist()) == {0.0, 1.0}
        assert axes[1].get_title() == "Tanh" and axes[0].get_legend() is not None
    finally:
        plt.close(fig)
    fig, ax = plt.subplots()
    try:
        with pytest.raises(ValueError):
            plot_activations([ax], {"a": nn.ReLU(), "b": nn.Tanh()})
        plot_with_derivative(ax, nn.Sigmoid(), "s", lo=-1, hi=1, n=5)
        assert ax.get_lines()[0].get_data()[0].tolist() == [-1.0, -0.5, 0.0, 0.5, 1.0]
    finally:
        plt.close(fig)
