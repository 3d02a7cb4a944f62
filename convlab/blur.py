"""Blurs that make a kernel visible: layers whose weights are all equal, and a border measure.

A layer whose weights are all the same number averages its window, so on a picture it
is a box blur: the size of the blur shows the size (and spacing) of the kernel.
Lesson 02 uses these to show ``kernel_size``, ``dilation``, ``padding_mode`` and ``groups``.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from .i18n import _


def _equal_weights(layer: nn.Conv2d) -> nn.Conv2d:
    """Give every weight 1 / (taps per output channel): each output is the mean of its window."""
    with torch.no_grad():
        layer.weight.fill_(1.0 / layer.weight[0].numel())
    return layer.requires_grad_(False)


def box_blur(kernel_size: int | tuple[int, int], in_channels: int = 3, **options: Any) -> nn.Conv2d:
    """``nn.Conv2d(in_channels, 1, kernel_size, bias=False, **options)`` with all weights equal: a gray box blur.

    ``options`` are any other ``nn.Conv2d`` arguments (stride, padding, dilation, padding_mode).
    The output is the mean of the window over all input channels; gradients are off.
    """
    return _equal_weights(nn.Conv2d(in_channels, 1, kernel_size, bias=False, **options))


def colour_blur(groups: int, kernel_size: int = 9, channels: int = 3) -> nn.Conv2d:
    """``nn.Conv2d(channels, channels, kernel_size, groups=groups, bias=False)``, every weight equal.

    With ``groups=1`` every output channel averages all input channels (the colours mix
    into one gray picture); with ``groups=channels`` each channel is blurred on its own.
    """
    return _equal_weights(nn.Conv2d(channels, channels, kernel_size, groups=groups, bias=False))


def frame_mean(t: torch.Tensor, width: int = 4) -> torch.Tensor:
    """The mean of the outer ``width``-pixel frame of a map (..., H, W): how dark its border is."""
    h, w = t.shape[-2:]
    if width < 1 or 2 * width >= min(h, w):
        raise ValueError(_("width={width} must be at least 1 and leave an inside in a {h}×{w} map.").format(
            width=width, h=h, w=w))
    inside = t[..., width:-width, width:-width]
    return (t.sum() - inside.sum()) / (t.numel() - inside.numel())
