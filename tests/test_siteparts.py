"""Incremental builds with base_url, search and the handbook, without the parsed archive: feeds, calendars,
open data and the sitemap from per-meeting parts, the same bytes as a clean build; the handbook kept
when its inputs did not change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from agendasite.engine import sitefiles as siteparts, sitestep
from agendasite.engine.build import BuildOptions, BuildResult, build
from agendasite.plan.pages import FilePlan

from .test_incremental import ENV, _assert_same_as_clean, _corpus_module, _edit_item_text, _item, _meeting, _search, \
    _tree
from .test_sitewide import LEAN_EDITS, _no_archive, record_calls


@pytest.fixture(params=["search", "no-search"])
def parts_corpus(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """60 generated items in 4 meetings of 4 bodies with base_url (feeds, calendars and open data per body) and
    a closed item, with the Pagefind index built over the staged folder (search on) and without (search off)."""
    module = _corpus_module()
    config = module.write_agendasite(module.generate(60, seed=7), tmp_path / "site-src")
    assert "base_url: https://" in config.read_text(encoding="utf-8")
    (config.parent / "templates").mkdir()
    (config.parent / "templates" / "item.html").write_text(
        '{% extends "!default/item.html" %}\n{% block footer %}<p>Punkt</p>{% endblock %}\n', encoding="utf-8")
    _replace(_item(config, "3.7"), "officer: abc\n", "officer: abc\npublic: false\n")
    _search(config, request.param == "search")
    return config


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def _edit_recommendation(config: Path) -> None:
    _replace(_item(config, "3.2"), "Det indstilles, at", "Det indstilles nu, at")  # in the feed and open data


def _add_decision(config: Path) -> None:
    path = _item(config, "3.2")  # the agenda becomes minutes: titles and times in feeds and calendars change
    path.write_text(path.read_text(encoding="utf-8") + "\n## Beslutning\n\nIndstillingen blev godkendt.\n",
                    encoding="utf-8")


def _change_case(config: Path) -> None:
    path = _item(config, "3.2")  # a paper loses a consultation, another one appears
    lines = ["case: SAG-2024-99999" if line.startswith("case:") else line
             for line in path.read_text(encoding="utf-8").splitlines()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _move_meeting(config: Path) -> None:
    _replace(_meeting(config) / "meeting.md", "date: 2000-01-10", "date: 2000-01-19")  # now the newest


def _cancel_meeting(config: Path) -> None:
    _replace(_meeting(config) / "meeting.md", "status: held", "status: cancelled")


def _change_place(config: Path) -> None:
    _replace(_meeting(config) / "meeting.md", "place: Rådhuset, Torvet 1", "place: Byrådssalen")


def _remove_meeting(config: Path) -> None:
    shutil.rmtree(_meeting(config, 2))  # its body, with its feed, calendar and lists, goes too


PARTS_EDITS = LEAN_EDITS + [_edit_recommendation, _add_decision, _change_case, _move_meeting, _cancel_meeting,
                            _change_place, _remove_meeting]


def _build(config: Path, out: Path, **kwargs) -> BuildResult:
    result = build(BuildOptions(config_path=config, output_dir=out, environ=dict(ENV), **kwargs))
    assert result.ok, [str(d) for d in result.diagnostics.sorted()]
    return result


def _written(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Site-level files written (not kept) by the main process from now on."""
    return record_calls(monkeypatch, sitestep, "put_file", lambda staging, output, rel, *rest: rel)


@pytest.mark.parametrize("edit", PARTS_EDITS, ids=[e.__name__.lstrip("_") for e in PARTS_EDITS])
def test_incremental_build_with_base_url_equals_clean_build(parts_corpus: Path, tmp_path: Path, edit,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    _build(parts_corpus, out)
    before = _tree(out)
    assert "feed-kkr-sjaelland.xml" in before and "kalender-kkr-sjaelland.ics" in before
    edit(parts_corpus)
    with monkeypatch.context() as patch:
        _no_archive(patch)
        result = _build(parts_corpus, out)
    assert result.ok  # from summaries and parts only: the whole archive was never read (_no_archive)
    assert _tree(out) != before  # the edit shows
    _assert_same_as_clean(parts_corpus, out, tmp_path)


def test_files_are_made_again_only_when_their_parts_change(parts_corpus: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    _build(parts_corpus, out)
    written = _written(monkeypatch)
    _edit_item_text(parts_corpus)  # the background of an item: no feed entry, event or open-data object shows it
    _build(parts_corpus, out)
    assert not [p for p in written if p.endswith((".xml", ".ics", ".json", ".txt"))]
    _edit_recommendation(parts_corpus)  # in the item's feed entry and agenda item
    _build(parts_corpus, out)
    body = "oparl/body/kkr-sjaelland"  # the edited meeting's body
    assert {"feed.xml", "feed-kkr-sjaelland.xml", f"{body}/meetings.json", f"{body}/agenda-items.json"} \
        <= set(written)
    assert not {"feed-kkr-hovedstaden.xml", "kalender.ics", "sitemap.xml", "oparl/body/kkr-hovedstaden/meetings.json",
                f"{body}/files.json", f"{body}/papers.json"} & set(written)
    _assert_same_as_clean(parts_corpus, out, tmp_path)


def test_parts_missing_from_the_cache_are_made_again(parts_corpus: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    _build(parts_corpus, out, cache_dir=cache)
    for edit in (_edit_recommendation, _change_case, _add_decision):
        shutil.rmtree(cache / "parts")  # made again from the parsed meetings
        edit(parts_corpus)
        _build(parts_corpus, out, cache_dir=cache)
    _assert_same_as_clean(parts_corpus, out, tmp_path)


def test_another_output_planner_gets_the_whole_archive(parts_corpus: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    def plan_counts(site) -> list[FilePlan]:
        text = "".join(f"{m.slug}: {len(m.items)}\n" for m in site.meetings)
        return [FilePlan("punkter.txt", text.encode("utf-8"))]

    monkeypatch.setattr(siteparts, "WHOLE_SITE_PLANNERS", (plan_counts,))
    out = tmp_path / "out"
    _build(parts_corpus, out)
    _edit_recommendation(parts_corpus)
    result = _build(parts_corpus, out)
    assert result.ok
    assert "2000-01-10-kkr-sjaelland: 15\n" in (out / "punkter.txt").read_text(encoding="utf-8")
    _assert_same_as_clean(parts_corpus, out, tmp_path)


def test_the_handbook_is_built_again_only_when_its_inputs_change(tmp_path: Path) -> None:
    module = _corpus_module()
    config = module.write_agendasite(module.generate(30, seed=3), tmp_path / "site-src")
    book = config.parent / "handbook"
    (book / "docs").mkdir(parents=True)
    (book / "mkdocs.yml").write_text("site_name: Håndbog\n", encoding="utf-8")
    (book / "docs" / "index.md").write_text("# Håndbog\n\nSådan skriver du en dagsorden.\n", encoding="utf-8")
    config.write_text(config.read_text(encoding="utf-8") + "handbook: handbook/mkdocs.yml\n", encoding="utf-8")
    out = tmp_path / "out"
    _build(config, out)
    page = out / "handbook" / "index.html"
    first = page.stat().st_ino, page.read_bytes()
    _edit_item_text(config)
    _build(config, out)  # MkDocs does not run: the published handbook stays (linked into the new folder)
    assert (page.stat().st_ino, page.read_bytes()) == first
    _assert_same_as_clean(config, out, tmp_path)
    (book / "docs" / "index.md").write_text("# Håndbog\n\nSådan skriver du et referat.\n", encoding="utf-8")
    _build(config, out)
    assert "Sådan skriver du et referat." in page.read_text(encoding="utf-8")
    _assert_same_as_clean(config, out, tmp_path)
