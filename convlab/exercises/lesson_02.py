"""Exercises of lesson 02: nn.Conv2d, one parameter at a time."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..arithmetic import effective_kernel_size
from ..i18n import N_
from .bank import CodeExercise, ValueExercise, register


def _padded_corr2d(X: torch.Tensor, K: torch.Tensor, padding: int, stride: int) -> torch.Tensor:
    """2-d cross-correlation of X with K after ``padding`` zeros on every side, moving ``stride`` at a time."""
    out = F.conv2d(X[None, None].double(), K[None, None].double(), stride=stride, padding=padding)
    return out[0, 0].to(X.dtype)


def _padded_corr2d_cases(gen: torch.Generator):
    yield torch.arange(9.0).reshape(3, 3), torch.tensor([[0.0, 1.0], [2.0, 3.0]]), 0, 1  # d2l's example, unpadded
    yield torch.arange(9.0).reshape(3, 3), torch.tensor([[0.0, 1.0], [2.0, 3.0]]), 1, 1  # padding alone
    yield torch.arange(25.0).reshape(5, 5), torch.ones(3, 3), 0, 2                       # stride alone
    yield torch.ones(4, 5), torch.tensor([[1.0, -1.0]]), 1, 2                            # both, non-square
    yield torch.arange(42.0).reshape(6, 7), torch.ones(3, 3), 1, 3                       # the floor drops cells
    for _ in range(5):
        h, w = (int(v) for v in torch.randint(3, 10, (2,), generator=gen))
        kh, kw = (int(v) for v in torch.randint(1, 4, (2,), generator=gen))
        padding, stride = int(torch.randint(0, 3, (1,), generator=gen)), int(torch.randint(1, 4, (1,), generator=gen))
        yield torch.randn(h, w, generator=gen), torch.randn(kh, kw, generator=gen), padding, stride


register(
    ValueExercise(
        id="02.conv-shape", lesson="02",
        _prompt=N_("What is the output shape of nn.Conv2d(3, 16, 5, stride=2, padding=2) on img (1×3×512×512)?"),
        _hint=N_("Four numbers: batch, channels, height, width. The channels are the number of kernels. "
                 "Per side, the padded input is i + 2p wide; count the kernel's places with the stride, "
                 "round down, and count the first place too."),
        _explanation=N_("The batch stays 1 and there are 16 kernels, so 16 channels. Per side: "
                        "⌊(512 + 2·2 − 5) / 2⌋ + 1 = ⌊511 / 2⌋ + 1 = 255 + 1 = 256."),
        answer=lambda: tuple(nn.Conv2d(3, 16, 5, stride=2, padding=2)(torch.zeros(1, 3, 512, 512)).shape),
        mistakes={
            (1, 16, 255, 255): N_("Close: after rounding down, count the kernel's first place too (the + 1)."),
            (1, 16, 512, 512): N_("The padding keeps the size only with stride 1; here the kernel jumps 2 pixels."),
            (1, 3, 256, 256): N_("The output has one channel per kernel, not per input channel."),
        },
    ),
    ValueExercise(
        id="02.keep-size", lesson="02",
        _prompt=N_("Which padding (a number) makes nn.Conv2d(3, 8, 7) keep a 512×512 image at 512×512?"),
        _hint=N_("With stride 1 the output side is i + 2p − k + 1. Set it equal to i and solve for p."),
        _explanation=N_("p = (k − 1) / 2 = (7 − 1) / 2 = 3 for an odd kernel with stride 1: "
                        "512 + 2·3 − 7 + 1 = 512."),
        answer=lambda: next(p for p in range(10) if nn.Conv2d(3, 8, 7, padding=p)(torch.zeros(1, 3, 512, 512))
                            .shape[-1] == 512),
        mistakes={6: N_("padding=p adds p pixels on each side, so the input grows by 2p, not p.")},
    ),
    ValueExercise(
        id="02.grouped-weight", lesson="02",
        _prompt=N_("What is the shape of nn.Conv2d(6, 12, 3, groups=3).weight?"),
        _hint=N_("The weight is (out_channels, input channels each kernel sees, kh, kw). "
                 "With groups, how many of the input channels does one kernel see?"),
        _explanation=N_("(12, 2, 3, 3): there are 12 kernels, and each sees only the 6 / 3 = 2 input channels "
                        "of its group."),
        answer=lambda: tuple(nn.Conv2d(6, 12, 3, groups=3).weight.shape),
        mistakes={(12, 6, 3, 3): N_("With groups, a kernel does not see all input channels, only its group's."),
                  (4, 2, 3, 3): N_("The first number is still the number of kernels, out_channels; "
                                   "groups does not divide it.")},
    ),
    ValueExercise(
        id="02.dilated-span", lesson="02",
        _prompt=N_("How many pixels wide is the area a 5×5 kernel with dilation=3 covers?"),
        _hint=N_("Between two neighbouring taps there are dilation − 1 skipped pixels. "
                 "Count the taps along one side and the skipped pixels in the gaps between them."),
        _explanation=N_("dilation × (k − 1) + 1 = 3 × 4 + 1 = 13. The kernel still has only 25 weights."),
        answer=lambda: effective_kernel_size(5, 3),
        mistakes={15: N_("Only the gaps between the taps are stretched: 5 taps have 4 gaps, not 5."),
                  11: N_("dilation=3 leaves 2 skipped pixels in each gap, so each gap is 3 pixels long.")},
    ),
    ValueExercise(
        id="02.param-count", lesson="02",
        _prompt=N_("How many learnable numbers does nn.Conv2d(3, 8, 3) hold, weights and biases together?"),
        _hint=N_("Each of the out_channels kernels has in_channels × kh × kw weights, "
                 "and each output channel has one bias."),
        _explanation=N_("8 · 3 · 3 · 3 = 216 weights plus 8 biases = 224."),
        answer=lambda: sum(p.numel() for p in nn.Conv2d(3, 8, 3).parameters()),
        mistakes={216: N_("That is the weights; the biases are learnable too."),
                  80: N_("A kernel has a weight for every input channel, not one 3×3 for all of them.")},
    ),
    CodeExercise(
        id="02.padded-corr2d", lesson="02",
        _prompt=N_("Write corr2d(X, K, padding, stride): the 2-d cross-correlation of a 2-d tensor X with a 2-d "
                   "kernel K, after padding zeros on every side, moving the kernel stride pixels at a time. "
                   "It must equal nn.Conv2d with the same padding and stride."),
        _hint=N_("First make a zero tensor of size (H + 2·padding) × (W + 2·padding) and copy X into its middle. "
                 "Output entry (i, j) is the window whose top-left corner is at (i·stride, j·stride); "
                 "there is one row per corner position that still fits, so count them with // and + 1."),
        _explanation=N_("Padding only enlarges the input; the stride only spaces out the windows. "
                        "So the output side is ⌊(H + 2p − kh) / s⌋ + 1, exactly nn.Conv2d's formula with dilation 1."),
        reference=_padded_corr2d, cases=_padded_corr2d_cases, signature="corr2d(X, K, padding, stride)",
    ),
)
