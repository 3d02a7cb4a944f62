"""convlab.blur: equal-weight layers are box blurs; frame_mean measures a border."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from convlab.blur import box_blur, colour_blur, frame_mean

pytestmark = pytest.mark.usefixtures("one_thread")


def test_box_blur_is_the_window_mean_over_all_channels() -> None:
    x = torch.rand(1, 3, 12, 10, generator=torch.Generator().manual_seed(0))
    out = box_blur(3)(x)
    assert out.shape == (1, 1, 10, 8)
    expected = F.avg_pool2d(x.mean(dim=1, keepdim=True), 3, stride=1)
    assert torch.allclose(out, expected, atol=1e-6)
    assert not out.requires_grad


def test_box_blur_takes_rectangles_and_layer_options() -> None:
    x = torch.ones(1, 3, 16, 16)
    assert box_blur((1, 5))(x).shape == (1, 1, 16, 12)
    dilated = box_blur(3, dilation=4)
    assert dilated.dilation == (4, 4) and dilated(x).shape == (1, 1, 8, 8)
    same = box_blur(5, padding=2, padding_mode="replicate")(x)
    assert same.shape == (1, 1, 16, 16) and torch.allclose(same, torch.ones_like(same))  # a flat image stays flat
    assert box_blur(3, in_channels=1)(torch.ones(1, 1, 5, 5)).shape == (1, 1, 3, 3)


def test_zero_padding_darkens_the_border_of_a_flat_image() -> None:
    out = box_blur(5, padding=2)(torch.ones(1, 3, 10, 10))
    assert torch.allclose(out[..., 2:-2, 2:-2], torch.ones(1, 1, 6, 6))
    assert out[0, 0, 0, 0] == pytest.approx(9 / 25)


def test_colour_blur_mixes_channels_only_without_groups() -> None:
    x = torch.rand(1, 3, 11, 11, generator=torch.Generator().manual_seed(1))
    mixed, alone = colour_blur(1)(x), colour_blur(3)(x)
    assert mixed.shape == alone.shape == (1, 3, 3, 3)
    gray = F.avg_pool2d(x.mean(dim=1, keepdim=True), 9, stride=1)
    assert torch.allclose(mixed, gray.expand_as(mixed), atol=1e-6)
    assert torch.allclose(alone, F.avg_pool2d(x, 9, stride=1), atol=1e-6)
    assert colour_blur(2, kernel_size=3, channels=4).weight.shape == (4, 2, 3, 3)


def test_frame_mean_reads_only_the_frame() -> None:
    t = torch.zeros(1, 1, 10, 10)
    t[..., :2, :] = 1.0           # the top two rows
    # frame of width 2: 100 - 36 = 64 pixels, 20 of them lit
    assert float(frame_mean(t, width=2)) == pytest.approx(20 / 64)
    t[..., 2:-2, 2:-2] = 5.0      # the inside does not count
    assert float(frame_mean(t, width=2)) == pytest.approx(20 / 64)
    with pytest.raises(ValueError):
        frame_mean(t, width=5)
