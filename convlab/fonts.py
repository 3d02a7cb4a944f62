"""A CJK font for matplotlib, so Chinese figure text shows as characters, not empty boxes."""

from __future__ import annotations

import functools
import importlib.util
import logging
from pathlib import Path

CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "Noto Sans CJK JP",
)
"""Families that cover simplified Chinese, the preferred first."""


def _packaged_font() -> Path | None:
    """Noto Sans CJK SC from the ``mplfonts`` package (a dependency of convlab), if installed."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / "NotoSansCJKsc-Regular.otf"
    return path if path.is_file() else None


@functools.cache
def cjk_family() -> str | None:
    """The name of a font family matplotlib can use for Chinese, registering the packaged one; or None."""
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return family
    path = _packaged_font()
    if path is None:
        return None
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def use_cjk_font() -> bool:
    """Put a CJK font first in matplotlib's sans-serif list; False when none is found."""
    family = cjk_family()
    if family is None:
        return False
    import matplotlib as mpl

    # The CJK font has no bold face: matplotlib would log "Failed to find font weight bold" in red
    # under every bold title; it uses the regular weight, which is fine.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    # A list of families, not the generic 'sans-serif': matplotlib then falls back glyph by glyph,
    # so Cᵀ, w₂ or ⋆ (which CJK fonts lack) come from DejaVu Sans, shipped with matplotlib.
    mpl.rcParams["font.family"] = [family, "DejaVu Sans"]
    return True
