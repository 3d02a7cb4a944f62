"""Exercises of lesson 01: 1-d, 2-d and 3-d convolution."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..i18n import N_
from .bank import CodeExercise, ValueExercise, register


def _conv1d(x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """1-d cross-correlation of one 1-d signal with one 1-d kernel, as nn.Conv1d computes it."""
    return F.conv1d(x[None, None].double(), w[None, None].double())[0, 0].to(x.dtype)


def _conv1d_cases(gen: torch.Generator):
    yield torch.arange(6.0), torch.tensor([1.0, 2.0])  # small enough to check by hand
    yield torch.tensor([0.0, 1.0, 3.0, 2.0, 5.0]), torch.tensor([-1.0, 0.0, 1.0])  # a slope detector: not flipped
    yield torch.ones(4), torch.ones(4)  # the kernel fits exactly once
    for n, k in [(10, 3), (17, 5), (8, 1)]:
        yield torch.randn(n, generator=gen), torch.randn(k, generator=gen)


def _corr2d(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """2-d cross-correlation of one 2-d input with one 2-d kernel, as nn.Conv2d computes it."""
    return F.conv2d(X[None, None].double(), K[None, None].double())[0, 0].to(X.dtype)


def _corr2d_cases(gen: torch.Generator):
    yield torch.arange(9.0).reshape(3, 3), torch.tensor([[0.0, 1.0], [2.0, 3.0]])  # d2l's example
    yield torch.ones(4, 5), torch.tensor([[1.0, -1.0]])  # a non-square input and kernel
    for h, w, kh, kw in [(6, 6, 3, 3), (7, 5, 2, 4), (5, 8, 5, 1)]:
        yield torch.randn(h, w, generator=gen), torch.randn(kh, kw, generator=gen)


def _shape(layer: nn.Module, *input_shape: int) -> tuple[int, ...]:
    with torch.no_grad():
        return tuple(layer(torch.zeros(*input_shape)).shape)


register(
    ValueExercise(
        id="01.conv1d-shape", lesson="01",
        _prompt=N_("nn.Conv1d(4, 8, kernel_size=5) reads a batch of 16 signals of 4 channels and 100 samples: "
                   "input shape (16, 4, 100). What is the output shape?"),
        _hint=N_("Three numbers: the batch, the channels the layer makes, and the length. "
                 "How many places does a 5-sample window fit in 100 samples?"),
        _explanation=N_("The batch stays 16, the channels become out_channels = 8, and a 5-sample kernel "
                        "fits in 100 − 5 + 1 = 96 places."),
        answer=lambda: _shape(nn.Conv1d(4, 8, kernel_size=5), 16, 4, 100),
        mistakes={(16, 8, 100): N_("The length shrinks: without padding the kernel must fit inside the signal."),
                  (16, 4, 96): N_("The layer makes out_channels channels, whatever the input had.")},
    ),
    CodeExercise(
        id="01.conv1d", lesson="01",
        _prompt=N_("Write conv1d(x, w): the 1-d cross-correlation of a 1-d tensor x with a 1-d kernel w, "
                   "with one for-loop, no padding, stride 1. It must equal what nn.Conv1d computes."),
        _hint=N_("First work out how many places the kernel fits in x; that is the output's length. "
                 "Output j multiplies the window of x that starts at j with w, tap by tap, and sums. "
                 "PyTorch does not flip the kernel."),
        _explanation=N_("That is nn.Conv1d for one channel: slide the kernel one sample at a time, multiply tap "
                        "by tap, sum. The output has len(x) − len(w) + 1 samples."),
        reference=_conv1d, cases=_conv1d_cases, signature="conv1d(x, w)",
    ),
    ValueExercise(
        id="01.conv2d-weight", lesson="01",
        _prompt=N_("What is the shape of nn.Conv2d(3, 16, kernel_size=5).weight?"),
        _hint=N_("A Conv2d weight reads (out, in, kh, kw): one kernel per output channel, each as deep as "
                 "the input's channels."),
        _explanation=N_("16 kernels, one per output channel; each covers the 3 input channels and is 5×5."),
        answer=lambda: tuple(nn.Conv2d(3, 16, kernel_size=5).weight.shape),
        mistakes={(3, 16, 5, 5): N_("The order is (out, in, kh, kw): the output channels come first."),
                  (16, 5, 5): N_("Each kernel also covers every input channel: the weight has four axes.")},
    ),
    ValueExercise(
        id="01.positions", lesson="01",
        _prompt=N_("The kernel of nn.Conv2d(3, 16, 3) is a 3×3×3 block. On a (1, 3, 512, 512) image, how many "
                   "positions does it take along the channel axis, along H and along W? Answer as a tuple "
                   "(channels, H, W)."),
        _hint=N_("Along each axis the kernel fits in (input size − kernel size + 1) places. Along the "
                 "channels, the kernel is exactly as deep as the input."),
        _explanation=N_("Along the channels the 3-deep kernel fits the 3 channels exactly: one position, so it "
                        "never slides there. Along H and W it fits at 512 − 3 + 1 = 510 places. It slides "
                        "along two axes: a 2-d convolution."),
        answer=lambda: (3 - 3 + 1, *_shape(nn.Conv2d(3, 16, 3), 1, 3, 512, 512)[2:]),
        mistakes={(3, 510, 510): N_("Along the channels the kernel is as deep as the input: how many places "
                                    "does it fit?"),
                  (1, 512, 512): N_("Without padding, a 3-wide kernel must fit inside the 512 pixels.")},
    ),
    CodeExercise(
        id="01.corr2d", lesson="01",
        _prompt=N_("Write corr2d(X, K): the 2-d cross-correlation of a 2-d tensor X with a 2-d kernel K, "
                   "with two for-loops, no padding, stride 1. It must equal what nn.Conv2d computes."),
        _hint=N_("Start from an output of zeros of the right height and width (how many places does K fit "
                 "along each axis?). Each output entry is the sum of K times the patch of X that K covers "
                 "when its top-left corner sits there. PyTorch does not flip the kernel."),
        _explanation=N_("That is all a convolution layer computes for one channel: slide the kernel, "
                        "multiply element by element, sum. nn.Conv2d does the same, much faster."),
        reference=_corr2d, cases=_corr2d_cases, signature="corr2d(X, K)",
    ),
    ValueExercise(
        id="01.conv3d-shape", lesson="01",
        _prompt=N_("nn.Conv3d(1, 4, kernel_size=(3, 5, 5)) reads a batch of 2 clips of 16 gray frames of 64×64: "
                   "input shape (2, 1, 16, 64, 64). What is the output shape?"),
        _hint=N_("Five numbers: batch, channels, depth, height, width. Each sliding axis loses "
                 "(kernel size − 1) places."),
        _explanation=N_("The batch stays 2, there are 4 output channels, the depth is 16 − 3 + 1 = 14, "
                        "and height and width are 64 − 5 + 1 = 60."),
        answer=lambda: _shape(nn.Conv3d(1, 4, kernel_size=(3, 5, 5)), 2, 1, 16, 64, 64),
        mistakes={(2, 4, 16, 60, 60): N_("The kernel is 3 deep, so it slides along the depth too."),
                  (2, 4, 14, 62, 62): N_("The depth is the first number of kernel_size; height and width use 5.")},
    ),
    ValueExercise(
        id="01.volume-shape", lesson="01",
        _prompt=N_("What is the output shape of nn.Conv3d(1, 1, kernel_size=(2, 3, 3)) on the colour volume, "
                   "shape (1, 1, 3, 512, 512)?"),
        _hint=N_("The colour planes are the depth axis here. How many places does a kernel two planes deep "
                 "fit in three planes? Height and width work as in Conv2d."),
        _explanation=N_("A kernel two planes deep fits in 3 − 2 + 1 = 2 places along depth: the planes (R, G), "
                        "then (G, B). This time it does slide along depth, so it is a real 3-d convolution."),
        answer=lambda: _shape(nn.Conv3d(1, 1, kernel_size=(2, 3, 3)), 1, 1, 3, 512, 512),
        mistakes={(1, 1, 1, 510, 510): N_("That would be a kernel as deep as the volume; this one is shallower, "
                                          "so it has room to move."),
                  (1, 1, 3, 510, 510): N_("Without padding, the kernel must fit inside the depth too.")},
    ),
)
