"""Property tests: convlab's size arithmetic against PyTorch itself.

Two kinds of property, for Conv1d/2d/3d and ConvTranspose1d/2d/3d:

* on random *valid* configurations, convlab's output size is the shape torch produces;
* on random configurations from a wider space that holds invalid values too,
  convlab raises :class:`ConvConfigError` exactly when torch raises (building the
  layer or running it on a tiny input).

What torch 2.14 accepts but convlab refuses on purpose is pinned down by the
``test_difference_*`` tests at the end, each with the reason.
"""

from __future__ import annotations

import warnings

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch import nn

import convlab as cl

CONV = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}
CONV_T = {1: nn.ConvTranspose1d, 2: nn.ConvTranspose2d, 3: nn.ConvTranspose3d}
SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


pytestmark = pytest.mark.usefixtures("one_thread")


def torch_shape(ndim, transposed, cin, cout, sizes, **kwargs) -> tuple[int, ...]:
    """Spatial output shape of a real torch layer on a zero input of batch 1."""
    cls = (CONV_T if transposed else CONV)[ndim]
    with warnings.catch_warnings():
        # empty kernels and even 'same' kernels only warn; we care about errors
        warnings.simplefilter("ignore")
        layer = cls(cin, cout, **kwargs)
        with torch.no_grad():
            out = layer(torch.zeros(1, cin, *sizes))
    return tuple(out.shape[2:])


def torch_raises(ndim, transposed, cin, cout, sizes, **kwargs) -> bool:
    """Whether torch refuses the configuration, building the layer or running it.

    On CPU, ConvTranspose with groups > 1 or a kernel of 4 or more goes through
    oneDNN, which skips some of torch's own checks (see
    test_difference_onednn_transpose_skips_checks): it returns an *empty* output
    for an output size of 0, where torch's native path raises "Output size is too
    small", and it takes dilation=0 for a 1-tap kernel. So an empty output counts
    as a refusal, and a grouped layer is also run ungrouped (dropping ``groups``
    leaves every spatial rule in place).
    """
    try:
        shape = torch_shape(ndim, transposed, cin, cout, sizes, **kwargs)
        if kwargs.get("groups", 1) != 1:
            torch_shape(ndim, transposed, cin, cout, sizes, **{**kwargs, "groups": 1})
    except (RuntimeError, ValueError, TypeError):
        return True
    return 0 in shape


def convlab_raises(ndim, transposed, cin, cout, sizes, *, kernel_size, stride, padding, dilation,
                   groups, output_padding=0) -> bool:
    """Whether convlab refuses the configuration (any error but ConvConfigError fails the test)."""
    try:
        cl.check_channels(cin, cout, groups)
        if ndim == 2:
            cl.check_layer_config(cin, cout, kernel_size, transposed=transposed, stride=stride,
                                  padding=padding, output_padding=output_padding, dilation=dilation,
                                  groups=groups)
        if transposed:
            cl.conv_transpose_output_size(sizes, kernel_size, stride, padding, output_padding, dilation)
        else:
            cl.conv_output_size(sizes, kernel_size, stride, padding, dilation)
    except cl.ConvConfigError:
        return True
    return False


def maybe_int(draw, values: tuple[int, ...]):
    """Give a per-axis tuple as an int when all axes agree (half the time), else as the tuple."""
    if len(set(values)) == 1 and draw(st.booleans()):
        return values[0]
    return values


def axes(draw, ndim: int, low: int, high: int) -> tuple[int, ...]:
    return tuple(draw(st.integers(low, high)) for _ in range(ndim))


@st.composite
def channels(draw):
    groups = draw(st.integers(1, 3))
    return groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2)), groups


# ---------------------------------------------------------------- valid configurations


@st.composite
def valid_conv(draw):
    ndim = draw(st.integers(1, 3))
    cin, cout, groups = draw(channels())
    k = axes(draw, ndim, 1, 4)
    d = axes(draw, ndim, 1, 3)
    mode = draw(st.sampled_from(["number", "number", "same", "valid"]))
    s = (1,) * ndim if mode == "same" else axes(draw, ndim, 1, 3)
    p = axes(draw, ndim, 0, 3) if mode == "number" else (0,) * ndim
    # smallest input the kernel fits in ('same' pads it, so any size works)
    low = [1 if mode == "same" else max(1, di * (ki - 1) + 1 - 2 * pi) for ki, di, pi in zip(k, d, p, strict=True)]
    sizes = tuple(draw(st.integers(lo, lo + 5)) for lo in low)
    kwargs = dict(kernel_size=maybe_int(draw, k), stride=maybe_int(draw, s), dilation=maybe_int(draw, d),
                  padding=mode if mode != "number" else maybe_int(draw, p), groups=groups)
    return ndim, cin, cout, sizes, kwargs


@st.composite
def valid_conv_transpose(draw):
    ndim = draw(st.integers(1, 3))
    cin, cout, groups = draw(channels())
    k = axes(draw, ndim, 1, 4)
    s = axes(draw, ndim, 1, 3)
    d = axes(draw, ndim, 1, 3)
    sizes = axes(draw, ndim, 1, 5)
    op = tuple(draw(st.integers(0, max(si, di) - 1)) for si, di in zip(s, d, strict=True))
    # padding may exceed the kernel; it only has to leave an output of at least 1
    p = tuple(draw(st.integers(0, ((i - 1) * si + di * (ki - 1) + oi) // 2))
              for i, ki, si, di, oi in zip(sizes, k, s, d, op, strict=True))
    kwargs = dict(kernel_size=maybe_int(draw, k), stride=maybe_int(draw, s), padding=maybe_int(draw, p),
                  output_padding=maybe_int(draw, op), dilation=maybe_int(draw, d), groups=groups)
    return ndim, cin, cout, sizes, kwargs


@SETTINGS
@given(valid_conv(), st.booleans())
def test_conv_output_size_matches_torch(config, int_size):
    ndim, cin, cout, sizes, kw = config
    expected = torch_shape(ndim, False, cin, cout, sizes, **kw)
    as_int = int_size and ndim == 1 and all(not isinstance(v, tuple) for v in kw.values())
    got = cl.conv_output_size(sizes[0] if as_int else sizes, kw["kernel_size"], kw["stride"],
                              kw["padding"], kw["dilation"])
    assert got == (expected[0] if as_int else expected)
    assert isinstance(got, int) == as_int


@SETTINGS
@given(valid_conv_transpose(), st.booleans())
def test_conv_transpose_output_size_matches_torch(config, int_size):
    ndim, cin, cout, sizes, kw = config
    expected = torch_shape(ndim, True, cin, cout, sizes, **kw)
    as_int = int_size and ndim == 1 and all(not isinstance(v, tuple) for v in kw.values())
    got = cl.conv_transpose_output_size(sizes[0] if as_int else sizes, kw["kernel_size"], kw["stride"],
                                        kw["padding"], kw["output_padding"], kw["dilation"])
    assert got == (expected[0] if as_int else expected)
    assert isinstance(got, int) == as_int


# ---------------------------------------------------------------- the wider space


def flaw(draw) -> bool:
    """True about one time in twenty: each parameter is usually valid, so whole configurations
    are valid often enough, and an invalid one usually breaks one rule at a time."""
    return draw(st.integers(0, 19)) == 19


@st.composite
def any_param(draw, ndim: int, good: tuple[int, int], bad: tuple[int, int], *, kernel: bool = False):
    """An int or a tuple, each value from ``good`` or (now and then) ``bad``; now and then a wrong length.

    Length-1 tuples are left out for non-kernel parameters of 2-d/3-d layers: torch
    broadcasts them and convlab refuses them (see test_difference_one_element_tuples).
    """
    length = ndim
    if flaw(draw):
        length = draw(st.sampled_from([n for n in (1, 2, 3, 4) if n != ndim and (kernel or n != 1)]))
    values = tuple(draw(st.integers(*bad)) if flaw(draw) else draw(st.integers(*good)) for _ in range(length))
    if len(set(values)) == 1 and length == ndim and draw(st.booleans()):
        return values[0]
    return values


@st.composite
def any_config(draw, transposed: bool):
    ndim = draw(st.integers(1, 3))
    groups = draw(st.integers(-1, 0)) if flaw(draw) else draw(st.integers(1, 3))
    g = max(groups, 1)
    # channels are multiples of groups unless a flaw adds one
    cin = g * draw(st.integers(1, 2)) + (1 if flaw(draw) else 0)
    cout = g * draw(st.integers(1, 2)) + (1 if flaw(draw) else 0)
    sizes = tuple(0 if flaw(draw) else draw(st.integers(1, 7)) for _ in range(ndim))
    padding = draw(st.sampled_from(["same", "valid"])) if flaw(draw) else draw(any_param(ndim, (0, 3), (-2, -1)))
    kwargs = dict(
        kernel_size=draw(any_param(ndim, (1, 4), (-1, 0), kernel=True)),
        stride=draw(any_param(ndim, (1, 3), (-1, 0))),
        dilation=draw(any_param(ndim, (1, 3), (-1, 0))),
        padding=padding,
        groups=groups,
    )
    if transposed:
        kwargs["output_padding"] = draw(any_param(ndim, (0, 2), (-1, -1)))
    return ndim, cin, cout, sizes, kwargs


@SETTINGS
@given(any_config(transposed=False))
def test_conv_convlab_raises_iff_torch_raises(config):
    ndim, cin, cout, sizes, kw = config
    assert convlab_raises(ndim, False, cin, cout, sizes, **kw) == torch_raises(ndim, False, cin, cout, sizes, **kw)


@SETTINGS
@given(any_config(transposed=True))
def test_conv_transpose_convlab_raises_iff_torch_raises(config):
    ndim, cin, cout, sizes, kw = config
    assert convlab_raises(ndim, True, cin, cout, sizes, **kw) == torch_raises(ndim, True, cin, cout, sizes, **kw)


@SETTINGS
@given(any_config(transposed=False))
def test_conv_size_when_both_accept(config):
    """Where neither refuses, the sizes agree too (the wider space reaches corners the valid one misses)."""
    ndim, cin, cout, sizes, kw = config
    if convlab_raises(ndim, False, cin, cout, sizes, **kw):
        return
    got = cl.conv_output_size(sizes, kw["kernel_size"], kw["stride"], kw["padding"], kw["dilation"])
    assert got == torch_shape(ndim, False, cin, cout, sizes, **kw)


# ---------------------------------------------------------------- known, chosen differences


def test_difference_zero_in_channels():
    """torch builds Conv2d(0, 4, 3) (it only warns) and runs it on a zero-channel input.

    convlab refuses: a layer that reads no channel is always a mistake in a course.
    """
    assert torch_shape(2, False, 0, 4, (5, 5), kernel_size=3) == (3, 3)
    with pytest.raises(cl.ConvConfigError, match="in_channels is 0"):
        cl.check_channels(0, 4)


@pytest.mark.parametrize("name", ["stride", "padding", "dilation", "output_padding"])
def test_difference_one_element_tuples(name):
    """torch silently broadcasts a 1-tuple like stride=(2,) to every axis of a 2-d/3-d layer.

    convlab refuses it and asks for an int or one entry per axis: the quirk is
    undocumented, and a student writing stride=(2,) for an image most likely forgot an axis.
    """
    kw = {"kernel_size": 3, "stride": 2, name: (1,)}
    torch_shape(2, True, 1, 1, (5, 5), **kw)  # torch accepts it
    with pytest.raises(cl.ConvConfigError, match=rf"{name}=\(1,\) has 1 entry.*2 spatial axes"):
        cl.conv_transpose_output_size((5, 5), kw["kernel_size"], kw["stride"], kw.get("padding", 0),
                                      kw.get("output_padding", 0), kw.get("dilation", 1))


# (sizes, groups, kwargs) torch sends to oneDNN, and a like case it keeps on its native path
ONEDNN_CASES = {
    # output (2-1)*1 - 2*1 + 0 + 1 = 0; native: the same layer ungrouped
    "grouped-1d-output-0": (((2,), 2, dict(kernel_size=1, padding=1)),
                            ((2,), 1, dict(kernel_size=1, padding=1))),
    "grouped-3d-output-0": (((2, 2, 2), 2, dict(kernel_size=1, padding=1)),
                            ((2, 2, 2), 1, dict(kernel_size=1, padding=1))),
    # height (5-1) - 2*4 + 3 + 1 = 0; native: a 1-tap kernel, height (2-1) - 2*1 + 0 + 1 = 0
    "kernel4-2d-output-0": (((5, 5), 1, dict(kernel_size=4, padding=(4, 0))),
                            ((2, 5), 1, dict(kernel_size=1, padding=(1, 0)))),
    # dilation 0 on a 1-tap kernel; native: the same layer ungrouped
    "grouped-2d-dilation-0": (((2, 2), 2, dict(kernel_size=1, dilation=0)),
                              ((2, 2), 1, dict(kernel_size=1, dilation=0))),
}


@pytest.mark.parametrize("onednn, native", ONEDNN_CASES.values(), ids=ONEDNN_CASES.keys())
def test_difference_onednn_transpose_skips_checks(onednn, native):
    """torch 2.14 on CPU: ConvTranspose through oneDNN skips checks torch's native path makes.

    torch sends a ConvTranspose with groups > 1, or a kernel of 4 or more, to oneDNN.
    There an output size of 0 gives an empty tensor, and dilation=0 passes for a
    1-tap kernel; the native path raises "Output size is too small" and "dilation
    should be greater than zero" for the same rule broken. convlab keeps the native
    rules for every layer: an empty output or a zero dilation is never what a
    student meant, and the rule must not depend on which backend torch picked.
    """
    for sizes, _, kwargs in (onednn, native):
        with pytest.raises(cl.ConvConfigError):
            cl.conv_transpose_output_size(sizes, kwargs["kernel_size"], 1, kwargs.get("padding", 0), 0,
                                          kwargs.get("dilation", 1))
    sizes, groups, kwargs = native
    with pytest.raises(RuntimeError):
        torch_shape(len(sizes), True, 2, 2, sizes, groups=groups, **kwargs)
    sizes, groups, kwargs = onednn
    try:
        shape = torch_shape(len(sizes), True, 2, 2, sizes, groups=groups, **kwargs)
    except RuntimeError:  # a later torch that checks here too: the difference is gone
        return
    assert 0 in shape or kwargs.get("dilation") == 0  # torch 2.14: accepted, empty or dilation 0
