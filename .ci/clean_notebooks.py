"""Strip outputs, execution counts and kernel-specific metadata from the course notebooks.

Usage: python .ci/clean_notebooks.py [NOTEBOOK ...]   (default: notebooks/*.ipynb)
Every notebook keeps the same generic metadata so diffs stay readable.
"""

from __future__ import annotations

import glob
import json
import sys

METADATA = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}
CELL_KEYS_KEPT = {"tags", "jupyter"}  # tags drive nbval; jupyter.source_hidden folds a cell


def clean(nb: dict) -> dict:
    nb["metadata"] = METADATA
    for cell in nb["cells"]:
        cell["metadata"] = {k: v for k, v in cell.get("metadata", {}).items() if k in CELL_KEYS_KEPT}
        cell.pop("id", None)
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    nb["nbformat"], nb["nbformat_minor"] = 4, 4
    return nb


def main(paths: list[str]) -> int:
    for path in paths or sorted(glob.glob("notebooks/*.ipynb")):
        with open(path, encoding="utf-8") as f:
            nb = clean(json.load(f))
        with open(path, "w", encoding="utf-8") as f:
            json.dump(nb, f, indent=1, ensure_ascii=False)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
