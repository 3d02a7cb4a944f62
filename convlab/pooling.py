"""Pooling and unpooling helpers of lesson 08: RGB pictures, the unpooling zoom, and
what ``nn.MaxUnpool2d`` does when it is not told the size to rebuild."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from .i18n import _
from .images import to_display


def show_rgb(ax: Any, image: torch.Tensor, title: str = "", zoom: tuple[slice, slice] | None = None,
             grid: int = 0) -> None:
    """Draw one RGB image, (1, 3, H, W) or (3, H, W), in ``ax``, colours scaled jointly.

    ``zoom=(rows, cols)`` shows only that patch, pixel by pixel; ``grid=k`` outlines the
    k×k blocks of the patch (a pooling's windows) in white.
    """
    picture = image.detach()
    if picture.dim() == 4:
        if picture.shape[0] != 1:
            raise ValueError(_("show_rgb draws one image; got a batch of {n}.").format(n=picture.shape[0]))
        picture = picture[0]
    if picture.dim() != 3 or picture.shape[0] != 3:
        raise ValueError(_("show_rgb needs an RGB image (3, H, W); got shape {shape}.").format(
            shape=tuple(image.shape)))
    if zoom is not None:
        picture = picture[:, zoom[0], zoom[1]]
    ax.imshow(to_display(picture, per_map=False).permute(1, 2, 0).numpy(), interpolation="nearest")
    ax.set_title(title)
    if grid:
        height, width = picture.shape[-2:]
        ax.set_xticks([b - 0.5 for b in range(0, width, grid)])
        ax.set_yticks([b - 0.5 for b in range(0, height, grid)])
        ax.grid(color="white", lw=0.6)
        ax.tick_params(labelleft=False, labelbottom=False, length=0)
    else:
        ax.axis("off")


def lit_pixels_per_block(unpooled: torch.Tensor, block: int) -> torch.Tensor:
    """How many pixels of each ``block``×``block`` block are non-zero in any channel.

    ``unpooled`` is (1, C, H, W) with H and W multiples of ``block``; the result is
    (H/block, W/block). After a max pooling and a MaxUnpool2d each channel lights at most
    one pixel per block, so each count is at most C.
    """
    if unpooled.dim() != 4 or unpooled.shape[0] != 1:
        raise ValueError(_("lit_pixels_per_block needs one image (1, C, H, W); got shape {shape}.").format(
            shape=tuple(unpooled.shape)))
    height, width = unpooled.shape[-2:]
    if height % block or width % block:
        raise ValueError(_("The image size {h}×{w} is not a multiple of the block {b}.").format(
            h=height, w=width, b=block))
    lit = (unpooled[0] != 0).any(dim=0).to(torch.int64)
    return lit.reshape(height // block, block, width // block, block).sum(dim=(1, 3))


@dataclass(frozen=True)
class UnpoolOutcomes:
    """What ``MaxUnpool2d`` without ``output_size`` did to ``trials`` random inputs."""

    trials: int
    raised: int
    """PyTorch refused: an index pointed past the end of the size it guessed."""
    scrambled: int
    """No error, but values landed in other places than the maxima came from."""
    right: int
    """No error and every value at its place (only possible when the guess is right)."""

    @property
    def scrambled_share(self) -> float:
        """The share of inputs scrambled without a word."""
        return self.scrambled / self.trials


def unpool_without_size(size: int = 7, kernel_size: int = 2, trials: int = 2000, channels: int = 1,
                        seed: int = 0) -> UnpoolOutcomes:
    """Max-pool ``trials`` random ``size``×``size`` inputs, unpool without ``output_size``, count outcomes.

    An unpooled value is in its right place when it sits where ``MaxUnpool2d`` with the
    right ``output_size`` puts it (compared on the part both outputs share).
    """
    generator = torch.Generator().manual_seed(seed)
    pool = nn.MaxPool2d(kernel_size, return_indices=True)
    unpool = nn.MaxUnpool2d(kernel_size)
    raised = scrambled = right = 0
    for _trial in range(trials):
        x = torch.rand(1, channels, size, size, generator=generator)
        pooled, indices = pool(x)
        try:
            guessed = unpool(pooled, indices)
        except RuntimeError:
            raised += 1
            continue
        wanted = unpool(pooled, indices, output_size=x.shape)
        rows, cols = guessed.shape[-2:]
        same = torch.equal(guessed, wanted[..., :rows, :cols]) and torch.count_nonzero(wanted[..., rows:, :]) == 0 \
            and torch.count_nonzero(wanted[..., :, cols:]) == 0
        if same:
            right += 1
        else:
            scrambled += 1
    return UnpoolOutcomes(trials=trials, raised=raised, scrambled=scrambled, right=right)
