"""Lessons 06 and 07's code exercises: the solutions the notebooks fold are accepted, typical mistakes
are refused with a message that points at them, and the references agree with torch."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from convlab import exercises
from convlab.exercises import lesson_07


def conv_as_matrix(kernel, input_size, stride=1):  # the folded solution of lesson 06
    H, W = input_size
    kh, kw = kernel.shape
    out_h, out_w = (H - kh) // stride + 1, (W - kw) // stride + 1
    C = torch.zeros(out_h * out_w, H * W)
    for i in range(out_h):
        for j in range(out_w):
            for a in range(kh):
                for b in range(kw):
                    C[i * out_w + j, (i * stride + a) * W + (j * stride + b)] = kernel[a, b]
    return C


def trans_conv(X, K, stride=1):  # the folded solution of lesson 07 (d2l's trans_conv with a stride)
    h, w = K.shape
    Y = torch.zeros((X.shape[0] - 1) * stride + h, (X.shape[1] - 1) * stride + w)
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            Y[i * stride:i * stride + h, j * stride:j * stride + w] += X[i, j] * K
    return Y


def conv_transpose_by_grad(y, w):  # the folded solution of lesson 07
    x = torch.zeros(y.shape[0], w.shape[1], y.shape[2] + w.shape[2] - 1, y.shape[3] + w.shape[3] - 1,
                    requires_grad=True)
    (g,) = torch.autograd.grad(F.conv2d(x, w), x, grad_outputs=y)
    return g


def test_the_notebook_solutions_are_accepted() -> None:
    assert exercises.check("06.conv-matrix", conv_as_matrix).correct
    assert exercises.check("07.trans-conv", trans_conv).correct
    assert exercises.check("07.input-gradient", conv_transpose_by_grad).correct


def test_a_transposed_c_gets_the_shape_message() -> None:
    verdict = exercises.check("06.conv-matrix", lambda k, size, stride=1: conv_as_matrix(k, size, stride).T)
    assert not verdict.correct and "one row per output pixel" in verdict.message


def test_a_c_with_one_wrong_entry_names_its_row() -> None:
    def off_by_one(kernel, input_size, stride=1):
        C = conv_as_matrix(kernel, input_size, stride)
        C[2, 5] += 1.0
        return C

    verdict = exercises.check("06.conv-matrix", off_by_one)
    assert not verdict.correct and "row 2" in verdict.message and "Case 1 of" in verdict.message


def test_a_flipped_c_is_refused() -> None:
    verdict = exercises.check("06.conv-matrix", lambda k, size, stride=1: conv_as_matrix(k.flip(0, 1), size, stride))
    assert not verdict.correct


def test_a_stride_one_trans_conv_fails_on_the_first_strided_case() -> None:
    cases = exercises.get("07.trans-conv").case_list()
    first_strided = next(n for n, case in enumerate(cases, start=1) if case[2] > 1)
    assert all(case[2] == 1 for case in cases[:first_strided - 1])  # stride 1 first, then stride s
    verdict = exercises.check("07.trans-conv", lambda X, K, stride=1: trans_conv(X, K, 1))
    assert not verdict.correct and f"Case {first_strided} of" in verdict.message


def test_a_flipped_kernel_trans_conv_is_refused() -> None:
    verdict = exercises.check("07.trans-conv", lambda X, K, stride=1: trans_conv(X, K.flip(0, 1), stride))
    assert not verdict.correct and "Case 1 of" in verdict.message


def test_the_gradient_reference_is_conv_transpose2d() -> None:
    for y, w in exercises.get("07.input-gradient").case_list():
        assert torch.allclose(lesson_07._by_grad(y, w), F.conv_transpose2d(y, w), atol=1e-5)


def test_conv2d_instead_of_its_gradient_is_refused() -> None:
    verdict = exercises.check("07.input-gradient", lambda y, w: F.conv2d(y, w.transpose(0, 1)))
    assert not verdict.correct


def test_the_code_hints_point_the_way_without_the_index_arithmetic() -> None:
    """A code exercise's hint guides; it does not spell out the line the student is asked to write."""
    bank = exercises.bank()
    assert "(i·stride + a)·W" not in bank["06.conv-matrix"].hint
    assert "i·stride + kh − 1" not in bank["07.trans-conv"].hint
    assert "H + kh − 1" not in bank["07.input-gradient"].hint
