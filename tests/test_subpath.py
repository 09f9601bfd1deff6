"""The site served from a sub-path (a GitHub Pages project site): every link, asset and address resolves."""

from __future__ import annotations

import http.client
import re
import threading
from collections import deque
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pytest
import yaml

from .conftest import ROOT, run_build

PREFIX = "/agendas/"
BASE_URL = "https://example.org/agendas/"


class _Links(HTMLParser):
    """Every address a browser would load or follow from one page, and the page's ids."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.canonical: str | None = None
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if values.get("id"):
            self.ids.add(values["id"])
        if tag == "link" and values.get("rel") == "canonical":
            self.canonical = values.get("href")
        for key in ("href", "src", "action", "poster", "data"):
            if values.get(key):
                self.links.append(values[key])
        for key in ("srcset", "imagesrcset"):
            if values.get(key):
                self.links += [part.split()[0] for part in values[key].split(",") if part.strip()]


def _handler(root: Path) -> type[SimpleHTTPRequestHandler]:
    class SubPathHandler(SimpleHTTPRequestHandler):
        """Serves `root` at /agendas/ only, like a project site; a missing page gets the site's 404 page."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, format: str, *args) -> None:  # keep the test output quiet
            pass

        def send_head(self):
            path = urlsplit(self.path).path
            if not path.startswith(PREFIX):
                self.send_error(404)
                return None
            local = root / unquote(path[len(PREFIX):])
            if not local.exists() and (root / "404.html").is_file():
                body = (root / "404.html").read_bytes()
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return None
            self.path = "/" + path[len(PREFIX):]
            return super().send_head()

    return SubPathHandler


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    """The embedded site, configured for https://example.org/agendas/, served on 127.0.0.1 under /agendas/."""
    tmp = tmp_path_factory.mktemp("subpath")
    config = yaml.safe_load((ROOT / "site_config.yml").read_text(encoding="utf-8"))
    config.update(base_url=BASE_URL, content_dir=str(ROOT / "content"), templates_dir=str(ROOT / "templates"),
                  handbook=str(ROOT / "mkdocs.yml"))
    (tmp / "site_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result = run_build(tmp / "site_config.yml", tmp / "out")
    assert result.ok, [str(d) for d in result.diagnostics.sorted()]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(tmp / "out"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield tmp / "out", server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def _get(port: int, path: str) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        conn.close()


def _local(url: str, port: int) -> str | None:
    """The server path of an address inside the site, or None for an address elsewhere."""
    if url.startswith(BASE_URL):
        return PREFIX + url[len(BASE_URL):]
    parts = urlsplit(url)
    if parts.scheme == "http" and parts.netloc == f"127.0.0.1:{port}":
        return parts.path + (f"?{parts.query}" if parts.query else "")
    if parts.netloc == "example.org":
        return parts.path  # the site's host, outside its base path: must fail under the sub-path
    return None


def crawl(port: int, starts: list[str]) -> tuple[set[str], list[str]]:
    """Follow every internal address from the start pages; return the pages seen and the problems."""
    seen: set[str] = set()
    problems: list[str] = []
    ids: dict[str, set[str]] = {}
    anchors: list[tuple[str, str, str]] = []
    queue = deque((start, "(start)") for start in starts)
    while queue:
        path, referrer = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        status, kind, body = _get(port, path)
        if status != 200:
            problems.append(f"{referrer} links to {path}: HTTP {status}")
            continue
        base = f"http://127.0.0.1:{port}{path}"
        if kind.startswith("text/html"):
            parser = _Links()
            parser.feed(body.decode("utf-8"))
            ids[path] = parser.ids
            if parser.canonical is not None and _local(parser.canonical, port) != path:
                problems.append(f"{path}: canonical {parser.canonical} is not this page")
            targets = [urljoin(base, link) for link in parser.links]
        elif kind.startswith(("application/", "text/")) and not kind.startswith("text/css"):
            text = body.decode("utf-8", "replace")  # feeds, JSON, sitemaps: absolute addresses
            targets = re.findall(r"https?://example\.org/[^\s\"'<>\\]*", text)
        else:
            targets = []
        for target in targets:
            url, fragment = urldefrag(target)
            local = _local(url, port)
            if local is None:
                continue
            if not local.startswith(PREFIX):
                problems.append(f"{path} links to {target}, outside {PREFIX}")
                continue
            if fragment:
                anchors.append((path, local, unquote(fragment)))
            queue.append((local, path))
    for page, target, fragment in anchors:
        if target in ids and fragment not in ids[target]:
            problems.append(f"{page} links to {target}#{fragment}: no such id")
    return seen, problems


def test_every_page_link_asset_and_address_resolves_under_the_sub_path(served):
    out, port = served
    seen, problems = crawl(port, [PREFIX])
    assert problems == []
    pages = {PREFIX + p.relative_to(out).as_posix().removesuffix("index.html") for p in out.rglob("*.html")
             if p.name != "404.html" and "handbook" not in p.relative_to(out).parts}
    assert pages - seen == set(), "pages that no link reaches"
    assert any(p.endswith(".css") for p in seen)


def test_the_published_handbook_resolves_under_the_sub_path(served):
    out, port = served
    seen, problems = crawl(port, [PREFIX + "handbook/"])
    assert problems == []
    assert PREFIX + "handbook/reference/" in seen
    assert PREFIX + "handbook/publishing/" in seen


def test_the_404_page_works_at_any_depth(served):
    _, port = served
    status, _, body = _get(port, PREFIX + "2024-09-06-kkr-hovedstaden/no/such/page/")
    assert status == 404
    parser = _Links()
    parser.feed(body.decode("utf-8"))
    base = f"http://127.0.0.1:{port}{PREFIX}2024-09-06-kkr-hovedstaden/no/such/page/"
    assert parser.links
    for link in (link for link in parser.links if not link.startswith("#")):
        local = _local(urljoin(base, urldefrag(link)[0]), port)
        if local is not None:
            assert local.startswith(PREFIX), link
            assert _get(port, local)[0] == 200, link


def test_the_server_serves_only_the_sub_path(served):
    """A link written from the host's root would break on a project site; this server shows it."""
    _, port = served
    assert _get(port, PREFIX + "assets/style.css")[0] == 200
    assert _get(port, "/assets/style.css")[0] == 404
