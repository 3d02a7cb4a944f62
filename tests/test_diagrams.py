"""convlab.diagrams: what the pictures hold (checked against torch), and that nothing stays open."""

from __future__ import annotations

import io
import subprocess
import sys

import ipywidgets as widgets
import matplotlib
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from convlab import ConvConfigError, conv_output_size, conv_transpose_output_size, same_padding
from convlab.config import LayerConfig
from convlab.diagrams import (
    ConvDiagram,
    conv_diagram_widget,
    diagram_data,
    draw_conv,
    draw_conv_matrix,
    draw_diagram,
    figure_png,
)
from convlab.matrix import conv_matrix

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (only to check its registry stays empty)

# Dumoulin & Visin's animated cases: (i, k, p, s, d) -> o
DV_CASES = [
    (4, 3, 0, 1, 1, 2),
    (5, 4, 2, 1, 1, 6),
    (5, 3, 1, 1, 1, 5),
    (5, 3, 2, 1, 1, 7),
    (5, 3, 0, 2, 1, 2),
    (5, 3, 1, 2, 1, 3),
    (6, 3, 1, 2, 1, 3),
    (7, 3, 0, 1, 2, 3),
]


pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(autouse=True)
def _no_figures_before():
    plt.close("all")
    yield
    plt.close("all")


@pytest.mark.parametrize(("i", "k", "p", "s", "d", "o"), DV_CASES)
def test_dumoulin_visin_direct_cases(i, k, p, s, d, o):
    data = diagram_data(i, k, stride=s, padding=p, dilation=d)
    assert data.output_size == (o, o) == conv_output_size((i, i), k, s, p, d)
    assert data.grid_size == (i + 2 * p,) * 2
    assert len(data.input_cells) == i * i
    assert len(data.padding_cells) == (i + 2 * p) ** 2 - i * i
    assert data.zero_cells == frozenset()
    assert len(set(data.kernel_cells)) == k * k
    assert data.n_steps == o * o
    assert data.formula.endswith(f"= {o}")


@pytest.mark.parametrize(("i", "k", "p", "s", "d", "o"), DV_CASES)
def test_dumoulin_visin_transposed_cases_map_o_back_to_i(i, k, p, s, d, o):
    a = (i + 2 * p - d * (k - 1) - 1) % s  # relationship 14's output_padding
    data = diagram_data(o, k, stride=s, padding=p, dilation=d, transposed=True, output_padding=a)
    assert data.output_size == (i, i) == conv_transpose_output_size((o, o), k, s, p, a, d)
    q = d * (k - 1) - p
    inner = (o - 1) * s + 1
    assert q >= 0  # none of the guide's cases crops
    assert data.grid_size == (inner + 2 * q + a,) * 2
    assert len(data.input_cells) == o * o
    assert len(data.zero_cells) == inner * inner - o * o
    assert len(data.padding_cells) == data.grid_size[0] ** 2 - inner * inner
    assert len(set(data.kernel_cells)) == k * k
    assert data.kernel_stride == (1, 1)
    assert f"− {p} = {q}," in data.note and "rotated 180°" in data.note


def test_transposed_with_padding_beyond_kernel_span_crops():
    data = diagram_data(6, 2, padding=2, transposed=True)  # q = 1 - 2 = -1
    assert data.pad_before == data.pad_after == (-1, -1)
    assert data.grid_size == (4, 4)
    assert len(data.input_cells) == 16 and not data.padding_cells and not data.zero_cells
    assert data.output_size == (conv_transpose_output_size(6, 2, 1, 2),) * 2
    assert "cropped 1" in data.input_title


def test_same_padding_with_even_kernel_is_uneven():
    data = diagram_data(5, 4, padding="same")
    (bh, ah), (bw, aw) = same_padding((4, 4))
    assert data.pad_before == (bh, bw) and data.pad_after == (ah, aw)
    assert data.output_size == (5, 5)
    assert len(data.padding_cells) == (5 + bh + ah) * (5 + bw + aw) - 25


def _grid_valid(cfg) -> bool:
    try:
        if cfg["transposed"]:
            conv_transpose_output_size(cfg["i"], cfg["k"], cfg["s"], cfg["p"], cfg["op"], cfg["d"])
        else:
            conv_output_size(cfg["i"], cfg["k"], cfg["s"], cfg["p"], cfg["d"])
    except ConvConfigError:
        return False
    return True


configs = st.fixed_dictionaries(
    {
        "i": st.tuples(st.integers(1, 7), st.integers(1, 7)),
        "k": st.tuples(st.integers(1, 4), st.integers(1, 4)),
        "s": st.tuples(st.integers(1, 3), st.integers(1, 3)),
        "p": st.tuples(st.integers(0, 3), st.integers(0, 3)),
        "op": st.tuples(st.integers(0, 2), st.integers(0, 2)),
        "d": st.tuples(st.integers(1, 3), st.integers(1, 3)),
        "transposed": st.booleans(),
        "step_fraction": st.floats(0, 1),
    }
)


@settings(max_examples=200, deadline=None)
@given(configs)
def test_kernel_taps_are_what_torch_uses(cfg):
    """At any step, the input pixels under the taps, and the weight on each, are torch's."""
    if not cfg["transposed"]:
        cfg = {**cfg, "op": (0, 0)}
    assume(_grid_valid(cfg))
    kw = {"stride": cfg["s"], "padding": cfg["p"], "dilation": cfg["d"]}
    n = diagram_data(cfg["i"], cfg["k"], transposed=cfg["transposed"], output_padding=cfg["op"], **kw).n_steps
    step = min(n - 1, int(cfg["step_fraction"] * n))
    data = diagram_data(
        cfg["i"], cfg["k"], transposed=cfg["transposed"], output_padding=cfg["op"], step=step, **kw
    )
    gh, gw = data.grid_size
    assert all(0 <= r < gh and 0 <= c < gw for r, c in data.kernel_cells)
    assert len(set(data.kernel_cells)) == cfg["k"][0] * cfg["k"][1]

    weight = torch.arange(1.0, 1 + cfg["k"][0] * cfg["k"][1], dtype=torch.float64).reshape(1, 1, *cfg["k"])
    x = torch.zeros(1, 1, *cfg["i"], dtype=torch.float64, requires_grad=True)
    if cfg["transposed"]:
        out = F.conv_transpose2d(x, weight, output_padding=cfg["op"], **kw)
    else:
        out = F.conv2d(x, weight, **kw)
    assert tuple(out.shape[-2:]) == data.output_size
    out[0, 0][data.output_cell].backward()
    # d out / d x[j] is the weight on the tap over input pixel j (0 where no tap lands on a pixel)
    expected = torch.zeros(cfg["i"], dtype=torch.float64)
    stride_in_grid = cfg["s"] if cfg["transposed"] else (1, 1)
    for (r, c), (a, b) in zip(data.kernel_cells, data.kernel_weights, strict=True):
        if (r, c) in data.input_cells:
            zr, zc = r - data.pad_before[0], c - data.pad_before[1]
            expected[zr // stride_in_grid[0], zc // stride_in_grid[1]] = weight[0, 0, a, b]
    torch.testing.assert_close(x.grad[0, 0], expected, rtol=0, atol=0)


def test_last_step_kernel_stays_inside_padded_input():
    for i, k, p, s, d, o in DV_CASES:
        for transposed in (False, True):
            size = o if transposed else i
            op = (i + 2 * p - d * (k - 1) - 1) % s if transposed else 0
            n = diagram_data(
                size, k, stride=s, padding=p, dilation=d, transposed=transposed, output_padding=op
            ).n_steps
            data = diagram_data(
                size, k, stride=s, padding=p, dilation=d, transposed=transposed, output_padding=op, step=n - 1
            )
            assert data.output_cell == (data.output_size[0] - 1, data.output_size[1] - 1)
            assert max(r for r, _ in data.kernel_cells) < data.grid_size[0]
            assert max(c for _, c in data.kernel_cells) < data.grid_size[1]


def _texts(fig: Figure) -> list[str]:
    texts = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        texts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
    return texts


def test_draw_conv_titles_name_input_and_output_with_sizes():
    fig = draw_conv(5, 3, stride=2, padding=1, step=4)
    texts = " | ".join(_texts(fig))
    assert "INPUT 5×5 (padding 1)" in texts
    assert "OUTPUT 3×3" in texts
    assert "= 3" in texts and "step 5 of 9" in texts
    assert plt.get_fignums() == []


def test_draw_conv_transposed_titles_and_pairs():
    fig = draw_conv(3, 3, stride=2, padding=1, output_padding=1, transposed=True, step=8)
    texts = " | ".join(_texts(fig))
    assert "INPUT 3×3" in texts and "OUTPUT 6×6" in texts and "zero between pixels" in texts
    assert "ConvTranspose2d" in texts
    fig = draw_conv((4, 6), (2, 3), stride=(1, 2), padding=(1, 0), step=2)
    out = conv_output_size((4, 6), (2, 3), (1, 2), (1, 0))
    texts = " | ".join(_texts(fig))
    assert f"OUTPUT {out[0]}×{out[1]}" in texts and "INPUT 4×6" in texts
    assert plt.get_fignums() == []


def test_draw_conv_into_given_axes():
    fig = Figure()
    axes = fig.subplots(1, 2)
    assert draw_conv(4, 3, ax=axes) is fig
    assert axes[0].get_title().startswith("INPUT 4×4") and axes[1].get_title() == "OUTPUT 2×2"
    with pytest.raises(TypeError):
        draw_conv(4, 3, ax=axes[0])


def test_figures_render_and_show_themselves_as_png():
    fig = draw_conv(7, 3, dilation=2, step=3)
    png = fig._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert figure_png(fig)[:8] == b"\x89PNG\r\n\x1a\n"
    assert plt.get_fignums() == []


def test_draw_conv_matrix_shows_c_and_its_transpose():
    kernel = torch.arange(1.0, 10.0).reshape(3, 3)
    fig = draw_conv_matrix(kernel, 4)
    titles = [ax.get_title() for ax in fig.axes]
    assert any(t.startswith("C: 4×16") for t in titles)
    assert any(t.startswith("Cᵀ: 16×4") for t in titles)
    C = conv_matrix(kernel.double(), 4).numpy()
    shown = {ax.get_title()[:2]: ax.images[0].get_array() for ax in fig.axes}
    c_img, ct_img = shown["C:"], shown["Cᵀ"]
    assert c_img.shape == (4, 16) and ct_img.shape == (16, 4)
    nonzero = C != 0
    assert (c_img.filled(0)[nonzero] == C[nonzero]).all()
    assert c_img.mask[~nonzero].all()  # zeros left blank
    assert (ct_img.filled(0) == c_img.filled(0).T).all()
    assert any(t.get_text() == "9" for ax in fig.axes for t in ax.texts)  # small: values written
    assert plt.get_fignums() == []


def test_draw_conv_matrix_strided_and_too_big():
    fig = draw_conv_matrix(torch.randn(3, 3), 6, stride=2, padding=1)
    assert any(ax.get_title().startswith("C: 9×36") for ax in fig.axes)
    with pytest.raises(ConvConfigError):
        draw_conv_matrix(torch.randn(3, 3), 30)
    with pytest.raises(ConvConfigError):
        draw_conv_matrix(torch.randn(1, 3, 3), 6)


def test_widget_steps_and_leaves_no_figure_open():
    w = conv_diagram_widget(3, 3, stride=2, padding=1, output_padding=1, transposed=True)
    n = conv_transpose_output_size(3, 3, 2, 1, 1) ** 2
    assert isinstance(w, ConvDiagram) and isinstance(w, widgets.VBox)
    assert (w.slider.min, w.slider.max) == (w.play.min, w.play.max) == (1, n)
    first = w.image.value
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    w.slider.value = 8
    assert w.data.step == 7 and w.data.output_cell == divmod(7, 6)
    assert w.image.value != first
    w.slider.value = n
    assert w.data.output_cell == (5, 5)
    assert plt.get_fignums() == []


def test_widget_readout_agrees_with_its_title():
    w = conv_diagram_widget(5, 3, stride=2)
    for value in (1, 3, w.slider.max):
        w.slider.value = value
        assert f"step {value} of {w.slider.max}" in w.data.layer_title
    assert w.total.value == f"of {w.slider.max}"


def test_widget_draws_each_step_once(monkeypatch):
    import convlab.diagrams.stepper as stepper

    calls = []
    real = stepper.diagram_data
    monkeypatch.setattr(stepper, "diagram_data", lambda *a, **k: calls.append(k.get("step")) or real(*a, **k))
    w = conv_diagram_widget(4, 3)
    calls.clear()
    w.slider.value = 3
    assert calls == [2]


@pytest.mark.parametrize(("i", "k", "p", "s", "d", "o"), DV_CASES)
def test_widget_fits_a_laptop_screen_and_labels_its_taps(i, k, p, s, d, o):
    """1366×768: the picture stays within MAX_WIDTH_PX × MAX_HEIGHT_PX, and the wᵢⱼ labels are drawn."""
    from PIL import Image

    from convlab.diagrams import stepper

    for transposed in (False, True):
        size, op = (o, (i + 2 * p - d * (k - 1) - 1) % s) if transposed else (i, 0)
        w = conv_diagram_widget(size, k, stride=s, padding=p, dilation=d, transposed=transposed,
                                output_padding=op)
        w.slider.value = w.slider.max
        width, height = Image.open(io.BytesIO(w.image.value)).size
        assert width <= stepper.MAX_WIDTH_PX and height <= stepper.MAX_HEIGHT_PX
        fig = draw_diagram(w.data, grid_inches=w._grid_inches)
        taps = [t for t in fig.axes[0].texts if t.get_text().startswith("w")]
        assert len(taps) == k * k
        dpi = min(stepper.DPI, stepper.MAX_WIDTH_PX / fig.get_figwidth(), stepper.MAX_HEIGHT_PX / fig.get_figheight())
        assert taps[0].get_fontsize() * dpi / 72 >= 8, "a tap label at least 8 px high on screen"


def test_a_layer_config_draws_the_same_diagram():
    cfg = LayerConfig(3, 8, 3, stride=2, padding=1)
    assert diagram_data(6, cfg, step=2) == diagram_data(6, 3, stride=2, padding=1, step=2)
    t_cfg = LayerConfig(1, 1, 3, stride=2, output_padding=1, transposed=True)
    assert diagram_data(3, t_cfg) == diagram_data(3, 3, stride=2, output_padding=1, transposed=True)
    assert draw_conv(6, cfg).texts[0].get_text().startswith("Conv2d: kernel 3×3, stride 2")
    assert conv_diagram_widget(6, cfg).data.n_steps == 9
    with pytest.raises(ConvConfigError, match="stride"):
        diagram_data(6, cfg, stride=2)


def test_reflect_padding_is_named_in_the_legend():
    fig = draw_conv(5, LayerConfig(1, 1, 3, padding=1, padding_mode="reflect"))
    labels = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert "padding (reflect)" in labels and "padding (zeros)" not in labels


def test_numpy_integers_are_accepted():
    assert diagram_data(np.int64(4), np.int64(3), stride=np.int32(1)).output_size == (2, 2)
    assert draw_conv(np.int64(4), 3, step=np.int64(1)).texts
    assert diagram_data((np.int64(4), 5), 3, step=np.int64(2)).step == 2


def test_legend_kinds_name_what_is_drawn():
    assert diagram_data(4, 3).legend_kinds() == ["input", "kernel"]
    assert diagram_data(4, 3, padding=1).legend_kinds() == ["input", "padding", "kernel"]
    assert diagram_data(3, 3, stride=2, transposed=True).legend_kinds() == ["input", "padding", "zero", "kernel"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"input_size": 4, "kernel_size": 3, "step": 4},
        {"input_size": 4, "kernel_size": 3, "step": -1},
        {"input_size": 3, "kernel_size": 5},
        {"input_size": 4, "kernel_size": 3, "output_padding": 1},
        {"input_size": 4, "kernel_size": 3, "stride": 2, "padding": "same"},
        {"input_size": 4, "kernel_size": 3, "padding": "same", "transposed": True},
        {"input_size": 4, "kernel_size": 3, "output_padding": 1, "transposed": True},
        {"input_size": 80, "kernel_size": 3},
        {"input_size": 30, "kernel_size": 3, "stride": 3, "transposed": True},
    ],
)
def test_invalid_diagrams_raise(kwargs):
    with pytest.raises(ConvConfigError):
        diagram_data(**kwargs)
    with pytest.raises(ConvConfigError):
        draw_conv(**kwargs)


def test_importing_diagrams_does_not_import_pyplot():
    code = "import sys, convlab, convlab.diagrams, convlab.matrix; print('matplotlib.pyplot' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
