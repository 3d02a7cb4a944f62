"""convlab.transposed_tools against PyTorch itself."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import convlab as cl
from convlab.transposed_tools import lab_size, size_back


def _torch_size(params: dict, hw: tuple[int, int], transposed: bool) -> tuple[int, int]:
    args = dict(stride=params["stride"], padding=params["padding"], dilation=params["dilation"])
    if transposed:
        layer = nn.ConvTranspose2d(1, 1, params["kernel_size"], output_padding=params["output_padding"], **args)
    else:
        layer = nn.Conv2d(1, 1, params["kernel_size"], **args)
    return tuple(layer(torch.zeros(1, 1, *hw)).shape[-2:])


@pytest.mark.parametrize("params", [
    dict(kernel_size=3, stride=2, padding=0, output_padding=0, dilation=1),
    dict(kernel_size=3, stride=1, padding=0, output_padding=0, dilation=1),
    dict(kernel_size=4, stride=3, padding=1, output_padding=2, dilation=1),
    dict(kernel_size=3, stride=1, padding=2, output_padding=1, dilation=2),
])
def test_lab_size_is_the_size_torch_gives(params) -> None:
    assert lab_size(params, (9, 7)) == _torch_size(params, (9, 7), transposed=True)
    assert lab_size(params, (9, 7), transposed=False) == _torch_size(params, (9, 7), transposed=False)


def test_lab_size_defaults_to_the_seed_image_and_the_transposed_formula() -> None:
    seed = dict(kernel_size=3, stride=2, padding=0, output_padding=0, dilation=1)
    assert lab_size(seed) == (1025, 1025)
    assert lab_size({**seed, "output_padding": 1}) == (1026, 1026)
    assert lab_size({**seed, "stride": 1}, transposed=False) == (510, 510)


def test_lab_size_refuses_what_pytorch_refuses() -> None:
    with pytest.raises(cl.ConvConfigError):
        lab_size(dict(kernel_size=3, stride=1, padding=0, output_padding=1, dilation=1))


def test_size_back_returns_the_size_exactly_when_output_padding_is_below_stride() -> None:
    seen_above = 0
    for size in range(1, 9):
        for k in range(1, 5):
            for s in range(1, 4):
                for p in range(0, 3):
                    for d in range(1, 4):
                        for op in range(0, max(s, d)):
                            try:
                                back = size_back(size, k, s, p, op, d)
                            except cl.ConvConfigError:
                                continue
                            up = nn.ConvTranspose2d(1, 1, k, s, p, op, dilation=d)(torch.zeros(1, 1, size, size))
                            assert back == nn.Conv2d(1, 1, k, s, p, dilation=d)(up).shape[-1]
                            assert (back == size) == (op < s)
                            assert back == size + op // s
                            seen_above += op >= s
    assert seen_above > 0


def test_size_back_counterexample_of_lesson_07() -> None:
    assert cl.conv_transpose_output_size(4, 3, output_padding=1, dilation=2) == 9
    assert size_back(4, 3, output_padding=1, dilation=2) == 5
