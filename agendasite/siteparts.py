"""An incremental build's feeds, calendars, open data and sitemap (base_url), without the parsed archive.

Each of those files is put together from every meeting's part (published.py): its feed entries, its
calendar event, its sitemap entries, its open-data objects as JSON text, its items' case numbers. The
worker that renders a meeting makes its parts from the complete meeting (`meeting_parts`), writes the
meeting's own open-data files (its meeting, agenda-item, file and consultation objects) with its pages,
keeps the small parts in its summary and the others in the cache under their digests. The site-level
step (`LeanOutputs`) then knows what each file is made of without reading any part: a file whose inputs
(the digests of its parts, plus the code and configuration) are those of the last build is kept as
published; the others are put together again from the cached parts, by the same functions as in the
plain build, so the bytes are the same. A part missing from the cache is made again from the parsed
meeting.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .cache import ENTRY, combine, digest, read_entry, write_entry, write_entry_bytes
from .cachedata import encode_entry
from .outputs.feeds import feed_files, feed_part, plan_feeds
from .outputs.ical import calendar_files, calendar_part, plan_calendars
from .model import Meeting, Site
from .outputs.opendata import open_data_part
from .outputs.opendata_site import open_data_files, plan_open_data
from .plan.checks import file_entries
from .plan.pages import FilePlan
from .plan.published import Parts, Producer, SiteFile, updated_part
from .markdown.sitelinks import resolve_file_links
from .outputs.sitemap import plan_sitemap, sitemap_files, sitemap_part

if TYPE_CHECKING:
    from .parallel import Job, MeetingState, SiteSummary

PARTS = "parts"  # cache folder: meetings' parts (and papers' texts) by digest
PRODUCERS: tuple[Producer, ...] = (updated_part, feed_part, calendar_part, sitemap_part, open_data_part)
SMALL = ("updated", "cases")  # parts kept in the build state; the others are read from the cache when needed
OWN = "own"  # the meeting's own open-data files, written by its worker
SitePages = Callable[[], tuple[list[str], list[str]]]
# The output planners an incremental build can follow from the parts, with the function giving their files.
LEAN_PLANNERS: dict[Callable, Callable[[Site, Parts, SitePages], list[SiteFile]]] = {
    plan_feeds: lambda site, parts, pages: feed_files(site, parts),
    plan_calendars: lambda site, parts, pages: calendar_files(site, parts),
    plan_open_data: lambda site, parts, pages: open_data_files(site, parts),
    plan_sitemap: sitemap_files,
}


@dataclass(frozen=True, slots=True)
class PartsIndex:
    """A meeting's parts as the build state keeps them: the small ones, and the others' digests."""

    small: dict[str, Any]
    digests: dict[str, bytes]


def meeting_parts(job: Job, meeting: Meeting, summary: SiteSummary) -> list[FilePlan]:
    """In the meeting's worker: make and keep its parts; returns its own open-data files, to be written."""
    config = job.config
    if config.base_url is None:
        return []
    parts: dict[str, Any] = {}
    for producer in PRODUCERS:
        parts.update(producer(config, meeting))
    own = parts.pop(OWN)
    small = {name: parts.pop(name) for name in SMALL}
    digests = {}
    for name, value in parts.items():
        data = encode_entry(value)
        digests[name] = digest(data)
        path = _store(job) / f"{digests[name].hex()}{ENTRY}"
        if not path.exists():
            write_entry_bytes(path, data)
    summary.parts = PartsIndex(small, digests)
    files = [FilePlan(path, resolve_file_links(data, config.base_url)) for path, data in own.items()]
    summary.files.extend(file_entries(files))
    return files


class CachedParts:
    """Parts from the meetings' indexes in the build state and from the cache (published.Parts)."""

    def __init__(self, job: Job, states: dict[str, MeetingState], base: bytes) -> None:
        self.job = job
        self.states = states
        self.base = base  # the code and configuration: the key of whatever is kept under `memo`
        self.store = _store(job)
        self.used: set[str] = set()  # the memo entries this build asked for (kept when the cache is pruned)
        self._uses: dict[bytes, Any] = {}  # the papers' parts, read by several papers

    def _index(self, meeting: Meeting) -> PartsIndex:
        return self.states[meeting.slug].summary.parts  # type: ignore[union-attr, return-value]

    def get(self, meeting: Meeting, name: str, producer: Producer) -> Any:
        index = self._index(meeting)
        if name in index.small:
            return index.small[name]
        key = index.digests[name]
        if key in self._uses:
            return self._uses[key]
        value = read_entry(self.store / f"{key.hex()}{ENTRY}")
        if value is None:  # gone from the cache: made again from the parsed meeting, and kept
            from .parallel import load_parsed

            full = load_parsed(self.job, meeting.slug)[0]
            assert full is not None, meeting.slug
            value = producer(self.job.config, full)[name]
            write_entry(self.store / f"{key.hex()}{ENTRY}", value)
        if name == "uses":
            self._uses[key] = value
        return value

    def key(self, meeting: Meeting, name: str, producer: Producer) -> object:
        index = self._index(meeting)
        return index.small[name] if name in index.small else index.digests[name]

    def memo(self, key: bytes, make: Callable[[], Any]) -> Any:
        name = combine(self.base, key).hex()
        self.used.add(name)
        value = read_entry(self.store / f"{name}{ENTRY}")
        if value is None:
            value = make()
            write_entry(self.store / f"{name}{ENTRY}", value)
        return value


class LeanOutputs:
    """The output planners' files of an incremental build, from the parts (see the module's text)."""

    def __init__(self, site: Site, states: dict[str, MeetingState], job: Job, base: bytes,
                 planners: tuple) -> None:
        self.site = site
        self.base = base
        self.parts = CachedParts(job, states, base)
        self.pages: tuple[list[str], list[str]] = ([], [])  # URLs of the site-level pages (front, rest)
        self.files = [f for planner in planners for f in LEAN_PLANNERS[planner](site, self.parts, lambda: self.pages)]
        self.keys: dict[str, bytes] = {}

    def entries(self) -> list[tuple[str, str]]:
        """Their paths, for the unique-address and link checks."""
        return [(f.path, f.path) for f in self.files]

    def write(self, front: list[str], rest: list[str], old: dict[str, bytes] | None, kept: dict[str, bytes],
              put: Callable[[str, bytes], None], keep: Callable[[str], bool]) -> dict[str, bytes]:
        """Keep the files whose inputs did not change, make the others; their digests by path. `front`
        and `rest`: the output paths of the site-level pages before and after the meetings' (sitemap)."""
        self.pages = ([_url(p) for p in front], [_url(p) for p in rest])
        outputs: dict[str, bytes] = {}
        for f in self.files:
            key = self.keys[f.path] = combine(self.base, f.inputs())
            if old is not None and old.get(f.path) == key and f.path in kept and keep(f.path):
                outputs[f.path] = kept[f.path]
                continue
            data = resolve_file_links(f.make(), self.site.config.base_url)
            put(f.path, data)
            outputs[f.path] = digest(data)
        return outputs



def used_parts(states: dict[str, MeetingState], memo: set[str]) -> set[str]:
    """The cache entries still in use: the meetings' parts and the memo entries this build asked for."""
    used = set(memo)
    for state in states.values():
        index = getattr(state.summary, "parts", None)
        if index is not None:
            used.update(d.hex() for d in index.digests.values())
    return used


def lean_parts_possible(planners: tuple, states: dict[str, MeetingState], site: Site) -> bool:
    """Whether the planners' files can be made from the meetings' parts: built-in planners only, and every
    meeting's parts kept (with base_url)."""
    if any(p not in LEAN_PLANNERS for p in planners):
        return False
    return site.config.base_url is None or all(getattr(states[m.slug].summary, "parts", None) is not None
                                               for m in site.meetings)


def _url(path: str) -> str:
    """The URL of a site-level page from its output path (the inverse of PagePlan.path for them)."""
    return path[:-len("index.html")] if path == "index.html" or path.endswith("/index.html") else path


def _store(job: Job) -> Path:
    return job.parsed_dir.parent / PARTS
