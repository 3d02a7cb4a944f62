"""The picture of lesson 08's linear layer: y = W x + b drawn as four small matrices."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from .figures import text_colour_on
from .i18n import _


def draw_linear_product(weight: torch.Tensor, x: torch.Tensor, bias: torch.Tensor, y: torch.Tensor,
                        limit: float = 2.0, fontsize: float = 9) -> Any:
    """Draw W, x, b and y = W x + b side by side as heatmaps with their numbers; return the figure.

    ``weight`` is (out, in), ``x`` (in,), ``bias`` and ``y`` (out,). Colours run from
    −``limit`` (blue) to +``limit`` (red); each number is black or white, whichever contrasts more with its cell
    (``convlab.figures.text_colour_on``, the course's one luminance rule).
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import Normalize

    weight, x, bias, y = (t.detach().to(torch.float32) for t in (weight, x, bias, y))
    out_features, in_features = weight.shape
    if x.shape != (in_features,) or bias.shape != (out_features,) or y.shape != (out_features,):
        raise ValueError(_("W is {w}, so x must be ({i},) and b and y ({o},); got {x}, {b}, {y}.").format(
            w=tuple(weight.shape), i=in_features, o=out_features, x=tuple(x.shape), b=tuple(bias.shape),
            y=tuple(y.shape)))
    panels = [(weight, f"W ({out_features} × {in_features})"), (x[:, None], f"x ({in_features})"),
              (bias[:, None], f"b ({out_features})"), (y[:, None], f"y ({out_features})")]
    cmap, norm = plt.get_cmap("coolwarm"), Normalize(-limit, limit)
    fig, axes = plt.subplots(1, 4, figsize=(1.1 * in_features + 3.6, 0.7 * max(in_features, out_features) + 1.2),
                             gridspec_kw={"width_ratios": [in_features, 1, 1, 1]})
    for ax, (matrix, title) in zip(axes, panels, strict=True):
        values = matrix.numpy()
        ax.imshow(values, cmap=cmap, norm=norm)
        for (row, col), value in np.ndenumerate(values):
            ax.text(col, row, f"{value:.2f}", ha="center", va="center", fontsize=fontsize,
                    color=text_colour_on(cmap(norm(value))))
        ax.set_title(title)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    return fig
