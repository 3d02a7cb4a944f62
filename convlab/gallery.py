"""Images and feature maps side by side, for the lessons' before/after pictures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from .images import to_display
from .render import box_shrink


def display_array(tensor: torch.Tensor) -> np.ndarray:
    """What ``imshow`` should get for a (1, C, H, W) or (C, H, W) tensor, as a uint8 numpy array.

    Three channels: an (H, W, 3) colour picture, stretched jointly (keeps the colours).
    Any other count: channel 0 as an (H, W) map, min-max stretched (negatives never wrap);
    a constant map is mid-grey (both by :func:`convlab.to_display`).
    """
    t = tensor.detach()
    if t.dim() == 4:
        t = t[0]
    if t.dim() != 3:
        raise ValueError(f"expected a (1, C, H, W) or (C, H, W) tensor, got shape {tuple(tensor.shape)}.")
    if t.shape[0] == 3:
        return to_display(t, per_map=False).permute(1, 2, 0).numpy()
    return to_display(t[0]).numpy()


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
        shown = display_array(box_shrink((t if t.dim() == 4 else t.unsqueeze(0)).detach().float(), max_pixels))
        ax.imshow(shown, cmap="gray", extent=(-0.5, w - 0.5, h - 0.5, -0.5),
                  interpolation="nearest" if w <= 64 else "antialiased")
        ax.set_title(title, fontsize=9)
        ax.axis("off")
        if true_scale:
            ax.set_xlim(-0.5, width - 0.5)
            ax.set_ylim(height - 0.5, -0.5)
    return fig


def write_numbers(ax: Any, matrix: Any, fmt: str = "{:g}", fontsize: float = 8) -> None:
    """Write each value of a small 2-d tensor or array on its cell of an ``imshow`` in ``ax``."""
    values = np.asarray(matrix.detach().cpu() if isinstance(matrix, torch.Tensor) else matrix)
    if values.ndim != 2:
        raise ValueError(f"write_numbers needs a 2-d matrix, got shape {values.shape}.")
    for (row, col), value in np.ndenumerate(values):
        ax.text(col, row, fmt.format(value), ha="center", va="center", fontsize=fontsize)


def show_numbers(ax: Any, matrix: Any, title: str = "", fmt: str = "{:g}", cmap: str = "Blues",
                 fontsize: float = 8) -> None:
    """A small matrix as a heatmap in ``ax`` with its numbers written in and no ticks."""
    values = np.asarray(matrix.detach().cpu() if isinstance(matrix, torch.Tensor) else matrix)
    ax.imshow(values, cmap=cmap)
    write_numbers(ax, values, fmt, fontsize)
    ax.set_title(title, fontsize=10)
    ax.set(xticks=[], yticks=[])
