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

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

from .cache import ENTRY, combine, digest, read_entry, write_entry
from .meetingparts import PARTS, PartsIndex
from .outputs.feeds import feed_files, plan_feeds
from .outputs.ical import calendar_files, plan_calendars
from .model import Meeting, Site
from .outputs.opendata_site import open_data_files, plan_open_data
from .parallel import Job, MeetingState, load_parsed, parts_store
from .plan.pages import FilePlan
from .plan.published import Parts, Producer, SiteFile
from .markdown.sitelinks import resolve_file_links
from .outputs.sitemap import plan_sitemap, sitemap_files


SitePages = Callable[[], tuple[list[str], list[str]]]
# The output planners an incremental build can follow from the parts, with the function giving their files.
LEAN_PLANNERS: dict[Callable, Callable[[Site, Parts, SitePages], list[SiteFile]]] = {
    plan_feeds: lambda site, parts, pages: feed_files(site, parts),
    plan_calendars: lambda site, parts, pages: calendar_files(site, parts),
    plan_open_data: lambda site, parts, pages: open_data_files(site, parts),
    plan_sitemap: sitemap_files,
}
# The site-level files besides the pages, in order: the built-in planners, made from the parts; another
# planner (Site -> list[FilePlan]) may be added here, and is given the whole archive on every build.
OUTPUT_PLANNERS: tuple[Callable[[Site], list[FilePlan]], ...] = tuple(LEAN_PLANNERS)


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
        self.files = [f for planner in planners if planner in LEAN_PLANNERS
                      for f in LEAN_PLANNERS[planner](site, self.parts, lambda: self.pages)]
        self.others = [planner for planner in planners if planner not in LEAN_PLANNERS]
        self.keys: dict[str, bytes] = {}

    def whole_files(self, whole_site: Callable[[], Site]) -> list[FilePlan]:
        """The files of the planners that have no parts: made from the whole archive on every build."""
        if not self.others:
            return []
        site = whole_site()
        files = [f for planner in self.others for f in planner(site)]
        return [replace(f, data=resolve_file_links(f.data, site.config.base_url)) if f.data else f for f in files]

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


def _url(path: str) -> str:
    """The URL of a site-level page from its output path (the inverse of PagePlan.path for them)."""
    return path[:-len("index.html")] if path == "index.html" or path.endswith("/index.html") else path


def _store(job: Job) -> Path:
    return parts_store(job)
