"""The site-level files (feeds, calendars, open data, sitemap: outputs/registry.py) from the meetings' parts.

Each of those files is put together from every meeting's part (published.py). The worker that renders a
meeting makes its parts from the complete meeting (meetingparts.py), writes the meeting's own open-data
files with its pages, keeps the small parts in its summary and the others in the cache under their
digests. Here every file knows what it is made of without reading any part: a file whose inputs (the
digests of its parts, plus the code and configuration) are those of the last build is kept as
published; the others are put together again from the cached parts. A part missing from the cache is
made again from the parsed meeting. A planner without parts (WHOLE_SITE_PLANNERS) gets the whole
archive, read back from the parse cache, on every build.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from ..markdown.sitelinks import resolve_file_links
from ..model import Meeting, Site
from ..outputs.registry import SiteOutput
from ..plan.pages import FilePlan
from ..plan.published import Producer
from .cache import ENTRY, combine, digest, read_entry, write_entry
from .meetingparts import PartsIndex
from .meetings import Job, MeetingState, load_parsed, parts_store


# Planners of site-level files that read the complete meetings (Site -> list[FilePlan]), in order, after
# the registry's outputs: slower (the whole archive is read on every build); none built in.
WHOLE_SITE_PLANNERS: tuple[Callable[[Site], list[FilePlan]], ...] = ()


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
                 outputs: tuple[SiteOutput, ...], planners: tuple) -> None:
        self.site = site
        self.base = base
        self.parts = CachedParts(job, states, base)
        self.pages: tuple[list[str], list[str]] = ([], [])  # URLs of the site-level pages (front, rest)
        self.files = [f for output in outputs for f in output.files(site, self.parts, lambda: self.pages)]
        self.others = planners
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
