"""Exercises of lesson 04: a 3-D kernel does a 2-D convolution; the seed course's homework."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..homework import homework_layer
from ..i18n import N_
from .bank import CodeExercise, ValueExercise, register


def _corr2d_multi_in(X: torch.Tensor, K: torch.Tensor, b: float) -> torch.Tensor:
    """What nn.Conv2d(C, 1, (kh, kw)) computes on a (C, H, W) input: one (H−kh+1, W−kw+1) map."""
    bias = torch.tensor([float(b)], dtype=torch.float64)
    return F.conv2d(X[None].double(), K[None].double(), bias)[0, 0].to(X.dtype)


def _corr2d_multi_in_cases(gen: torch.Generator):
    # d2l's example (two channels, 3×3 input, 2×2 kernel), no bias
    yield (torch.tensor([[[0.0, 1, 2], [3, 4, 5], [6, 7, 8]], [[1.0, 2, 3], [4, 5, 6], [7, 8, 9]]]),
           torch.tensor([[[0.0, 1], [2, 3]], [[1.0, 2], [3, 4]]]), 0.0)
    # the homework's invented input and its all-ones kernel
    yield torch.stack([torch.full((5, 5), float(c + 1)) for c in range(3)]), torch.ones(3, 3, 3), 0.0
    yield torch.ones(4, 4, 6), torch.ones(4, 1, 3), 0.5  # a bias, a non-square kernel
    for c, h, w, kh, kw in [(3, 8, 8, 3, 3), (5, 6, 9, 2, 4), (1, 7, 5, 3, 1), (2, 5, 5, 5, 5)]:
        yield (torch.randn(c, h, w, generator=gen), torch.randn(c, kh, kw, generator=gen),
               round(float(torch.randn(1, generator=gen)), 3))


def _homework_corner() -> int:
    return int(homework_layer(1)(torch.ones(1, 3, 5, 5))[0, 1, 0, 0])


def _flat_slices() -> int:
    conv = nn.Conv3d(3, 1, (1, 3, 3), padding=(2, 1, 1))
    out = conv(torch.rand(1, 3, 1, 8, 8, generator=torch.Generator().manual_seed(0))).detach()
    return sum(bool(torch.all(out[0, 0, d] == out[0, 0, d, 0, 0])) for d in range(out.shape[2]))


def _conv3d_shape(padding: tuple[int, int, int], kernel: tuple[int, ...], volume: tuple[int, ...]):
    def answer() -> tuple[int, ...]:
        x = torch.empty(*volume, device="meta")  # meta tensors: shapes without data
        w = torch.empty(1, volume[1], *kernel, device="meta")
        return tuple(F.conv3d(x, w, padding=padding).shape)
    return answer


register(
    CodeExercise(
        id="04.multichannel-sum", lesson="04",
        _prompt=N_("Write corr2d_multi_in(X, K, b): X is a (C, H, W) input, K a (C, kh, kw) kernel, b a number. "
                   "Return the (H − kh + 1) × (W − kw + 1) map that nn.Conv2d(C, 1, (kh, kw)) computes, built "
                   "from single-channel 2-d correlations: one per channel, then summed, then the bias."),
        _hint=N_("Correlate channel c of X with channel c of K on its own (F.conv2d wants 4-d tensors: "
                 "X[c][None, None] and K[c][None, None]), add the C maps up, then add b once, not once per channel."),
        _explanation=N_("A C-channel convolution is C ordinary 2-d correlations added up, plus one bias: "
                        "exactly what one F.conv2d with a C×kh×kw kernel computes."),
        reference=_corr2d_multi_in, cases=_corr2d_multi_in_cases, signature="corr2d_multi_in(X, K, b)",
    ),
    ValueExercise(
        id="04.weight-shape", lesson="04",
        _prompt=N_("What is the weight shape of nn.Conv2d(5, 2, 3)? Give a tuple."),
        _hint=N_("One kernel per output channel, each as deep as the input has channels: "
                 "(out_channels, in_channels, kH, kW)."),
        _explanation=N_("Two output channels, each with one kernel 5 channels deep and 3×3 wide."),
        answer=lambda: tuple(nn.Conv2d(5, 2, 3).weight.shape),
        mistakes={(5, 2, 3, 3): N_("The output channels come first in a Conv2d weight.")},
    ),
    ValueExercise(
        id="04.homework-corner", lesson="04",
        _prompt=N_("Redo homework 1 with an input of all ones, shape (1, 3, 5, 5). With the all-twos kernel "
                   "and padding=1, what is the top-left output value?"),
        _hint=N_("Count the real (non-padding) pixels the top-left window covers in one channel, "
                 "then multiply by the weight and by the number of channels."),
        _explanation=N_("The corner window covers 2×2 = 4 real pixels in each of the 3 channels, each 1, "
                        "each times 2: 4 · 3 · 2."),
        answer=_homework_corner,
        mistakes={54: N_("That is an inside window. The corner window hangs over the zero padding."),
                  8: N_("Add up all 3 channels: the kernel is 3 channels deep.")},
    ),
    ValueExercise(
        id="04.conv3d-shape", lesson="04",
        _prompt=N_("What output shape does nn.Conv3d(3, 1, (1, 3, 3), padding=(2, 1, 1)) give on the image after "
                   "unsqueeze(dim=2), shape (1, 3, 1, 512, 512)?"),
        _hint=N_("Use out = in + 2·padding − kernel + 1 on depth, height and width separately; "
                 "the batch stays, and the channels become out_channels."),
        _explanation=N_("Depth: 1 + 2·2 − 1 + 1 = 5. Height and width: 512 + 2·1 − 3 + 1 = 512."),
        answer=_conv3d_shape((2, 1, 1), (1, 3, 3), (1, 3, 1, 512, 512)),
        mistakes={(1, 1, 5, 510, 510): N_("Height and width are padded by 1 here too.")},
    ),
    ValueExercise(
        id="04.flat-slices", lesson="04",
        _prompt=N_("In the previous exercise's output, how many depth slices are flat (the bias only, everywhere)?"),
        _hint=N_("A 1-deep kernel sits at each depth position in turn. At how many positions does it see "
                 "only padding?"),
        _explanation=N_("Of the 5 depth positions only the middle one meets the image; "
                        "the 2 + 2 padding slices give just the bias."),
        answer=_flat_slices,
    ),
    ValueExercise(
        id="04.no-flip", lesson="04",
        _prompt=N_("What does F.conv1d give for the signal 1, 2, 3, 4 and the kernel 1, 0, −1? Give a tuple."),
        _hint=N_("PyTorch slides the kernel as it is, without flipping it: out[i] = x[i]·1 + x[i+1]·0 + x[i+2]·(−1)."),
        _explanation=N_("1·1 + 2·0 + 3·(−1) and 2·1 + 3·0 + 4·(−1): cross-correlation, no flip. "
                        "A flipping convolution would give the opposite sign."),
        answer=lambda: tuple(int(v) for v in F.conv1d(torch.tensor([[[1.0, 2, 3, 4]]]),
                                                       torch.tensor([[[1.0, 0, -1]]])).flatten()),
        mistakes={(2, 2): N_("That is what a flipped kernel gives; PyTorch does not flip.")},
    ),
    ValueExercise(
        id="04.depth-no-padding", lesson="04",
        _prompt=N_("The real 3×3×3 homework without the hint: nn.Conv3d(1, 1, (3, 3, 3)), no padding at all, "
                   "on the colour planes as depth, shape (1, 1, 3, 512, 512). What is the output shape?"),
        _hint=N_("Apply the size formula on each of the three axes; a 3-deep kernel fits in 3 colour planes "
                 "in how many places?"),
        _explanation=N_("Depth 3 − 3 + 1 = 1, height and width 512 − 3 + 1 = 510: without padding=(1, 0, 0) "
                        "the kernel fits at one depth only, and the output has a single slice."),
        answer=_conv3d_shape((0, 0, 0), (3, 3, 3), (1, 1, 3, 512, 512)),
        mistakes={(1, 1, 3, 510, 510): N_("That is the shape with the hint's padding=(1, 0, 0). "
                                          "Without it the depth shrinks too.")},
    ),
)
