"""`build.py serve`: preview on 127.0.0.1, rebuild on change, reload the open page, show errors in it.

The preview is built into a temporary folder (never into the published output), and the
reload script is added to pages as they are served, so it never reaches a published file.
Watching polls modification times: no extra dependency, and it works on every file system.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import signal
import sys
import tempfile
import threading
from dataclasses import dataclass, field, replace
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from ..diagnostics import format_diagnostic
from ..engine.build import BuildOptions, BuildResult, build

VERSION_PATH = "/__agendasite/version"
MAX_ADDRESS = 2048  # characters of a request's address; the site's longest is a few hundred
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
RELOAD_SCRIPT = """<script>/* agendasite serve: live reload (added by the preview server only) */
(function () {
  var seen = "%s";
  function poll() {
    fetch("%s", {cache: "no-store"}).then(function (r) { return r.text(); }).then(function (v) {
      if (v !== seen) { location.reload(); } else { setTimeout(poll, 600); }
    }).catch(function () { setTimeout(poll, 1500); });
  }
  setTimeout(poll, 600);
})();
</script>"""


@dataclass(slots=True)
class PreviewState:
    """The latest build: its number, whether it succeeded, and its messages."""

    version: int = 0
    ok: bool = False
    messages: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def snapshot(paths: list[Path]) -> dict[str, tuple[int, int]]:
    """Modification time and size of every file under the watched paths."""
    state: dict[str, tuple[int, int]] = {}
    for root in paths:
        candidates = [root] if root.is_file() else (root.rglob("*") if root.is_dir() else [])
        for path in candidates:
            try:
                st = path.stat()
            except OSError:
                continue
            if path.is_file():
                state[str(path)] = (st.st_mtime_ns, st.st_size)
    return state


def error_page(messages: list[str], version: int) -> bytes:
    """The page shown instead of the site while the build fails."""
    body = "\n\n".join(html.escape(m) for m in messages) or "the build failed"
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title>"
            "<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem;max-width:70rem}"
            "pre{background:#fff4f4;border-left:4px solid #b00020;padding:1rem;white-space:pre-wrap}</style>"
            "</head><body><h1>The build failed</h1><p>Fix the problems below and save; "
            "this page reloads by itself.</p>"
            f"<pre class=\"agendasite-errors\">{body}</pre>"
            f"{RELOAD_SCRIPT % (version, VERSION_PATH)}</body></html>").encode("utf-8")


class PreviewHandler(SimpleHTTPRequestHandler):
    """Serves the preview folder; adds the reload script to HTML; shows build errors."""

    state: PreviewState

    def __init__(self, *args, state: PreviewState, **kwargs) -> None:
        self.state = state
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args) -> None:  # keep the terminal for build messages
        return

    def do_HEAD(self) -> None:  # noqa: N802 (http.server's naming)
        if not self._refused(self.path.split("?", 1)[0].split("#", 1)[0]):
            try:
                super().do_HEAD()
            except (OSError, ValueError):  # a name the file system cannot look up (too long a part)
                self.send_error(404, "no such page")

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if self._refused(path):
            return
        try:
            self._get(path)
        except (OSError, ValueError):  # a name the file system cannot look up (too long a part)
            self.send_error(404, "no such page")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's 501 (a method other than GET and HEAD) and 505 (HTTP/2.0 and later on this HTTP/1.x
        server) are the client's mistakes here: 405 and 400."""
        if code in (501, 505):
            code, message = (405, f"the preview answers only GET and HEAD, not {self.command}") if code == 501 \
                else (400, "the preview speaks HTTP/1.1")
        super().send_error(code, message, explain)

    def _refused(self, path: str) -> bool:
        """Answer a request for an address no page can have with a 4xx (it reached the file system before:
        a NUL byte raised ValueError, 8,000 characters 'File name too long', and the client got no answer)."""
        if len(self.path) > MAX_ADDRESS:
            self.send_error(414, f"the address is longer than {MAX_ADDRESS} characters")
            return True
        if _BAD_ESCAPE.search(path):
            self.send_error(400, "the address has a '%' not followed by two hexadecimal digits")
            return True
        try:
            decoded = unquote(path, errors="strict")
        except UnicodeDecodeError:
            self.send_error(400, "the address is not UTF-8 once its %-escapes are decoded")
            return True
        if any(ord(c) < 32 or ord(c) == 127 for c in decoded):
            self.send_error(400, "the address holds a control character (e.g. a NUL byte)")
            return True
        return False

    def _get(self, path: str) -> None:
        with self.state.lock:
            version, ok, messages = self.state.version, self.state.ok, list(self.state.messages)
        if path == VERSION_PATH:
            return self._send(200, "text/plain; charset=utf-8", str(version).encode())
        if not ok:
            return self._send(500, "text/html; charset=utf-8", error_page(messages, version))
        file = Path(self.translate_path(path))
        if file.is_dir():
            if not path.endswith("/"):
                return super().do_GET()  # redirects to the folder with '/'
            file = file / "index.html"
        if file.suffix == ".html" and file.is_file():
            page = file.read_bytes()
            script = (RELOAD_SCRIPT % (version, VERSION_PATH)).encode("utf-8")
            at = page.rfind(b"</body>")
            page = page[:at] + script + page[at:] if at >= 0 else page + script
            return self._send(200, "text/html; charset=utf-8", page)
        return super().do_GET()

    def _send(self, status: int, content_type: str, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)


class PreviewServer(ThreadingHTTPServer):
    """The HTTP server of the preview; a request that fails anyway costs one line, not a traceback."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: tuple) -> None:
        exc = sys.exc_info()[1]
        if not isinstance(exc, (BrokenPipeError, ConnectionResetError)):  # a closed browser tab is no news
            print(f"preview: a request from {client_address[0]} failed: {type(exc).__name__}: {exc}",
                  file=sys.stderr)


def rebuild(options: BuildOptions, state: PreviewState, verbose: bool = False) -> BuildResult:
    """Build once; record the outcome and print the messages like the build command does (notes only with
    `verbose`: a site's acknowledged figures would otherwise fill the terminal on every save)."""
    result = build(options)
    diags = result.diagnostics.sorted()
    notes = sum(1 for d in diags if d.severity == "note")
    messages = [format_diagnostic(d) for d in diags if verbose or d.severity != "note"]
    with state.lock:
        state.version += 1
        state.ok = result.ok
        state.messages = messages
    for message in messages:
        print(message, file=sys.stderr)
    if result.ok:
        print(f"built: {result.pages} pages, {result.files} files in {result.seconds:.2f} s"
              + (f"; {notes} note(s), shown with --verbose" if notes and not verbose else ""), flush=True)
    else:
        print("build failed; the preview shows the errors until they are fixed", flush=True)
    sys.stderr.flush()
    return result


def watched_paths(config_path: Path, result: BuildResult) -> list[Path]:
    """content/, templates/ and the configuration (folders from the config when it could be read)."""
    root = config_path.resolve().parent
    config = result.config
    content = Path(config.content_dir) if config else root / "content"
    templates = Path(config.templates_dir) if config else root / "templates"
    return [config_path.resolve(), content, templates]


def watch(options: BuildOptions, state: PreviewState, stop: threading.Event, interval: float,
          first: BuildResult, verbose: bool = False) -> None:
    """Poll the watched files; rebuild when any changed, appeared or disappeared."""
    paths = watched_paths(options.config_path, first)
    before = snapshot(paths)
    while not stop.wait(interval):
        now = snapshot(paths)
        if now != before:
            result = rebuild(options, state, verbose)
            paths = watched_paths(options.config_path, result)
            before = snapshot(paths)


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM stops the preview like Ctrl-C."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Serve until Ctrl-C; exit 0."""
    parser = argparse.ArgumentParser(prog="build.py serve", description="Preview the site with live reload.")
    parser.add_argument("--port", type=int, default=8000, help="the port (default 8000; 0 picks a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    parser.add_argument("--config", type=Path, default=Path("site_config.yml"), metavar="FILE",
                        help="the site configuration (default: site_config.yml)")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between checks for changes")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also print notes (e.g. stated figures that differ from the computed ones and were "
                             "acknowledged)")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="agendasite-preview-"))
    out = workdir / "site"
    options = BuildOptions(config_path=args.config, output_dir=out)
    state = PreviewState()
    first = rebuild(options, state, args.verbose)
    out.mkdir(exist_ok=True)
    try:
        server = PreviewServer((args.host, args.port),
                                     partial(PreviewHandler, state=state, directory=str(out)))
    except OSError as exc:
        print(f"cannot listen on {args.host}:{args.port}: {exc.strerror}; choose another --port",
              file=sys.stderr)
        shutil.rmtree(workdir, ignore_errors=True)
        return 1
    stop = threading.Event()
    # Rebuilds while editing keep the search index of the first build: Pagefind cannot update an index, and
    # indexing a large archive again on every save (14 s at 10,000 items) would hold up every reload.
    again = replace(options, keep_search_index=True)
    watcher = threading.Thread(target=watch, args=(again, state, stop, args.interval, first, args.verbose),
                               daemon=True)
    watcher.start()
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with SIGINT ignored
    signal.signal(signal.SIGTERM, _interrupt)
    host, port = server.server_address[:2]
    print(f"serving the preview at http://{host}:{port}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
        watcher.join(timeout=5)
        shutil.rmtree(workdir, ignore_errors=True)
    print("stopped.", flush=True)
    return 0
