"""Exercises of lesson 05: groups, AlexNet's split, depthwise and depthwise-separable convolution."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..arithmetic import mac_count
from ..i18n import N_
from .bank import CodeExercise, ValueExercise, register


def _grouped_conv2d(X: torch.Tensor, W: torch.Tensor, b: torch.Tensor, groups: int) -> torch.Tensor:
    """nn.Conv2d's grouped convolution (stride 1, no padding): X (N, C, H, W), W (O, C/groups, kh, kw), b (O,)."""
    return F.conv2d(X.double(), W.double(), b.double(), groups=groups).to(X.dtype)


def _grouped_cases(gen: torch.Generator):
    def case(n: int, c: int, o: int, g: int, h: int, w: int, k: int):
        return (torch.randn(n, c, h, w, generator=gen), torch.randn(o, c // g, k, k, generator=gen),
                torch.randn(o, generator=gen), g)

    # fixed ones first: channel c of the input is all c, every weight 1, so each output channel shows its group
    x = torch.arange(4.0).view(1, 4, 1, 1).expand(1, 4, 3, 3).clone()
    yield x, torch.ones(2, 2, 2, 2), torch.zeros(2), 2
    yield x, torch.ones(4, 1, 1, 1), torch.zeros(4), 4      # depthwise, 1×1
    yield x, torch.ones(2, 4, 3, 3), torch.tensor([1.0, -1.0]), 1  # groups=1 is an ordinary conv
    # then random ones: the lesson's layer, AlexNet-like halves, depthwise, a batch of 2, more outputs than inputs
    for n, c, o, g, h, w, k in [(1, 6, 4, 2, 12, 12, 3), (1, 8, 8, 4, 7, 9, 3), (2, 3, 3, 3, 6, 6, 3),
                                (1, 4, 12, 2, 5, 5, 1), (1, 6, 9, 3, 8, 6, 2)]:
        yield case(n, c, o, g, h, w, k)


def _accepted_groups(in_channels: int, out_channels: int, largest: int) -> tuple[int, ...]:
    """The values of groups up to ``largest`` that PyTorch accepts, found by trying each one."""
    accepted = []
    for g in range(1, largest + 1):
        try:
            nn.Conv2d(in_channels, out_channels, 3, groups=g)
        except ValueError:
            continue
        accepted.append(g)
    return tuple(accepted)


def _separable_speedup() -> float:
    standard = mac_count(256, 256, 3, (28, 28), padding=1)
    separable = mac_count(256, 256, 3, (28, 28), padding=1, groups=256) + mac_count(256, 256, 1, (28, 28))
    return round(standard / separable, 1)


register(
    CodeExercise(
        id="05.grouped-conv", lesson="05",
        _prompt=N_("Write grouped_conv2d(X, W, b, groups) without the groups argument of F.conv2d: "
                   "X is (N, C, H, W), W is (O, C/groups, kh, kw), b is (O,). Split X's channels, W and b "
                   "into groups parts, convolve each part with an ordinary F.conv2d (stride 1, no padding), "
                   "and concatenate the results along the channels. It must equal F.conv2d(X, W, b, groups=groups)."),
        _hint=N_("tensor.chunk(groups, dim=1) splits the input's channels; W and b are split along their first "
                 "dimension (the output channels), with dim=0. Join the parts with torch.cat(..., dim=1)."),
        _explanation=N_("Output group j sees only input group j, so the groups can be computed apart and put side "
                        "by side: that is how AlexNet ran its grouped layers on two GPUs."),
        reference=_grouped_conv2d, cases=_grouped_cases, signature="grouped_conv2d(X, W, b, groups)",
    ),
    ValueExercise(
        id="05.weight-shape", lesson="05",
        _prompt=N_("What is the weight shape of nn.Conv2d(12, 24, kernel_size=5, groups=4)? Give a tuple."),
        _hint=N_("One kernel per output channel, as in any Conv2d; but with groups a kernel no longer sees "
                 "all the input channels, only those of its own group."),
        _explanation=N_("24 output channels, each kernel 12/4 = 3 channels deep and 5×5 wide."),
        answer=lambda: tuple(nn.Conv2d(12, 24, kernel_size=5, groups=4).weight.shape),
        mistakes={(24, 12, 5, 5): N_("That is the weight with groups=1: each kernel sees only its own group's "
                                     "channels."),
                  (6, 3, 5, 5): N_("groups divides the kernels' depth, not the number of output channels.")},
    ),
    ValueExercise(
        id="05.alexnet-conv2-shape", lesson="05",
        _prompt=N_("AlexNet's conv2, nn.Conv2d(96, 256, 5, padding=2, groups=2), receives the 96 maps of 27×27 "
                   "pixels that come out of conv1 and its pooling. What output shape does it give for an input "
                   "of shape (1, 96, 27, 27)?"),
        _hint=N_("groups never changes the spatial size; use the size formula with k = 5, p = 2, s = 1, "
                 "and count the output channels of both groups together."),
        _explanation=N_("256 channels (128 from each group), and a 5×5 kernel with padding 2 and stride 1 keeps "
                        "27: 27 + 2·2 − 5 + 1 = 27. groups changes channels only."),
        answer=lambda: tuple(nn.Conv2d(96, 256, 5, padding=2, groups=2)(torch.zeros(1, 96, 27, 27)).shape),
        mistakes={(1, 128, 27, 27): N_("Both groups' outputs are concatenated.")},
    ),
    ValueExercise(
        id="05.depthwise-params", lesson="05",
        _prompt=N_("How many parameters (weights and biases) does the depthwise 3×3 convolution on 32 channels, "
                   "nn.Conv2d(32, 32, 3, groups=32), have?"),
        _hint=N_("One 3×3 kernel, 1 channel deep, per output channel; then one bias per output channel."),
        _explanation=N_("The weight is (32, 1, 3, 3), 288 numbers, plus 32 biases."),
        answer=lambda: sum(p.numel() for p in nn.Conv2d(32, 32, 3, groups=32).parameters()),
        mistakes={288: N_("Don't forget the biases."), 9248: N_("That is groups=1; here each kernel is 1 channel deep.")},
    ),
    ValueExercise(
        id="05.accepted-groups", lesson="05",
        _prompt=N_("Which values of groups does PyTorch accept for nn.Conv2d(6, 9, 3, groups=g)? "
                   "Give them as a tuple in increasing order."),
        _hint=N_("groups must divide both in_channels and out_channels."),
        _explanation=N_("groups must divide 6 and 9, so it divides their greatest common divisor, 3."),
        answer=lambda: _accepted_groups(6, 9, 9),
        mistakes={(1, 2, 3, 6): N_("Those divide in_channels; out_channels must be divisible too.")},
    ),
    ValueExercise(
        id="05.separable-speedup", lesson="05",
        _prompt=N_("A depthwise-separable 3×3 layer from 256 to 256 channels, padding 1: how many times fewer "
                   "MACs than an ordinary 3×3 layer? Round to one decimal."),
        _hint=N_("Section 5 found the ratio separable / standard as a formula in out_channels and k alone "
                 "(the image size cancels out). The question asks for its inverse."),
        _explanation=N_("separable / standard = 1/256 + 1/9 ≈ 0.115, and its inverse rounds to the answer. "
                        "Any image size gives the same."),
        answer=_separable_speedup, rel_tol=1e-9,
        mistakes={9.0: N_("1/k² alone gives 9; the pointwise layer costs 1/out_channels more.")},
    ),
)
