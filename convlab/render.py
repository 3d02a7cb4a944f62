"""Fast image encoding for the live labs: tensors to display-sized PNG bytes."""

from __future__ import annotations

import io
import math

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from .images import to_display


def shrink(maps: torch.Tensor, max_side: int) -> torch.Tensor:
    """Downsample (N, C, H, W) so its longer side is at most ``max_side`` (area averaging)."""
    h, w = maps.shape[-2:]
    scale = max_side / max(h, w)
    if scale >= 1:
        return maps
    size = (max(1, round(h * scale)), max(1, round(w * scale)))
    return F.interpolate(maps, size=size, mode="area")


def png_bytes(array: np.ndarray) -> bytes:
    """PNG-encode a uint8 (H, W) or (H, W, 3) array, favouring speed over size."""
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def image_png(image: torch.Tensor, max_side: int) -> bytes:
    """PNG of a (1, 3, H, W) image in [0, 1], at most ``max_side`` pixels on a side."""
    small = shrink(image.float(), max_side)[0]
    array = (small.clamp(0, 1) * 255).round().to(torch.uint8).permute(1, 2, 0).contiguous().numpy()
    return png_bytes(array)


def feature_maps_png(maps: torch.Tensor, max_side: int, gap: int = 4) -> bytes:
    """PNG of the feature maps of ``maps[0]``, each scaled on its own, tiled in a grid.

    The grid as a whole is at most ``max_side`` pixels wide, so the encoding cost
    does not grow with the layer's output size.
    """
    n = maps.shape[1]
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    tile = max(16, (max_side - gap * (cols - 1)) // cols)
    small = shrink(maps.float(), tile)
    tiles = to_display(small[0]).numpy()  # (n, h, w) uint8, min-max per map
    h, w = tiles.shape[1:]
    canvas = np.full((rows * h + gap * (rows - 1), cols * w + gap * (cols - 1)), 255, dtype=np.uint8)
    for i in range(n):
        r, c = divmod(i, cols)
        canvas[r * (h + gap) : r * (h + gap) + h, c * (w + gap) : c * (w + gap) + w] = tiles[i]
    return png_bytes(canvas)
