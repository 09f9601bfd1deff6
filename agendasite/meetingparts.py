"""A meeting's parts of the site-level files, made by its worker from the complete meeting.

Feeds, calendars, open data and the sitemap are put together from every meeting's part (published.py):
its feed entries, its calendar event, its sitemap entries, its open-data objects as JSON text, its items'
case numbers. The worker that renders a meeting makes them (`meeting_parts`), returns the meeting's own
open-data files to be written with its pages, and keeps the small parts in its summary and the others in
the cache under their digests (siteparts.py reads them back).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cache import ENTRY, digest, write_entry_bytes
from .cachedata import encode_entry
from .outputs.feeds import feed_part
from .outputs.ical import calendar_part
from .model import Config, Meeting
from .outputs.opendata import open_data_part
from .plan.pages import FilePlan
from .plan.published import Producer, updated_part
from .markdown.sitelinks import resolve_file_links
from .outputs.sitemap import sitemap_part

PARTS = "parts"  # cache folder: meetings' parts (and papers' texts) by digest
PRODUCERS: tuple[Producer, ...] = (updated_part, feed_part, calendar_part, sitemap_part, open_data_part)
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
    if config.base_url is None:
        return None, []
    parts: dict[str, Any] = {}
    for producer in PRODUCERS:
        parts.update(producer(config, meeting))
    own = parts.pop(OWN)
    small = {name: parts.pop(name) for name in SMALL}
    digests = {}
    for name, value in parts.items():
        data = encode_entry(value)
        digests[name] = digest(data)
        path = store / f"{digests[name].hex()}{ENTRY}"
        if not path.exists():
            write_entry_bytes(path, data)
    files = [FilePlan(path, resolve_file_links(data, config.base_url)) for path, data in own.items()]
    return PartsIndex(small, digests), files


