"""Images and feature maps side by side, for the lessons' before/after pictures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from .images import to_display


def display_array(tensor: torch.Tensor) -> torch.Tensor:
    """What ``imshow`` should get for a (1, C, H, W) or (C, H, W) tensor.

    Three channels: an (H, W, 3) uint8 colour picture, stretched jointly (keeps the colours).
    Any other count: channel 0 as an (H, W) uint8 map, min-max stretched (negatives never wrap).
    """
    t = tensor.detach()
    if t.dim() == 4:
        t = t[0]
    if t.dim() != 3:
        raise ValueError(f"expected a (1, C, H, W) or (C, H, W) tensor, got shape {tuple(tensor.shape)}.")
    if t.shape[0] == 3:
        return to_display(t, per_map=False).permute(1, 2, 0)
    return to_display(t[0])


def shrink_for_display(tensor: torch.Tensor, max_pixels: int) -> torch.Tensor:
    """Average-pool a (1, C, H, W) tensor by a whole factor so its longer side is at most about ``max_pixels``.

    A screen shows a panel a few hundred pixels wide; drawing fewer pixels is faster and looks the same.
    """
    factor = max(1, max(tensor.shape[-2:]) // max_pixels)
    return F.avg_pool2d(tensor.detach().float(), factor, ceil_mode=True) if factor > 1 else tensor.detach()


def show_images(
    tensors: Sequence[torch.Tensor],
    titles: Sequence[str],
    *,
    true_scale: bool = False,
    size: float = 3.2,
    max_pixels: int = 256,
) -> Any:
    """One row of pictures with titles; returns the matplotlib Figure.

    ``true_scale=True`` draws every picture at the same pixels-per-inch, so a 128×128
    output looks a quarter as wide as a 512×512 input. Pictures bigger than
    ``max_pixels`` a side are shrunk for display only (axes stay in input pixels).
    """
    import matplotlib.pyplot as plt

    if len(tensors) != len(titles):
        raise ValueError(f"{len(tensors)} pictures but {len(titles)} titles.")
    fig, axes = plt.subplots(1, len(tensors), figsize=(size * len(tensors), size + 0.5), squeeze=False)
    height = max(t.shape[-2] for t in tensors)
    width = max(t.shape[-1] for t in tensors)
    for ax, t, title in zip(axes[0], tensors, titles, strict=True):
        h, w = t.shape[-2:]
        shown = display_array(shrink_for_display(t if t.dim() == 4 else t.unsqueeze(0), max_pixels))
        ax.imshow(shown.numpy(), cmap="gray", extent=(-0.5, w - 0.5, h - 0.5, -0.5),
                  interpolation="nearest" if w <= 64 else "antialiased")
        ax.set_title(title, fontsize=9)
        ax.axis("off")
        if true_scale:
            ax.set_xlim(-0.5, width - 0.5)
            ax.set_ylim(height - 0.5, -0.5)
    return fig
