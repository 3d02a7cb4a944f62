"""Lesson 08's bank entries: the references learn and pool what the prompts promise."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from convlab import exercises
from convlab.exercises import lesson_08


def test_learn_kernel_reference_finds_the_hidden_kernel() -> None:
    gen = torch.Generator().manual_seed(0)
    X, K = lesson_08.edge_example()
    assert X.shape == (6, 8) and X[:, 2:6].eq(0).all() and X[:, :2].eq(1).all()
    learned = lesson_08._learn_kernel(X, F.conv2d(X[None, None], K[None, None])[0, 0], (1, 2))
    assert torch.allclose(learned, K, atol=1e-3)
    for h, w, kh, kw in [(8, 8, 3, 3), (7, 9, 2, 2)]:
        X = torch.randn(h, w, generator=gen)
        K = torch.randn(kh, kw, generator=gen)
        learned = lesson_08._learn_kernel(X, F.conv2d(X[None, None], K[None, None])[0, 0], (kh, kw))
        assert torch.allclose(learned, K, atol=1e-3)


def test_learn_kernel_refuses_a_kernel_that_is_not_close() -> None:
    def too_few_steps(X, Y, kernel_size):
        return lesson_08._learn_kernel(X, Y, kernel_size) + 0.1

    assert not exercises.check("08.learn-edge-kernel", too_few_steps).correct


def test_maxpool2d_with_loops_is_accepted_and_an_off_by_one_is_not() -> None:
    def maxpool2d(X, k, s):
        rows, cols = (X.shape[0] - k) // s + 1, (X.shape[1] - k) // s + 1
        Y = torch.empty(rows, cols)
        for i in range(rows):
            for j in range(cols):
                Y[i, j] = X[i * s:i * s + k, j * s:j * s + k].max()
        return Y

    def from_zeros(X, k, s):  # a classic slip: a max that starts at 0
        Y = maxpool2d(X, k, s)
        return Y.clamp(min=0)

    assert exercises.check("08.maxpool2d", maxpool2d).correct
    assert not exercises.check("08.maxpool2d", from_zeros).correct


def test_the_numbers_the_explanations_state() -> None:
    assert (512 - 3) // 2 + 1 == 255 and -(-(512 - 3) // 2) + 1 == 256
    assert exercises.bank()["08.pool-shape"].solution == (1, 3, 255, 255)
    assert exercises.bank()["08.unpool-guess"].solution == (1, 1, 8, 8) and (9 - 2) // 2 + 1 == 4
    assert exercises.bank()["08.rrelu-eval"].solution == -0.4
    assert exercises.bank()["08.prelu-params"].solution == 1856 == 64 * 3 * 3 * 3 + 64 + 64
    assert 64 * 3 * 3 * 3 == 1728 and 1728 + 64 == 1792
    assert exercises.bank()["08.sum-pool"].solution == 10 == 0 + 1 + 4 + 5 == 4 * 2.5
    assert exercises.bank()["08.net-shape"].solution == (4, 5) and 8 * 16 * 16 == 2048


