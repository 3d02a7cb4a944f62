"""convlab.matrix against torch itself: C, C.T, zero insertion, the round trip."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from convlab import ConvConfigError, conv_output_size, conv_transpose_output_size
from convlab.matrix import (
    conv_matrix,
    conv_transpose_three_ways,
    conv_transpose_zero_insertion,
    matching_output_padding,
    matrix_shape,
    roundtrip,
    transposed_as_direct,
    zero_insert,
)

SETTINGS = settings(max_examples=200, deadline=None)
pairs = st.tuples


pytestmark = pytest.mark.usefixtures("one_thread")


def _valid_conv(i, k, s, p, d) -> bool:
    try:
        conv_output_size(i, k, s, p, d)
    except ConvConfigError:
        return False
    return True


def _rand(*shape, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g, dtype=torch.float64)


conv_configs = st.fixed_dictionaries(
    {
        "i": pairs(st.integers(1, 8), st.integers(1, 8)),
        "k": pairs(st.integers(1, 4), st.integers(1, 4)),
        "s": pairs(st.integers(1, 3), st.integers(1, 3)),
        "p": pairs(st.integers(0, 2), st.integers(0, 2)),
        "d": pairs(st.integers(1, 3), st.integers(1, 3)),
        "seed": st.integers(0, 2**31),
    }
)


@SETTINGS
@given(conv_configs)
def test_conv_matrix_is_conv2d(cfg):
    i, k, s, p, d = cfg["i"], cfg["k"], cfg["s"], cfg["p"], cfg["d"]
    assume(_valid_conv(i, k, s, p, d))
    kernel = _rand(*k, seed=cfg["seed"])
    x = _rand(1, 1, *i, seed=cfg["seed"] + 1)
    C = conv_matrix(kernel, i, s, p, d)
    expected = F.conv2d(x, kernel[None, None], stride=s, padding=p, dilation=d)
    assert C.shape == (expected.numel(), x.numel())
    torch.testing.assert_close(C @ x.flatten(), expected.flatten(), rtol=0, atol=1e-12)


@SETTINGS
@given(conv_configs)
def test_conv_matrix_transpose_is_conv_transpose2d(cfg):
    i, k, s, p, d = cfg["i"], cfg["k"], cfg["s"], cfg["p"], cfg["d"]
    assume(_valid_conv(i, k, s, p, d))
    kernel = _rand(*k, seed=cfg["seed"])
    out = conv_output_size(i, k, s, p, d)
    y = _rand(1, 1, *out, seed=cfg["seed"] + 1)
    # The rows/columns the strided conv never reached at the bottom/right come back as output_padding.
    op = tuple((i[a] + 2 * p[a] - d[a] * (k[a] - 1) - 1) % s[a] for a in range(2))
    expected = F.conv_transpose2d(y, kernel[None, None], stride=s, padding=p, output_padding=op, dilation=d)
    assert tuple(expected.shape[-2:]) == i
    C = conv_matrix(kernel, i, s, p, d)
    torch.testing.assert_close(C.T @ y.flatten(), expected.flatten(), rtol=0, atol=1e-12)
    assert matching_output_padding(i, k, s, p, d) == op


def test_seed_lesson_shapes_4x16():
    kernel = torch.randn(3, 3)
    C = conv_matrix(kernel, 4)
    assert C.shape == (4, 16)
    assert C.T.shape == (16, 4)
    # every output pixel sees all 9 weights, each exactly once
    assert (C != 0).sum(dim=1).tolist() == [9, 9, 9, 9]
    assert sorted(C[0][C[0] != 0].tolist()) == sorted(kernel.flatten().tolist())
    assert matrix_shape(3, 4) == (4, 16)


def test_matrix_shape_matches_conv_matrix():
    C = conv_matrix(torch.ones(2, 3), (5, 7), stride=(2, 1), padding=(1, 0), dilation=(1, 2))
    assert matrix_shape((2, 3), (5, 7), (2, 1), (1, 0), (1, 2)) == tuple(C.shape)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16])
def test_conv_matrix_keeps_dtype(dtype):
    assert conv_matrix(torch.ones(2, 2, dtype=dtype), 3).dtype == dtype


def test_conv_matrix_integer_kernel_becomes_float():
    C = conv_matrix(torch.tensor([[1, 2], [3, 4]]), 3)
    assert C.is_floating_point()
    x = torch.arange(9.0).reshape(1, 1, 3, 3)
    torch.testing.assert_close(C @ x.flatten(), F.conv2d(x, torch.tensor([[[[1.0, 2], [3, 4]]]])).flatten())


transpose_configs = st.fixed_dictionaries(
    {
        "n": st.integers(1, 2),
        "groups": st.integers(1, 3),
        "cin_g": st.integers(1, 2),
        "cout_g": st.integers(1, 2),
        "i": pairs(st.integers(1, 6), st.integers(1, 6)),
        "k": pairs(st.integers(1, 4), st.integers(1, 4)),
        "s": pairs(st.integers(1, 3), st.integers(1, 3)),
        "p": pairs(st.integers(0, 4), st.integers(0, 4)),
        "d": pairs(st.integers(1, 3), st.integers(1, 3)),
        "seed": st.integers(0, 2**31),
    }
).flatmap(
    # output_padding must stay below stride or dilation on each axis
    lambda c: st.fixed_dictionaries(
        {"op": pairs(*(st.integers(0, max(c["s"][a], c["d"][a]) - 1) for a in range(2)))}
    ).map(lambda extra: {**c, **extra})
)


@SETTINGS
@given(transpose_configs)
def test_zero_insertion_equals_conv_transpose2d(cfg):
    i, k, s, p, op, d, g = cfg["i"], cfg["k"], cfg["s"], cfg["p"], cfg["op"], cfg["d"], cfg["groups"]
    try:
        conv_transpose_output_size(i, k, s, p, op, d)
    except ConvConfigError:
        assume(False)
    y = _rand(cfg["n"], g * cfg["cin_g"], *i, seed=cfg["seed"])
    w = _rand(g * cfg["cin_g"], cfg["cout_g"], *k, seed=cfg["seed"] + 1)
    expected = F.conv_transpose2d(y, w, stride=s, padding=p, output_padding=op, dilation=d, groups=g)
    got = conv_transpose_zero_insertion(y, w, s, p, op, d, groups=g)
    assert got.shape == expected.shape
    torch.testing.assert_close(got, expected, rtol=0, atol=1e-10)


@SETTINGS
@given(conv_configs)
def test_three_ways_agree(cfg):
    i, k, s, p, d = cfg["i"], cfg["k"], cfg["s"], cfg["p"], cfg["d"]
    assume(_valid_conv(i, k, s, p, d))
    y = _rand(*conv_output_size(i, k, s, p, d), seed=cfg["seed"])
    kernel = _rand(*k, seed=cfg["seed"] + 1)
    views = conv_transpose_three_ways(y, kernel, i, stride=s, padding=p, dilation=d)
    reference = F.conv_transpose2d(
        y[None, None],
        kernel[None, None],
        stride=s,
        padding=p,
        output_padding=views.output_padding,
        dilation=d,
    )[0, 0]
    assert tuple(reference.shape) == i
    for result in (views.torch_result, views.matrix_result, views.zero_insertion_result):
        torch.testing.assert_close(result, reference, rtol=0, atol=1e-10)
    assert views.max_abs_difference < 1e-10


def test_three_ways_without_input_size_uses_output_padding():
    y = torch.randn(3, 3, dtype=torch.float64)
    kernel = torch.randn(3, 3, dtype=torch.float64)
    views = conv_transpose_three_ways(y, kernel, stride=2, padding=1, output_padding=1)
    expected = F.conv_transpose2d(y[None, None], kernel[None, None], stride=2, padding=1, output_padding=1)
    assert views.torch_result.shape == (6, 6) == expected.shape[-2:]
    torch.testing.assert_close(views.matrix_result, expected[0, 0])
    torch.testing.assert_close(views.zero_insertion_result, expected[0, 0])


def test_three_ways_rejects_output_padding_that_misses_input_size():
    y, kernel = torch.randn(3, 3), torch.randn(3, 3)
    with pytest.raises(ConvConfigError, match="output_padding"):
        conv_transpose_three_ways(y, kernel, 6, stride=2, padding=1, output_padding=0)
    with pytest.raises(ConvConfigError, match="y is"):
        conv_transpose_three_ways(torch.randn(4, 4), kernel, 6, stride=2, padding=1)
    # output_padding 1 with stride 1 is legal in PyTorch (below dilation 2) but has no matrix C
    with pytest.raises(ConvConfigError, match="output_padding"):
        conv_transpose_three_ways(y, kernel, stride=1, dilation=2, output_padding=1)


def test_transposed_as_direct_shapes_and_zeros():
    y = torch.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    w = torch.arange(9.0).reshape(1, 1, 3, 3)
    padded, rotated = transposed_as_direct(y, w, stride=2, padding=1, output_padding=1)
    q = 1 * (3 - 1) - 1
    assert padded.shape[-2:] == ((3 - 1) * 2 + 1 + 2 * q + 1,) * 2
    assert torch.equal(padded[0, 0, q : q + 5 : 2, q : q + 5 : 2], y[0, 0])
    assert padded.sum() == y.sum()  # everything else is an inserted zero or padding
    assert torch.equal(rotated[0, 0], w[0, 0].flip(0).flip(1))


def test_zero_insert_places_pixels_stride_apart():
    y = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    z = zero_insert(y, (3, 2))
    assert z.shape == (4, 3)
    assert torch.equal(z, torch.tensor([[1.0, 0, 2], [0, 0, 0], [0, 0, 0], [3, 0, 4]]))


def test_zero_insertion_crops_when_padding_exceeds_kernel_span():
    y = torch.randn(1, 2, 6, 6, dtype=torch.float64)
    w = torch.randn(2, 1, 2, 2, dtype=torch.float64)
    padded, _ = transposed_as_direct(y, w, stride=1, padding=2)
    assert padded.shape[-2:] == (6 + 2 * (1 - 2),) * 2  # q = -1 crops one pixel per side
    torch.testing.assert_close(
        conv_transpose_zero_insertion(y, w, 1, 2), F.conv_transpose2d(y, w, stride=1, padding=2)
    )


def test_roundtrip_does_not_return_the_input():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(6, 6, generator=g, dtype=torch.float64)
    kernel = torch.randn(3, 3, generator=g, dtype=torch.float64)
    r = roundtrip(x, kernel, stride=2, padding=1)
    assert r.same_shape and r.x_back.shape == x.shape
    assert r.y.shape == F.conv2d(x[None, None], kernel[None, None], stride=2, padding=1).shape[-2:]
    assert r.max_abs_error == pytest.approx((r.x_back - x).abs().max().item())
    assert r.max_abs_error > 0.5
    C = conv_matrix(kernel, 6, 2, 1)
    torch.testing.assert_close(r.x_back.flatten(), C.T @ C @ x.flatten())
    torch.testing.assert_close(r.gram(), C.T @ C)
    assert not torch.allclose(r.gram(), torch.eye(36, dtype=torch.float64), atol=0.1)


def test_roundtrip_with_identity_kernel_is_exact():
    # The one honest exception: a 1x1 kernel of weight 1 makes C the identity.
    x = torch.randn(5, 4, dtype=torch.float64)
    r = roundtrip(x, torch.ones(1, 1, dtype=torch.float64))
    assert r.max_abs_error == 0
    torch.testing.assert_close(r.gram(), torch.eye(20, dtype=torch.float64))


def test_roundtrip_accepts_4d_single_channel():
    x = torch.randn(1, 1, 7, 7)
    r = roundtrip(x, torch.randn(3, 3), stride=2, dilation=2)
    assert r.x.shape == (7, 7) and r.x_back.shape == (7, 7)


@pytest.mark.parametrize(
    "call",
    [
        lambda: conv_matrix(torch.ones(1, 3, 3), 4),
        lambda: conv_matrix(torch.ones(3), 4),
        lambda: conv_matrix(torch.ones(5, 5), 4),
        lambda: conv_matrix(torch.ones(3, 3), 4, stride=0),
        lambda: conv_matrix(torch.ones(3, 3), 4, padding=-1),
        lambda: conv_matrix(torch.ones(3, 3), 4, dilation=0),
        lambda: conv_matrix(torch.ones(3, 3), (4, 4, 4)),
        lambda: conv_matrix(torch.ones(3, 3), 4, stride="2"),
        lambda: conv_matrix(torch.ones(3, 3), 512),
        lambda: conv_transpose_zero_insertion(torch.ones(1, 3, 3), torch.ones(1, 1, 3, 3)),
        lambda: conv_transpose_zero_insertion(torch.ones(1, 2, 3, 3), torch.ones(1, 1, 3, 3)),
        lambda: conv_transpose_zero_insertion(torch.ones(1, 3, 3, 3), torch.ones(3, 1, 3, 3), groups=2),
        lambda: conv_transpose_zero_insertion(
            torch.ones(1, 1, 3, 3), torch.ones(1, 1, 3, 3), output_padding=1
        ),
        lambda: conv_transpose_zero_insertion(torch.ones(1, 1, 2, 2), torch.ones(1, 1, 2, 2), padding=2),
        lambda: roundtrip(torch.ones(2, 5, 5), torch.ones(3, 3)),
        lambda: roundtrip(torch.ones(5, 5), torch.ones(1, 1, 3, 3)),
    ],
)
def test_invalid_inputs_raise_conv_config_error(call):
    with pytest.raises(ConvConfigError):
        call()


def test_pytorch_refuses_what_we_refuse():
    # Spot-check that the refusals above are real: torch refuses the same configurations.
    with pytest.raises(RuntimeError):
        F.conv2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 5, 5))
    with pytest.raises(RuntimeError):
        F.conv_transpose2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 3, 3), output_padding=1)


def test_numpy_integers_are_accepted_everywhere():
    """NumPy integers are whole numbers too (conv_matrix(k, np.int64(4)) used to raise)."""
    import numpy as np

    k = torch.arange(1.0, 10.0).view(3, 3)
    assert torch.equal(conv_matrix(k, np.int64(4)), conv_matrix(k, 4))
    assert torch.equal(conv_matrix(k, (np.int32(5), 5), stride=np.int64(2), padding=np.int8(1)),
                       conv_matrix(k, 5, stride=2, padding=1))
    assert matrix_shape(np.int64(3), np.int64(4)) == (4, 16)
    assert matching_output_padding(np.int64(8), 3, stride=np.int64(2), padding=1) == (1, 1)
    y = torch.randn(1, 1, 3, 3)
    w = torch.randn(1, 1, 3, 3)
    torch.testing.assert_close(conv_transpose_zero_insertion(y, w, stride=np.int64(2), groups=np.int64(1)),
                               F.conv_transpose2d(y, w, stride=2))
    for bad in (True, 2.0, "2", (2, 2, 2)):
        with pytest.raises(ConvConfigError):
            conv_matrix(k, 4, stride=bad)
