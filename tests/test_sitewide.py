"""Incremental builds without the parsed archive: site-level pages from per-meeting summaries, same bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from agendasite.engine import meetingstep, sitestep, sitepages as sitewide

from .test_incremental import EDITS, _assert_same_as_clean, _build, _corpus_module, _edit_data_file, _tree


@pytest.fixture
def lean_corpus(tmp_path: Path) -> Path:
    """60 generated items without base_url and search (as the benchmark's corpus)."""
    module = _corpus_module()
    config = module.write_agendasite(module.generate(60, seed=7), tmp_path / "site-src", None)
    (config.parent / "templates").mkdir()
    (config.parent / "templates" / "item.html").write_text(
        '{% extends "!default/item.html" %}\n{% block footer %}<p>Punkt</p>{% endblock %}\n', encoding="utf-8")
    return config


def _funding_item(config: Path) -> Path:
    return next(p for p in sorted((config.parent / "content").glob("*/*.md")) if "funding: bilag/" in p.read_text(
        encoding="utf-8"))


def _retitle_funding_item(config: Path) -> None:
    path = _funding_item(config)  # the payer pages name the item
    path.write_text("\n".join("title: Ny titel på et punkt med finansiering" if line.startswith("title:") else line
                              for line in path.read_text(encoding="utf-8").splitlines()) + "\n", encoding="utf-8")


def _edit_funding_total(config: Path) -> None:
    path = next(sorted((config.parent / "content").glob("*/bilag/finansiering-*.yml")).__iter__())
    path.write_text("\n".join("total: 777.000" if line.startswith("total:") else line
                              for line in path.read_text(encoding="utf-8").splitlines()) + "\n", encoding="utf-8")


def _edit_funding_item_text(config: Path) -> None:
    path = _funding_item(config)  # its page changes, the payer pages do not
    path.write_text(path.read_text(encoding="utf-8") + "\nEn ny sætning.\n", encoding="utf-8")


LEAN_EDITS = EDITS + [_retitle_funding_item, _edit_funding_total, _edit_funding_item_text]


def _no_archive(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args) -> None:
        raise AssertionError("the incremental build loaded the whole parsed archive")

    monkeypatch.setattr(meetingstep, "whole_meetings", refuse)
    monkeypatch.setattr(sitestep, "whole_meetings", refuse)


def record_calls(monkeypatch: pytest.MonkeyPatch, module, name: str, which) -> list[str]:
    """What `which(*args)` says of each call of `module.name` from now on (the call still happens)."""
    seen: list[str] = []
    original = getattr(module, name)

    def recording(*args):
        seen.append(which(*args))
        return original(*args)

    monkeypatch.setattr(module, name, recording)
    return seen


def _rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Site-level pages rendered in this process from now on."""
    return record_calls(monkeypatch, sitestep, "render_text", lambda env, page, site, config: page.path)


@pytest.mark.parametrize("edit", LEAN_EDITS, ids=[e.__name__.lstrip("_") for e in LEAN_EDITS])
def test_lean_incremental_build_equals_clean_build(lean_corpus: Path, tmp_path: Path, edit,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    _build(lean_corpus, out)
    before = _tree(out)
    edit(lean_corpus)
    with monkeypatch.context() as patch:
        _no_archive(patch)
        _build(lean_corpus, out)
    after = _tree(out)
    assert after != before  # the edit shows
    payers = sorted(p for p in after if p.startswith("betalere/"))
    assert payers, "the corpus has funding annexes, hence payer pages"
    changed = {p for p in payers if after[p] != before.get(p)}
    if edit in (_retitle_funding_item, _edit_funding_total, _edit_data_file):
        assert changed  # the payer pages show the item's title and the amounts
    if edit is _edit_funding_item_text:
        assert not changed
    _assert_same_as_clean(lean_corpus, out, tmp_path)


def test_site_pages_are_rendered_only_when_their_inputs_change(lean_corpus: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    _build(lean_corpus, out)
    rendered = _rendered(monkeypatch)
    _edit_funding_item_text(lean_corpus)  # a meeting's pages change; nothing the site-level pages show
    _build(lean_corpus, out)
    assert not [p for p in rendered if p == "index.html" or p.startswith("betalere/")]
    _retitle_funding_item(lean_corpus)  # the payer pages show the item's title
    _build(lean_corpus, out)
    assert "index.html" in rendered and "betalere/index.html" in rendered
    _assert_same_as_clean(lean_corpus, out, tmp_path)


def test_several_lean_edits_in_a_row_with_the_payer_cache_gone(lean_corpus: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    _build(lean_corpus, out, cache_dir=cache)
    for edit in (_edit_funding_item_text, _retitle_funding_item, _edit_funding_total):
        for entry in (cache / "summaries").iterdir():  # payer entries come back from the parsed meetings
            entry.unlink()
        edit(lean_corpus)
        _build(lean_corpus, out, cache_dir=cache)
    _assert_same_as_clean(lean_corpus, out, tmp_path)


def test_an_overridden_front_page_loads_the_archive(lean_corpus: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    (lean_corpus.parent / "templates" / "index.html").write_text(
        '{% extends "!default/index.html" %}\n{% block main %}{{ super() }}<p>{{ site.meetings[0].items|length }}'
        ' punkter i det første møde</p>{% endblock %}\n', encoding="utf-8")
    out = tmp_path / "out"
    _build(lean_corpus, out)
    _edit_funding_item_text(lean_corpus)
    _build(lean_corpus, out)
    assert "15 punkter i det første møde" in (out / "index.html").read_text(encoding="utf-8")
    _assert_same_as_clean(lean_corpus, out, tmp_path)


def test_payer_pages_rendered_by_several_processes_are_the_same(lean_corpus: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A large site's payer pages are rendered in forked processes (here every site's): the same bytes as one
    process gives; a page whose rendering fails in a forked process is rendered again, and reported, here."""
    import os

    _build(lean_corpus, tmp_path / "one", jobs=1)
    payers = sorted(p for p in _tree(tmp_path / "one") if p.startswith("betalere/") and p != "betalere/index.html")
    assert len(payers) > 3
    monkeypatch.setattr(sitewide, "PARALLEL_PAYER_ENTRIES", 0)
    main, original = os.getpid(), sitestep.render_text

    def failing_when_forked(env, page, site, config):
        if os.getpid() != main and page.path == payers[-1]:
            raise RuntimeError("failed in a forked process")
        return original(env, page, site, config)

    monkeypatch.setattr(sitestep, "render_text", failing_when_forked)
    rendered = _rendered(monkeypatch)  # in this process
    _build(lean_corpus, tmp_path / "two", jobs=2)
    assert payers[-1] in rendered  # again, here
    assert len(set(payers) - set(rendered)) >= len(payers) - 2  # the others by the forked processes (but the
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")    # first of its template, rendered here first)
