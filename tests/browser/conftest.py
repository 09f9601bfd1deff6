"""The built site served on 127.0.0.1 and read in headless Debian Chromium through Playwright.

Tools come from the project's own files: Chromium and Java from Debian (`.ci/run` installs them),
axe-core and vnu-jar from npm into tests/browser/node_modules (`npm ci` there). A missing tool
skips these tests on a developer's machine and fails them under CI=true, so CI never passes
by skipping.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from agendasite.source.config import load_config
from agendasite.diagnostics import Diagnostics

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
NODE_MODULES = HERE / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = Path(os.environ.get("AGENDASITE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "test-artifacts"
CONFIG = Path(os.environ.get("AGENDASITE_TEST_CONFIG", ROOT / "site_config.yml"))
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def in_ci() -> bool:
    """CI sets CI=true: there every tool must be present."""
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def require(ok: bool, what: str) -> None:
    """Skip locally, fail in CI, when a tool is missing."""
    if ok:
        return
    message = f"{what} is missing; `bash .ci/run` installs it"
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site below its base path, like its web host: unknown addresses get 404.html with status 404."""

    base_path = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.base_path):
            return str(Path(self.directory) / "-outside-the-site-")
        return super().translate_path("/" + path[len(self.base_path):])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


def site_base_path() -> str:
    """The path of the site's base_url: served there, the 404 page's absolute links work as on the web host."""
    config = load_config(CONFIG, Diagnostics())
    assert config is not None
    return (urlparse(config.base_url).path or "/") if config.base_url else "/"


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """The built site served over HTTP on a free port of 127.0.0.1 below its base path; stopped at teardown."""
    base = site_base_path()
    handler = type("Handler", (SiteHandler,), {"base_path": base})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(built_site)))
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{base}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """Debian's Chromium, launched headless once per session through Playwright."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "the Python package playwright (pip install -e '.[test]')")
    require(CHROMIUM.is_file(), f"Chromium at {CHROMIUM} (Debian package chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The axe-core script, injected into each page under test."""
    require(AXE_JS.is_file(), f"axe-core ({AXE_JS.relative_to(ROOT)}; npm ci in tests/browser)")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def vnu_command() -> list[str]:
    """The Nu HTML Checker, run with Java."""
    java = shutil.which("java")
    require(java is not None, "Java (Debian package default-jre-headless)")
    require(VNU_JAR.is_file(), f"vnu-jar ({VNU_JAR.relative_to(ROOT)}; npm ci in tests/browser)")
    return [str(java), "-jar", str(VNU_JAR)]


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go (git-ignored), kept after the run for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
