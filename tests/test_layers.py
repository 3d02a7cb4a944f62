"""Tests of convlab.layers: seeded layers built exactly as the seed lesson builds them."""

from __future__ import annotations

import warnings

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

import convlab as cl

pytestmark = pytest.mark.usefixtures("one_thread")


PARAMS = ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups")

CONFIGS = {
    "seed-conv": dict(in_channels=3, out_channels=1, kernel_size=3),
    "seed-transposed": dict(in_channels=3, out_channels=1, kernel_size=3, transposed=True, stride=2),
    "conv-all": dict(in_channels=4, out_channels=6, kernel_size=(3, 5), stride=(2, 1), padding=(1, 2),
                     dilation=(1, 2), groups=2, bias=False),
    "conv-same": dict(in_channels=3, out_channels=3, kernel_size=5, padding="same", dilation=2, groups=3),
    "conv-valid": dict(in_channels=2, out_channels=4, kernel_size=2, padding="valid"),
    "transposed-all": dict(in_channels=6, out_channels=3, kernel_size=(2, 3), transposed=True, stride=(2, 3),
                           padding=(1, 0), output_padding=(1, 2), dilation=(2, 1), groups=3, bias=False),
    "transposed-output_padding-below-dilation": dict(in_channels=1, out_channels=1, kernel_size=3,
                                                     transposed=True, dilation=3, output_padding=2),
}


def by_hand(seed: int = 2, transposed: bool = False, **kwargs) -> nn.Module:
    """What the seed lesson's script does: seed, build the layer, xavier_normal_ its weight."""
    torch.manual_seed(seed)
    layer = (nn.ConvTranspose2d if transposed else nn.Conv2d)(**kwargs)
    nn.init.xavier_normal_(layer.weight.data)
    return layer


def same_parameters(a: nn.Module, b: nn.Module) -> None:
    assert type(a) is type(b)
    for name in (*PARAMS, "output_padding", "padding_mode"):
        assert getattr(a, name) == getattr(b, name), name
    assert (a.bias is None) == (b.bias is None)


@pytest.mark.parametrize("config", CONFIGS.values(), ids=CONFIGS.keys())
def test_make_layer_builds_the_requested_layer(config):
    layer = cl.make_layer(**config)
    assert type(layer) is (nn.ConvTranspose2d if config.get("transposed") else nn.Conv2d)
    reference = by_hand(**config)
    same_parameters(layer, reference)


@pytest.mark.parametrize("config", CONFIGS.values(), ids=CONFIGS.keys())
def test_weights_are_the_seed_scripts_bit_for_bit(config):
    layer, reference = cl.make_layer(**config), by_hand(**config)
    assert torch.equal(layer.weight, reference.weight)
    if reference.bias is not None:
        assert torch.equal(layer.bias, reference.bias)


def test_seed_lesson_weights_exactly():
    """The seed: set_seed(2); nn.Conv2d(3, 1, 3); nn.init.xavier_normal_(conv_layer.weight.data)."""
    torch.manual_seed(2)
    conv_layer = nn.Conv2d(3, 1, 3)
    nn.init.xavier_normal_(conv_layer.weight.data)
    layer = cl.make_layer(3, 1, 3)
    assert torch.equal(layer.weight, conv_layer.weight)
    assert torch.equal(layer.bias, conv_layer.bias)


@pytest.mark.parametrize("config", CONFIGS.values(), ids=CONFIGS.keys())
def test_same_arguments_same_weights(config):
    a, b = cl.make_layer(**config), cl.make_layer(**config)
    assert torch.equal(a.weight, b.weight)
    assert a.weight.data_ptr() != b.weight.data_ptr()  # two layers, not one shared


def test_different_seeds_different_weights():
    weights = [cl.make_layer(3, 1, 3, seed=s).weight for s in (1, 2, 3)]
    for i in range(3):
        for j in range(i + 1, 3):
            assert not torch.equal(weights[i], weights[j])
    assert torch.equal(cl.make_layer(3, 1, 3, seed=3).weight, by_hand(3, in_channels=3, out_channels=1,
                                                                        kernel_size=3).weight)


def test_global_random_state_is_left_alone():
    torch.manual_seed(1234)
    state = torch.get_rng_state()
    expected_next = torch.rand(5)
    torch.set_rng_state(state)
    cl.make_layer(3, 1, 3, seed=7)
    cl.make_layer(2, 4, 3, transposed=True, stride=2)
    assert torch.equal(torch.get_rng_state(), state)
    assert torch.equal(torch.rand(5), expected_next)


def test_seed_shapes():
    x = torch.zeros(1, 3, 512, 512)
    with torch.no_grad():
        conv = cl.make_layer(3, 1, 3)(x)
        transposed = cl.make_layer(3, 1, 3, transposed=True, stride=2)(x)
    assert tuple(conv.shape) == (1, 1, 510, 510) == (1, 1, *cl.conv_output_size((512, 512), 3))
    assert tuple(transposed.shape) == (1, 1, 1025, 1025) == (1, 1, *cl.conv_transpose_output_size((512, 512), 3, 2))


# ---------------------------------------------------------------- invalid configurations

INVALID = {
    # id: (make_layer kwargs, message piece)
    "kernel_size-0": (dict(in_channels=3, out_channels=1, kernel_size=0), "kernel_size"),
    "kernel-3-axes": (dict(in_channels=3, out_channels=1, kernel_size=(3, 3, 3)), "kernel_size"),
    "stride-0": (dict(in_channels=3, out_channels=1, kernel_size=3, stride=0), "stride"),
    "stride-one-axis-0": (dict(in_channels=3, out_channels=1, kernel_size=3, stride=(1, 0)), "stride"),
    "dilation-0": (dict(in_channels=3, out_channels=1, kernel_size=3, dilation=0), "dilation"),
    "padding-negative": (dict(in_channels=3, out_channels=1, kernel_size=3, padding=-1), "padding"),
    "padding-unknown-string": (dict(in_channels=3, out_channels=1, kernel_size=3, padding="full"), "padding"),
    "same-with-stride": (dict(in_channels=3, out_channels=1, kernel_size=3, padding="same", stride=2),
                         "padding='same'"),
    "same-with-stride-tuple": (dict(in_channels=3, out_channels=1, kernel_size=3, padding="same",
                                    stride=(1, 2)), "padding='same'"),
    "groups-not-dividing-in": (dict(in_channels=3, out_channels=2, kernel_size=3, groups=2), "in_channels=3"),
    "groups-not-dividing-out": (dict(in_channels=4, out_channels=3, kernel_size=3, groups=2), "out_channels=3"),
    "groups-0": (dict(in_channels=4, out_channels=4, kernel_size=3, groups=0), "groups"),
    "out_channels-0": (dict(in_channels=3, out_channels=0, kernel_size=3), "out_channels"),
    "output_padding-on-conv": (dict(in_channels=3, out_channels=1, kernel_size=3, output_padding=1),
                               "output_padding"),
    "transposed-output_padding-not-below-stride": (
        dict(in_channels=3, out_channels=1, kernel_size=3, transposed=True, stride=2, output_padding=2),
        "output_padding"),
    "transposed-output_padding-one-axis": (
        dict(in_channels=3, out_channels=1, kernel_size=3, transposed=True, stride=(2, 1),
             output_padding=(0, 1)), "output_padding"),
    "transposed-output_padding-negative": (
        dict(in_channels=3, out_channels=1, kernel_size=3, transposed=True, stride=2, output_padding=-1),
        "output_padding"),
    "transposed-same": (dict(in_channels=3, out_channels=1, kernel_size=3, transposed=True, padding="same"),
                        "padding='same'"),
    "transposed-valid": (dict(in_channels=3, out_channels=1, kernel_size=3, transposed=True, padding="valid"),
                         "padding='valid'"),
}


def torch_refuses(transposed: bool = False, **kwargs) -> bool:
    """Whether torch raises building the layer or running it on a 12x12 input (big enough for any kernel here)."""
    kwargs.pop("bias", None)
    if not transposed:
        # nn.Conv2d has no output_padding argument; make_layer takes only its default, 0, for a Conv2d
        output_padding = kwargs.pop("output_padding", 0)
        if output_padding not in (0, (0, 0)):
            return True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            layer = (nn.ConvTranspose2d if transposed else nn.Conv2d)(**kwargs)
            with torch.no_grad():
                layer(torch.zeros(1, kwargs["in_channels"], 12, 12))
    except (RuntimeError, ValueError, TypeError):
        return True
    return False


@pytest.mark.parametrize("config, piece", INVALID.values(), ids=INVALID.keys())
def test_invalid_configuration_raises_convconfigerror(config, piece):
    assert torch_refuses(**config)  # a configuration torch itself refuses ...
    with pytest.raises(cl.ConvConfigError, match=piece if "=" in piece else rf"\b{piece}\b"):
        cl.make_layer(**config)  # ... gives the student convlab's message, not torch's
    args = {k: v for k, v in config.items() if k not in ("in_channels", "out_channels", "kernel_size")}
    with pytest.raises(cl.ConvConfigError):
        cl.check_layer_config(config["in_channels"], config["out_channels"], config["kernel_size"], **args)


@st.composite
def layer_configs(draw):
    """Mostly valid 2-d layer configurations, each parameter now and then out of range."""
    def pick(good, bad):
        return draw(st.integers(*bad)) if draw(st.integers(0, 11)) == 11 else draw(st.integers(*good))

    def axes(good, bad):
        values = (pick(good, bad), pick(good, bad))
        return values[0] if values[0] == values[1] and draw(st.booleans()) else values

    transposed = draw(st.booleans())
    groups = pick((1, 3), (-1, 0))
    config = dict(
        in_channels=max(groups, 1) * draw(st.integers(1, 2)) + draw(st.sampled_from([0] * 7 + [1])),
        out_channels=max(groups, 1) * draw(st.integers(1, 2)) + draw(st.sampled_from([0] * 7 + [1])),
        kernel_size=axes((1, 4), (-1, 0)),
        transposed=transposed,
        stride=axes((1, 3), (-1, 0)),
        padding=draw(st.sampled_from(["same", "valid"])) if draw(st.integers(0, 7)) == 7
        else axes((0, 2), (-2, -1)),
        dilation=axes((1, 3), (-1, 0)),
        groups=groups,
        bias=draw(st.booleans()),
    )
    if transposed or draw(st.integers(0, 7)) == 7:
        config["output_padding"] = axes((0, 2), (-1, -1))
    return config


@settings(max_examples=200, deadline=None)
@given(layer_configs())
def test_make_layer_refuses_exactly_what_torch_refuses(config):
    """On an input big enough for any kernel drawn, only layer-level rules can fail.

    A grouped ConvTranspose2d is also checked ungrouped: torch's oneDNN path takes
    dilation=0 for a 1-tap kernel, which its native path and convlab refuse (see
    test_arithmetic_properties.test_difference_onednn_transpose_skips_checks).
    """
    refused = torch_refuses(**config)
    if config["groups"] > 1 and not refused:
        refused = torch_refuses(**{**config, "groups": 1})
    try:
        layer = cl.make_layer(**config)
    except cl.ConvConfigError:
        assert refused
        return
    assert not refused
    if not config["transposed"]:
        config.pop("output_padding", None)  # make_layer's default 0, which nn.Conv2d does not take
    same_parameters(layer, by_hand(**config))


# ---------------------------------------------------------------- layer_code


@pytest.mark.parametrize("config", CONFIGS.values(), ids=CONFIGS.keys())
def test_layer_code_evaluates_to_the_same_layer(config):
    code = cl.layer_code(**config)
    assert code.startswith("nn.ConvTranspose2d(" if config.get("transposed") else "nn.Conv2d(")
    rebuilt = eval(code, {"nn": nn})  # what a student pastes after `from torch import nn`
    same_parameters(rebuilt, cl.make_layer(**config))


def test_layer_code_of_the_seed():
    assert cl.layer_code(3, 1, 3) == "nn.Conv2d(3, 1, kernel_size=3)"
    assert cl.layer_code(3, 1, 3, transposed=True, stride=2) == "nn.ConvTranspose2d(3, 1, kernel_size=3, stride=2)"


def test_layer_code_with_numpy_integers():
    import numpy as np

    code = cl.layer_code(np.int64(3), np.int64(1), np.int64(3), stride=np.int64(2))
    same_parameters(eval(code, {"nn": nn}), nn.Conv2d(3, 1, 3, stride=2))
