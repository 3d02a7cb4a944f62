"""Exercises of lesson 07: nn.ConvTranspose2d, its size, output_padding, and two ways to compute it."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..i18n import N_
from ..matrix import transposed_as_direct
from .bank import CodeExercise, ValueExercise, register


def _trans_conv(X: torch.Tensor, K: torch.Tensor, stride: int = 1) -> torch.Tensor:
    """The transposed convolution of one 2-d input with one 2-d kernel, as nn.ConvTranspose2d computes it."""
    return F.conv_transpose2d(X[None, None].double(), K[None, None].double(), stride=stride)[0, 0].to(X.dtype)


def _trans_conv_cases(gen: torch.Generator):
    d2l = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
    yield d2l, d2l, 1  # d2l's example: a 2×2 input becomes 3×3
    yield torch.ones(2, 3), torch.tensor([[1.0, -1.0]]), 1  # non-square input and kernel
    yield torch.randn(4, 4, generator=gen), torch.randn(3, 3, generator=gen), 1
    yield d2l, d2l, 2  # now with a stride: the stamps land two apart
    for h, w, kh, kw, s in [(3, 3, 3, 3, 2), (4, 3, 2, 3, 2), (3, 4, 4, 4, 3)]:
        yield torch.randn(h, w, generator=gen), torch.randn(kh, kw, generator=gen), s


def _by_grad(y: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """conv_transpose2d(y, w) as the gradient of <conv2d(x, w), y> with respect to x (stride 1, no padding)."""
    n, _, h, wd = y.shape
    x = torch.zeros(n, w.shape[1], h + w.shape[2] - 1, wd + w.shape[3] - 1, dtype=y.dtype, requires_grad=True)
    (grad,) = torch.autograd.grad(F.conv2d(x, w), x, grad_outputs=y)
    return grad


def _by_grad_cases(gen: torch.Generator):
    yield torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]]), torch.arange(1.0, 10.0).view(1, 1, 3, 3)  # lesson 6's case
    yield torch.randn(1, 2, 3, 3, generator=gen), torch.randn(2, 3, 3, 3, generator=gen)  # 2 → 3 channels
    yield torch.randn(2, 3, 4, 5, generator=gen), torch.randn(3, 1, 2, 3, generator=gen)  # a batch, 3 → 1
    yield torch.randn(1, 4, 6, 6, generator=gen), torch.randn(4, 2, 5, 5, generator=gen)


register(
    ValueExercise(
        id="07.dcgan-shape", lesson="07",
        _prompt=N_("DCGAN's generator upsamples with nn.ConvTranspose2d(in, out, 4, stride=2, padding=1). What is "
                   "the output shape of nn.ConvTranspose2d(3, 8, 4, stride=2, padding=1) on a (1, 3, 16, 16) input?"),
        _hint=N_("Apply out = (in − 1)·stride − 2·padding + dilation·(kernel_size − 1) + output_padding + 1 "
                 "to each side; the channels become out_channels."),
        _explanation=N_("(16 − 1)·2 − 2 + 3 + 1 = 32, so (1, 8, 32, 32). With k=4, s=2, p=1 the size exactly "
                        "doubles for any input, which is why DCGAN uses it; and 4 is a multiple of 2, which "
                        "avoids the uneven overlap behind checkerboards."),
        answer=lambda: tuple(nn.ConvTranspose2d(3, 8, 4, stride=2, padding=1)(torch.zeros(1, 3, 16, 16)).shape),
        mistakes={(1, 3, 32, 32): N_("The size is right, but the channels are the layer's out_channels."),
                  (1, 8, 31, 31): N_("Nearly: the formula ends with + 1.")},
    ),
    ValueExercise(
        id="07.weight-shape", lesson="07",
        _prompt=N_("What is the shape of nn.ConvTranspose2d(6, 4, 5, groups=2).weight?"),
        _hint=N_("A transposed layer stores (in_channels, out_channels / groups, kH, kW): "
                 "the other way round from Conv2d."),
        _explanation=N_("in_channels first (6), then out_channels/groups (4/2 = 2), then the 5×5 kernel: "
                        "(6, 2, 5, 5). A Conv2d(6, 4, 5, groups=2) would hold (4, 3, 5, 5)."),
        answer=lambda: tuple(nn.ConvTranspose2d(6, 4, 5, groups=2).weight.shape),
        mistakes={(4, 3, 5, 5): N_("That is the Conv2d(6, 4, 5, groups=2) weight; a transposed layer swaps "
                                   "the first two axes."),
                  (6, 4, 5, 5): N_("groups divides the second axis.")},
    ),
    ValueExercise(
        id="07.output-padding", lesson="07",
        _prompt=N_("An encoder's Conv2d(…, kernel_size=3, stride=4, padding=1) turned a 20×20 map into 5×5. "
                   "Which output_padding makes the decoder's ConvTranspose2d(…, kernel_size=3, stride=4, "
                   "padding=1, output_padding=?) turn 5×5 back into 20×20?"),
        _hint=N_("Compute the size the layer gives with output_padding=0, then count the rows still missing. "
                 "Or use Dumoulin & Visin's a = (i + 2p − k) mod s, with i the size to get back."),
        _explanation=N_("With output_padding=0 the layer gives (5 − 1)·4 − 2 + 2 + 1 = 17, the smallest input the "
                        "convolution maps to 5. 17, 18, 19 and 20 all go to 5; output_padding=3 picks 20. "
                        "Dumoulin & Visin: a = (20 + 2 − 3) mod 4 = 3, and 3 < stride, as PyTorch requires."),
        answer=lambda: next(op for op in range(4) if nn.ConvTranspose2d(
            1, 1, 3, stride=4, padding=1, output_padding=op)(torch.zeros(1, 1, 5, 5)).shape[-1] == 20),
        mistakes={0: N_("With output_padding=0 the layer falls short of 20: compute its size."),
                  1: N_("Not enough: compute the size the layer gives with output_padding=0 first.")},
    ),
    ValueExercise(
        id="07.checkerboard-k5", lesson="07",
        _prompt=N_("Repeat the checkerboard experiment with kernel_size=5 (still stride=2, all-ones weights, a "
                   "constant 8×8 image of ones). What is the largest value in the output?"),
        _hint=N_("Along one axis, output position o receives tap t of input i when o = 2i + t, for t = 0…4. "
                 "Count the taps at an even o and at an odd o; in 2-d, multiply the two axes' counts."),
        _explanation=N_("An even o gets taps 0, 2, 4 (three), an odd o gets 1, 3 (two). In 2-d the interior "
                        "alternates 3·3 = 9, 3·2 = 6 and 2·2 = 4: still a checkerboard, since 5 is not a multiple "
                        "of 2. The largest value is 9."),
        answer=lambda: F.conv_transpose2d(torch.ones(1, 1, 8, 8), torch.ones(1, 1, 5, 5), stride=2).max().item(),
        mistakes={4: N_("That is the kernel_size=3 case. With five taps, count again."),
                  25: N_("Only the taps whose position fits o = 2i + t land on one pixel, not all of them.")},
    ),
    ValueExercise(
        id="07.zero-inserted-size", lesson="07",
        _prompt=N_("For a 4×4 input to ConvTranspose2d(…, kernel_size=3, stride=2, padding=0), how big (one side) "
                   "is the zero-inserted and padded grid that the equivalent direct convolution runs on?"),
        _hint=N_("Zero insertion gives (4 − 1)·2 + 1 cells; then add q = dilation·(k − 1) − padding on each side."),
        _explanation=N_("Zero insertion makes (4 − 1)·2 + 1 = 7, and the border q = 1·(3 − 1) − 0 = 2 on each side "
                        "adds 4: 11. The 3×3 kernel then slides over 11 − 3 + 1 = 9 positions per axis, which is "
                        "the transposed layer's output size."),
        answer=lambda: transposed_as_direct(torch.zeros(1, 1, 4, 4), torch.zeros(1, 1, 3, 3), stride=2)[0].shape[-1],
        mistakes={7: N_("That is the grid after zero insertion; the padding q comes on top, on both sides."),
                  9: N_("That is the output size; the grid the kernel slides over is bigger.")},
    ),
    CodeExercise(
        id="07.trans-conv", lesson="07",
        _prompt=N_("Write trans_conv(X, K, stride): the transposed convolution of a 2-d tensor X with a 2-d "
                   "kernel K, by scatter-add: every input pixel X[i, j] adds X[i, j] * K to the output, at "
                   "(i·stride, j·stride). Make it work for stride 1 first, then for any stride. It must equal "
                   "F.conv_transpose2d."),
        _hint=N_("Start from zeros of the output size: the lesson's size formula with padding 0, for each side. "
                 "Each input pixel's stamp is a kh×kw block whose top-left corner is its own position times the "
                 "stride; a slice of the output takes the whole scaled kernel at once with +=. Do not flip K."),
        _explanation=N_("This is d2l's trans_conv: each input pixel stamps a scaled copy of the kernel, stamps "
                        "land stride apart and overlaps add up. A convolution gathers many pixels into one; the "
                        "transposed convolution scatters one pixel into many (Cᵀ in lesson 6)."),
        reference=_trans_conv, cases=_trans_conv_cases, signature="trans_conv(X, K, stride)",
    ),
    CodeExercise(
        id="07.input-gradient", lesson="07",
        _prompt=N_("Write conv_transpose_by_grad(y, w): F.conv_transpose2d(y, w) (stride 1, no padding) computed "
                   "without it, as the gradient that autograd sends back through F.conv2d(x, w) to its input x "
                   "when the output's gradient is y. Use torch.autograd.grad."),
        _hint=N_("x needs the shape that F.conv2d(x, w) turns into y's shape: read its channels off w (as a "
                 "conv2d weight, w is (out_channels, in_channels, kh, kw)) and run the stride-1 size formula "
                 "backwards for its height and width. Its values do not matter, but it needs requires_grad=True. "
                 "torch.autograd.grad takes the output's gradient as grad_outputs."),
        _explanation=N_("The gradient of a convolution with respect to its input is the transposed convolution "
                        "of the output's gradient, with the same weight: x ↦ Cx has gradient y ↦ Cᵀy. That is "
                        "how every network sends gradients back through its Conv2d layers, and why PyTorch "
                        "already had the transposed convolution before anyone used it to upsample."),
        reference=_by_grad, cases=_by_grad_cases, signature="conv_transpose_by_grad(y, w)",
    ),
)
