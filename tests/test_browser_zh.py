"""The Chinese course in a real browser: the Conv2d lab speaks Chinese, its error for groups = 2 too.

JupyterLab + Debian's chromium driven by Playwright (same harness as test_browser.py), with the
kernel started under CONVLAB_LANG=zh as `make lab-zh` does, and the notebook calling
cl.set_language("zh") as every Chinese lesson does.

Run alone: .venv/bin/pytest -p no:nbval -o addopts="" tests/test_browser_zh.py -v -s
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from browser_support import CHROMIUM_ARGS, LAB_ROOTS_SELECTOR, LabServer, chromium_or_skip

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "browser"
CJK = re.compile(r"[\u4e00-\u9fff]")
CELLS = ['import convlab as cl\ncl.set_language("zh")', "lab = cl.ConvLab()\nlab"]


@pytest.fixture(scope="module")
def zh_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    chromium = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    root, home = tmp_path_factory.mktemp("zh-root"), tmp_path_factory.mktemp("zh-home")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, root / "lab_zh.ipynb")
    server = LabServer(root, home, {"CONVLAB_OFFLINE": "1", "CONVLAB_CACHE": str(home / "cache"),
                                    "CONVLAB_LANG": "zh"})
    try:
        server.start()
        server.wait_ready(timeout=90)
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                str(tmp_path_factory.mktemp("zh-profile")), executable_path=chromium, headless=True,
                args=CHROMIUM_ARGS, viewport={"width": 1366, "height": 768})
            try:
                pg = context.pages[0] if context.pages else context.new_page()
                pg.set_default_timeout(60_000)
                pg.goto(server.url("lab/tree/lab_zh.ipynb"), wait_until="domcontentloaded", timeout=90_000)
                pg.wait_for_function(
                    """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                               const k = w && w.sessionContext && w.sessionContext.session
                                         && w.sessionContext.session.kernel;
                               return !!k && k.status === 'idle'; }""", timeout=120_000)
                pg.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
                pg.wait_for_selector(f"{LAB_ROOTS_SELECTOR} img", timeout=120_000)
                yield pg
            finally:
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                try:
                    context.pages[0].screenshot(path=str(ARTIFACTS / "lab-zh.png"))
                except Exception:  # noqa: BLE001  (a screenshot is a courtesy, never the failure)
                    pass
                context.close()
    finally:
        server.stop()


@pytest.mark.browser
@pytest.mark.timeout(300)
def test_chinese_lab_has_chinese_labels_and_a_chinese_error_for_groups_2(zh_page) -> None:
    lab = zh_page.locator(LAB_ROOTS_SELECTOR).first
    labels = lab.locator(".widget-slider .widget-label").all_inner_texts()
    assert labels and all(CJK.search(text) for text in labels), labels

    groups = lab.locator(".widget-slider").filter(has_text="分组").locator(".ui-slider-handle, .noUi-handle")
    groups.first.focus()
    zh_page.keyboard.press("ArrowRight")  # groups 1 -> 2: 3 input channels cannot be split in two
    error = lab.locator(".convlab-error")
    zh_page.wait_for_function(
        "(el) => el.innerText.includes('groups=2')", arg=error.element_handle(), timeout=60_000)
    text = error.inner_text()
    assert CJK.search(text) and "groups=2" in text, text
    assert "does not divide" not in text  # no English sentence left
