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

if TYPE_CHECKING:
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
        raise ValueError(
            f"depthwise weight {tuple(depthwise.shape)} must be (in, 1, kH, kW) and pointwise "
            f"{tuple(pointwise.shape)} must be (out, in, 1, 1) with the same in."
        )
    p = pointwise.flatten(1)  # (out, in)
    d = depthwise[:, 0]  # (in, *k)
    return p.reshape(*p.shape, *([1] * (d.dim() - 1))) * d.unsqueeze(0)


def draw_connections(matrices: Mapping[str, torch.Tensor], *, cmap: str = "Greens") -> Figure:
    """One panel per (out × in) connection matrix, titled by its key; filled cell = connected."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(matrices), figsize=(3.1 * len(matrices), 3.4), squeeze=False)
    for ax, (title, m) in zip(axes[0], matrices.items(), strict=True):
        n_out, n_in = m.shape
        ax.imshow(m.float().numpy(), cmap=cmap, vmin=0, vmax=1.25)
        ax.set_xticks(range(n_in))
        ax.set_yticks(range(n_out))
        ax.set_xticks([i - 0.5 for i in range(1, n_in)], minor=True)
        ax.set_yticks([i - 0.5 for i in range(1, n_out)], minor=True)
        ax.grid(which="minor", color="white", linewidth=1.5)
        ax.tick_params(which="both", length=0, labelsize=7)
        ax.set_title(f"{title}\n{int(m.sum())} of {m.numel()} connected", fontsize=10)
        ax.set_xlabel("input channel")
    axes[0][0].set_ylabel("output channel")
    fig.tight_layout()
    return fig


def draw_costs(names: Sequence[str], parameters: Sequence[int], macs: Sequence[int]) -> Figure:
    """Two bar charts side by side, parameters and multiply-accumulates, numbers on the bars."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
    for ax, values, label in ((axes[0], parameters, "parameters"), (axes[1], macs, "multiply-accumulates")):
        bars = ax.bar(range(len(names)), values, color=["#4c72b0"] + ["#55a868"] * (len(names) - 1))
        ax.bar_label(bars, labels=[f"{v:,}" for v in values], fontsize=8)
        ax.set_xticks(range(len(names)), names, fontsize=8)
        ax.set_title(label)
        ax.set_ylim(0, max(values) * 1.15)
        ax.ticklabel_format(axis="y", style="sci", scilimits=(0, 3))
    fig.tight_layout()
    return fig
