"""The teaching kit in a real browser: the Voila app (notebooks/live_labs.ipynb) and a RISE slideshow.

The app: Voila serves the live-labs notebook as `make app` does (127.0.0.1, a token, sources
stripped) and chromium opens it with every request that leaves 127.0.0.1 blocked, as in a
classroom with no internet. The page must show the two labs in tabs and no code; ArrowRight on
the kernel-size slider must bring a new output image and the right shape text, in both tabs.
What the page tried to fetch from outside is printed (Voila's page links a CDN stylesheet for
icons; nothing the labs need comes from there).

The slideshow: a copy of lesson 02 cut down to its title, its imports and the slide holding the
live lab, with the slide metadata .ci/slides.py sets, opened in jupyterlab-rise's slideshow
(/rise/...). Shift+Enter runs the cells slide by slide, as a teacher does; the lab then sits
live inside a slide and follows the slider.

Run alone: .venv/bin/pytest -p no:nbval -o addopts="" tests/test_app.py -v -s
"""

from __future__ import annotations

import json
import re
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
from browser_support import ARM_PROBE_JS, CHROMIUM_ARGS, LabServer, chromium_or_skip

import convlab as cl
from convlab.lab_compute import SLIDERS

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / ".ci"))
import slides  # noqa: E402

ARTIFACTS = ROOT / "artifacts" / "browser"
APP_NOTEBOOK = ROOT / "notebooks" / "live_labs.ipynb"
LESSON = ROOT / "notebooks" / "02_conv2d.ipynb"
IMAGE_SIDE = 512
VIEWPORT = {"width": 1600, "height": 1000}
LAB = ".convlab-lab"


class VoilaServer(LabServer):
    """Voila on one notebook, with the flags `make app` uses (random port and token)."""

    def __init__(self, notebook: Path, home: Path, extra_env: dict[str, str] | None = None):
        super().__init__(notebook.parent, home, extra_env)
        self.notebook = notebook
        self.log_path = home / "voila.log"

    name = "Voila"
    ready_path = "voila/static/voila.js"

    def args(self) -> list[str]:
        return [
            sys.executable, "-m", "voila", str(self.notebook), "--no-browser",
            "--Voila.ip=127.0.0.1", f"--Voila.port={self.port}", "--Voila.port_retries=0",
            f"--token={self.token}", "--strip_sources=True", "--theme=light",
        ]


def _page(pw, profile: Path) -> SimpleNamespace:
    """A headless chromium page that may reach 127.0.0.1 only; what else it asked for is recorded."""
    context = pw.chromium.launch_persistent_context(
        str(profile), executable_path=chromium_or_skip(), headless=True, args=CHROMIUM_ARGS, viewport=VIEWPORT)
    blocked: list[str] = []
    console_errors: list[str] = []

    def route(r) -> None:
        host = urlparse(r.request.url).hostname
        if host in ("127.0.0.1", "localhost") or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort("internetdisconnected")

    context.route("**/*", route)
    pg = context.pages[0] if context.pages else context.new_page()
    pg.set_default_timeout(60_000)
    pg.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: console_errors.append(f"uncaught: {exc}"))
    return SimpleNamespace(context=context, page=pg, blocked=blocked, console_errors=console_errors)


def _shape(lab) -> list[int]:
    text = lab.locator(".convlab-output-shape").inner_text()
    match = re.search(r"\[([\d,\s]+)\]", text)
    assert match, f"no shape in the output label: {text!r}"
    return [int(v) for v in match.group(1).split(",")]


def _wait_for_picture(pg, lab) -> None:
    pg.wait_for_function(
        """root => { const img = root.querySelector('.convlab-output-shape').parentElement.querySelector('img');
                     return img && img.src.startsWith('blob:') && img.complete && img.naturalWidth > 0; }""",
        arg=lab.element_handle(), timeout=60_000)


def _expect_new_picture(pg, lab, expected: list[int], move: Callable[[], None]) -> None:
    """After ``move`` (a slider change), the output image changes and the shape text says ``expected``."""
    pg.evaluate(ARM_PROBE_JS, lab.element_handle())
    move()
    pg.wait_for_function("() => window.__convlabProbe.shown !== null", timeout=60_000)
    want = f"[{', '.join(map(str, expected))}]"
    pg.wait_for_function("([el, want]) => el.textContent.includes(want)",
                         arg=[lab.locator(".convlab-output-shape").element_handle(), want], timeout=60_000)
    probe = pg.evaluate("() => window.__convlabProbe")
    assert probe["newSrc"] != probe["oldSrc"], "the output image did not change"
    assert _shape(lab) == expected


def _press_kernel_right(pg, lab, expected: list[int]) -> None:
    """ArrowRight on the kernel-size handle (the first slider of a lab)."""
    def move() -> None:
        lab.locator(".noUi-handle").first.focus()
        pg.keyboard.press("ArrowRight")

    _expect_new_picture(pg, lab, expected, move)


def _click_kernel_size(pg, lab, value: int, expected: list[int]) -> None:
    """A mouse click on the kernel-size slider's track where ``value`` sits."""
    box = lab.locator(".noUi-target").first.bounding_box()
    assert box is not None, "the kernel-size slider is not on screen"
    low, high = SLIDERS["kernel_size"].low, SLIDERS["kernel_size"].high
    _expect_new_picture(pg, lab, expected, lambda: pg.mouse.click(
        box["x"] + box["width"] * (value - low) / (high - low), box["y"] + box["height"] / 2))


# -- the Voila app ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pw():
    """One Playwright for the module (its sync API cannot be started twice at once)."""
    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def app(pw, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    home = tmp_path_factory.mktemp("voila-home")
    server = VoilaServer(APP_NOTEBOOK, home, {"CONVLAB_OFFLINE": "1", "CONVLAB_CACHE": str(home / "cache")})
    try:
        server.start()
        server.wait_ready(timeout=180)
        browser = _page(pw, tmp_path_factory.mktemp("chromium-app"))
        try:
            pg = browser.page
            pg.goto(server.url(""), wait_until="domcontentloaded", timeout=180_000)
            # Voila runs the notebook, then renders its outputs: both labs (one per tab).
            pg.wait_for_function(f"() => document.querySelectorAll('{LAB}').length === 2", timeout=240_000)
            _wait_for_picture(pg, pg.locator(LAB).nth(0))
            yield browser
        except Exception:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            browser.page.screenshot(path=str(ARTIFACTS / "app-failed.png"))
            print(f"\n[app] Voila log tail:\n{server.log_tail()}")
            raise
        finally:
            browser.context.close()
    finally:
        server.stop()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "voila.log").write_text(server.log_tail(chars=200_000))


@pytest.mark.browser
@pytest.mark.timeout(600)
def test_app_shows_two_labs_in_tabs_and_no_code(app) -> None:
    pg = app.page
    title = pg.locator("h1").first.inner_text()
    assert "Live labs" in title, title
    tabs = [t.strip() for t in pg.locator(".lm-TabBar-tab .lm-TabBar-tabLabel").all_inner_texts()]
    assert tabs == ["nn.Conv2d", "nn.ConvTranspose2d"], tabs
    # No code anywhere: no input areas or editors, and none of the notebook's source text.
    inputs = pg.evaluate(
        "() => document.querySelectorAll('.jp-CodeCell .jp-InputArea, .jp-CodeMirrorEditor, .cm-editor').length")
    assert inputs == 0, f"{inputs} code input areas are shown"
    body = pg.locator("body").inner_text()
    assert "cl.ConvLab(" not in body and "import convlab" not in body
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / "app.png"))


@pytest.mark.browser
@pytest.mark.timeout(600)
def test_app_conv2d_tab_follows_the_slider(app) -> None:
    pg = app.page
    lab = pg.locator(LAB).nth(0)
    side = cl.conv_output_size(IMAGE_SIDE, 3)
    assert _shape(lab) == [1, 1, side, side]
    side = cl.conv_output_size(IMAGE_SIDE, 4)
    _press_kernel_right(pg, lab, [1, 1, side, side])
    lab.screenshot(path=str(ARTIFACTS / "app-conv2d.png"))


@pytest.mark.browser
@pytest.mark.timeout(600)
def test_app_conv_transpose2d_tab_follows_the_slider(app) -> None:
    pg = app.page
    pg.locator(".lm-TabBar-tab", has_text="nn.ConvTranspose2d").click()
    lab = pg.locator(LAB).nth(1)
    pg.wait_for_function("el => el.offsetParent !== null", arg=lab.element_handle(), timeout=60_000)
    _wait_for_picture(pg, lab)
    side = cl.conv_transpose_output_size(IMAGE_SIDE, 3, stride=2)
    assert _shape(lab) == [1, 1, side, side]
    side = cl.conv_transpose_output_size(IMAGE_SIDE, 4, stride=2)
    _press_kernel_right(pg, lab, [1, 1, side, side])
    lab.screenshot(path=str(ARTIFACTS / "app-conv_transpose2d.png"))


@pytest.mark.browser
@pytest.mark.timeout(600)
def test_app_needs_nothing_from_the_internet(app) -> None:
    """Everything above ran with the internet blocked; no script was among what the page asked for."""
    outside = sorted(set(app.blocked))
    print(f"\n[app] requests blocked (no internet): {outside or 'none'}")
    if app.console_errors:
        print("[app] console errors:\n  " + "\n  ".join(app.console_errors))
    scripts = [u for u in outside if urlparse(u).path.endswith((".js", ".mjs")) or "require" in u]
    assert not scripts, f"the app page loads scripts from the internet: {scripts}"
    widget_errors = [e for e in app.console_errors if "widget" in e.lower() or "convlab" in e.lower()]
    assert not widget_errors, widget_errors


# -- a lesson as RISE slides -------------------------------------------------------------------------

def _lab_lesson(src: Path, dest: Path) -> int:
    """A copy of the lesson: its title, first code cell (imports) and the slide with the live lab,
    up to the lab's cell, then one closing line (so that Shift+Enter on the lab never adds a cell);
    slide metadata as .ci/slides.py sets it. Returns the number of cells."""
    nb = json.loads(src.read_text(encoding="utf-8"))
    cells, kinds = nb["cells"], slides.slide_types(nb)
    lab_at = next(i for i, c in enumerate(cells) if c["cell_type"] == "code" and "cl.ConvLab(" in "".join(c["source"]))
    start = max(i for i in range(lab_at + 1) if kinds[i] == "slide")
    first_code = next(i for i, c in enumerate(cells) if c["cell_type"] == "code")
    end = {"cell_type": "markdown", "id": "the-end", "metadata": {}, "source": "That was the lab."}
    nb["cells"] = [cells[0], cells[first_code], *cells[start:lab_at + 1], end]
    for cell in nb["cells"]:
        cell["outputs"] = [] if cell["cell_type"] == "code" else cell.get("outputs")
        if cell.get("outputs") is None:
            cell.pop("outputs", None)
    slides.apply(nb)
    dest.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")
    return len(nb["cells"])


@pytest.fixture(scope="module")
def slideshow(pw, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """The lesson copy open in jupyterlab-rise's slideshow, every cell run with Shift+Enter."""
    root = tmp_path_factory.mktemp("rise-root")
    home = tmp_path_factory.mktemp("rise-home")
    nb_path = root / "lesson.ipynb"
    _lab_lesson(LESSON, nb_path)
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    server = LabServer(root, home, {"CONVLAB_OFFLINE": "1", "CONVLAB_CACHE": str(home / "cache")})
    try:
        server.start()
        server.wait_ready(timeout=180)
        assert "jupyterlab-rise" in server.labextensions(), "jupyterlab-rise is not installed"
        browser = _page(pw, tmp_path_factory.mktemp("chromium-rise"))
        pg = browser.page
        try:
            pg.goto(server.url("rise/lesson.ipynb"), wait_until="domcontentloaded", timeout=180_000)
            pg.wait_for_selector(".reveal .slides section .jp-Cell", timeout=180_000)
            _wait_for_idle_kernel(server, pg)
            pg.locator(".reveal .jp-Notebook").first.focus()
            pg.keyboard.press("Escape")  # command mode
            # A teacher's Shift+Enter, once per cell: run it, go on (to the next slide at a slide's end).
            # (RISE selects a slide's first code cell by itself, so count outputs, not key presses.)
            lab_cell = next(i for i, c in enumerate(nb["cells"]) if "cl.ConvLab(" in "".join(c["source"]))
            has_output = "i => !!document.querySelectorAll('.reveal .jp-Cell')[i].querySelector('.jp-OutputArea-output')"
            for _ in nb["cells"]:
                if pg.evaluate(has_output, lab_cell):
                    break
                _shift_enter(pg)
            pg.wait_for_function(has_output, arg=lab_cell, timeout=120_000)
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            pg.screenshot(path=str(ARTIFACTS / "rise-lab-slide.png"))
            yield SimpleNamespace(**vars(browser), nb=nb, lab_cell=lab_cell)
        except Exception:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            pg.screenshot(path=str(ARTIFACTS / "rise-failed.png"))
            print(f"\n[rise] JupyterLab log tail:\n{server.log_tail()}\nconsole errors: {browser.console_errors}")
            raise
        finally:
            browser.context.close()
    finally:
        server.stop()


_ACTIVE_CELL = """() => {
    const cells = [...document.querySelectorAll('.reveal .jp-Cell')];
    const i = cells.findIndex(c => c.classList.contains('jp-mod-active'));
    const code = i >= 0 && cells[i].classList.contains('jp-CodeCell');
    return [i, code ? cells[i].querySelector('.jp-InputPrompt').textContent.trim() : null];
}"""
_SELECT_CELL = """i => document.querySelectorAll('.reveal .jp-Cell')[i].querySelector('.jp-InputPrompt')
    .dispatchEvent(new MouseEvent('mousedown', {bubbles: true}))"""
_PROMPT_OF = "i => document.querySelectorAll('.reveal .jp-Cell')[i].querySelector('.jp-InputPrompt').textContent.trim()"


def _shift_enter(pg, tries: int = 3) -> None:
    """One Shift+Enter on the active cell, and for a code cell wait until it has run ("[n]:").

    Under a loaded machine the very first request can be lost while the page's kernel
    connection settles (the prompt falls back to "[ ]:" and nothing ran); a teacher then
    presses again, and so does this, on the same cell (printed, so a log shows it)."""
    index, prompt = pg.evaluate(_ACTIVE_CELL)
    for _ in range(tries):
        pg.keyboard.press("Shift+Enter")
        if prompt is None:  # a markdown cell: rendering it just moves on
            return
        deadline, idle_since = time.monotonic() + 120, None
        while time.monotonic() < deadline:
            now = pg.evaluate(_PROMPT_OF, index)
            if now[1:-2].strip().isdigit():
                return
            idle_since = None if "*" in now else (idle_since or time.monotonic())
            if idle_since is not None and time.monotonic() - idle_since > 10:
                break  # never started (or was dropped): not running, no number
            pg.wait_for_timeout(200)  # not time.sleep: the page's requests wait on our route handler
        else:
            raise TimeoutError(f"cell {index} still running after 120 s")
        print(f"\n[rise] Shift+Enter on cell {index} did not run it (prompt {now!r}); pressing again")
        # Select that cell again (it may sit on the slide just left, so no visible click).
        pg.evaluate(_SELECT_CELL, index)
    raise AssertionError(f"cell {index} did not run after {tries} Shift+Enter presses")


def _wait_for_idle_kernel(server: LabServer, pg, timeout: float = 240.0) -> None:
    """Until the server has a kernel (the slideshow's) and it is idle.

    It waits with the page's own clock, never ``time.sleep``: every request the page makes goes
    through this context's route handler, which runs only while Playwright is called, so a sleep
    here would hold the page's kernel connection back (CI once saw "connections: 0" for 240 s)."""
    deadline = time.monotonic() + timeout
    kernels: list = []
    while time.monotonic() < deadline:
        with urllib.request.urlopen(server.url("api/kernels"), timeout=5) as resp:
            kernels = json.load(resp)
        if kernels and all(k["execution_state"] == "idle" for k in kernels):
            return
        pg.wait_for_timeout(500)
    raise TimeoutError(f"no idle kernel within {timeout:.0f} s: {kernels}")


@pytest.mark.browser
@pytest.mark.timeout(600)
def test_rise_builds_the_slides_from_the_metadata(slideshow) -> None:
    pg = slideshow.page
    kinds = [c["metadata"]["slideshow"]["slide_type"] for c in slideshow.nb["cells"]]
    slides_shown = pg.evaluate("() => document.querySelectorAll('.reveal .slides > section').length")
    assert slides_shown == kinds.count("slide"), (slides_shown, kinds)
    print(f"\n[rise] {slides_shown} slides; requests blocked (no internet): {sorted(set(slideshow.blocked)) or 'none'}")


@pytest.mark.browser
@pytest.mark.timeout(600)
def test_rise_runs_the_lab_cell_on_the_slide_in_view(slideshow) -> None:
    in_view = slideshow.page.evaluate(
        "i => !!document.querySelectorAll('.reveal .jp-Cell')[i].closest('section.present')", slideshow.lab_cell)
    assert in_view, "after the last Shift+Enter the slide on screen is not the lab's"
    # Every code cell up to the lab ran, in order, and none failed.
    prompts = slideshow.page.evaluate(
        "() => [...document.querySelectorAll('.reveal .jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim())")
    assert prompts[:2] == ["[1]:", "[2]:"], prompts
    errors = slideshow.page.locator(".reveal .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert "Error" not in " ".join(errors.all_inner_texts())


@pytest.mark.browser
@pytest.mark.timeout(600)
def test_rise_lab_is_live_inside_the_slide(slideshow) -> None:
    pg = slideshow.page
    assert pg.locator(LAB).count() == 1, "the lab shows as text, not as a widget"
    lab = pg.locator(LAB).first
    _wait_for_picture(pg, lab)
    assert lab.evaluate("el => !!el.closest('.reveal .slides section.present')")
    side = cl.conv_output_size(IMAGE_SIDE, 3)
    assert _shape(lab) == [1, 1, side, side]
    # In the slideshow ← → move the slides, so a teacher clicks the slider: at 40% of the
    # kernel-size track (1…11) it is 5. (convlab-rise-widgets is what makes the lab live here.)
    side = cl.conv_output_size(IMAGE_SIDE, 5)
    _click_kernel_size(pg, lab, 5, [1, 1, side, side])
