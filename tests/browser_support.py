"""Support for the real-browser test: a private JupyterLab server, the lab notebook, in-page probes.

Everything here is bounded: every wait has a deadline, and the server is stopped (its whole
process group, kernels included) even when a test fails half-way.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]

NOTEBOOK_CELLS = [
    "import convlab as cl",
    "lab = cl.ConvLab()\nlab",
    "tlab = cl.ConvLab(transposed=True)\ntlab",
]


def find_chromium() -> str | None:
    """Debian's chromium: /usr/bin/chromium, else whatever `chromium` is on PATH."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def chromium_or_skip() -> str:
    """Chromium's path; skip without it (or without Playwright), fail instead when CI requires the browser."""
    import importlib.util

    import pytest

    path = find_chromium()
    if path is None:
        reason = "Debian's chromium is not installed (/usr/bin/chromium, or `chromium` on PATH)"
    elif importlib.util.find_spec("playwright") is None:
        reason = "Playwright's Python package is not installed (pip install -e '.[test]')"
    else:
        return path
    if os.environ.get("CONVLAB_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + "; CONVLAB_REQUIRE_BROWSER=1 requires the browser tests to run")
    pytest.skip(reason)


def write_lab_notebook(path: Path) -> None:
    """A notebook with the two live labs (Conv2d, then ConvTranspose2d)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in NOTEBOOK_CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, path)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """JupyterLab from this interpreter's environment, on 127.0.0.1 with a random token.

    Config, data, runtime, settings and workspace directories all live under ``home`` so that
    nothing in the user's own ~/.jupyter interferes; the environment's share/jupyter (where the
    widget extension is installed) is still on Jupyter's path.
    """

    def __init__(self, root: Path, home: Path, extra_env: dict[str, str] | None = None):
        self.root, self.home = root, home
        self.token = secrets.token_hex(16)
        self.port = _free_port()
        self.log_path = home / "jupyterlab.log"
        self._extra_env = extra_env or {}
        self._proc: subprocess.Popen | None = None
        self._log = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}?token={self.token}"

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        for var in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "JUPYTERLAB_DIR", "JUPYTER_TOKEN", "JUPYTER_PORT"):
            env.pop(var, None)
        dirs = {
            "JUPYTER_CONFIG_DIR": "config", "JUPYTER_DATA_DIR": "data", "JUPYTER_RUNTIME_DIR": "runtime",
            "IPYTHONDIR": "ipython", "MPLCONFIGDIR": "mpl", "HOME": "home",
        }
        for var, name in dirs.items():
            (self.home / name).mkdir(parents=True, exist_ok=True)
            env[var] = str(self.home / name)
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        env["PYTHONUNBUFFERED"] = "1"
        env.update(self._extra_env)
        return env

    def _settings(self) -> Path:
        """User settings that keep the page quiet: no news toast asking to fetch announcements."""
        settings = self.home / "lab-settings"
        notification = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
        notification.parent.mkdir(parents=True, exist_ok=True)
        notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        return settings

    name = "JupyterLab"
    ready_path = "api/status"
    """Polled until it answers 200."""

    def args(self) -> list[str]:
        """The server's command line."""
        args = [
            sys.executable, "-m", "jupyterlab", "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
            "--ServerApp.open_browser=False", "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=None", "--LabApp.extension_manager=readonly",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            f"--LabApp.user_settings_dir={self._settings()}",
            f"--LabApp.workspaces_dir={self.home / 'workspaces'}",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--allow-root")  # containers and CI run as root
        return args

    def start(self) -> None:
        self._log = open(self.log_path, "w")  # noqa: SIM115 (closed in stop())
        self._proc = subprocess.Popen(
            self.args(), cwd=self.root, env=self._env(), stdout=self._log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Poll ``ready_path`` until the server answers, or raise with the end of its log."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc is None or self._proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url(self.ready_path), timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        raise TimeoutError(f"{self.name} did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def labextensions(self) -> dict:
        """The federated extensions the running server hands to the page."""
        with urllib.request.urlopen(self.url("lab/api/extensions"), timeout=10) as resp:
            return {ext["name"]: ext for ext in json.load(resp)}

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """SIGTERM the server's process group (it shuts its kernels down), SIGKILL after 10 s."""
        proc = self._proc
        if proc is not None and proc.poll() is None:
            _signal_group(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        if proc is not None:
            _signal_group(proc.pid, signal.SIGKILL)  # stragglers (kernels) in the same group
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        if self._log is not None:
            self._log.close()
            self._log = None


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(len(ordered) * q / 100))
    return ordered[rank - 1]


# In-page probe: arm it, press the key, then wait for `shown`. Times are performance.now() in the page:
# `keydown` when the key event reaches the document, `src` when the widget swaps the <img> source,
# `shown` on the first animation frame after the new image has decoded (the frame that paints it).
ARM_PROBE_JS = """
(root) => {
  const img = root.querySelector('.convlab-output-shape').parentElement.querySelector('img');
  const probe = {keydown: null, src: null, shown: null, oldSrc: img.src, newSrc: null};
  window.__convlabProbe = probe;
  document.addEventListener('keydown', () => { probe.keydown = performance.now(); },
                            {capture: true, once: true});
  const observer = new MutationObserver(() => {
    if (img.src === probe.oldSrc || probe.src !== null) return;
    probe.src = performance.now();
    probe.newSrc = img.src;
    observer.disconnect();
    const painted = () => requestAnimationFrame(() => { probe.shown = performance.now(); });
    img.decode().then(painted, painted);
  });
  observer.observe(img, {attributes: true, attributeFilter: ['src']});
}
"""

# The lab widgets rendered in cell outputs, in notebook order.
LAB_ROOTS_SELECTOR = ".jp-OutputArea-output:has(.convlab-output-shape)"

# Run `code` in the open notebook's kernel (behind any widget messages already queued there) and
# resolve to its stdout; reject after `ms` milliseconds so that a stuck kernel fails the test.
KERNEL_EXEC_JS = """
async ([code, ms]) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = kernel.requestExecute({code, silent: false, store_history: false});
  let out = '', err = '';
  future.onIOPub = msg => {
    if (msg.header.msg_type === 'stream') out += msg.content.text;
    if (msg.header.msg_type === 'error') err += msg.content.ename + ': ' + msg.content.evalue;
  };
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`kernel did not answer within ${ms} ms`)), ms); });
  try { await Promise.race([future.done, late]); } finally { clearTimeout(timer); }
  if (err) throw new Error(err);
  return out;
}
"""


# -- layout probes (JupyterLab's own screen, as a student or a teacher sees it) --------------------

# Open JupyterLab's file browser in the left sidebar; resolves to true when the sidebar is expanded.
OPEN_FILE_BROWSER_JS = """
() => { const shell = window.jupyterapp.shell; shell.activateById('filebrowser'); return !shell.leftCollapsed; }
"""

# Labels, readouts, captions and buttons of one lab that are cut: their text is wider than their box
# (ellipsis or hidden overflow), or they stick out of the lab or out of the window.
CLIPPED_LABELS_JS = """
(root) => {
  const box = root.getBoundingClientRect();
  const cut = [];
  for (const el of root.querySelectorAll('.widget-label, .widget-readout, .widget-html-content, button')) {
    if (el.offsetParent === null || !el.textContent.trim()) continue;
    const r = el.getBoundingClientRect();
    if (el.scrollWidth > el.clientWidth + 1 || r.right > box.right + 1 || r.right > window.innerWidth + 1)
      cut.push(el.textContent.trim().slice(0, 60));
  }
  return cut;
}
"""

# CSS widths of a lab's input and output pictures (the zoom aside).
PICTURE_WIDTHS_JS = """
(root) => ({input: root.querySelector('.convlab-input img').getBoundingClientRect().width,
            output: root.querySelector('.convlab-output img').getBoundingClientRect().width,
            zoom: root.querySelector('.convlab-zoom img').getBoundingClientRect().width})
"""

# WCAG contrast ratio of an element's text against the background it is painted on (the first
# opaque background among its ancestors, with any translucent ones composited over it).
CONTRAST_JS = """
(el) => {
  const parse = s => { const p = s.match(/rgba?\\(([^)]+)\\)/)[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
                       return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const layers = [];
  for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
    const c = parse(getComputedStyle(node).backgroundColor);
    if (c[3] > 0) layers.push(c);
    if (c[3] >= 1) break;
  }
  let bg = [255, 255, 255];
  for (const c of layers.reverse()) bg = bg.map((v, i) => c[i] * c[3] + v * (1 - c[3]));
  const f = parse(getComputedStyle(el).color);
  const fg = [0, 1, 2].map(i => f[i] * f[3] + bg[i] * (1 - f[3]));
  const lum = c => { const [r, g, b] = c.map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
  return {ratio: (hi + 0.05) / (lo + 0.05), color: fg.map(Math.round), background: bg.map(Math.round)};
}
"""


def contrast_ratio(rgb1: tuple[float, float, float], rgb2: tuple[float, float, float]) -> float:
    """WCAG 2 contrast ratio of two sRGB colours (0-255 per channel), as CONTRAST_JS computes it."""
    def luminance(rgb: tuple[float, float, float]) -> float:
        lin = [(v / 255) / 12.92 if v / 255 <= 0.03928 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((luminance(rgb1), luminance(rgb2)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
