"""Static search: Pagefind indexes the staged site (pages marked `data-pagefind-body`) into `pagefind/`.

Runs as a finisher, after every page is written and before the site is published, so the index always
matches the pages. A missing Pagefind binary fails the build with a clear message instead of publishing
a search page that cannot work; `search: false` in site_config.yml leaves search out on purpose.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from ..diagnostics import Diagnostics
from ..model import Site

INDEX_DIR = "pagefind"
INSTALL_HINT = ("install it with: pip install 'pagefind[extended]' (a dependency of agendasite), or set "
                "PAGEFIND_BINARY_PATH to a pagefind binary; or set 'search: false' in site_config.yml")


def index_search(staging: Path, site: Site, diags: Diagnostics) -> None:
    """Build the Pagefind index of the staged site into `pagefind/`."""
    if not site.config.search:
        return
    where = site.config.config_path
    try:
        from pagefind.service import get_executable
    except ImportError:
        diags.error(where, None, "search is on, but the Pagefind Python package is not installed", INSTALL_HINT)
        return
    binary = get_executable()
    if binary is None or not Path(binary).is_file():
        found = f" (looked for {binary})" if binary is not None else ""
        diags.error(where, None, f"search is on, but the Pagefind binary was not found{found}", INSTALL_HINT)
        return
    try:
        pages = _index(Path(binary), staging)
    except (OSError, subprocess.SubprocessError, ValueError, KeyError) as exc:
        probe_writing(staging / INDEX_DIR)  # a full disk: its own message (outputguard), not Pagefind's
        detail = getattr(exc, "stderr", None) or getattr(exc, "stdout", None) or str(exc)
        diags.error(where, None, f"the search indexer (Pagefind) failed: {str(detail).strip()[-500:]}",
                    "run the build again; if it keeps failing, set 'search: false' and report the problem")
        return
    items = sum(m.item_count for m in site.meetings)  # headings (headings.py): the finishers' site
    if pages == 0 and items:
        diags.error(where, None, "the search indexer found no page to index",
                    "the templates must mark the searchable part of a page with data-pagefind-body")


def probe_writing(folder: Path) -> None:
    """Raise the system's OSError if a small file cannot be written into `folder` (e.g. the disk is full)."""
    probe = folder / ".agendasite-probe"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(probe, "wb") as fh:
            fh.write(b"\0" * 65536)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(probe)) from None
    finally:
        probe.unlink(missing_ok=True)


def _index(binary: Path, staging: Path) -> int:
    """Run the Pagefind command over the staged site; returns the number of pages indexed.

    The command, not Pagefind's Python service API: the service is stopped as soon as it has answered the
    write request and can leave files half-written (an empty pagefind-ui.css was seen); the command exits
    only when every file is written.
    """
    subprocess.run([str(binary), "--site", str(staging), "--output-subdir", INDEX_DIR, "--quiet"],
                   check=True, capture_output=True, text=True, timeout=600)
    entry = json.loads((staging / INDEX_DIR / "pagefind-entry.json").read_text("utf-8"))
    return sum(int(language.get("page_count", 0)) for language in entry["languages"].values())
