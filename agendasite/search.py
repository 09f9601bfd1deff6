"""Static search: Pagefind indexes the staged site (pages marked `data-pagefind-body`) into `pagefind/`.

Runs as a finisher, after every page is written and before the site is published, so the index always
matches the pages. A missing Pagefind binary fails the build with a clear message instead of publishing
a search page that cannot work; `search: false` in site_config.yml leaves search out on purpose.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from .diagnostics import Diagnostics
from .model import Site

INDEX_DIR = "pagefind"
SEARCH_URL = "search/"
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
        pages = asyncio.run(_index(staging))
    except Exception as exc:  # the indexer runs as a subprocess: report its failure, never publish without it
        diags.error(where, None, f"the search indexer (Pagefind) failed: {type(exc).__name__}: {exc}",
                    "run the build again; if it keeps failing, set 'search: false' and report the problem")
        return
    if pages == 0 and any(m.items for m in site.meetings):
        diags.error(where, None, "the search indexer found no page to index",
                    "the templates must mark the searchable part of a page with data-pagefind-body")


async def _index(staging: Path) -> int:
    from pagefind.index import PagefindIndex

    async with PagefindIndex(config={"output_path": str(staging / INDEX_DIR)}) as index:
        result = await index.add_directory(str(staging))
        return int(result.get("page_count", 0))
