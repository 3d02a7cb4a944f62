"""Strip outputs, execution counts and kernel-specific metadata from the course notebooks.

Usage: python .ci/clean_notebooks.py [NOTEBOOK ...]   (default: every notebook under notebooks/)
Every notebook keeps the same generic metadata so diffs stay readable. Notebooks are
nbformat 4.5 with a stable id per cell, so JupyterLab does not mark them modified on open.
"""

from __future__ import annotations

import glob
import hashlib
import json
import re
import sys

METADATA = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}
# tags drive nbval and mark solutions; jupyter.source_hidden folds a cell; slideshow is RISE's.
CELL_KEYS_KEPT = {"tags", "jupyter", "slideshow"}
_ID = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")


def _new_id(cell: dict, index: int, taken: set[str]) -> str:
    digest = hashlib.sha1(f"{index}:{''.join(cell.get('source', ''))}".encode()).hexdigest()
    for start in range(0, 32, 8):
        candidate = digest[start:start + 8]
        if candidate not in taken:
            return candidate
    return f"cell-{index}"


def clean(nb: dict) -> dict:
    nb["metadata"] = {**METADATA, **({"rise": nb["metadata"]["rise"]} if "rise" in nb.get("metadata", {}) else {})}
    taken: set[str] = set()
    for index, cell in enumerate(nb["cells"]):
        cell["metadata"] = {k: v for k, v in cell.get("metadata", {}).items() if k in CELL_KEYS_KEPT}
        cell_id = cell.get("id")
        if not isinstance(cell_id, str) or not _ID.match(cell_id) or cell_id in taken:
            cell_id = _new_id(cell, index, taken)
        cell["id"] = cell_id
        taken.add(cell_id)
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
        order = ["cell_type", "execution_count", "id", "metadata", "outputs", "source", "attachments"]
        for key in sorted(cell, key=lambda k: order.index(k) if k in order else len(order)):
            cell[key] = cell.pop(key)
    nb["nbformat"], nb["nbformat_minor"] = 4, 5
    return nb


def notebooks() -> list[str]:
    """Every notebook of the course (lessons, translations, the app)."""
    return sorted(p for p in glob.glob("notebooks/**/*.ipynb", recursive=True) if ".ipynb_checkpoints" not in p)


def main(paths: list[str]) -> int:
    for path in paths or notebooks():
        with open(path, encoding="utf-8") as f:
            nb = clean(json.load(f))
        with open(path, "w", encoding="utf-8") as f:
            json.dump(nb, f, indent=1, ensure_ascii=False)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
