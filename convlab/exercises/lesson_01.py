"""Exercises of lesson 01: 1-d, 2-d and 3-d convolution."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..i18n import N_
from .bank import CodeExercise, ValueExercise, register


def _corr2d(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """2-d cross-correlation of one 2-d input with one 2-d kernel, as nn.Conv2d computes it."""
    return F.conv2d(X[None, None].double(), K[None, None].double())[0, 0].to(X.dtype)


def _corr2d_cases(gen: torch.Generator):
    yield torch.arange(9.0).reshape(3, 3), torch.tensor([[0.0, 1.0], [2.0, 3.0]])  # d2l's example
    yield torch.ones(4, 5), torch.tensor([[1.0, -1.0]])  # a non-square input and kernel
    for h, w, kh, kw in [(6, 6, 3, 3), (7, 5, 2, 4), (5, 8, 5, 1)]:
        yield torch.randn(h, w, generator=gen), torch.randn(kh, kw, generator=gen)


register(
    ValueExercise(
        id="01.conv1d-shape", lesson="01",
        _prompt=N_("nn.Conv1d(4, 8, kernel_size=5) reads a batch of 16 signals of 4 channels and 100 samples: "
                   "input shape (16, 4, 100). What is the output shape?"),
        _hint=N_("Three numbers: the batch, the channels the layer makes, and the length. "
                 "How many places does a 5-sample window fit in 100 samples?"),
        _explanation=N_("The batch stays 16, the channels become out_channels = 8, and a 5-sample kernel "
                        "fits in 100 − 5 + 1 = 96 places."),
        answer=lambda: tuple(nn.Conv1d(4, 8, kernel_size=5)(torch.zeros(16, 4, 100)).shape),
        mistakes={(16, 8, 100): N_("The length shrinks: without padding the kernel must fit inside the signal.")},
    ),
    CodeExercise(
        id="01.corr2d", lesson="01",
        _prompt=N_("Write corr2d(X, K): the 2-d cross-correlation of a 2-d tensor X with a 2-d kernel K, "
                   "with two for-loops, no padding, stride 1. It must equal what nn.Conv2d computes."),
        _hint=N_("The output has (H − kh + 1) × (W − kw + 1) entries; entry (i, j) is "
                 "(X[i:i+kh, j:j+kw] * K).sum(). PyTorch does not flip the kernel."),
        _explanation=N_("That is all a convolution layer computes for one channel: slide the kernel, "
                        "multiply element by element, sum. nn.Conv2d does the same, much faster."),
        reference=_corr2d, cases=_corr2d_cases, signature="corr2d(X, K)",
    ),
)
