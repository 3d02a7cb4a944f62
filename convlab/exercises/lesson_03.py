"""Exercises of lesson 03: how big is the output?"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..arithmetic import conv_output_size, receptive_field
from ..i18n import N_
from .bank import CodeExercise, ValueExercise, register

GUIDE_CASES = [  # Dumoulin & Visin's animated cases, (i, k, s, p, d)
    (4, 3, 1, 0, 1), (5, 4, 1, 2, 1), (5, 3, 1, 1, 1), (5, 3, 1, 2, 1),
    (5, 3, 2, 0, 1), (5, 3, 2, 1, 1), (6, 3, 2, 1, 1), (7, 3, 1, 0, 2),
]


def _out_size(i: int, k: int, s: int, p: int, d: int) -> int:
    """The output side PyTorch's conv2d gives for input side i, kernel k, stride s, padding p, dilation d."""
    return int(F.conv2d(torch.zeros(1, 1, i, i), torch.zeros(1, 1, k, k), stride=s, padding=p, dilation=d).shape[-1])


def _out_size_cases(gen: torch.Generator):
    yield (512, 3, 1, 0, 1)          # the seed lesson's layer
    yield from GUIDE_CASES
    yield (224, 7, 2, 3, 1)          # ResNet's stem
    found = 0
    while found < 12:
        i, k, s, p, d = (int(torch.randint(lo, hi, (1,), generator=gen))
                         for lo, hi in ((1, 40), (1, 8), (1, 5), (0, 4), (1, 4)))
        if i + 2 * p >= d * (k - 1) + 1:  # the kernel fits: PyTorch runs the layer
            found += 1
            yield (i, k, s, p, d)


register(
    ValueExercise(
        id="03.resnet-stem", lesson="03",
        _prompt=N_("ResNet begins with nn.Conv2d(3, 64, 7, stride=2, padding=3) on a 1×3×224×224 image. "
                   "What is the output shape?"),
        _hint=N_("Four numbers: batch, channels (one per kernel), height, width. "
                 "Per side use o = ⌊(i + 2p − k) / s⌋ + 1."),
        _explanation=N_("(1, 64, 112, 112): ⌊(224 + 2·3 − 7) / 2⌋ + 1 = ⌊223 / 2⌋ + 1 = 111 + 1 = 112 per side, "
                        "and 64 kernels make 64 channels."),
        answer=lambda: tuple(nn.Conv2d(3, 64, 7, stride=2, padding=3)(torch.zeros(1, 3, 224, 224)).shape),
        mistakes={(1, 64, 111, 111): N_("Close: after rounding down, count the kernel's first place too (the + 1)."),
                  (1, 64, 224, 224): N_("padding=3 would keep the size with stride 1; here the stride is 2.")},
    ),
    ValueExercise(
        id="03.two-axes", lesson="03",
        _prompt=N_("A 1×1×100×60 input goes through nn.Conv2d(1, 1, kernel_size=(5, 3), stride=(2, 1), "
                   "padding=(2, 0), dilation=(1, 2)). What is the output shape?"),
        _hint=N_("Work out the height and the width separately, each with its own k, s, p and d "
                 "(the first number of each pair is the height's). A dilated kernel spans d(k − 1) + 1 pixels."),
        _explanation=N_("(1, 1, 50, 56). Height: ⌊(100 + 2·2 − 1·(5 − 1) − 1) / 2⌋ + 1 = ⌊99 / 2⌋ + 1 = 50. "
                        "Width: ⌊(60 + 0 − 2·(3 − 1) − 1) / 1⌋ + 1 = 56."),
        answer=lambda: tuple(nn.Conv2d(1, 1, (5, 3), stride=(2, 1), padding=(2, 0), dilation=(1, 2))(
            torch.zeros(1, 1, 100, 60)).shape),
        mistakes={(1, 1, 50, 58): N_("The width's kernel is dilated: its 3 taps span more than 3 pixels."),
                  (1, 1, 56, 50): N_("The first number of each pair is for the height, the second for the width.")},
    ),
    ValueExercise(
        id="03.inputs-per-output", lesson="03",
        _prompt=N_("With k = 5, s = 3 and p = 1, how many input sizes i give the output size o = 10?"),
        _hint=N_("Compute o for a few input sizes near thirty and count those that give 10. "
                 "Which parameter sets how wide each stair of the staircase is?"),
        _explanation=N_("As many as the stride: i = 30, 31 and 32 give ⌊27 / 3⌋ + 1, ⌊28 / 3⌋ + 1 and "
                        "⌊29 / 3⌋ + 1, all 10; i = 29 gives 9 and i = 33 gives 11."),
        answer=lambda: sum(1 for i in range(3, 100) if conv_output_size(i, 5, stride=3, padding=1) == 10),
        mistakes={1: N_("The floor drops a leftover: try the next input sizes up, too."),
                  5: N_("That is the kernel size; the width of a stair is set by another parameter.")},
    ),
    ValueExercise(
        id="03.receptive-field", lesson="03",
        _prompt=N_("What is the receptive field (pixels per side) of three 3×3 layers with strides 1, 2 and 1, "
                   "in that order?"),
        _hint=N_("r = 1 + Σ (k_l − 1) · (the product of the strides before layer l). "
                 "A stride enlarges the steps of the layers after it, not its own."),
        _explanation=N_("1 + 2·1 + 2·1 + 2·(1·2) = 9: the second layer's stride doubles the step of the third "
                        "layer only."),
        answer=lambda: receptive_field([(3, 1), (3, 2), (3, 1)]),
        mistakes={7: N_("That is the field without any stride: the stride 2 makes the third layer's steps bigger."),
                  11: N_("A stride enlarges the steps of the layers after it, not its own.")},
    ),
    ValueExercise(
        id="03.same-dilated", lesson="03",
        _prompt=N_("Which padding keeps the size for a 5×5 kernel with dilation=2 and stride 1?"),
        _hint=N_("First find the span of the dilated kernel, d(k − 1) + 1; then pad as you would for an odd "
                 "kernel of that size with stride 1."),
        _explanation=N_("The dilated kernel spans 2·(5 − 1) + 1 = 9 pixels, so p = (9 − 1) / 2 = 4: "
                        "o = i + 2·4 − 9 + 1 = i."),
        answer=lambda: next(p for p in range(20) if conv_output_size(32, 5, padding=p, dilation=2) == 32),
        mistakes={2: N_("That keeps the size of an undilated 5×5 kernel; a dilated one spans more pixels.")},
    ),
    CodeExercise(
        id="03.output-size", lesson="03",
        _prompt=N_("Write out_size(i, k, s, p, d): the output size of a convolution along one axis, from the "
                   "input size i, kernel size k, stride s, padding p and dilation d. It is checked against "
                   "PyTorch on the guide's cases and on random ones."),
        _hint=N_("Build it as the lesson does: the padded input has i + 2p cells, the dilated kernel spans "
                 "d(k − 1) + 1 of them, and the stride divides the room that is left. Use // for the floor, "
                 "and return an int."),
        _explanation=N_("out_size = (i + 2p − d(k − 1) − 1) // s + 1, the formula in PyTorch's documentation "
                        "of nn.Conv2d, applied to each axis on its own."),
        reference=_out_size, cases=_out_size_cases, signature="out_size(i, k, s, p, d)",
    ),
)
