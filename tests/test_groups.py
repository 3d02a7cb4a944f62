"""convlab.groups against torch's own grouped and chained convolutions."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from convlab.errors import ConvConfigError
from convlab.groups import connections, dense_weight, separable_weight


@settings(max_examples=40, deadline=None)
@given(
    groups=st.integers(1, 4),
    in_per=st.integers(1, 3),
    out_per=st.integers(1, 3),
    k=st.integers(1, 3),
    seed=st.integers(0, 10_000),
)
def test_dense_weight_equals_grouped_conv(groups, in_per, out_per, k, seed):
    gen = torch.Generator().manual_seed(seed)
    w = torch.randn(out_per * groups, in_per, k, k, generator=gen, dtype=torch.float64)
    x = torch.randn(1, in_per * groups, 6, 6, generator=gen, dtype=torch.float64)
    assert torch.allclose(F.conv2d(x, dense_weight(w, groups)), F.conv2d(x, w, groups=groups))


def test_connections_are_block_diagonal():
    w = torch.randn(8, 2, 3, 3)
    blocks = torch.block_diag(*[torch.ones(2, 2)] * 4).bool()
    assert torch.equal(connections(w, 4), blocks)
    assert torch.equal(connections(torch.randn(6, 4, 1, 1), 1), torch.ones(6, 4, dtype=torch.bool))


def test_dense_weight_refuses_bad_groups():
    with pytest.raises(ConvConfigError):
        dense_weight(torch.randn(5, 2, 3, 3), 2)  # 5 outputs do not split into 2 groups


@settings(max_examples=30, deadline=None)
@given(c_in=st.integers(1, 5), c_out=st.integers(1, 5), k=st.integers(1, 4), seed=st.integers(0, 10_000))
def test_separable_weight_equals_depthwise_then_pointwise(c_in, c_out, k, seed):
    gen = torch.Generator().manual_seed(seed)
    dw = torch.randn(c_in, 1, k, k, generator=gen, dtype=torch.float64)
    pw = torch.randn(c_out, c_in, 1, 1, generator=gen, dtype=torch.float64)
    x = torch.randn(2, c_in, 7, 7, generator=gen, dtype=torch.float64)
    chained = F.conv2d(F.conv2d(x, dw, groups=c_in), pw)
    assert torch.allclose(F.conv2d(x, separable_weight(dw, pw)), chained)


def test_separable_weight_checks_shapes():
    with pytest.raises(ValueError):
        separable_weight(torch.randn(3, 1, 3, 3), torch.randn(4, 2, 1, 1))


def test_drawings_return_figures():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from convlab.groups import draw_connections, draw_costs

    masks = {"groups=1": torch.ones(4, 4, dtype=torch.bool), "groups=2": connections(torch.ones(4, 2, 1, 1), 2)}
    fig = draw_connections(masks)
    assert len(fig.axes) == 2
    fig2 = draw_costs(["a", "b"], [10, 5], [100, 50])
    assert len(fig2.axes) == 2
    plt.close(fig)
    plt.close(fig2)
