"""Kernel-side tests of the live labs: set a slider from code, check result, error, bytes, text."""

from __future__ import annotations

import io
import random
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

import convlab as cl
from convlab.lab import DISPLAY_SIDE, MAX_OUTPUT_VALUES, SLIDERS
from convlab.lab_view import CSS, ZOOM_MAGNIFICATION, ZOOM_PNG_SCALE


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
    assert "nn.Conv2d(3, 1, kernel_size=3)" in conv_lab.info.value
    assert "nn.ConvTranspose2d(3, 1, kernel_size=3, stride=2)" in transposed_lab.info.value


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
    assert "⌊(512 + 2×1 − 1×(3−1) − 1) / 2⌋ + 1 = 256" in conv_lab.info.value
    transposed_lab.controls["output_padding"].value = 1
    assert "(512−1)×2 − 2×0 + 1×(3−1) + 1 + 1 = 1026" in transposed_lab.info.value
    assert tuple(transposed_lab.result.shape) == (1, 1, 1026, 1026)


def test_counts_match_the_layer(conv_lab: cl.ConvLab) -> None:
    conv_lab.controls["out_channels"].value = 3
    conv_lab.controls["groups"].value = 3
    layer = cl.make_layer(3, 3, 3, groups=3)
    n = sum(p.numel() for p in layer.parameters())
    assert f"<b>{n:,}</b>" in conv_lab.info.value
    assert "output_padding" not in conv_lab.info.value and "groups=3" in conv_lab.info.value


def test_several_output_channels_make_a_grid(conv_lab: cl.ConvLab) -> None:
    conv_lab.controls["out_channels"].value = 4
    grid = Image.open(io.BytesIO(conv_lab.output_image.value))
    assert grid.width <= DISPLAY_SIDE and grid.height < grid.width  # 2 rows of up to 3


def test_groups_that_do_not_divide_show_an_error_and_keep_the_picture(conv_lab: cl.ConvLab) -> None:
    before = conv_lab.output_image.value
    conv_lab.controls["groups"].value = 2
    assert conv_lab.result is None
    assert "groups=2" in conv_lab.error and "in_channels (3)" in conv_lab.error
    assert conv_lab.error.endswith("try groups = 1.")
    assert conv_lab.error in conv_lab.message.value.replace("&#x27;", "'")
    assert conv_lab.output_image.value == before, "the last good picture stays"
    assert "convlab-stale" in conv_lab.pictures._dom_classes
    conv_lab.controls["groups"].value = 1
    assert conv_lab.error == "" and conv_lab.message.value == ""
    assert "convlab-stale" not in conv_lab.pictures._dom_classes
    assert tuple(conv_lab.result.shape) == (1, 1, 510, 510)


def test_groups_must_divide_out_channels_too(conv_lab: cl.ConvLab) -> None:
    conv_lab.controls["groups"].value = 3
    assert "out_channels (1)" in conv_lab.error
    conv_lab.controls["out_channels"].value = 6
    assert conv_lab.error == "" and tuple(conv_lab.result.shape) == (1, 6, 510, 510)


@pytest.mark.parametrize(("out_channels", "groups", "suggested"), [(1, 2, [1]), (4, 3, [1]), (6, 2, [1, 3]),
                                                                    (2, 3, [1])])
def test_groups_suggestions_divide_both_counts_and_are_on_the_slider(
        conv_lab: cl.ConvLab, out_channels: int, groups: int, suggested: list[int]) -> None:
    conv_lab.controls["out_channels"].value = out_channels
    conv_lab.controls["groups"].value = groups
    assert conv_lab.error.endswith("try groups = " + " or ".join(map(str, suggested)) + ".")
    for g in suggested:  # each suggestion works
        conv_lab.controls["groups"].value = g
        assert conv_lab.error == "", (g, conv_lab.error)


def test_groups_suggestions_leave_out_values_off_the_slider() -> None:
    from convlab.lab_compute import check_groups

    with pytest.raises(cl.ConvConfigError, match=r"try groups = 1 or 2\.$"):
        check_groups(cl.LayerConfig(4, 8, 3, groups=3), low=1, high=3)  # 4 divides both, but is off the slider


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


@pytest.mark.parametrize(("fix", "value"), [("stride", 2), ("out_channels", 1)])
def test_the_budget_message_names_changes_that_fit(transposed_lab: cl.ConvLab, fix: str, value: int) -> None:
    """At stride 4, a smaller kernel or dilation cannot help; the message says what does, and it does."""
    for name, v in [("stride", 4), ("kernel_size", 11), ("dilation", 4), ("out_channels", 6)]:
        transposed_lab.controls[name].value = v
    message = transposed_lab.error
    assert "Any one of these fits: stride = 2, out channels = 1." in message
    assert "kernel size" not in message and "dilation" not in message
    transposed_lab.controls[fix].value = value
    assert transposed_lab.error == ""
    if fix == "stride":  # and it is the least change: stride 3 is still over the budget
        transposed_lab.controls["stride"].value = 3
        assert f"{MAX_OUTPUT_VALUES:,}" in transposed_lab.error


def test_reset_returns_to_the_seed_layer(transposed_lab: cl.ConvLab) -> None:
    transposed_lab.controls["kernel_size"].value = 5
    transposed_lab.controls["seed"].value = 7
    transposed_lab.bias.value = False
    transposed_lab.reset()
    assert transposed_lab.params["kernel_size"] == 3 and transposed_lab.params["seed"] == 2
    assert transposed_lab.bias.value and tuple(transposed_lab.result.shape) == (1, 1, 1025, 1025)


def test_reset_runs_the_layer_once_and_restores_the_image(conv_lab: cl.ConvLab) -> None:
    first_input = conv_lab.input_image.value
    conv_lab.image_chooser.value = "brick"
    conv_lab.bias.value = False
    conv_lab.padding_mode.value = "reflect"
    conv_lab.controls["padding"].value = 2
    before = conv_lab.updates
    conv_lab.reset()
    assert conv_lab.updates == before + 1, "one run, however many controls changed"
    assert conv_lab.input_image.value == first_input
    assert conv_lab.bias.value and conv_lab.padding_mode.value == "zeros"
    expected = cl.make_layer(3, 1, 3)(cl.load_image("astronaut")).detach()
    assert (conv_lab.result - expected).abs().max().item() < 1e-5


def test_bias_checkbox_changes_the_layer(conv_lab: cl.ConvLab) -> None:
    with_bias = conv_lab.result.clone()
    conv_lab.bias.value = False
    assert "bias=False" in conv_lab.info.value
    assert not (conv_lab.result == with_bias).all()


def test_choosing_another_image_reruns_on_it(conv_lab: cl.ConvLab) -> None:
    before_in, before_out = conv_lab.input_image.value, conv_lab.output_image.value
    conv_lab.image_chooser.value = "brick"
    assert conv_lab.input_image.value != before_in and conv_lab.output_image.value != before_out
    assert conv_lab.error == "" and tuple(conv_lab.result.shape) == (1, 1, 510, 510)


def test_offline_the_chooser_lists_the_stand_in_once(conv_lab: cl.ConvLab) -> None:
    """No lena here (the tests' cache is empty): 'lena' is the astronaut, so the astronaut is not listed again."""
    labels = [label for label, _value in conv_lab.image_chooser.options]
    values = [value for _label, value in conv_lab.image_chooser.options]
    assert values == ["lena", "camera", "brick"]
    assert "astronaut" in labels[0] and not any("astronaut" in label for label in labels[1:])
    assert conv_lab.image_chooser.value == "lena", "the lab was opened on the astronaut: that is this entry"


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


def _size_variables(lab: cl.ConvLab) -> dict[str, int]:
    return {name: int(value) for name, value in re.findall(r"--convlab-([a-z-]+): (\d+);", lab.info.value)}


def test_outputs_are_shown_at_the_inputs_scale(conv_lab: cl.ConvLab, transposed_lab: cl.ConvLab) -> None:
    """The pictures' CSS widths are their pixel widths times one shared scale, --convlab-s."""
    assert re.search(r"\.convlab-input img \{ width: calc\(var\(--convlab-in-w\) \* var\(--convlab-s\)\)", CSS)
    assert re.search(r"\.convlab-output img \{ width: calc\(var\(--convlab-grid-w\) \* var\(--convlab-s\)\)", CSS)
    assert _size_variables(conv_lab) == {"in-w": 512, "grid-w": 510, "zoom-w": 40}
    conv_lab.controls["stride"].value = 4
    assert _size_variables(conv_lab)["grid-w"] == 128
    assert _size_variables(transposed_lab)["grid-w"] == 1025
    conv_lab.controls["out_channels"].value = 2  # two maps side by side, the gap between them at the same scale
    assert _size_variables(conv_lab)["grid-w"] == 2 * 128 + 4


def test_an_invalid_layer_keeps_the_last_pictures_sizes(conv_lab: cl.ConvLab) -> None:
    conv_lab.controls["stride"].value = 2
    sizes = _size_variables(conv_lab)
    conv_lab.controls["groups"].value = 2
    assert conv_lab.error and _size_variables(conv_lab) == sizes


def test_zoom_shows_real_pixels_of_the_centre(transposed_lab: cl.ConvLab) -> None:
    zoom = Image.open(io.BytesIO(transposed_lab.zoom_image.value))
    n = ZOOM_PNG_SCALE
    assert zoom.size == (40 * n, 40 * n)
    pixels = np.asarray(zoom)
    assert (pixels[::n, ::n] == pixels[n - 1 :: n, n - 1 :: n]).all(), f"each real pixel is a {n}×{n} block"
    before = transposed_lab.zoom_image.value
    transposed_lab.controls["kernel_size"].value = 4
    assert transposed_lab.zoom_image.value != before


def test_the_zoom_caption_states_its_true_magnification(conv_lab: cl.ConvLab) -> None:
    """The zoom draws each output pixel MAG times as wide as the output picture does, in any layout:
    both widths are (pixels) × the same --convlab-s, the zoom's times MAG."""
    mag = ZOOM_MAGNIFICATION
    assert f"width: calc(var(--convlab-zoom-w) * {mag} * var(--convlab-s))" in CSS
    assert f"zoom ×{mag}" in conv_lab.zoom_label.value and "40×40" in conv_lab.zoom_label.value
    # At the natural scale (the input 320 CSS px wide) the PNG is drawn 1:1, so it stays sharp.
    assert ZOOM_PNG_SCALE == mag * 320 / 512
    conv_lab.controls["out_channels"].value = 2
    assert "channel 0" in conv_lab.zoom_label.value


def test_the_zoom_of_a_small_output_says_how_many_pixels_it_shows(tmp_path: Path) -> None:
    tiny = tmp_path / "tiny.png"
    Image.fromarray(np.zeros((12, 12, 3), dtype=np.uint8)).save(tiny)
    lab = cl.ConvLab(str(tiny))
    assert "10×10" in lab.zoom_label.value
    assert Image.open(io.BytesIO(lab.zoom_image.value)).size == (10 * ZOOM_PNG_SCALE, 10 * ZOOM_PNG_SCALE)


def test_padding_mode_is_one_more_control_of_the_conv2d_lab(conv_lab: cl.ConvLab, transposed_lab: cl.ConvLab) -> None:
    assert transposed_lab.padding_mode is None, "ConvTranspose2d pads with zeros only"
    conv_lab.controls["padding"].value = 1
    conv_lab.padding_mode.value = "reflect"
    assert "padding_mode='reflect'" in conv_lab.info.value.replace("&#x27;", "'")
    layer = cl.LayerConfig(3, 1, 3, padding=1, padding_mode="reflect").build(2)
    expected = layer(cl.load_image("astronaut")).detach()
    assert tuple(conv_lab.result.shape) == (1, 1, 512, 512)
    assert (conv_lab.result - expected).abs().max().item() < 1e-5
    conv_lab.padding_mode.value = "zeros"
    assert not torch.allclose(conv_lab.result, expected), "the border pixels differ"


def test_a_padding_mode_that_cannot_pad_so_much_is_explained(tmp_path: Path) -> None:
    tiny = tmp_path / "tiny.png"
    Image.fromarray(np.zeros((4, 4, 3), dtype=np.uint8)).save(tiny)
    lab = cl.ConvLab(str(tiny))
    lab.controls["padding"].value = 4
    assert lab.error == ""
    lab.padding_mode.value = "reflect"
    assert lab.result is None and "padding_mode='reflect'" in lab.error and "at most 3" in lab.error


def test_a_valid_change_sends_few_widget_messages(conv_lab: cl.ConvLab, monkeypatch: pytest.MonkeyPatch) -> None:
    """Output picture, zoom, shape label and one HTML for the text and sizes: four messages, not one per label."""
    import ipywidgets

    sent: list[str] = []
    original = ipywidgets.Widget._send

    def spy(self, msg, buffers=None):
        sent.append(type(self).__name__)
        return original(self, msg, buffers)

    monkeypatch.setattr(ipywidgets.Widget, "_send", spy)
    conv_lab.controls["kernel_size"].value = 5
    assert sent.count("IntSlider") == 1  # the value set from code, echoed to the browser
    assert len(sent) - 1 <= 4, sent
    sent.clear()
    conv_lab.controls["groups"].value = 2  # valid -> invalid: message, stale look, shape label, code
    assert len(sent) - 1 <= 4, sent


def test_presenter_size_is_one_argument() -> None:
    lab = cl.ConvLab("camera", presenter=True)
    assert "convlab-presenter" in lab._dom_classes
    assert "body[data-jp-presentation-mode] .convlab-lab" in CSS, "and automatic in JupyterLab's Presentation Mode"


def test_the_lab_speaks_chinese() -> None:
    """Every label and message goes through _() when it is shown, translated by the compiled catalog."""
    cl.set_language("zh")
    try:
        lab = cl.ConvLab("camera", transposed=True)
        lab.controls["groups"].value = 2
        texts = [lab.controls["kernel_size"].description, lab.reset_button.description, lab.zoom_label.value,
                 lab.output_label.value, lab.message.value, lab.image_chooser.options[0][0]]
        for name, value in [("groups", 1), ("stride", 4), ("kernel_size", 11), ("dilation", 4), ("out_channels", 6)]:
            lab.controls[name].value = value
        texts.append(lab.error)
    finally:
        cl.set_language("en")
    for text in texts:
        assert re.search(r"[\u4e00-\u9fff]", text), text
    assert "步长 = 2" in texts[-1]


def test_each_change_runs_the_layer_once(conv_lab: cl.ConvLab) -> None:
    before = conv_lab.updates
    conv_lab.controls["kernel_size"].value = 5
    conv_lab.controls["kernel_size"].value = 5  # no change, no work
    assert conv_lab.updates == before + 1
    conv_lab.reset()
    assert conv_lab.updates == before + 2, "reset is one update, not one per slider"


@pytest.mark.parametrize(("stride", "dilation", "output_padding"), [(1, 2, 1), (2, 1, 1), (3, 2, 1), (4, 4, 3)])
def test_the_transposed_lab_runs_exactly_the_layer_its_config_builds(
        tmp_path: Path, stride: int, dilation: int, output_padding: int) -> None:
    """The lab computes a transposed layer by its fastest exact path; it still equals nn.ConvTranspose2d."""
    small = tmp_path / "small.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (24, 20, 3), dtype=np.uint8)).save(small)
    lab = cl.ConvLab(str(small), transposed=True)
    for name, value in [("kernel_size", 5), ("stride", stride), ("dilation", dilation),
                        ("output_padding", output_padding), ("out_channels", 3), ("groups", 3), ("padding", 2)]:
        lab.controls[name].value = value
    assert lab.error == ""
    assert lab.config == cl.LayerConfig(3, 3, 5, stride=stride, padding=2, output_padding=output_padding,
                                        dilation=dilation, groups=3, transposed=True)
    expected = lab.config.build(lab.params["seed"])(cl.load_image(str(small))).detach()
    assert lab.result.shape == expected.shape
    assert (lab.result - expected).abs().max().item() < 1e-5
