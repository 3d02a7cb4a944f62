"""Unit tests of convlab.arithmetic: messages, int/tuple forms, and every helper against torch."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

import convlab as cl

CONV = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}
CONV_T = {1: nn.ConvTranspose1d, 2: nn.ConvTranspose2d, 3: nn.ConvTranspose3d}


pytestmark = pytest.mark.usefixtures("one_thread")


def torch_out(layer: nn.Module, sizes: tuple[int, ...]) -> tuple[int, ...]:
    with torch.no_grad():
        return tuple(layer(torch.zeros(1, layer.in_channels, *sizes)).shape[2:])


# ---------------------------------------------------------------- error messages

# id -> (call, pieces the message must contain: the parameter, its value, the rule)
MESSAGES = {
    "kernel_size-0": (lambda: cl.conv_output_size(5, 0), ["kernel_size", " 0", "at least 1"]),
    "stride-0": (lambda: cl.conv_output_size(5, 3, stride=0), ["stride", " 0", "at least 1"]),
    "dilation-negative": (lambda: cl.conv_output_size(5, 3, dilation=-1), ["dilation", "-1", "at least 1"]),
    "padding-negative": (lambda: cl.conv_output_size(5, 3, padding=-1), ["padding", "-1", "at least 0"]),
    "padding-unknown-string": (lambda: cl.conv_output_size(5, 3, padding="full"),
                               ["padding='full'", "'same'", "'valid'"]),
    "same-needs-stride-1": (lambda: cl.conv_output_size(5, 3, stride=2, padding="same"),
                            ["padding='same'", "stride=1", "stride is 2"]),
    "kernel-does-not-fit": (lambda: cl.conv_output_size(2, 3),
                            ["kernel_size=3", "spans 3", "size 2", "too small by 1"]),
    "dilated-kernel-does-not-fit": (lambda: cl.conv_output_size(4, 3, padding=0, dilation=3),
                                    ["kernel_size=3", "dilation=3", "spans 7", "too small by 3"]),
    "kernel-does-not-fit-width": (lambda: cl.conv_output_size((9, 4), (3, 5)),
                                  ["(width)", "kernel_size=5", "too small by 1"]),
    "kernel-does-not-fit-depth": (lambda: cl.conv_output_size((1, 9, 9), 2, padding=(0, 1, 1)),
                                  ["(depth)", "too small by 1"]),
    "tuple-length": (lambda: cl.conv_output_size((5, 5), (3, 3, 3)),
                     ["kernel_size=(3, 3, 3)", "3 entries", "2 spatial axes"]),
    "one-entry-tuple": (lambda: cl.conv_output_size((5, 5), 3, stride=(2,)),
                        ["stride=(2,)", "1 entry,", "2 spatial axes"]),
    "not-a-whole-number": (lambda: cl.conv_output_size(5, 2.5), ["kernel_size=2.5", "whole number"]),
    "size-0": (lambda: cl.conv_output_size(0, 1), ["size", " 0", "at least 1 pixel"]),
    "size-4d": (lambda: cl.conv_output_size((5, 5, 5, 5), 3), ["size=(5, 5, 5, 5)", "1 to 3"]),
    "output_padding-not-below-stride": (
        lambda: cl.conv_transpose_output_size(5, 3, stride=2, output_padding=2),
        ["output_padding", " 2", "smaller than stride (2) or dilation (1)"]),
    "output_padding-negative": (lambda: cl.conv_transpose_output_size(5, 3, stride=2, output_padding=-1),
                                ["output_padding", "-1", "at least 0"]),
    "transposed-output-0": (lambda: cl.conv_transpose_output_size(2, 3, padding=2),
                            ["padding=2", "would be 0", "too small by 1"]),
    "transposed-output-negative": (lambda: cl.conv_transpose_output_size(1, 3, padding=3),
                                   ["padding=3", "would be -3", "too small by 4"]),
    "transposed-same": (lambda: cl.conv_transpose_output_size(5, 3, padding="same"),
                        ["padding='same'", "ConvTranspose", "numbers only"]),
    "groups-do-not-divide-in": (lambda: cl.check_channels(3, 4, 2),
                                ["groups=2", "in_channels=3", "multiples of groups", "divide both: [1]"]),
    "groups-do-not-divide-out": (lambda: cl.check_channels(4, 6, 4),
                                 ["groups=4", "out_channels=6", "multiples of groups", "divide both: [1, 2]"]),
    "groups-0": (lambda: cl.check_channels(4, 4, 0), ["groups", " 0", "at least 1"]),
    "in_channels-0": (lambda: cl.check_channels(0, 4), ["in_channels", " 0", "at least 1 channel"]),
    "channels-negative": (lambda: cl.check_channels(-2, -5), ["in_channels", "-2", "at least 1 channel"]),
    "channels-not-whole": (lambda: cl.check_channels(3.0, 4), ["in_channels=3.0", "whole number"]),
}


@pytest.mark.parametrize("call, pieces", MESSAGES.values(), ids=MESSAGES.keys())
def test_error_message_names_parameter_value_and_rule(call, pieces):
    with pytest.raises(cl.ConvConfigError) as info:
        call()
    for piece in pieces:
        assert piece in str(info.value), f"{piece!r} missing from: {info.value}"
    assert isinstance(info.value, ValueError)  # `except ValueError` catches it too


@pytest.mark.parametrize("size, k, s, p, d", [(2, 3, 1, 0, 1), (4, 3, 2, 0, 3), (1, 5, 1, 1, 1), (3, 2, 1, 0, 4)])
def test_too_small_by_n_is_how_much_input_is_missing(size, k, s, p, d):
    """'too small by N': torch refuses N-1 more pixels of input and accepts N more."""
    with pytest.raises(cl.ConvConfigError) as info:
        cl.conv_output_size(size, k, s, p, d)
    n = int(re.search(r"too small by (\d+)", str(info.value)).group(1))
    layer = nn.Conv1d(1, 1, k, stride=s, padding=p, dilation=d)
    with pytest.raises(RuntimeError):
        torch_out(layer, (size + n - 1,))
    assert torch_out(layer, (size + n,)) == (1,)


@pytest.mark.parametrize("size, k, s, p, op", [(2, 3, 1, 2, 0), (1, 3, 1, 3, 0), (2, 2, 2, 3, 1), (3, 1, 1, 2, 0)])
def test_transposed_too_small_by_n_matches_torchs_computed_output(size, k, s, p, op):
    """torch's own message states the output size it computed; convlab's N is 1 minus that."""
    layer = nn.ConvTranspose1d(1, 1, k, stride=s, padding=p, output_padding=op)
    with pytest.raises(RuntimeError) as torch_info:
        torch_out(layer, (size,))
    torch_o = int(re.search(r"Calculated output size per channel: \(.*?(-?\d+)\)", str(torch_info.value)).group(1))
    with pytest.raises(cl.ConvConfigError, match=rf"would be {torch_o} pixels, too small by {1 - torch_o}\b"):
        cl.conv_transpose_output_size(size, k, s, p, op)


# ---------------------------------------------------------------- int vs tuple, 'same' and 'valid'


def test_int_in_int_out():
    out = cl.conv_output_size(5, 3)
    assert type(out) is int and out == torch_out(nn.Conv1d(1, 1, 3), (5,))[0]
    out = cl.conv_transpose_output_size(5, 3, stride=2)
    assert type(out) is int and out == torch_out(nn.ConvTranspose1d(1, 1, 3, stride=2), (5,))[0]


def test_tuple_in_tuple_out():
    assert cl.conv_output_size((5,), 3) == (3,)
    layer = nn.Conv2d(1, 1, (3, 5), stride=(1, 2), padding=(0, 2), dilation=(2, 1))
    assert cl.conv_output_size((9, 11), (3, 5), (1, 2), (0, 2), (2, 1)) == torch_out(layer, (9, 11))
    layer = nn.Conv3d(1, 1, 3, stride=2)
    assert cl.conv_output_size((5, 6, 7), 3, 2) == torch_out(layer, (5, 6, 7))  # ints broadcast over axes
    layer = nn.ConvTranspose2d(1, 1, (2, 3), stride=(2, 3), output_padding=(1, 2))
    assert cl.conv_transpose_output_size((4, 5), (2, 3), (2, 3), 0, (1, 2)) == torch_out(layer, (4, 5))
    assert cl.conv_output_size([5, 6], [3, 3]) == (3, 4)  # any sequence; a tuple comes back


def test_numpy_integers_are_accepted_like_torch_does():
    k, s = np.int64(3), np.int64(2)
    layer = nn.Conv2d(1, 1, k, stride=s)
    out = cl.conv_output_size((np.int64(9), 9), k, s)
    assert out == torch_out(layer, (9, 9))
    assert all(type(o) is int for o in out)


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
@pytest.mark.parametrize("ndim", [1, 2, 3])
@pytest.mark.parametrize("k, d", [(1, 1), (3, 1), (4, 1), (5, 2), (2, 3), (6, 1)])
def test_same_keeps_the_size_like_torch(ndim, k, d):
    sizes = (7, 4, 5)[:ndim]
    layer = CONV[ndim](1, 1, k, padding="same", dilation=d)
    assert cl.conv_output_size(sizes, k, 1, "same", d) == torch_out(layer, sizes) == sizes


@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_valid_means_no_padding_like_torch(ndim):
    sizes = (7, 6, 5)[:ndim]
    layer = CONV[ndim](1, 1, 3, padding="valid", stride=2)
    assert cl.conv_output_size(sizes, 3, 2, "valid") == torch_out(layer, sizes) == cl.conv_output_size(sizes, 3, 2, 0)


def test_same_accepts_an_input_smaller_than_the_kernel_like_torch():
    layer = nn.Conv2d(1, 1, 7, padding="same")
    assert cl.conv_output_size((2, 3), 7, padding="same") == torch_out(layer, (2, 3)) == (2, 3)


# ---------------------------------------------------------------- effective kernel, 'same' padding


@pytest.mark.parametrize("k, d", [(1, 1), (1, 5), (3, 1), (3, 2), (4, 3), (5, 4)])
def test_effective_kernel_size_is_the_smallest_input_torch_accepts(k, d):
    eff = cl.effective_kernel_size(k, d)
    layer = nn.Conv1d(1, 1, k, dilation=d)
    assert torch_out(layer, (eff,)) == (1,)
    if eff > 1:
        with pytest.raises(RuntimeError):
            torch_out(layer, (eff - 1,))


def test_effective_kernel_size_int_and_tuple():
    assert cl.effective_kernel_size(3, 2) == 5
    assert cl.effective_kernel_size((3, 1, 2), (2, 4, 3)) == (5, 1, 4)
    assert cl.effective_kernel_size((3, 3), 2) == (5, 5)
    with pytest.raises(cl.ConvConfigError, match="dilation"):
        cl.effective_kernel_size(3, 0)


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize("d", [1, 2, 3])
def test_same_padding_is_what_torch_pads(k, d):
    """Explicit (before, after) padding from same_padding gives torch's padding='same' result exactly."""
    gen = torch.Generator().manual_seed(k * 10 + d)
    x = torch.randn(1, 2, 9, generator=gen, dtype=torch.float64)
    w = torch.randn(3, 2, k, generator=gen, dtype=torch.float64)
    ((before, after),) = cl.same_padding(k, d)
    explicit = F.conv1d(F.pad(x, (before, after)), w, dilation=d)
    assert torch.equal(explicit, F.conv1d(x, w, padding="same", dilation=d))


def test_same_padding_2d_per_axis():
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(1, 1, 8, 9, generator=gen, dtype=torch.float64)
    w = torch.randn(1, 1, 4, 3, generator=gen, dtype=torch.float64)
    (top, bottom), (left, right) = cl.same_padding((4, 3), (1, 3))
    explicit = F.conv2d(F.pad(x, (left, right, top, bottom)), w, dilation=(1, 3))
    assert torch.equal(explicit, F.conv2d(x, w, padding="same", dilation=(1, 3)))
    assert bottom - top == 1  # the odd pixel goes after


# ---------------------------------------------------------------- receptive field (brute force)


def brute_force_receptive_field(layers: list[tuple[int, ...]], ndim: int = 1) -> int:
    """Span of the input pixels whose value reaches one output pixel, found with autograd.

    All weights are 1, so no contribution can cancel; the span is counted along the last axis.
    """
    r = cl.receptive_field(layers)
    jump = int(np.prod([layer[1] for layer in layers]))
    size = r + 2 * jump  # big enough for at least one output pixel
    convs = []
    for layer in layers:
        k, s, d = (*layer, 1)[:3]
        conv = CONV[ndim](1, 1, k, stride=s, dilation=d, bias=False)
        nn.init.ones_(conv.weight)
        convs.append(conv)
    x = torch.zeros(1, 1, *(size,) * ndim, requires_grad=True)
    y = nn.Sequential(*convs)(x)
    y[(0, 0) + (0,) * ndim].backward()
    touched = torch.nonzero(x.grad[0, 0].reshape(-1, size).sum(0)).flatten()
    return int(touched.max() - touched.min() + 1)


STACKS = {
    "one-3x3": [(3, 1)],
    "three-3x3-vgg": [(3, 1), (3, 1), (3, 1)],
    "conv-pool-conv": [(3, 1), (2, 2), (3, 1)],
    "strided": [(3, 2), (3, 2), (3, 2)],
    "dilated-pyramid": [(3, 1, 1), (3, 1, 2), (3, 1, 4)],
    "kernel-smaller-than-stride": [(1, 3), (2, 2)],
    "alexnet-start": [(11, 4), (3, 2), (5, 1)],
}


@pytest.mark.parametrize("layers", STACKS.values(), ids=STACKS.keys())
def test_receptive_field_of_named_stacks(layers):
    assert cl.receptive_field(layers) == brute_force_receptive_field(layers)


def test_receptive_field_2d_stack():
    layers = [(3, 2), (3, 1, 2)]
    assert cl.receptive_field(layers) == brute_force_receptive_field(layers, ndim=2)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 4), st.integers(1, 3), st.integers(1, 3)), min_size=1, max_size=4))
def test_receptive_field_of_random_stacks(layers):
    assert cl.receptive_field(layers) == brute_force_receptive_field(layers)


def test_receptive_field_refuses_a_zero_stride():
    with pytest.raises(cl.ConvConfigError, match="stride"):
        cl.receptive_field([(3, 0)])


# ---------------------------------------------------------------- parameters, MACs, weights, divisors

LAYERS = [
    # (ndim, in, out, kernel, groups, transposed)
    (2, 3, 1, 3, 1, False),
    (2, 6, 4, (3, 5), 2, False),
    (2, 8, 8, 3, 8, False),  # depthwise
    (2, 3, 1, 3, 1, True),
    (2, 6, 9, (2, 3), 3, True),
    (1, 4, 6, (5,), 2, False),
    (3, 4, 2, (1, 3, 3), 2, True),
]
LAYER_IDS = ["conv", "conv-groups2", "depthwise", "transposed", "transposed-groups3", "conv1d", "transposed3d"]


def build(ndim, cin, cout, k, groups, transposed, **kwargs) -> nn.Module:
    return (CONV_T if transposed else CONV)[ndim](cin, cout, k, groups=groups, **kwargs)


@pytest.mark.parametrize("ndim, cin, cout, k, groups, transposed", LAYERS, ids=LAYER_IDS)
def test_weight_shape_is_the_real_layers(ndim, cin, cout, k, groups, transposed):
    layer = build(ndim, cin, cout, k, groups, transposed)
    assert cl.weight_shape(cin, cout, k, groups, transposed=transposed) == tuple(layer.weight.shape)


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("ndim, cin, cout, k, groups, transposed", LAYERS, ids=LAYER_IDS)
def test_parameter_count_is_the_real_layers(ndim, cin, cout, k, groups, transposed, bias):
    layer = build(ndim, cin, cout, k, groups, transposed, bias=bias)
    assert cl.parameter_count(cin, cout, k, groups, bias) == sum(p.numel() for p in layer.parameters())


MAC_CASES = {
    # id: (ndim, in, out, kernel, groups, transposed, input size, layer kwargs)
    "conv": (2, 3, 1, 3, 1, False, (12, 12), {}),
    "conv-strided-padded-dilated": (2, 4, 6, (3, 2), 2, False, (11, 9),
                                    dict(stride=(2, 1), padding=(1, 2), dilation=(2, 1))),
    "conv-same": (2, 2, 4, 4, 2, False, (7, 8), dict(padding="same")),
    "conv1d": (1, 3, 6, 5, 3, False, (20,), dict(stride=3)),
    "conv3d": (3, 2, 2, 3, 1, False, (5, 6, 7), dict(padding=1)),
    "transposed": (2, 3, 1, 3, 1, True, (8, 8), dict(stride=2)),
    "transposed-all": (2, 4, 6, (3, 2), 2, True, (5, 7),
                       dict(stride=(3, 2), padding=(1, 0), output_padding=(2, 1), dilation=(1, 2))),
    "transposed3d": (3, 2, 4, 2, 2, True, (3, 4, 5), dict(stride=2, padding=1)),
}


@pytest.mark.parametrize("case", MAC_CASES.values(), ids=MAC_CASES.keys())
def test_mac_count_is_half_torchs_flop_count(case):
    """torch's FlopCounterMode counts a multiply-add as 2 FLOPs (bias adds not counted, like convlab).

    For a transposed layer torch counts every input pixel times every kernel tap,
    including taps that land in the padding cropped away; convlab counts the same way.
    """
    ndim, cin, cout, k, groups, transposed, sizes, kwargs = case
    layer = build(ndim, cin, cout, k, groups, transposed, **kwargs)
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        layer(torch.zeros(1, cin, *sizes))
    macs = cl.mac_count(cin, cout, k, sizes, groups=groups, transposed=transposed, **kwargs)
    assert 2 * macs == counter.get_total_flops()


def test_mac_count_grows_with_the_output_not_the_padding_it_drops():
    """Brute force for one small case: one multiply per (output pixel, out channel, in channel, tap)."""
    x = torch.ones(1, 2, 6, 6)
    w = torch.ones(3, 2, 3, 3)
    # with all ones, each output value is the number of multiply-adds that made it (padding=0)
    assert F.conv2d(x, w).sum().item() == cl.mac_count(2, 3, 3, (6, 6))


@pytest.mark.parametrize("n", range(1, 13))
def test_divisors_are_exactly_the_groups_torch_accepts(n):
    accepted = []
    for g in range(1, n + 1):
        try:
            nn.Conv2d(n, n, 1, groups=g)
        except ValueError:
            continue
        accepted.append(g)
    assert cl.divisors(n) == accepted


def test_mac_count_reads_an_int_input_size_as_a_square_image():
    assert cl.mac_count(64, 128, 3, 56, padding=1) == cl.mac_count(64, 128, 3, (56, 56), padding=1)
    layer = torch.nn.Conv2d(64, 128, 3, padding=1)
    with FlopCounterMode(display=False) as counter:
        layer(torch.zeros(1, 64, 56, 56))
    assert 2 * cl.mac_count(64, 128, 3, 56, padding=1) == counter.get_total_flops()


def test_output_padding_message_names_the_axis_value_and_why():
    with pytest.raises(cl.ConvConfigError, match=r"output_padding \(width\) is 2, but it must be smaller than stride \(2\)"):
        cl.check_layer_config(3, 1, 3, transposed=True, stride=2, output_padding=(0, 2))
    with pytest.raises(cl.ConvConfigError, match="at least 0"):
        cl.check_layer_config(3, 1, 3, transposed=True, stride=2, output_padding=-1)


@pytest.mark.parametrize("cin, cout", [(3, 4), (4, 6), (6, 9), (12, 8), (5, 5)])
def test_groups_suggestions_divide_both_channel_counts(cin, cout):
    suggested = cl.common_divisors(cin, cout)
    for g in suggested:
        nn.Conv2d(cin, cout, 1, groups=g)  # torch accepts every suggestion
    assert [g for g in range(1, 13) if cin % g == 0 and cout % g == 0] == suggested
