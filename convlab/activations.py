"""Activation helpers of lesson 08: values and derivatives by autograd, the plots of
an activation beside its derivative, and the dying-ReLU experiment."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import torch
from torch import nn

from .i18n import _

Activation = Callable[[torch.Tensor], torch.Tensor]


def value_and_grad(act: Activation, points: Sequence[float]) -> tuple[torch.Tensor, torch.Tensor]:
    """``act`` and its derivative at each of ``points``, the derivative computed by autograd."""
    t = torch.tensor([float(p) for p in points], requires_grad=True)
    values = act(t)
    (grad,) = torch.autograd.grad(values.sum(), t)
    return values.detach(), grad


def normal_cdf(v: float) -> float:
    """Φ(v), the standard normal distribution's CDF (GELU(x) = x·Φ(x))."""
    return 0.5 * (1.0 + math.erf(v / math.sqrt(2.0)))


def dead_unit_weight_grad(act: Activation, bias: float = -10.0, n_inputs: int = 256,
                          seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """One unit ``act(Linear(4, 1))`` with its bias pushed to ``bias``, fed ``n_inputs`` random inputs.

    Returns its outputs (n_inputs, 1) and the gradient of their sum with respect to the
    unit's weight (1, 4): all zero for a dead ReLU, not for a LeakyReLU.
    """
    generator = torch.Generator().manual_seed(seed)
    unit = nn.Linear(4, 1)
    with torch.no_grad():
        unit.weight.copy_(torch.randn(1, 4, generator=generator) * 0.5)
        unit.bias.fill_(bias)
    inputs = torch.randn(n_inputs, 4, generator=generator)
    out = act(unit(inputs))
    out.sum().backward()
    assert unit.weight.grad is not None
    return out.detach(), unit.weight.grad.detach()


def plot_with_derivative(ax: Any, act: Activation, title: str = "", lo: float = -5.0, hi: float = 5.0,
                         n: int = 401, ylim: tuple[float, float] = (-1.6, 2.6)) -> None:
    """Plot ``act`` (solid) and its autograd derivative (dashed) on [lo, hi] in ``ax``."""
    xs = torch.linspace(lo, hi, n, requires_grad=True)
    ys = act(xs)
    (grad,) = torch.autograd.grad(ys.sum(), xs)
    ax.plot(xs.detach(), ys.detach(), label="f(x)")
    ax.plot(xs.detach(), grad, "--", label="f'(x)")
    ax.axhline(0, color="gray", lw=0.5)
    ax.axvline(0, color="gray", lw=0.5)
    ax.set_title(title)
    ax.set_ylim(*ylim)


def plot_activations(axes: Any, activations: Mapping[str, Activation], **kwargs: Any) -> None:
    """One :func:`plot_with_derivative` panel per named activation, a legend on the first."""
    axes = list(getattr(axes, "flat", axes))
    if len(axes) < len(activations):
        raise ValueError(_("{n} activations need {n} panels; got {m}.").format(n=len(activations), m=len(axes)))
    for ax, (name, act) in zip(axes, activations.items(), strict=False):
        plot_with_derivative(ax, act, name, **kwargs)
    axes[0].legend()


def slopes_on_negatives(act: Activation, x: torch.Tensor) -> torch.Tensor:
    """``act(x) / x`` for the negative entries of ``x``: the slope each one was multiplied by."""
    negative = x[x < 0]
    with torch.no_grad():
        return act(negative) / negative
