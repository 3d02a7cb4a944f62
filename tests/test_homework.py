"""The seed course's homework helpers (lesson 04) and the numbers lesson 04 states about them."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from convlab.homework import homework_conv3d, homework_input, homework_layer


def test_invented_input_has_channel_c_equal_to_c_plus_1() -> None:
    x = homework_input()
    assert x.shape == (1, 3, 5, 5)
    for c in range(3):
        assert torch.all(x[0, c] == c + 1)


def test_homework_layer_has_an_all_ones_and_an_all_twos_kernel_and_no_bias() -> None:
    for padding in (0, 1):
        conv = homework_layer(padding)
        assert isinstance(conv, nn.Conv2d) and conv.padding == (padding, padding)
        assert conv.weight.shape == (2, 3, 3, 3)
        assert torch.all(conv.weight[0] == 1) and torch.all(conv.weight[1] == 2)
        assert torch.all(conv.bias == 0)
        assert conv.stride == (1, 1) and conv.dilation == (1, 1)


def test_homework_1_values_by_hand() -> None:
    x = homework_input()
    valid = homework_layer(0)(x).detach()
    assert valid.shape == (1, 2, 3, 3)
    assert torch.all(valid[0, 0] == 54) and torch.all(valid[0, 1] == 108)
    padded = homework_layer(1)(x).detach()
    assert padded.shape == (1, 2, 5, 5)
    ones = padded[0, 0]
    assert ones[0, 0] == ones[0, 4] == ones[4, 0] == ones[4, 4] == 24  # corners: 4 real pixels a channel
    assert torch.all(ones[0, 1:4] == 36) and torch.all(ones[1:4, 0] == 36)  # edges: 6
    assert torch.all(ones[1:4, 1:4] == 54)  # inside: 9
    assert torch.equal(padded[0, 1], 2 * ones)


def test_homework_conv3d_is_seeded_xavier_and_leaves_the_random_state_alone() -> None:
    torch.manual_seed(123)
    before = torch.rand(3)
    torch.manual_seed(123)
    a = homework_conv3d()
    after = torch.rand(3)
    assert torch.equal(before, after)
    b = homework_conv3d()
    assert torch.equal(a.weight, b.weight) and torch.equal(a.bias, b.bias)
    assert not torch.equal(a.weight, homework_conv3d(seed=3).weight)
    assert isinstance(a, nn.Conv3d) and a.weight.shape == (1, 1, 3, 3, 3) and a.padding == (1, 0, 0)
    # xavier_normal_ replaced PyTorch's default (uniform, bounded by 1/sqrt(fan_in)) weights
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(2)
        default = nn.Conv3d(1, 1, (3, 3, 3), padding=(1, 0, 0))
        nn.init.xavier_normal_(default.weight.data)
    assert torch.equal(a.weight, default.weight)


def test_course_code_layer_shape() -> None:
    conv = homework_conv3d(3, (1, 3, 3))
    assert conv.weight.shape == (1, 3, 1, 3, 3)


def test_real_3x3x3_on_colour_planes_as_depth() -> None:
    img = torch.rand(1, 3, 12, 10, generator=torch.Generator().manual_seed(0))
    conv = homework_conv3d()
    out = conv(img.unsqueeze(dim=1)).detach()
    assert out.shape == (1, 1, 3, 10, 8)
    w, b = conv.weight[0, 0], conv.bias
    # the middle depth slice sees R, G, B: a Conv2d(3, 1, 3) with the kernel's depth as channels
    assert torch.allclose(out[:, :, 1], F.conv2d(img, w[None], b), atol=1e-6)
    # the first sees (zero, R, G): kernel depth slices 1 and 2 on channels 0 and 1
    assert torch.allclose(out[:, :, 0], F.conv2d(img[:, :2], w[None, 1:], b), atol=1e-6)
    assert torch.allclose(out[:, :, 2], F.conv2d(img[:, 1:], w[None, :2], b), atol=1e-6)
