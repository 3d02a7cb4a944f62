"""Notebooks are committed clean, so their diffs stay readable."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / ".ci"))
from clean_notebooks import clean  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_course_has_its_notebooks():
    names = {p.stem[:2] for p in NOTEBOOKS}
    assert "00" in names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_clean(path):
    raw = path.read_text(encoding="utf-8")
    nb = json.loads(raw)
    again = clean(json.loads(raw))
    assert nb == again, f"{path.name} is not clean: run `python .ci/clean_notebooks.py {path.relative_to(ROOT)}`"
