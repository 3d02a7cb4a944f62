"""Grouped, depthwise and depthwise-separable convolutions seen as ordinary ones.

A grouped convolution is an ordinary convolution whose (out × in) channel-connection
matrix is block-diagonal; a depthwise-separable one is an ordinary convolution whose
kernel is an outer product. These helpers build those ordinary weights so a lesson can
check the claims against ``F.conv2d`` and draw them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import torch

from .arithmetic import check_channels
from .figures import figure_of, subplots
from .i18n import _, figure_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def dense_weight(weight: torch.Tensor, groups: int) -> torch.Tensor:
    """The (out, in, *k) weight of the ordinary convolution equal to a grouped one.

    ``weight`` is a Conv weight of shape (out, in/groups, *k). Output channels of group
    ``g`` keep their weights on input channels of group ``g``; every other entry is 0, so
    ``F.conv2d(x, dense_weight(w, g)) == F.conv2d(x, w, groups=g)``.
    """
    out_channels, in_per_group = weight.shape[:2]
    check_channels(in_per_group * groups, out_channels, groups)
    out_per_group = out_channels // groups
    dense = weight.new_zeros((out_channels, in_per_group * groups, *weight.shape[2:]))
    for g in range(groups):
        rows = slice(g * out_per_group, (g + 1) * out_per_group)
        cols = slice(g * in_per_group, (g + 1) * in_per_group)
        dense[rows, cols] = weight[rows]
    return dense


def connections(weight: torch.Tensor, groups: int) -> torch.Tensor:
    """Bool (out, in) matrix: True where an output channel has weights on an input channel."""
    return dense_weight(weight, groups).flatten(2).ne(0).any(dim=2)


def separable_weight(depthwise: torch.Tensor, pointwise: torch.Tensor) -> torch.Tensor:
    """The (out, in, *k) weight of one ordinary convolution equal to depthwise then 1×1 pointwise.

    ``depthwise``: (in, 1, *k), the weight of ``Conv2d(in, in, k, groups=in)``;
    ``pointwise``: (out, in, 1, 1), the weight of ``Conv2d(in, out, 1)``. The result is
    ``W[o, i] = pointwise[o, i] * depthwise[i]``: every kernel slice is a scaled copy of
    its channel's depthwise kernel (biases not included).
    """
    if depthwise.shape[1] != 1 or pointwise.shape[1] != depthwise.shape[0]:
        raise ValueError(_(
            "depthwise weight {d} must be (in, 1, kH, kW) and pointwise {p} must be (out, in, 1, 1) with the same in."
        ).format(d=tuple(depthwise.shape), p=tuple(pointwise.shape)))
    p = pointwise.flatten(1)  # (out, in)
    d = depthwise[:, 0]  # (in, *k)
    return p.reshape(*p.shape, *([1] * (d.dim() - 1))) * d.unsqueeze(0)


def _axes_row(ax: Sequence[Axes] | None, n: int, width: float, height: float) -> tuple[Figure, list[Axes]]:
    """The Axes to draw ``n`` panels into: those given, or a row on a new Figure."""
    if ax is None:
        fig, grid = subplots(n, width=width, height=height)
        return fig, list(grid[0])
    axes = list(ax)
    if len(axes) != n:
        raise ValueError(_("{n} panels need {n} Axes, got {m}.").format(n=n, m=len(axes)))
    return figure_of(axes[0]), axes


def draw_connections(matrices: Mapping[str, torch.Tensor], *, cmap: str = "Greens",
                     ax: Sequence[Axes] | None = None) -> Figure:
    """One panel per (out × in) connection matrix, titled by its key; filled cell = connected.

    ``ax``: one Axes per matrix to draw into; None makes a new Figure. Returns the Figure.
    """
    fig, axes = _axes_row(ax, len(matrices), 3.1 * len(matrices), 3.4)
    for a, (title, m) in zip(axes, matrices.items(), strict=True):
        n_out, n_in = m.shape
        a.imshow(m.float().numpy(), cmap=cmap, vmin=0, vmax=1.25)
        a.set_xticks(range(n_in))
        a.set_yticks(range(n_out))
        a.set_xticks([i - 0.5 for i in range(1, n_in)], minor=True)
        a.set_yticks([i - 0.5 for i in range(1, n_out)], minor=True)
        a.grid(which="minor", color="white", linewidth=1.5)
        a.tick_params(which="both", length=0, labelsize=8)
        connected = figure_text("{n} of {total} connected").format(n=int(m.sum()), total=m.numel())
        a.set_title(f"{title}\n{connected}", fontsize=10)
        a.set_xlabel(figure_text("input channel"))
    axes[0].set_ylabel(figure_text("output channel"))
    if ax is None:
        fig.tight_layout()
    return fig


def draw_costs(names: Sequence[str], parameters: Sequence[int], macs: Sequence[int], *,
               ax: Sequence[Axes] | None = None) -> Figure:
    """Two bar charts side by side, parameters and multiply-accumulates, numbers on the bars.

    ``ax``: a pair of Axes to draw into; None makes a new Figure. Returns the Figure.
    """
    fig, axes = _axes_row(ax, 2, 11, 3.6)
    for a, values, label in ((axes[0], parameters, figure_text("parameters")), (axes[1], macs, figure_text("multiply-accumulates"))):
        bars = a.bar(range(len(names)), values, color=["#4c72b0"] + ["#55a868"] * (len(names) - 1))
        a.bar_label(bars, labels=[f"{v:,}" for v in values], fontsize=8)
        a.set_xticks(range(len(names)), names, fontsize=8)
        a.set_title(label)
        a.set_ylim(0, max(values) * 1.15)
        a.ticklabel_format(axis="y", style="sci", scilimits=(0, 3))
    if ax is None:
        fig.tight_layout()
    return fig
