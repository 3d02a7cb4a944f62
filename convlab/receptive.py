"""Receptive fields measured, not computed: which input pixels one output pixel depends on."""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F

from .i18n import _

Layer = Sequence[int]  # (kernel, stride) or (kernel, stride, dilation)


def input_gradient(layers: Sequence[Layer], size: int = 64) -> torch.Tensor:
    """How much each pixel of a size×size input feeds the central output pixel of a conv stack.

    Every layer is a 1-channel ``F.conv2d`` with all-ones weights, so no contribution can
    cancel another: the map is non-zero exactly on the receptive field. Returns (size, size).
    """
    x = torch.zeros(1, 1, size, size, requires_grad=True)
    y = x
    for layer in layers:
        k, s, d = (*layer, 1)[:3]
        y = F.conv2d(y, torch.ones(1, 1, k, k), stride=s, dilation=d)
    y[0, 0, y.shape[-2] // 2, y.shape[-1] // 2].backward()
    grad = x.grad
    assert grad is not None  # x requires grad and y depends on it
    return grad[0, 0].detach()


def measured_receptive_field(layers: Sequence[Layer], size: int = 64) -> int:
    """Side (pixels) of the input square the central output pixel of the stack depends on.

    Raises ValueError when that square touches the input's border, since it might then be cut off:
    give a bigger ``size``.
    """
    grad = input_gradient(layers, size)
    rows = grad.abs().sum(dim=1).nonzero().flatten()
    cols = grad.abs().sum(dim=0).nonzero().flatten()
    if rows.min() == 0 or cols.min() == 0 or rows.max() == size - 1 or cols.max() == size - 1:
        raise ValueError(_("the receptive field reaches the border of a {size}×{size} input: use a bigger size.").format(
            size=size))
    height, width = int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1)
    assert height == width  # square kernels and strides give a square field
    return height
