"""Open data: static JSON modelled on OParl 1.1 (System, Body, Meeting, AgendaItem, Paper, File, ...).

Every object is written to the file its `id` names, so ids are working URLs. Closed items carry only
their number, order and (per `closed_items`) title: no text, no result, no files, no paper.
See docs/open-data.md.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..compute.tableout import table_csv
from ..model import Annex, Config, Item, Meeting, Table
from ..plan.published import absolute, iso, meeting_moment, shown_title, updated_moment
from ..render.environment import format_short_date
from ..render.i18n import load_translations
from ..source.urls import slugify
from .feeds import meeting_kind

SCHEMA = "https://schema.oparl.org/1.1/"
ROOT = "oparl/"
EXT = "agendasite:"  # prefix of the keys OParl does not define


class _Text(HTMLParser):
    """Plain text of rendered HTML, one paragraph per block."""

    BLOCKS = {"p", "li", "tr", "h1", "h2", "h3", "h4", "div", "table", "ul", "ol"}

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[list[str]] = [[]]

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self.BLOCKS:
            self.blocks.append([])
        elif tag in ("td", "th", "br"):
            self.blocks[-1].append(" ")

    def handle_data(self, data: str) -> None:
        self.blocks[-1].append(data)


def html_text(html: str) -> list[str]:
    """The paragraphs of a rendered HTML fragment as plain text."""
    parser = _Text()
    parser.feed(html)
    return [" ".join("".join(b).split()) for b in parser.blocks if "".join(b).strip()]


class OpenData:
    """Collects the OParl objects of a meeting, keyed by their site-relative file path."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.gettext = load_translations(config.language).gettext
        self.files: dict[str, Any] = {}

    def url(self, path: str) -> str:
        return absolute(self.config, ROOT + path)

    def put(self, path: str, obj: dict[str, Any]) -> dict[str, Any]:
        """Keep `obj` for writing at ROOT + path (which its id names)."""
        assert obj["id"] == self.url(path)
        self.files[ROOT + path] = obj
        return obj


def json_text(obj: Any) -> str:
    """An object's JSON as every file of the open data has it (without the final newline)."""
    return json.dumps(obj, ensure_ascii=False, indent=2)


def open_data_part(config: Config, meeting: Meeting) -> dict[str, Any]:
    """A meeting's open data: the files of its own objects (meeting, agenda items, files, consultations), their
    texts for the body's lists, and its items' case numbers and uses (consultations) for the papers."""
    data = OpenData(config)
    obj = _meeting(data, meeting, f"body/{slugify(meeting.body)}.json")
    uses = []
    for item in meeting.items:
        if item.public and item.case:
            path = f"consultation/{meeting.slug}/{item.slug}.json"
            uses.append((item.case, data.put(path, {
                "id": data.url(path), "type": SCHEMA + "Consultation", "paper": data.url(paper_path(item.case)),
                "agendaItem": data.url(f"agendaitem/{meeting.slug}/{item.slug}.json"),
                "meeting": data.url(f"meeting/{meeting.slug}.json"),
            }), item.title, item.url))
    if meeting.place:  # the location is the site's: meetings at the same place share it
        del data.files[ROOT + location(data, meeting.place)[0]]
    texts = {o["id"]: json_text(o) for o in data.files.values()}
    items = obj.get("agendaItem", [])
    return {"own": {path: (texts[o["id"]] + "\n").encode("utf-8") for path, o in data.files.items()},
            "meeting": texts[obj["id"]], "items": [texts[i["id"]] for i in items],
            "files": [texts[f["id"]] for i in items for f in i.get("auxiliaryFile", [])],
            "uses": uses, "cases": tuple(use[0] for use in uses)}


def location(data: OpenData, place: str) -> tuple[str, dict[str, Any]]:
    """A meeting place's Location object and its path."""
    path = f"location/{slugify(place)}.json"
    return path, {"id": data.url(path), "type": SCHEMA + "Location", "description": place}


def paper_path(case: str) -> str:
    """The path of a case number's Paper."""
    return f"paper/{slugify(case)}.json"


def _meeting(data: OpenData, meeting: Meeting, body_path: str) -> dict[str, Any]:
    config = data.config
    path = f"meeting/{meeting.slug}.json"
    obj: dict[str, Any] = {
        "id": data.url(path), "type": SCHEMA + "Meeting",
        "name": f"{meeting_kind(meeting, data.gettext)}: {meeting.body}, "
                f"{format_short_date(meeting.date, config.language)}",
        "cancelled": meeting.status == "cancelled",
    }
    if meeting.status:
        obj["meetingState"] = meeting.status
    if meeting.date.day is not None and meeting.start is not None:
        obj["start"] = iso(meeting_moment(meeting, config))
        if meeting.end is not None:
            obj["end"] = iso(meeting_moment(meeting, config).replace(hour=meeting.end.hour,
                                                                      minute=meeting.end.minute))
    obj[EXT + "date"] = meeting.date.iso()
    obj[EXT + "body"] = data.url(body_path)
    if meeting.place:
        obj["location"] = data.put(*location(data, meeting.place))
    obj["agendaItem"] = [_agenda_item(data, meeting, item, order) for order, item in enumerate(meeting.items)]
    obj["web"] = absolute(config, meeting.url)
    obj["modified"] = iso(updated_moment(meeting, config))
    return data.put(path, obj)


def _agenda_item(data: OpenData, meeting: Meeting, item: Item, order: int) -> dict[str, Any]:
    config = data.config
    path = f"agendaitem/{meeting.slug}/{item.slug}.json"
    obj: dict[str, Any] = {
        "id": data.url(path), "type": SCHEMA + "AgendaItem", "meeting": data.url(f"meeting/{meeting.slug}.json"),
        "number": str(item.number), "order": order,
        "name": shown_title(item, config, data.gettext("Closed item")), "public": item.public,
    }
    if item.public:
        if item.case:
            obj["consultation"] = data.url(f"consultation/{meeting.slug}/{item.slug}.json")
        if item.recommendation_html:
            obj[EXT + "recommendation"] = "\n\n".join(html_text(item.recommendation_html))
        if item.decision_html:
            decision = html_text(item.decision_html)
            obj["result"] = decision[0] if decision else ""
            obj["resolutionText"] = "\n\n".join(decision)
        files = _item_files(data, meeting, item, obj["id"])
        if files:
            obj["auxiliaryFile"] = files
    obj["web"] = absolute(config, item.url)
    obj["modified"] = iso(updated_moment(meeting, config, item))
    return data.put(path, obj)


def _item_files(data: OpenData, meeting: Meeting, item: Item, item_id: str) -> list[dict[str, Any]]:
    base = f"file/{meeting.slug}/{item.slug}/"
    links = {"agendaItem": [item_id], "meeting": [data.url(f"meeting/{meeting.slug}.json")]}
    out: list[dict[str, Any]] = []
    used: set[str] = set()

    def key_for(text: str) -> str:
        key, n = slugify(text), 2
        while key in used:
            key, n = f"{slugify(text)}-{n}", n + 1
        used.add(key)
        return key

    for table in item.tables:
        if table.csv_name:
            out.append(_csv_file(data, base + key_for(Path(table.csv_name).stem) + ".json", table,
                                 f"{item.url}{table.csv_name}", links))
    for annex in item.annexes:
        if not annex.public or annex.kind == "none" or not annex.url:
            continue
        # named after the published file or page (stable like its URL); external links after their title
        name = annex.title if annex.kind == "url" else unquote(Path(annex.url.rstrip("/")).name)
        path = base + key_for(name) + ".json"
        out.append(data.put(path, _annex_file(data, path, annex, links)))
        for table in annex.tables:
            if table.csv_name and annex.kind in ("page", "funding"):
                csv_path = base + key_for(f"{name}-{Path(table.csv_name).stem}") + ".json"
                out.append(_csv_file(data, csv_path, table, f"{annex.url}{table.csv_name}", links))
    return out


def _checksums(raw: bytes) -> dict[str, Any]:
    return {"size": len(raw), "sha256Checksum": hashlib.sha256(raw).hexdigest(),
            "sha512Checksum": hashlib.sha512(raw).hexdigest()}


def _annex_file(data: OpenData, path: str, annex: Annex, links: dict[str, list[str]]) -> dict[str, Any]:
    obj: dict[str, Any] = {"id": data.url(path), "type": SCHEMA + "File", "name": annex.title}
    assert annex.url is not None
    if annex.kind == "url":
        obj["accessUrl"] = annex.url
    elif annex.kind == "file":
        url = absolute(data.config, annex.url)
        obj.update(fileName=unquote(Path(annex.url).name),  # the URL's name is percent-encoded
                   mimeType=mimetypes.guess_type(annex.url)[0] or "application/octet-stream",
                   accessUrl=url, downloadUrl=url)
        if annex.source:
            obj.update(_checksums(Path(annex.source).read_bytes()))
    else:  # a page or funding annex: a web page of the site
        obj.update(mimeType="text/html", accessUrl=absolute(data.config, annex.url))
    obj.update(links)
    return obj


def _csv_file(data: OpenData, path: str, table: Table, url: str, links: dict[str, list[str]]) -> dict[str, Any]:
    raw = table_csv(table, data.config.language)
    name = table.caption_text or Path(url).name
    obj = {"id": data.url(path), "type": SCHEMA + "File", "name": name, "fileName": Path(url).name,
           "mimeType": "text/csv", "accessUrl": absolute(data.config, url),
           "downloadUrl": absolute(data.config, url), **_checksums(raw), **links}
    return data.put(path, obj)
