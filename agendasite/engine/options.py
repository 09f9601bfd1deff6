"""What a build is asked to do, and what it did: the one interface of the engine to its callers."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostics
from ..model import Config


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What to build and how."""

    config_path: Path = Path("site_config.yml")
    output_dir: Path | None = None  # overrides site_config.yml
    check_only: bool = False
    strict: bool = False
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    incremental: bool = True  # reuse the cache and the last output (steps.py); False: from scratch
    cache_dir: Path | None = None  # default: $AGENDASITE_CACHE_DIR, else .cache/agendasite/ beside the config
    jobs: int | None = None  # worker processes; default: the available cores
    progress: Any = None  # a progress.Progress reporter; default: silent
    # Keep the search index of the last build into this output folder instead of running Pagefind again
    # over the whole site (the preview's rebuilds: serve.py); the index may then miss the latest edits.
    keep_search_index: bool = False
    allow_empty: bool = False  # an empty content folder may replace a published site (--allow-empty)
    # The no-change check done by the caller (the CLI, before the heavy imports): its scan of the inputs, just
    # taken, or () if it took none; None: build() checks.
    scan: tuple | None = None


@dataclass(slots=True)
class BuildResult:
    """What a build did: its problems, counts, and where it wrote."""

    diagnostics: Diagnostics
    ok: bool = False
    output_dir: Path | None = None
    meetings: int = 0
    items: int = 0
    annexes: int = 0
    pages: int = 0
    files: int = 0
    seconds: float = 0.0
    config: Config | None = None  # the configuration, once it was read
