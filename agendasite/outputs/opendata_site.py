"""The open data's site-level files: the system, the bodies and their lists, the papers and the locations.

They are put together from each meeting's part (opendata.open_data_part: its objects as JSON text, its
items' case numbers and consultations) and from the meetings' headings (body, date, place), so that an
incremental build can make them without the parsed archive, and make again only those whose parts
changed (sitefiles.py). The lists embed the meetings' objects: their texts are put in as they are,
indented to where they stand, which gives the same bytes as serialising the list whole.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from ..digests import combine
from ..model import Meeting, Site
from ..plan.published import Body, Parts, SiteFile, absolute, bodies_of, iso, updated_part
from ..source.urls import slugify
from .opendata import ROOT, SCHEMA, OpenData, json_text, location, open_data_part, paper_path

LISTS = ("organizations", "people", "meetings", "papers", "agenda-items", "files")


class Paper:
    """A case number's Paper: its file, the meetings that treated it, and its inputs and text, each made once
    (the paper's file and the lists of papers of every body that treated it read them)."""

    def __init__(self, data: OpenData, parts: Parts, case: str, meetings: list[Meeting]) -> None:
        self.data, self.parts, self.case, self.meetings = data, parts, case, meetings
        self.path = paper_path(case)
        self.slugs = frozenset(m.slug for m in meetings)
        self._inputs: object = None
        self._text: str | None = None

    def inputs(self) -> object:
        if self._inputs is None:
            self._inputs = self.case, [(m.slug, m.body, m.date.iso(), self.parts.key(m, "uses", open_data_part))
                                       for m in self.meetings]
        return self._inputs

    def text(self) -> str:
        if self._text is None:
            self._text = self.parts.memo(combine("paper", self.inputs()), self._make)
        return self._text

    def _make(self) -> str:
        uses = [(m, use) for m in self.meetings for use in self.parts.get(m, "uses", open_data_part)
                if use[0] == self.case]
        return json_text(_paper(self.data, self.case, uses))


def listing_text(texts: list[str]) -> str:
    """An OParl external list (one page) of objects given as their JSON texts: the text json_text gives for
    the list with the objects in it (an object nested one level deeper is its text indented one level more).
    Spliced, not serialised: each object's text is kept per meeting, and parsing 10,000 of them back to
    dump them again would cost what keeping them saved."""
    marker = "\x00objects\x00"
    text = json_text({"data": [marker] if texts else [], "pagination": {
        "totalElements": len(texts), "elementsPerPage": max(len(texts), 1), "currentPage": 1, "totalPages": 1},
        "links": {}})
    if not texts:
        return text
    token = json.dumps(marker)
    start = text.index(token)
    line = text.rindex("\n", 0, start) + 1
    indent = text[line:start]
    return text[:line] + ",\n".join(indent + t.replace("\n", "\n" + indent) for t in texts) + text[start + len(token):]


def open_data_files(site: Site, parts: Parts) -> list[SiteFile]:
    """The site-level files of the open data, in path order (a later paper with the same path wins, as its
    file is written last)."""
    config = site.config
    if config.base_url is None:
        return []
    data = OpenData(config)
    files: dict[str, SiteFile] = {}

    def add(path: str, inputs: Callable[[], object], make: Callable[[], str]) -> None:
        files[ROOT + path] = SiteFile(ROOT + path, inputs, lambda: (make() + "\n").encode("utf-8"))

    bodies = bodies_of(site)
    papers = _papers(site, parts, data)

    def updated(body: Body) -> str:
        return iso(max(parts.get(m, "updated", updated_part) for m in body.meetings))

    def body_texts() -> list[str]:
        return [json_text(_body(data, body.slug, body.name, updated(body))) for body in bodies]

    add("system.json", lambda: (), lambda: json_text({
        "id": data.url("system.json"), "type": SCHEMA + "System", "oparlVersion": SCHEMA,
        "name": config.title, "body": data.url("bodies.json"), "website": absolute(config, ""),
        "web": absolute(config, "")}))
    add("bodies.json", lambda: [(b.slug, b.name, updated(b)) for b in bodies], lambda: listing_text(body_texts()))
    for body in bodies:
        _add_body(add, data, body, parts, papers, updated)
    for paper in papers:
        add(paper.path, paper.inputs, paper.text)
    for body in bodies:
        for meeting in body.meetings:
            if meeting.place:
                path, obj = location(data, meeting.place)
                add(path, lambda place=meeting.place: place, lambda obj=obj: json_text(obj))
    return [files[path] for path in sorted(files)]


def _add_body(add: Callable, data: OpenData, body: Body, parts: Parts, papers: list[Paper],
              updated: Callable[[Body], str]) -> None:
    """A body's object and its lists: its meetings, their agenda items and files, the papers they treat."""
    base = f"body/{body.slug}"
    meetings = body.meetings
    slugs = {m.slug for m in meetings}

    def texts(name: str) -> Callable[[], list[str]]:
        if name == "meetings":
            return lambda: [parts.get(m, "meeting", open_data_part) for m in meetings]
        if name in ("agenda-items", "files"):
            part = "items" if name == "agenda-items" else "files"
            return lambda: [t for m in meetings for t in parts.get(m, part, open_data_part)]
        return lambda: []

    def keys(name: str) -> Callable[[], object]:
        part = {"meetings": "meeting", "agenda-items": "items", "files": "files"}.get(name)
        return lambda: [parts.key(m, part, open_data_part) for m in meetings] if part else ()

    add(f"{base}.json", lambda: (body.slug, body.name, updated(body)),
        lambda: json_text(_body(data, body.slug, body.name, updated(body))))
    for name in LISTS:
        if name == "papers":
            own = [paper for paper in papers if not slugs.isdisjoint(paper.slugs)]
            add(f"{base}/papers.json", lambda own=own: [p.inputs() for p in own],
                lambda own=own: listing_text([p.text() for p in own]))
        else:
            add(f"{base}/{name}.json", keys(name), lambda get=texts(name): listing_text(get()))


def _body(data: OpenData, slug: str, name: str, updated: str) -> dict[str, Any]:
    base = f"body/{slug}"
    return {
        "id": data.url(f"{base}.json"), "type": SCHEMA + "Body", "system": data.url("system.json"),
        "name": name, "website": absolute(data.config, ""),
        "organization": data.url(f"{base}/organizations.json"), "person": data.url(f"{base}/people.json"),
        "meeting": data.url(f"{base}/meetings.json"), "paper": data.url(f"{base}/papers.json"),
        "agendaItem": data.url(f"{base}/agenda-items.json"), "file": data.url(f"{base}/files.json"),
        "legislativeTerm": [], "web": absolute(data.config, ""), "modified": updated,
    }


def _papers(site: Site, parts: Parts, data: OpenData) -> list[Paper]:
    """One Paper per case number, in case order, with a Consultation per item that treated it (oldest first),
    in any body."""
    cases: dict[str, list[Meeting]] = {}
    for meeting in sorted(site.meetings, key=lambda m: (m.date.as_date(), m.slug)):
        for case in dict.fromkeys(parts.get(meeting, "cases", open_data_part)):
            cases.setdefault(case, []).append(meeting)
    return [Paper(data, parts, case, meetings) for case, meetings in sorted(cases.items())]


def _paper(data: OpenData, case: str, uses: list[tuple[Meeting, tuple]]) -> dict[str, Any]:
    first_meeting, (_, _, first_title, _) = uses[0]
    path = paper_path(case)
    paper = {"id": data.url(path), "type": SCHEMA + "Paper",
             "body": data.url(f"body/{slugify(first_meeting.body)}.json"), "name": first_title, "reference": case}
    if first_meeting.date.day is not None:
        paper["date"] = first_meeting.date.iso()
    paper.update(consultation=[consultation for _, (_, consultation, _, _) in uses],
                 web=absolute(data.config, uses[-1][1][3]))
    return paper

