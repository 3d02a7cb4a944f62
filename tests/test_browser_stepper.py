"""Lesson 03's case explorer in a real browser: it stays inside a 1366×768 laptop screen while it plays.

A 1366×768 screen leaves a page of about 1366×648 once the browser's bars and the task bar
are drawn; JupyterLab (file browser open) then gives a notebook about 527 px of height. The
explorer (menu, play bar, picture) must fit in that, for the tallest of the guide's cases and
while Play runs, with nothing spilling sideways and no picture scaled up past its own size.

Run alone: .venv/bin/pytest -p no:nbval -o addopts="" tests/test_browser_stepper.py -v -s
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest
from browser_support import CHROMIUM_ARGS, LabServer, chromium_or_skip

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "browser"
LAPTOP_PAGE = {"width": 1366, "height": 648}  # a 1366×768 screen less the browser's and the OS's bars
CASES = [(5, 3, 2, 1, 1, 7), (4, 3, 0, 1, 1, 2)]  # the guide's tallest picture, and its smallest
CELLS = [
    "import convlab as cl\nfrom convlab.stepping import case_explorer",
    f"explorer = case_explorer({CASES!r})\nexplorer",
]
KERNEL_IDLE_JS = """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
    return !!k && k.status === 'idle' && w.content && w.content.widgets.length === %d; }"""
MEASURE_JS = """el => { const r = el.getBoundingClientRect(); const img = el.querySelector('img');
    return {height: r.height, overflow: el.scrollWidth - el.clientWidth,
            shown: img.clientHeight, natural: img.naturalHeight}; }"""


@pytest.mark.browser
@pytest.mark.timeout(300)
def test_case_explorer_fits_a_laptop_screen_while_it_plays(tmp_path: Path) -> None:
    chromium = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    root, home = tmp_path / "root", tmp_path / "home"
    root.mkdir()
    home.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, root / "explorer.ipynb")
    server = LabServer(root, home, {"CONVLAB_OFFLINE": "1", "CONVLAB_CACHE": str(home / "cache")})
    try:
        server.start()
        server.wait_ready(timeout=60)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            try:
                pg = browser.new_page(viewport=LAPTOP_PAGE)
                pg.set_default_timeout(60_000)
                pg.goto(server.url("lab/tree/explorer.ipynb"), wait_until="domcontentloaded", timeout=90_000)
                pg.wait_for_function(KERNEL_IDLE_JS % len(CELLS), timeout=120_000)
                pg.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
                pg.wait_for_function("() => [...document.querySelectorAll('.jp-OutputArea img')]"
                                     ".some(img => img.naturalHeight > 0)", timeout=90_000)
                panel = pg.evaluate("() => (document.querySelector('.jp-WindowedPanel-outer')"
                                    " || document.querySelector('.jp-Notebook')).getBoundingClientRect().height")
                explorer = pg.locator(".widget-dropdown").first.locator(
                    "xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
                for index, case in enumerate(CASES):
                    pg.locator(".widget-dropdown select").first.select_option(index=index)
                    pg.wait_for_function(
                        "el => { const img = el.querySelector('img'); return img && img.complete && "
                        "img.naturalHeight > 0; }", arg=explorer.element_handle())
                    explorer.scroll_into_view_if_needed()
                    pg.locator(".widget-play button").first.click()  # Play
                    samples = []
                    for _ in range(5):
                        time.sleep(0.6)
                        samples.append(explorer.evaluate(MEASURE_JS))
                    ARTIFACTS.mkdir(parents=True, exist_ok=True)
                    pg.screenshot(path=str(ARTIFACTS / f"explorer-laptop-{index}.png"))
                    tallest = max(s["height"] for s in samples)
                    print(f"\n[browser] case {case}: explorer {tallest:.0f} px high in a {panel:.0f} px notebook; "
                          f"picture {max(s['shown'] for s in samples)} px of {max(s['natural'] for s in samples)}")
                    assert tallest <= panel, (case, samples, panel)
                    assert all(s["overflow"] <= 1 for s in samples), samples
                    # never scaled up; a sample taken while Play swaps the picture (the new one not
                    # decoded yet: naturalHeight 0) says nothing about scale
                    decoded = [s for s in samples if s["natural"] > 0]
                    assert len(decoded) >= 3 and all(0 < s["shown"] <= s["natural"] for s in decoded), samples
                    pg.wait_for_timeout(4_000)  # let Play finish before the next case
            finally:
                browser.close()
    finally:
        server.stop()
