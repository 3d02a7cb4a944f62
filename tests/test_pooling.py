"""convlab.pooling: the RGB picture, the lit pixels per block, and MaxUnpool2d without output_size."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from convlab.pooling import lit_pixels_per_block, show_rgb, unpool_without_size  # noqa: E402


def test_show_rgb_draws_the_image_and_the_zoomed_patch_pixel_by_pixel() -> None:
    image = torch.rand(1, 3, 16, 12)
    fig, (full, zoom) = plt.subplots(1, 2)
    try:
        show_rgb(full, image, "full")
        show_rgb(zoom, image, "zoom", zoom=(slice(4, 12), slice(0, 8)), grid=4)
        assert full.images[0].get_array().shape == (16, 12, 3)
        assert zoom.images[0].get_array().shape == (8, 8, 3)
        assert list(zoom.get_xticks()) == [-0.5, 3.5] and full.get_title() == "full"
        assert not full.axison and zoom.axison
    finally:
        plt.close(fig)


@pytest.mark.parametrize("bad", [torch.rand(2, 3, 4, 4), torch.rand(1, 1, 4, 4), torch.rand(4, 4)])
def test_show_rgb_refuses_what_is_not_one_rgb_image(bad) -> None:
    fig, ax = plt.subplots()
    try:
        with pytest.raises(ValueError):
            show_rgb(ax, bad)
    finally:
        plt.close(fig)


def test_lit_pixels_per_block_counts_one_pixel_per_channel_at_most() -> None:
    unpooled = torch.zeros(1, 3, 4, 4)
    unpooled[0, 0, 0, 0] = unpooled[0, 1, 0, 0] = unpooled[0, 2, 1, 1] = 1.0  # block (0, 0): two pixels
    unpooled[0, :, 3, 3] = 0.5  # block (1, 1): all three channels on one pixel
    counts = lit_pixels_per_block(unpooled, 2)
    assert counts.tolist() == [[2, 0], [0, 1]]

    image = torch.rand(1, 3, 8, 8)
    pooled, indices = nn.MaxPool2d(2, return_indices=True)(image)
    counts = lit_pixels_per_block(nn.MaxUnpool2d(2)(pooled, indices), 2)
    assert counts.shape == (4, 4) and counts.min() >= 1 and counts.max() <= 3


def test_lit_pixels_per_block_refuses_a_size_that_is_no_multiple() -> None:
    with pytest.raises(ValueError, match="multiple"):
        lit_pixels_per_block(torch.zeros(1, 3, 6, 6), 4)


def test_unpool_without_size_7x7_scrambles_three_inputs_in_sixteen() -> None:
    # Pooling 7 -> 3, the unpooler guesses 6. Only an index in row 5, column >= 1 (flat >= 36) is out of range:
    # no error needs all three bottom windows to peak elsewhere: 3/4 * 1/2 * 1/2 = 3/16.
    outcomes = unpool_without_size(size=7, trials=2000)
    assert outcomes.raised + outcomes.scrambled + outcomes.right == 2000
    assert outcomes.right == 0
    assert abs(outcomes.scrambled_share - 3 / 16) < 0.03


def test_unpool_without_size_is_right_when_the_guess_is_right() -> None:
    outcomes = unpool_without_size(size=8, trials=100)
    assert outcomes.right == 100 and outcomes.raised == outcomes.scrambled == 0


def test_unpool_without_size_more_channels_raise_more_often() -> None:
    # Every channel must stay in range for no error: (3/16)**3 is under 1 %.
    outcomes = unpool_without_size(size=7, trials=400, channels=3)
    assert outcomes.scrambled_share < 0.03 and outcomes.raised > 380
