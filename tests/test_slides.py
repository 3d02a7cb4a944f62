"""Every lesson can be presented as RISE slides: its slide metadata is what .ci/slides.py sets."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / ".ci"))
import slides  # noqa: E402

LESSONS = slides.lesson_notebooks(ROOT)


def _md(text: str, **meta) -> dict:
    return {"cell_type": "markdown", "metadata": meta, "source": text}


def _code(text: str, **meta) -> dict:
    return {"cell_type": "code", "metadata": meta, "source": text, "outputs": [], "execution_count": None}


def test_lessons_found():
    assert [p.name for p in LESSONS if p.parent.name == "notebooks"][:1] == ["00_start_here.ipynb"]
    assert all(p.name != "live_labs.ipynb" for p in LESSONS)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: str(p.relative_to(ROOT / "notebooks")))
def test_lesson_has_the_slide_metadata_slides_py_sets(path: Path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    want = slides.slide_types(nb)
    have = [cell["metadata"].get("slideshow", {}).get("slide_type") for cell in nb["cells"]]
    wrong = [(i, h, w) for i, (h, w) in enumerate(zip(have, want, strict=True)) if h != w]
    assert not wrong, (f"{path.name}: cells (index, has, should have) {wrong[:5]}...; "
                       f"run `python .ci/slides.py {path.relative_to(ROOT)}`")
    assert nb["metadata"].get("rise", {}).get("scroll") is True
    assert not slides.apply(nb), "slides.py would still change this notebook"


def test_slide_rules():
    nb = {"metadata": {}, "cells": [
        _md("Intro without a heading"),
        _code("import torch"),
        _md("# Lesson 9"),
        _md("Why we care."),
        _code("x = 1"),
        _md("What the output shows."),
        _code("y = 2"),
        _md("## Section"),
        _code("z = 3"),
        _md("### A detail\nmore"),
        _md("Before any code: stays."),
        _code("def f(): ...", tags=["solution"], jupyter={"source_hidden": True}),
        _md("After a skipped cell only: still no code on this slide."),
        _md("\n## Heading after a blank line"),
        _md("#hashtag is not a heading"),
    ]}
    assert slides.slide_types(nb) == [
        "slide", "-", "slide", "-", "-", "fragment", "-", "slide", "-", "subslide", "-", "skip", "-",
        "slide", "-",
    ]


def test_apply_is_idempotent_and_keeps_other_metadata():
    nb = {"metadata": {"rise": {"theme": "simple"}}, "cells": [
        _md("# T"), _code("s = 1", tags=["raises-exception"], slideshow={"slide_type": "notes"}),
    ]}
    assert slides.apply(nb) is True
    assert nb["cells"][1]["metadata"] == {"tags": ["raises-exception"], "slideshow": {"slide_type": "-"}}
    assert nb["metadata"]["rise"] == {"theme": "simple", "scroll": True}
    before = json.dumps(nb)
    assert slides.apply(nb) is False
    assert json.dumps(nb) == before


def test_script_writes_once_and_check_agrees(tmp_path: Path):
    path = tmp_path / "07_x.ipynb"
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {**_md("# T"), "id": "a"}, {**_code("1 + 1"), "id": "b"}]}
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert slides.main(["--check", str(path)]) == 1
    assert slides.main([str(path)]) == 0
    written = path.read_text(encoding="utf-8")
    assert json.loads(written)["cells"][1]["metadata"]["slideshow"] == {"slide_type": "-"}
    assert slides.main([str(path)]) == 0
    assert path.read_text(encoding="utf-8") == written
    assert slides.main(["--check", str(path)]) == 0
