"""Exercises of lesson 06: the convolution as a matrix C, the transposed convolution as Cᵀ."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ..i18n import N_, _
from ..matrix import conv_matrix
from .bank import CodeExercise, ValueExercise, register


def _conv_matrix(kernel: torch.Tensor, input_size: tuple[int, int], stride: int = 1) -> torch.Tensor:
    """C for a 2-d kernel on an input of ``input_size``, no padding: C @ x.flatten() == F.conv2d(x, kernel)."""
    return conv_matrix(kernel, tuple(input_size), stride=stride)


def _conv_matrix_cases(gen: torch.Generator):
    yield torch.arange(1.0, 10.0).view(3, 3), (4, 4), 1  # the seed's case: C is 4×16
    yield torch.tensor([[1.0, -1.0], [2.0, 0.5]]), (3, 4), 1  # a non-square input
    yield torch.arange(1.0, 10.0).view(3, 3), (5, 5), 2  # a stride
    for kh, kw, h, w, s in [(2, 3, 5, 6, 1), (3, 3, 7, 6, 2), (3, 2, 7, 7, 3)]:
        yield torch.randn(kh, kw, generator=gen), (h, w), s


def _compare_matrix(got, expected: torch.Tensor) -> str:
    """'' when the student's C is right; else what is wrong, in terms of rows (outputs) and columns (inputs)."""
    if not isinstance(got, torch.Tensor):
        try:
            got = torch.as_tensor(got, dtype=expected.dtype)
        except Exception:  # noqa: BLE001
            return _("it returned {type}, not a tensor.").format(type=type(got).__name__)
    if tuple(got.shape) != tuple(expected.shape):
        return _("C has shape {got}, but it needs one row per output pixel and one column per input pixel: "
                 "{want}.").format(got=tuple(got.shape), want=tuple(expected.shape))
    x = torch.linspace(-1.0, 1.0, expected.shape[1], dtype=torch.float64)
    got_y, want_y = got.detach().double() @ x, expected.double() @ x  # expected @ x is F.conv2d's output
    wrong = ((got.detach().double() - expected.double()).abs() > 1e-4).any(dim=1)
    if bool(wrong.any()) or not torch.allclose(got_y, want_y, atol=1e-4):
        row = int(wrong.nonzero()[0]) if bool(wrong.any()) else 0
        return _("C @ x.flatten() does not match F.conv2d; the first wrong row of C is row {row} "
                 "(output pixel {row} in reading order).").format(row=row)
    return ""


register(
    ValueExercise(
        id="06.c-shape", lesson="06",
        _prompt=N_("What shape is C for a 3×3 kernel on a 7×7 input, stride 1, no padding? Give a tuple."),
        _hint=N_("C has one row per output pixel and one column per input pixel. "
                 "First work out the output size, then count pixels."),
        _explanation=N_("The output is 5×5 = 25 pixels and the input 7×7 = 49, so C is 25×49."),
        answer=lambda: tuple(conv_matrix(torch.ones(3, 3), (7, 7)).shape),
        mistakes={(49, 25): N_("Rows and columns are swapped: a row of C makes one output pixel.")},
    ),
    ValueExercise(
        id="06.transposed-shape", lesson="06",
        _prompt=N_("F.conv_transpose2d of a (1, 1, 3, 3) map with a 3×3 kernel and stride=2: what shape comes out?"),
        _hint=N_("Four numbers: batch, channels, height, width. Per side, "
                 "out = (in − 1)·stride − 2·padding + kernel_size."),
        _explanation=N_("(3 − 1)·2 + 3 = 7 per side, so (1, 1, 7, 7): the shape of Cᵀ's output for the "
                        "convolution of a 7×7 input."),
        answer=lambda: tuple(F.conv_transpose2d(torch.zeros(1, 1, 3, 3), torch.zeros(1, 1, 3, 3), stride=2).shape),
        mistakes={(1, 1, 6, 6): N_("Close: a kernel of 3 adds 3 to (in − 1)·stride, not 2."),
                  (1, 1, 5, 5): N_("That is the size of a stride-1 transposed convolution; "
                                   "with stride 2 the input pixels land two apart.")},
    ),
    ValueExercise(
        id="06.max-weights", lesson="06",
        _prompt=N_("For a 3×3 kernel on a 6×6 input (stride 1, no padding), what is the largest number of "
                   "nonzero weights in one row of Cᵀ?"),
        _hint=N_("A row of Cᵀ is one pixel of the 6×6 grid. How many kernel stamps can land on a pixel "
                 "away from the border, and does each bring a different weight?"),
        _explanation=N_("9: the transposed convolution's input is now 4×4, and a pixel away from the border is "
                        "covered by the stamps of 3×3 = 9 input pixels, each bringing a different weight. "
                        "The seed's 'at most 4' is about its 2×2 case."),
        answer=lambda: int((conv_matrix(torch.arange(1.0, 10.0).view(3, 3), (6, 6)).T != 0).sum(dim=1).max()),
        mistakes={4: N_("4 was the seed's small case, whose transposed input has only 4 pixels. "
                        "Here it has more.")},
    ),
    ValueExercise(
        id="06.unread-pixels", lesson="06",
        _prompt=N_("A 3×3 kernel with stride=2 and no padding on a 6×6 input: some input pixels are never "
                   "under the kernel, so their columns of C are all zero. How many such pixels are there?"),
        _hint=N_("The output is 2×2. Which rows and which columns of the input does the last kernel position "
                 "reach? Count the pixels of the rows and columns it never reaches, each pixel once."),
        _explanation=N_("The kernel sits on rows 0–2 and 2–4 (and the same columns), so row 5 and column 5 are "
                        "never read: 6 + 6 − 1 = 11 pixels."),
        answer=lambda: int((conv_matrix(torch.ones(3, 3), (6, 6), stride=2).abs().sum(dim=0) == 0).sum()),
        mistakes={12: N_("The corner pixel is in the last row and in the last column: count it once.")},
    ),
    CodeExercise(
        id="06.conv-matrix", lesson="06",
        _prompt=N_("Write conv_as_matrix(kernel, input_size, stride): the matrix C of a convolution of a 2-d "
                   "kernel over an input of input_size = (H, W), no padding, so that "
                   "C @ x.flatten() == F.conv2d(x, kernel).flatten()."),
        _hint=N_("Start from a zero tensor with one row per output pixel and one column per input pixel, both "
                 "numbered row by row. For each output pixel and each kernel tap, work out which input pixel the "
                 "tap reads (the stride moves the kernel), turn that pixel's row and column into its number, and "
                 "write the tap's weight in that column."),
        _explanation=N_("Each row of C is the kernel placed where it reads for one output pixel, zeros "
                        "elsewhere: that is all a convolution is, a matrix that mostly holds zeros. "
                        "cl.conv_matrix builds the same C, with padding and dilation too."),
        reference=_conv_matrix, cases=_conv_matrix_cases, signature="conv_as_matrix(kernel, input_size, stride)",
        compare=_compare_matrix,
    ),
)
