"""Every fast ConvTranspose2d path equals nn.ConvTranspose2d, on any configuration PyTorch accepts."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from convlab import transpose_paths as tp


@st.composite
def transposed_layers(draw: st.DrawFn) -> tuple[nn.ConvTranspose2d, torch.Tensor]:
    """A random nn.ConvTranspose2d (groups, stride, padding, output_padding, dilation, bias; per-axis
    values may differ) and an input it accepts, in float64 so that any difference is a real one."""
    groups = draw(st.integers(1, 3))
    cin = groups * draw(st.integers(1, 2))
    cout = groups * draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 5)), draw(st.integers(1, 5)))
    stride = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    dilation = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = (draw(st.integers(0, 4)), draw(st.integers(0, 4)))
    output_padding = tuple(draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation, strict=True))
    size = (draw(st.integers(1, 9)), draw(st.integers(1, 9)))
    out = [(i - 1) * s - 2 * p + d * (k - 1) + o + 1
           for i, s, p, d, k, o in zip(size, stride, padding, dilation, kernel, output_padding, strict=True)]
    if min(out) < 1:
        padding = (0, 0)  # PyTorch refuses an empty output; without padding it never is
    bias, batch, seed = draw(st.booleans()), draw(st.integers(1, 2)), draw(st.integers(0, 2**16))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        layer = nn.ConvTranspose2d(cin, cout, kernel, stride, padding, output_padding, groups,
                                   bias=bias, dilation=dilation).double()
        x = torch.randn(batch, cin, *size, dtype=torch.float64)
    if draw(st.booleans()):
        x = x.contiguous(memory_format=torch.channels_last)
    return layer, x


def _run(layer: nn.ConvTranspose2d, x: torch.Tensor, path: tp.Path | None) -> torch.Tensor:
    return tp.conv_transpose2d(x, layer.weight, layer.bias, layer.stride, layer.padding, layer.output_padding,
                               layer.groups, layer.dilation, path=path)


@pytest.mark.parametrize("path", [*tp.PATHS, None])
@settings(max_examples=150, deadline=None)
@given(case=transposed_layers())
def test_every_path_equals_conv_transpose2d(path: tp.Path | None, case) -> None:
    layer, x = case
    with torch.no_grad():
        expected = layer(x)
        got = _run(layer, x, path)
    assert got.shape == expected.shape
    torch.testing.assert_close(got, expected, rtol=1e-10, atol=1e-10)


def test_a_phase_that_no_tap_reaches_holds_only_the_bias() -> None:
    """stride 2, dilation 2: the taps land on even output pixels only; odd ones are the bias alone."""
    layer = nn.ConvTranspose2d(1, 2, 3, stride=2, dilation=2).double()
    x = torch.randn(1, 1, 5, 5, dtype=torch.float64)
    taps = tp.phase_taps(3, 2, 0, 2, 13)
    assert taps[1] is None and taps[0] is not None and taps[0].n_taps == 3
    with torch.no_grad():
        for path in ("phases", "subpixel"):
            out = _run(layer, x, path)
            torch.testing.assert_close(out[0, :, 1::2, :], layer.bias.view(2, 1, 1).expand(2, 6, 13))
            torch.testing.assert_close(out, layer(x))


def test_phase_taps_follow_the_index_rule() -> None:
    """Output o gets x[i]·w[t] exactly when o = i·s − p + t·d: check every listed tap against that."""
    k, s, p, d, out = 7, 3, 2, 2, 20
    for r, taps in enumerate(tp.phase_taps(k, s, p, d, out)):
        assert taps is not None
        listed = [taps.first + j * taps.step for j in range(taps.n_taps)]
        assert listed == [t for t in range(k) if (t * d - r - p) % s == 0]
        last = listed[-1]
        assert r + p - last * d == s * taps.offset
        assert taps.rows == len(range(r, out, s))


def test_the_phases_start_dilation_apart_so_one_strided_copy_places_them() -> None:
    """Phase starts are ``dilation × (its last tap) + const``, and the last taps are consecutive, so
    the starts are evenly spaced: the sub-pixel path places all phases with one strided copy."""
    for k, s, p, d, out in [(11, 3, 0, 4, 1574), (5, 3, 1, 2, 1540), (7, 2, 3, 3, 1037), (4, 4, 1, 2, 2000)]:
        shifted = tp._shifted(tp.phase_taps(k, s, p, d, out), s)
        assert shifted is not None and len(shifted.starts) > 1
        assert shifted.step() == d, (k, s, p, d, shifted.starts)


def test_phases_cut_off_by_a_tiny_output_are_placed_one_by_one() -> None:
    """An output shorter than the stride drops phases, and the starts left need not be evenly spaced
    (the one such layer with kernel ≤ 7, stride ≤ 4, padding ≤ 5, dilation ≤ 4 and input ≤ 5)."""
    layer = nn.ConvTranspose2d(1, 2, 4, stride=4, padding=4, output_padding=1, dilation=3).double()
    x = torch.randn(1, 1, 1, 1, dtype=torch.float64)
    shifted = tp._shifted(tp.phase_taps(4, 4, 4, 3, 3), 4)
    assert shifted is not None and shifted.step() is None, shifted
    with torch.no_grad():
        expected = layer(x)
        assert expected.shape == (1, 2, 3, 3)
        torch.testing.assert_close(_run(layer, x, "subpixel"), expected)


def test_the_rule_avoids_onednns_slow_cases() -> None:
    """oneDNN is slow with dilation and stride > 1, and with output_padding > 0: the rule never sends those to it."""
    for stride, dilation, output_padding in [(2, 2, 0), (1, 2, 1), (3, 1, 2), (4, 4, 3)]:
        assert tp.choose_path(stride, dilation, output_padding) != "onednn"


def test_the_lab_uses_the_chosen_path() -> None:
    import convlab as cl
    from convlab.lab_compute import run_layer

    cfg = cl.LayerConfig(3, 2, 5, stride=2, dilation=2, output_padding=1, transposed=True)
    image = torch.rand(1, 3, 16, 16)
    out, path = run_layer(cfg, 2, image)
    assert path == tp.choose_path(2, 2, 1)
    with torch.no_grad():
        torch.testing.assert_close(out, cfg.build(2)(image), rtol=1e-5, atol=1e-5)


def test_an_output_that_no_tap_reaches_is_all_bias() -> None:
    """kernel 1, stride 4, padding 2 on a 2-pixel input: the taps land on pixels -2 and 2, outside a 2-pixel output."""
    layer = nn.ConvTranspose2d(1, 1, 1, stride=4, padding=2, output_padding=1).double()
    x = torch.randn(1, 1, 2, 2, dtype=torch.float64)
    with torch.no_grad():
        expected = layer(x)
        assert expected.shape == (1, 1, 2, 2)
        torch.testing.assert_close(expected, layer.bias.view(1, 1, 1, 1).expand(1, 1, 2, 2))
        for path in tp.PATHS:
            torch.testing.assert_close(_run(layer, x, path), expected)
