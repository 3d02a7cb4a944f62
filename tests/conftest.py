"""Shared fixtures: a clean notice/download state, and a local HTTP server for download tests.

Nothing here reads outside the repository: download tests serve a picture they make themselves."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import convlab.images as images


@pytest.fixture(autouse=True)
def _fresh_image_state(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test starts with no notices given, no failed downloads, and an empty private cache."""
    monkeypatch.setattr(images, "_notices_given", set())
    monkeypatch.setattr(images, "_failed_downloads", set())
    monkeypatch.setenv("CONVLAB_CACHE", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("CONVLAB_OFFLINE", raising=False)


class LocalServer:
    """A static file server on 127.0.0.1 that counts requests and can be stopped mid-test."""

    def __init__(self, directory: Path):
        self.requests = 0
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                server.requests += 1
                super().do_GET()

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Handler, directory=str(directory))
        )
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


@pytest.fixture(scope="module")
def one_thread() -> Iterator[None]:
    """Tiny tensors: torch's thread pool only adds overhead (and, on a busy machine, much of it)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
