"""Fast image encoding for the live labs: tensors to PNG bytes no bigger than a screen needs."""

from __future__ import annotations

import io
import math

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from .images import to_display


def box_shrink(maps: torch.Tensor, max_side: int) -> torch.Tensor:
    """Shrink (N, C, H, W) by the smallest whole factor that brings both sides to ``max_side`` or less.

    A whole-number box filter averages every output pixel over the same number of input
    pixels, so a fine pattern (a checkerboard) averages out evenly instead of turning
    into the false stripes that a fractional resize makes.
    """
    factor = math.ceil(max(maps.shape[-2:]) / max_side)
    if factor <= 1:
        return maps
    return F.avg_pool2d(maps, factor, ceil_mode=True)


def png_bytes(array: np.ndarray) -> bytes:
    """PNG-encode a uint8 (H, W) or (H, W, 3) array, favouring speed over size."""
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def jpeg_bytes(array: np.ndarray, quality: int = 92) -> bytes:
    """JPEG-encode a uint8 array: ~10× faster than PNG for a lab's overview picture.

    Exact pixels are the zoom's job (PNG); the overview is already box-filtered.
    """
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def image_png(image: torch.Tensor, max_side: int) -> bytes:
    """PNG of a (1, 3, H, W) image in [0, 1], at most ``max_side`` pixels on a side."""
    small = box_shrink(image.float(), max_side)[0]
    array = (small.clamp(0, 1) * 255).round().to(torch.uint8).permute(1, 2, 0).contiguous().numpy()
    return png_bytes(array)


def grid_columns(n_maps: int) -> int:
    """How many feature maps a row of the lab's grid holds."""
    return min(n_maps, 3)


def _tile_side(n_maps: int, max_side: int, gap: int) -> int:
    cols = grid_columns(n_maps)
    return max(16, (max_side - gap * (cols - 1)) // cols)


def grid_width(n_maps: int, map_hw: tuple[int, int], max_side: int, gap: int = 4) -> int:
    """Width of :func:`feature_maps_jpeg`'s grid in the maps' own pixels (the gaps counted at the same scale).

    The lab draws the grid at the input's scale, so it needs this, not the JPEG's width.
    """
    cols = grid_columns(n_maps)
    factor = max(1, math.ceil(max(map_hw) / _tile_side(n_maps, max_side, gap)))
    return cols * map_hw[1] + (cols - 1) * gap * factor


def feature_maps_jpeg(maps: torch.Tensor, max_side: int, gap: int = 4) -> bytes:
    """JPEG of the feature maps of ``maps[0]``, each scaled on its own, tiled in a grid.

    The grid is at most ``max_side`` pixels wide, so the encoding cost does not grow
    with the layer's output size.
    """
    n = maps.shape[1]
    cols = grid_columns(n)
    rows = math.ceil(n / cols)
    small = box_shrink(maps.float(), _tile_side(n, max_side, gap))
    tiles = to_display(small[0]).numpy()  # (n, h, w) uint8, min-max per map
    h, w = tiles.shape[1:]
    canvas = np.full((rows * h + gap * (rows - 1), cols * w + gap * (cols - 1)), 255, dtype=np.uint8)
    for i in range(n):
        r, c = divmod(i, cols)
        canvas[r * (h + gap) : r * (h + gap) + h, c * (w + gap) : c * (w + gap) + w] = tiles[i]
    return jpeg_bytes(canvas)


def zoom_png(fmap: torch.Tensor, crop: int = 40, scale: int = 4) -> bytes:
    """PNG of the centre ``crop``×``crop`` real pixels of one (H, W) map, each drawn ``scale``× big.

    The patch is stretched to its own min and max, so fine patterns (a transposed
    convolution's checkerboard) show at full contrast.
    """
    h, w = fmap.shape
    top, left = max(0, (h - crop) // 2), max(0, (w - crop) // 2)
    array = to_display(fmap[top : top + crop, left : left + crop]).numpy()
    return png_bytes(np.kron(array, np.ones((scale, scale), dtype=np.uint8)))
