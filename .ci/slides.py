"""Give every lesson RISE slide metadata, so a teacher can present it as slides (jupyterlab-rise).

Usage: python .ci/slides.py [--check] [NOTEBOOK ...]
       (default: every lesson, notebooks/NN_*.ipynb, and its translations, notebooks/zh/*.ipynb)

Each cell gets ``metadata.slideshow.slide_type`` from its place in the lesson:
- a markdown cell starting with ``# `` or ``## `` opens a slide ("slide"), ``### `` a
  sub-slide below it ("subslide"); the first cell always opens a slide;
- a solution cell (tagged ``solution``) is not shown ("skip");
- a code cell stays on its slide ("-"), and so does prose that comes before any code on
  the slide; prose that follows code on the same slide is what the teacher says about
  the output, so it appears on the next key press ("fragment").
The notebook also gets ``metadata.rise`` with ``scroll`` on (a slide taller than the screen
scrolls instead of being cut off). The result depends only on the cells' kind, first line
and tags, so running the script twice changes nothing; a notebook is rewritten only when
something changed, in the same JSON layout as .ci/clean_notebooks.py. With ``--check`` it
writes nothing and exits 1 when a notebook's metadata is not what it would set.
"""

from __future__ import annotations

import glob
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RISE_SETTINGS = {"scroll": True}


def lesson_notebooks(root: Path = ROOT) -> list[Path]:
    """The lessons and their Chinese translations (not the app, notebooks/live_labs.ipynb)."""
    paths = glob.glob(str(root / "notebooks" / "[0-9][0-9]_*.ipynb"))
    paths += glob.glob(str(root / "notebooks" / "zh" / "*.ipynb"))
    return sorted(Path(p) for p in paths)


def _first_line(cell: dict) -> str:
    source = cell.get("source", "")
    text = "".join(source) if isinstance(source, list) else source
    return text.lstrip("\n").split("\n", 1)[0]


def slide_types(nb: dict) -> list[str]:
    """The slide type of each cell, in order (see the module docstring for the rules)."""
    types: list[str] = []
    code_on_slide = False
    for index, cell in enumerate(nb["cells"]):
        line = _first_line(cell)
        if "solution" in cell.get("metadata", {}).get("tags", []):
            kind = "skip"
        elif cell["cell_type"] == "markdown" and line.startswith(("# ", "## ")):
            kind = "slide"
        elif cell["cell_type"] == "markdown" and line.startswith("### "):
            kind = "subslide"
        elif index == 0:
            kind = "slide"
        elif cell["cell_type"] == "code":
            kind = "-"
        elif cell["cell_type"] == "markdown" and code_on_slide:
            kind = "fragment"
        else:
            kind = "-"
        if kind in ("slide", "subslide"):
            code_on_slide = False
        elif kind != "skip" and cell["cell_type"] == "code":
            code_on_slide = True
        types.append(kind)
    return types


def apply(nb: dict) -> bool:
    """Set the slide metadata in place; True when anything changed."""
    changed = False
    for cell, kind in zip(nb["cells"], slide_types(nb), strict=True):
        meta = cell.setdefault("metadata", {})
        if meta.get("slideshow") != {"slide_type": kind}:
            meta["slideshow"] = {"slide_type": kind}
            changed = True
    rise = {**nb["metadata"].get("rise", {}), **RISE_SETTINGS}
    if nb["metadata"].get("rise") != rise:
        nb["metadata"]["rise"] = rise
        changed = True
    return changed


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [Path(a) for a in argv if a != "--check"] or lesson_notebooks()
    stale = []
    for path in paths:
        nb = json.loads(path.read_text(encoding="utf-8"))
        if not apply(nb):
            continue
        stale.append(path)
        if not check:
            path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if check and stale:
        print("slide metadata out of date (run python .ci/slides.py):", *map(str, stale), sep="\n  ")
        return 1
    if not check:
        print(f"slides: {len(stale)} of {len(paths)} notebook(s) updated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
