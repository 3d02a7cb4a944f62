"""Kernel-side tests of the live labs: set a slider from code, check result, error, bytes, text."""

from __future__ import annotations

import io
import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import convlab as cl
from convlab.lab import DISPLAY_SIDE, MAX_OUTPUT_VALUES, SLIDERS


@pytest.fixture(scope="module")
def _labs() -> dict[bool, cl.ConvLab]:
    return {transposed: cl.ConvLab("astronaut", transposed=transposed) for transposed in (False, True)}


@pytest.fixture
def conv_lab(_labs: dict[bool, cl.ConvLab]) -> cl.ConvLab:
    _labs[False].reset()
    return _labs[False]


@pytest.fixture
def transposed_lab(_labs: dict[bool, cl.ConvLab]) -> cl.ConvLab:
    _labs[True].reset()
    return _labs[True]


def expected_shape(lab: cl.ConvLab) -> tuple[int, int, int, int]:
    p = lab.params
    if lab.transposed:
        hw = cl.conv_transpose_output_size((512, 512), p["kernel_size"], p["stride"], p["padding"],
                                           p["output_padding"], p["dilation"])
    else:
        hw = cl.conv_output_size((512, 512), p["kernel_size"], p["stride"], p["padding"], p["dilation"])
    return (1, p["out_channels"], *hw)


def test_controls_are_the_documented_sliders(conv_lab: cl.ConvLab, transposed_lab: cl.ConvLab) -> None:
    common = {"kernel_size", "stride", "padding", "dilation", "groups", "out_channels", "seed"}
    assert set(conv_lab.controls) == common
    assert set(transposed_lab.controls) == common | {"output_padding"}


def test_labs_start_at_the_seed_lessons_layers(conv_lab: cl.ConvLab, transposed_lab: cl.ConvLab) -> None:
    assert conv_lab.error == "" and tuple(conv_lab.result.shape) == (1, 1, 510, 510)
    assert tuple(transposed_lab.result.shape) == (1, 1, 1025, 1025)
    assert "nn.Conv2d(3, 1, kernel_size=3)" in conv_lab.code.value
    assert "nn.ConvTranspose2d(3, 1, kernel_size=3, stride=2)" in transposed_lab.code.value


def test_the_result_is_the_seeded_layer_applied_to_the_image(conv_lab: cl.ConvLab) -> None:
    conv_lab.controls["seed"].value = 5
    layer = cl.make_layer(3, 1, 3, seed=5)
    expected = layer(cl.load_image("astronaut")).detach()
    assert (conv_lab.result - expected).abs().max().item() < 1e-5


@pytest.mark.parametrize("lab_name", ["conv_lab", "transposed_lab"])
@pytest.mark.parametrize("name", ["kernel_size", "stride", "padding", "dilation", "out_channels", "seed"])
def test_each_slider_reruns_the_layer(request: pytest.FixtureRequest, lab_name: str, name: str) -> None:
    lab: cl.ConvLab = request.getfixturevalue(lab_name)
    before = lab.output_image.value
    spec = SLIDERS[name]
    new = spec.high if lab.controls[name].value != spec.high else spec.low
    lab.controls[name].value = new
    assert lab.error == ""
    assert tuple(lab.result.shape) == expected_shape(lab)
    assert lab.output_image.value != before, "the picture changes"
    assert str(list(lab.result.shape)) in lab.output_label.value


def test_formula_shows_the_numbers_and_the_answer(conv_lab: cl.ConvLab, transposed_lab: cl.ConvLab) -> None:
    conv_lab.controls["stride"].value = 2
    conv_lab.controls["padding"].value = 1
    assert "⌊(512 + 2×1 − 1×(3−1) − 1) / 2⌋ + 1 = 256" in conv_lab.formula.value
    transposed_lab.controls["output_padding"].value = 1
    assert "(512−1)×2 − 2×0 + 1×(3−1) + 1 + 1 = 1026" in transposed_lab.formula.value
    assert tuple(transposed_lab.result.shape) == (1, 1, 1026, 1026)


def test_counts_match_the_layer(conv_lab: cl.ConvLab) -> None:
    conv_lab.controls["out_channels"].value = 3
    conv_lab.controls["groups"].value = 3
    layer = cl.make_layer(3, 3, 3, groups=3)
    n = sum(p.numel() for p in layer.parameters())
    assert f"<b>{n:,}</b>" in conv_lab.counts.value
    assert "output_padding" not in conv_lab.code.value and "groups=3" in conv_lab.code.value


def test_several_output_channels_make_a_grid(conv_lab: cl.ConvLab) -> None:
    conv_lab.controls["out_channels"].value = 4
    grid = Image.open(io.BytesIO(conv_lab.output_image.value))
    assert grid.width <= DISPLAY_SIDE and grid.height < grid.width  # 2 rows of up to 3


def test_groups_that_do_not_divide_show_an_error_and_keep_the_picture(conv_lab: cl.ConvLab) -> None:
    before = conv_lab.output_image.value
    conv_lab.controls["groups"].value = 2
    assert conv_lab.result is None
    assert "groups=2" in conv_lab.error and "in_channels=3" in conv_lab.error
    assert conv_lab.error in conv_lab.message.value.replace("&#x27;", "'")
    assert conv_lab.output_image.value == before, "the last good picture stays"
    assert "convlab-stale" in conv_lab.output_panel._dom_classes
    conv_lab.controls["groups"].value = 1
    assert conv_lab.error == "" and conv_lab.message.value == ""
    assert "convlab-stale" not in conv_lab.output_panel._dom_classes
    assert tuple(conv_lab.result.shape) == (1, 1, 510, 510)


def test_groups_must_divide_out_channels_too(conv_lab: cl.ConvLab) -> None:
    conv_lab.controls["groups"].value = 3
    assert "out_channels=1" in conv_lab.error
    conv_lab.controls["out_channels"].value = 6
    assert conv_lab.error == "" and tuple(conv_lab.result.shape) == (1, 6, 510, 510)


def test_output_padding_too_large_is_explained(transposed_lab: cl.ConvLab) -> None:
    transposed_lab.controls["output_padding"].value = 2
    assert transposed_lab.result is None and "output_padding" in transposed_lab.error
    assert "stride (2)" in transposed_lab.error
    transposed_lab.controls["dilation"].value = 3  # output_padding < dilation is allowed too
    assert transposed_lab.error == ""
    assert tuple(transposed_lab.result.shape) == expected_shape(transposed_lab)


def test_output_below_one_pixel_is_explained(tmp_path: Path) -> None:
    tiny = tmp_path / "tiny.png"
    Image.fromarray(np.zeros((4, 4, 3), dtype=np.uint8)).save(tiny)
    lab = cl.ConvLab(str(tiny))
    assert tuple(lab.result.shape) == (1, 1, 2, 2)
    lab.controls["kernel_size"].value = 7
    assert lab.result is None and "does not fit" in lab.error and "too small by 3" in lab.error
    lab.controls["padding"].value = 2
    assert lab.error == "" and tuple(lab.result.shape) == (1, 1, 2, 2)


def test_an_output_over_the_budget_is_refused_not_computed(transposed_lab: cl.ConvLab) -> None:
    for name, value in [("stride", 4), ("kernel_size", 11), ("dilation", 4), ("out_channels", 6)]:
        transposed_lab.controls[name].value = value
    assert transposed_lab.result is None
    assert f"{MAX_OUTPUT_VALUES:,}" in transposed_lab.error
    side = cl.conv_transpose_output_size(512, 11, 4, 0, 0, 4)
    assert f"{6 * side * side:,}" in transposed_lab.error


def test_reset_returns_to_the_seed_layer(transposed_lab: cl.ConvLab) -> None:
    transposed_lab.controls["kernel_size"].value = 5
    transposed_lab.controls["seed"].value = 7
    transposed_lab.bias.value = False
    transposed_lab.reset()
    assert transposed_lab.params["kernel_size"] == 3 and transposed_lab.params["seed"] == 2
    assert transposed_lab.bias.value and tuple(transposed_lab.result.shape) == (1, 1, 1025, 1025)


def test_bias_checkbox_changes_the_layer(conv_lab: cl.ConvLab) -> None:
    with_bias = conv_lab.result.clone()
    conv_lab.bias.value = False
    assert "bias=False" in conv_lab.code.value
    assert not (conv_lab.result == with_bias).all()


def test_choosing_another_image_reruns_on_it(conv_lab: cl.ConvLab) -> None:
    before_in, before_out = conv_lab.input_image.value, conv_lab.output_image.value
    conv_lab.image_chooser.value = "brick"
    assert conv_lab.input_image.value != before_in and conv_lab.output_image.value != before_out
    assert conv_lab.error == "" and tuple(conv_lab.result.shape) == (1, 1, 510, 510)
    conv_lab.image_chooser.value = "astronaut"


@pytest.mark.parametrize("transposed", [False, True])
def test_random_slider_sweeps_raise_nothing(transposed: bool) -> None:
    lab = cl.ConvLab("camera", transposed=transposed)
    rng = random.Random(1234 + transposed)
    errors = 0
    for _ in range(60):
        name = rng.choice(list(lab.controls))
        spec = SLIDERS[name]
        lab.controls[name].value = rng.randint(spec.low, spec.high)
        if lab.error:
            errors += 1
            assert lab.result is None
        else:
            assert tuple(lab.result.shape) == expected_shape(lab)
    assert 0 < errors < 60, "the sweep met both valid and invalid configurations"


def test_outputs_are_shown_at_the_inputs_scale(conv_lab: cl.ConvLab, transposed_lab: cl.ConvLab) -> None:
    input_px = int(conv_lab.input_image.layout.width.removesuffix("px"))
    assert int(conv_lab.output_image.layout.width.removesuffix("px")) == round(510 * input_px / 512)
    conv_lab.controls["stride"].value = 4
    assert int(conv_lab.output_image.layout.width.removesuffix("px")) == round(128 * input_px / 512)
    assert int(transposed_lab.output_image.layout.width.removesuffix("px")) > 1.9 * input_px


def test_zoom_shows_real_pixels_of_the_centre(transposed_lab: cl.ConvLab) -> None:
    zoom = Image.open(io.BytesIO(transposed_lab.zoom_image.value))
    assert zoom.size == (40 * 4, 40 * 4)
    pixels = np.asarray(zoom)
    assert (pixels[::4, ::4] == pixels[3::4, 3::4]).all(), "each real pixel is a 4×4 block"
    before = transposed_lab.zoom_image.value
    transposed_lab.controls["kernel_size"].value = 4
    assert transposed_lab.zoom_image.value != before


def test_each_change_runs_the_layer_once(conv_lab: cl.ConvLab) -> None:
    before = conv_lab.updates
    conv_lab.controls["kernel_size"].value = 5
    conv_lab.controls["kernel_size"].value = 5  # no change, no work
    assert conv_lab.updates == before + 1
    conv_lab.reset()
    assert conv_lab.updates == before + 2, "reset is one update, not one per slider"
