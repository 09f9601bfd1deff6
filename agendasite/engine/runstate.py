"""What the steps of one build share (`Run`), and what a build keeps for the next one (`BuildState`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..finish.handbook import finish_handbook
from ..finish.search import index_search
from ..source.config import Config
from .cache import StatTable
from .meetings import MeetingState
from .options import BuildOptions, BuildResult
from .outputfiles import FileStats
from .progress import Progress
from .sitepages import SiteMemo


@dataclass(slots=True)
class BuildState:
    """What the last successful build into an output folder produced."""

    render_key: bytes
    output: tuple | None
    meetings: dict[str, MeetingState]
    site_outputs: dict[str, bytes]
    site_memo: SiteMemo | None = None  # the site-level pages' inputs and ids
    parts_memo: dict[str, bytes] | None = None  # the planners' files' inputs (sitefiles.py)
    handbook: bytes | None = None  # the handbook's inputs (handbook.handbook_key)
    pages_whole: bytes | None = None  # the templates' key under which the meeting pages read whole meetings
    files: FileStats = field(default_factory=dict)  # every published file's stats (outputfiles.py)


@dataclass(slots=True)
class Run:
    """What the steps of one build share."""

    options: BuildOptions
    result: BuildResult
    config: Config
    cache: Path  # the cache folder (a temporary one for --no-cache and --check)
    sdir: Path  # its state folder for this configuration and output
    progress: Progress
    output: Path
    table: StatTable = field(default_factory=dict)
    scan_ns: int = 0
    roots: list[Path] = field(default_factory=list)
    book: list[Path] = field(default_factory=list)  # the handbook's inputs (finish/handbook.handbook_inputs)
    folders: dict[str, list] = field(default_factory=dict)  # meeting folder -> its files' digests
    parse_key: bytes = b""  # code, configuration, data files, library versions
    render_key: bytes = b""  # and the templates
    previous: BuildState | None = None  # the last build into this output, if its output is still there
    states: dict[str, MeetingState] = field(default_factory=dict)
    site_outputs: dict[str, bytes] = field(default_factory=dict)  # path -> digest, site-level pages and files
    memo: SiteMemo | None = None
    parts_memo: dict[str, bytes] | None = None
    handbook: bytes | None = None
    pages_whole: bytes | None = None
    site_pages: int = 0
    site_files: int = 0  # besides the built-in assets
    links: list = field(default_factory=list)  # links written in the meetings' files, checked site-wide
    parts_used: set[str] = field(default_factory=set)  # the parts' memo entries this build read
    index_kept: bool = False  # the last search index was linked into the new site, not made again
    current: FileStats = field(default_factory=dict)  # the published files as they are now
    changed: set[str] = field(default_factory=set)  # published files not as the last build left them
    links: dict[str, int] = field(default_factory=dict)  # the published files' hard-link counts


KEEP_HANDBOOK, KEEP_INDEX = "keep handbook", "keep search index"  # a finisher's last output, linked again


FINISHER_SWITCHES = {index_search: "search", finish_handbook: "handbook"}  # site_config.yml's switch of each
