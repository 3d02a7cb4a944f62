"""Notebooks are committed clean (readable diffs) and keep the course's rules."""

import ast
import json
import sys
from pathlib import Path

import pytest

from convlab.course import LESSONS

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / ".ci"))
from clean_notebooks import clean  # noqa: E402

NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
LESSON_NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_course_has_exactly_its_lessons():
    assert [p.stem for p in LESSON_NOTEBOOKS] == [lesson.notebook for lesson in LESSONS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT / "notebooks")))
def test_notebook_is_clean(path):
    raw = path.read_text(encoding="utf-8")
    nb = json.loads(raw)
    again = clean(json.loads(raw))
    assert nb == again, f"{path.name} is not clean: run `python .ci/clean_notebooks.py {path.relative_to(ROOT)}`"
    assert (nb["nbformat"], nb["nbformat_minor"]) == (4, 5) and all("id" in c for c in nb["cells"])


def _defines_function(source: str) -> bool:
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics
        tree = ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))))
    return any(isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and not isinstance(node, ast.Lambda)
               for node in ast.walk(tree))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT / "notebooks")))
def test_only_exercises_and_solutions_define_functions(path):
    """Helpers live in convlab; a cell defines a function only as a code exercise or its solution."""
    for index, cell in enumerate(_cells(path)):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        if not _defines_function(source):
            continue
        tags = cell["metadata"].get("tags", [])
        assert "solution" in tags or "exercises.check" in source, (
            f"{path.name} cell {index} defines a function but is neither a code exercise "
            f"(calls cl.exercises.check) nor tagged 'solution': move the helper into convlab."
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT / "notebooks")))
def test_solution_cells_are_folded(path):
    for index, cell in enumerate(_cells(path)):
        if "solution" in cell["metadata"].get("tags", []):
            assert cell["metadata"].get("jupyter", {}).get("source_hidden") is True, f"{path.name} cell {index}"
