"""LayerConfig: one model of a layer, checked against torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

import convlab as cl
from convlab.config import PADDING_MODES, LayerConfig


def test_seed_layers_and_their_code() -> None:
    conv = LayerConfig(3, 1, 3)
    assert conv.output_size((512, 512)) == (510, 510)
    assert conv.code() == "nn.Conv2d(3, 1, kernel_size=3)"
    up = LayerConfig(3, 1, 3, stride=2, transposed=True)
    assert up.output_size(512) == (1025, 1025)
    assert up.code() == "nn.ConvTranspose2d(3, 1, kernel_size=3, stride=2)"
    assert LayerConfig(3, 6, 3, padding_mode="reflect", bias=False, groups=3).code() == (
        "nn.Conv2d(3, 6, kernel_size=3, groups=3, bias=False, padding_mode='reflect')")


def test_build_matches_the_seed_script_bit_for_bit() -> None:
    torch.manual_seed(2)
    reference = nn.Conv2d(3, 1, 3)
    nn.init.xavier_normal_(reference.weight.data)
    before = torch.random.get_rng_state()
    layer = LayerConfig(3, 1, 3).build(seed=2)
    assert torch.equal(layer.weight, reference.weight) and torch.equal(layer.bias, reference.bias)
    assert torch.equal(torch.random.get_rng_state(), before)  # the caller's random state is untouched


def test_the_code_line_builds_the_same_layer() -> None:
    cfg = LayerConfig(6, 4, (3, 5), stride=2, padding=(1, 2), dilation=2, groups=2, bias=False,
                      padding_mode="circular")
    built = eval(cfg.code(), {"nn": nn})  # noqa: S307  (our own generated line)
    layer = cfg.build()
    for name in ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups",
                 "padding_mode"):
        assert getattr(built, name) == getattr(layer, name), name
    assert (built.bias is None) and (layer.bias is None)


def test_numpy_integers_are_accepted_everywhere() -> None:
    cfg = LayerConfig(np.int64(3), np.int64(1), np.int64(3), stride=np.int32(2))
    assert cfg.output_size(np.int64(9)) == (4, 4)
    assert "np." not in cfg.code()


@pytest.mark.parametrize("changes, words", [
    (dict(groups=2), ["groups=2", "divide both: [1]"]),
    (dict(padding_mode="mirror"), ["padding_mode='mirror'"]),
    (dict(padding_mode="reflect", transposed=True), ["only 'zeros'"]),
    (dict(padding="same", stride=2), ["padding='same' needs stride=1"]),
    (dict(output_padding=1), ["output_padding belongs to ConvTranspose2d"]),
    (dict(output_padding=2, stride=2, transposed=True), ["output_padding (height) is 2"]),
])
def test_validate_names_the_broken_rule(changes, words) -> None:
    with pytest.raises(cl.ConvConfigError) as info:
        LayerConfig(3, 4, 3).replace(**changes).validate()
    for w in words:
        assert w in str(info.value)
    assert not LayerConfig(3, 4, 3).replace(**changes).is_valid


def test_reflect_padding_must_be_smaller_than_the_input() -> None:
    cfg = LayerConfig(1, 1, 3, padding=4, padding_mode="reflect")
    with pytest.raises(cl.ConvConfigError, match="at most 3"):
        cfg.validate(hw=(4, 4))
    with pytest.raises(RuntimeError):
        cfg.build()(torch.zeros(1, 1, 4, 4))  # torch refuses it too
    cfg.validate(hw=(5, 5))
    cfg.build()(torch.zeros(1, 1, 5, 5))


@st.composite
def configs(draw):
    transposed = draw(st.booleans())
    groups = draw(st.integers(1, 3))
    stride, dilation = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return LayerConfig(
        in_channels=groups * draw(st.integers(1, 2)), out_channels=groups * draw(st.integers(1, 2)),
        kernel_size=(draw(st.integers(1, 4)), draw(st.integers(1, 4))), stride=stride,
        padding=draw(st.integers(0, 2)), dilation=dilation, groups=groups, bias=draw(st.booleans()),
        output_padding=draw(st.integers(0, max(stride, dilation) - 1)) if transposed else 0,
        padding_mode="zeros" if transposed else draw(st.sampled_from(PADDING_MODES)),
        transposed=transposed,
    )


@settings(max_examples=150, deadline=None)
@given(cfg=configs(), h=st.integers(3, 12), w=st.integers(3, 12))
def test_output_size_counts_and_formula_agree_with_torch(cfg, h, w) -> None:
    try:
        expected = cfg.output_size((h, w))
        cfg.validate(hw=(h, w))
    except cl.ConvConfigError:
        try:
            out = cfg.build()(torch.zeros(1, cfg.in_channels, h, w))
        except (RuntimeError, ValueError):
            return  # torch refuses it too
        assert out.numel() == 0  # a transposed output of 0 pixels: torch returns it empty, convlab refuses
        return
    out = cfg.build()(torch.zeros(1, cfg.in_channels, h, w))
    assert tuple(out.shape) == (1, cfg.out_channels, *expected)
    assert cfg.weight_shape == tuple(cfg.build().weight.shape)
    assert cfg.counts((h, w)).parameters == sum(p.numel() for p in cfg.build().parameters())
    formula = cfg.formula((h, w)).splitlines()
    assert formula[1].endswith(f"= {expected[0]}") and formula[2].endswith(f"= {expected[1]}")
