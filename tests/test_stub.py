"""convlab/__init__.pyi names what convlab/__init__.py gives, lazily loaded names and submodules included."""

from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

import convlab

STUB = Path(convlab.__file__).with_name("__init__.pyi")


def _stub_names() -> tuple[set[str], list[str]]:
    tree = ast.parse(STUB.read_text())
    names: set[str] = set()
    listed: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            names |= {alias.asname or alias.name for alias in node.names}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets):
            listed = list(ast.literal_eval(node.value))
    return names, listed


def test_stub_lists_the_public_api_and_every_lazy_name() -> None:
    names, listed = _stub_names()
    assert listed == list(convlab.__all__)
    assert set(convlab.__all__) <= names
    assert set(convlab._LAZY) <= names
    for name in names - {"__version__"}:
        assert getattr(convlab, name) is not None  # every name the stub promises exists


def test_stub_names_every_submodule() -> None:
    names, _ = _stub_names()
    modules = {m.name for m in pkgutil.iter_modules(convlab.__path__) if not m.name.startswith("_")}
    missing = modules - names
    assert not missing, f"add `from . import {sorted(missing)[0]} as {sorted(missing)[0]}` to {STUB.name}"
