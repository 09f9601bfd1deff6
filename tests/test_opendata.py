"""The OParl JSON: every object validates against the OParl 1.1 schemas; ids are URLs of files that exist."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import pytest
from jsonschema import Draft4Validator

from .conftest import ROOT

SCHEMAS = Path(__file__).parent / "oparl-1.1-schema"  # copied unchanged, CC BY-SA 4.0 (see its README)
OPARL = "https://schema.oparl.org/1.1/"
BASE = "https://example.org/byraad/"
HELD = "2024-05-14-okonomiudvalget"


def _schema_dir() -> Path:
    if not (SCHEMAS / "Meeting.json").is_file():
        pytest.fail(f"the OParl 1.1 schemas are missing: expected them in {SCHEMAS} ")
    return SCHEMAS


@lru_cache(maxsize=None)
def validator(kind: str) -> Draft4Validator:
    """The schema of one OParl type (`Meeting.json` for .../1.1/Meeting); the schemas have no $refs to resolve."""
    return Draft4Validator(json.loads((_schema_dir() / f"{kind}.json").read_text("utf-8")))


def oparl_objects(value: Any) -> Iterator[dict[str, Any]]:
    """Every OParl object in a JSON value, embedded ones included."""
    if isinstance(value, dict):
        if str(value.get("type", "")).startswith(OPARL):
            yield value
        for child in value.values():
            yield from oparl_objects(child)
    elif isinstance(value, list):
        for child in value:
            yield from oparl_objects(child)


def load_all(site: Path) -> dict[str, Any]:
    return {p.relative_to(site).as_posix(): json.loads(p.read_text("utf-8")) for p in sorted((site / "oparl").rglob("*.json"))}


def _path_of(url: str, base: str) -> str:
    assert url.startswith(base), url
    rel = url[len(base):].split("#")[0]
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


@pytest.mark.parametrize("fixture,base", [("minutes_site", BASE), ("built_site", "https://example.org/kkr-hovedstaden/")])
def test_every_object_validates_and_every_id_is_its_file(fixture: str, base: str, request: pytest.FixtureRequest):
    site: Path = request.getfixturevalue(fixture)
    files = load_all(site)
    assert "oparl/system.json" in files
    count = 0
    for path, document in files.items():
        if "data" in document:  # an external list: pagination of one page holding every object
            assert document["pagination"]["totalElements"] == len(document["data"])
        else:
            assert document["id"] == base + path  # the id names the file it is written to
        for obj in oparl_objects(document):
            kind = obj["type"][len(OPARL):]
            errors = sorted(validator(kind).iter_errors(obj), key=str)
            assert not errors, f"{path}: {kind} {obj['id']}: {errors[0].message}"
            assert (site / _path_of(obj["id"], base)).is_file(), obj["id"]
            count += 1
            for key in ("web", "accessUrl", "downloadUrl", "meeting", "paper", "body", "agendaItem", "consultation"):
                targets = obj.get(key)
                for target in targets if isinstance(targets, list) else [targets]:
                    if isinstance(target, str) and target.startswith(base):
                        assert (site / _path_of(target, base)).is_file(), f"{obj['id']} {key} -> {target}"
    assert count > 20


def test_entry_point_and_bodies(minutes_site: Path):
    system = json.loads((minutes_site / "oparl/system.json").read_text("utf-8"))
    assert system["oparlVersion"] == OPARL and system["name"] == "Byrådet – dagsordener og referater"
    bodies = json.loads((minutes_site / _path_of(system["body"], BASE)).read_text("utf-8"))["data"]
    assert sorted(b["name"] for b in bodies) == ["KKR Hovedstaden", "Økonomiudvalget"]
    economy = next(b for b in bodies if b["name"] == "Økonomiudvalget")
    meetings = json.loads((minutes_site / _path_of(economy["meeting"], BASE)).read_text("utf-8"))["data"]
    assert [m["web"] for m in meetings] == [BASE + s + "/" for s in ("2025-01-07-okonomiudvalget",
                                                                    "2024-12-10-okonomiudvalget", HELD)]
    assert [m["meetingState"] for m in meetings] == ["planned", "cancelled", "held"]
    assert [m["cancelled"] for m in meetings] == [False, True, False]


def test_meeting_and_agenda_items_carry_the_minutes(minutes_site: Path):
    meeting = json.loads((minutes_site / f"oparl/meeting/{HELD}.json").read_text("utf-8"))
    assert meeting["start"] == "2024-05-14T16:00:00+02:00" and meeting["end"] == "2024-05-14T18:00:00+02:00"
    assert meeting["location"]["description"] == "Rådhuset, mødelokale 1"
    items = meeting["agendaItem"]
    assert [(i["number"], i["order"], i["public"]) for i in items] == [
        ("1.1", 0, True), ("1.2", 1, True), ("1.3", 2, True), ("2.1", 3, False)]
    decided = items[0]
    assert decided["name"] == "Budgetopfølgning pr. 31. marts"
    assert decided["result"] == "Indstillingen blev godkendt."
    assert decided["resolutionText"] == "Indstillingen blev godkendt.\n\nUdvalget bad om en ny opfølgning i september."
    assert decided["agendasite:recommendation"] == "Det indstilles, at udvalget godkender budgetopfølgningen."
    assert items[1]["result"] == "Taget til efterretning."
    assert "result" not in items[2] and "resolutionText" not in items[2]


def test_closed_item_has_number_only(minutes_site: Path):
    closed = json.loads((minutes_site / f"oparl/agendaitem/{HELD}/2-1-personalesag.json").read_text("utf-8"))
    assert closed["public"] is False and closed["name"] == "Lukket punkt" and closed["number"] == "2.1"
    for key in ("result", "resolutionText", "auxiliaryFile", "consultation", "agendasite:recommendation"):
        assert key not in closed
    for path in (minutes_site / "oparl").rglob("*.json"):
        text = path.read_text("utf-8")
        assert "Hemmelig" not in text and "Fortrolig" not in text and "SAG-2024-00999" not in text, path


def test_files_state_size_and_checksum_of_what_is_published(minutes_site: Path):
    item = json.loads((minutes_site / f"oparl/agendaitem/{HELD}/1-1-budgetopfolgning.json").read_text("utf-8"))
    files = {f["name"]: f for f in item["auxiliaryFile"]}
    assert set(files) == {"Bilag 1: Budgetoversigt", "Forbrug pr. område"}
    for f in files.values():
        raw = (minutes_site / _path_of(f["downloadUrl"], BASE)).read_bytes()
        assert f["size"] == len(raw)
        assert f["sha256Checksum"] == hashlib.sha256(raw).hexdigest()
        assert f["sha512Checksum"] == hashlib.sha512(raw).hexdigest()
    assert files["Bilag 1: Budgetoversigt"]["accessUrl"] == BASE + f"{HELD}/bilag/budgetoversigt.csv"
    assert files["Forbrug pr. område"]["mimeType"] == "text/csv"
    page = json.loads((minutes_site / f"oparl/agendaitem/{HELD}/1-2-anlaegsregnskab.json").read_text("utf-8"))
    (notat,) = page["auxiliaryFile"]
    assert notat["mimeType"] == "text/html" and notat["accessUrl"] == BASE + f"{HELD}/bilag/notat/"


def test_papers_are_case_numbers_with_their_consultations(minutes_site: Path):
    paper = json.loads((minutes_site / "oparl/paper/sag-2024-00101.json").read_text("utf-8"))
    assert paper["reference"] == "SAG-2024-00101"
    assert paper["name"] == "Budgetopfølgning pr. 31. marts"  # the oldest item that treated the case
    treated = [c["agendaItem"] for c in paper["consultation"]]
    assert treated == [BASE + f"oparl/agendaitem/{HELD}/1-1-budgetopfolgning.json",
                       BASE + "oparl/agendaitem/2024-06-kkr-hovedstaden/1-1-budgetopfolgning.json"]
    assert not (minutes_site / "oparl/paper/sag-2024-00999.json").exists()  # the closed item's case
    for body in ("okonomiudvalget", "kkr-hovedstaden"):  # both bodies list the case they treated
        listed = json.loads((minutes_site / f"oparl/body/{body}/papers.json").read_text("utf-8"))["data"]
        assert paper["id"] in [p["id"] for p in listed]


def test_embedded_agenda_items_in_json(built_site: Path):
    from .test_site import ITEMS, MEETING

    meeting = json.loads((built_site / f"oparl/meeting/{MEETING}.json").read_text("utf-8"))
    assert {i["number"]: i["name"] for i in meeting["agendaItem"]} == ITEMS
    assert [i["order"] for i in meeting["agendaItem"]] == list(range(14))
    loan = next(i for i in meeting["agendaItem"] if i["number"] == "3.4")
    assert loan["agendasite:recommendation"] == "Det indstilles, at KKR Hovedstaden tager sagen til efterretning."
    paper = json.loads((built_site / "oparl/paper/sag-2024-02570.json").read_text("utf-8"))
    assert paper["reference"] == "SAG-2024-02570"
