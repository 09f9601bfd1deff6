"""A meeting's parts of the site-level files, made by its worker from the complete meeting.

Feeds, calendars, open data and the sitemap are put together from every meeting's part (published.py):
its feed entries, its calendar event, its sitemap entries, its open-data objects as JSON text, its items'
case numbers. The worker that renders a meeting makes them (`meeting_parts`), returns the meeting's own
open-data files to be written with its pages, and keeps the small parts in its summary and the others in
the cache under their digests (sitefiles.py reads them back).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..markdown.sitelinks import resolve_file_links
from ..model import Config, Meeting
from ..outputs import registry
from ..outputs.registry import active, producers
from ..plan.pages import FilePlan
from .cache import ENTRY, digest, write_entry_bytes
from .cachedata import encode_entry

PARTS = "parts"  # cache folder: meetings' parts (and papers' texts) by digest
SMALL = ("updated", "cases")  # parts kept in the build state; the others are read from the cache when needed
OWN = "own"  # the meeting's own open-data files, written by its worker


@dataclass(frozen=True, slots=True)
class PartsIndex:
    """A meeting's parts as the build state keeps them: the small ones, and the others' digests."""

    small: dict[str, Any]
    digests: dict[str, bytes]


def meeting_parts(config: Config, store: Path, meeting: Meeting) -> tuple[PartsIndex | None, list[FilePlan]]:
    """In the meeting's worker: make its parts, keep the large ones in `store`; returns their index and the
    meeting's own open-data files, to be written (none without base_url)."""
    outputs = active(registry.OUTPUTS, config)  # read when called: the registry may grow
    if not outputs:
        return None, []
    parts: dict[str, Any] = {}
    for producer in producers(outputs):
        parts.update(producer(config, meeting))
    own = parts.pop(OWN, {})
    small = {name: parts.pop(name) for name in SMALL if name in parts}
    digests = {}
    for name, value in parts.items():
        data = encode_entry(value)
        digests[name] = digest(data)
        path = store / f"{digests[name].hex()}{ENTRY}"
        if not path.exists():
            write_entry_bytes(path, data)
    files = [FilePlan(path, resolve_file_links(data, config.base_url)) for path, data in own.items()]
    return PartsIndex(small, digests), files


