"""One engine: a clean build (`--no-cache`, `--check`) is the incremental build with an empty cache, and what
a page reads comes from its templates, also when they read the whole site."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from agendasite.engine import steps
from agendasite.engine.build import BuildOptions, build

from .conftest import ROOT
from .test_incremental import ENV, _add_meeting, _assert_same_as_clean, _build, _edit_item_text, _item, _tree, corpus  # noqa: F401
from .test_sitewide import lean_corpus  # noqa: F401

COUNT_TXT = "{{ site.meetings|length }} møder"


def _templates(config: Path, files: dict[str, str]) -> None:
    folder = config.parent / "templates"
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


def test_an_included_template_reading_the_site_gives_the_same_bytes_both_ways(corpus: Path, tmp_path: Path) -> None:
    """The issue's case: item.html includes count.txt, which reads `site`; a default build printed "1
    meetings" while --no-cache printed the real count."""
    _templates(corpus, {"item.html": '{% extends "!default/item.html" %}\n{% block footer %}<p>'
                                     '{% include "count.txt" %}</p>{% endblock %}\n', "count.txt": COUNT_TXT})
    out = tmp_path / "out"
    _build(corpus, out)
    page = next((out / _item(corpus, "3.2").parent.name).glob("3-2-*/index.html"))
    assert "<p>4 møder</p>" in page.read_text(encoding="utf-8")
    _assert_same_as_clean(corpus, out, tmp_path)
    _add_meeting(corpus)  # every item page now says 5
    _build(corpus, out)
    assert "<p>5 møder</p>" in page.read_text(encoding="utf-8")
    _assert_same_as_clean(corpus, out, tmp_path)
    _edit_item_text(corpus)
    _build(corpus, out)
    _assert_same_as_clean(corpus, out, tmp_path)


def test_item_pages_reading_other_meetings_items_get_the_whole_meetings(corpus: Path, tmp_path: Path) -> None:
    """A template reading more of another meeting than its heading (its items) is given the whole meetings."""
    _templates(corpus, {"item.html": '{% extends "!default/item.html" %}\n{% block footer %}<p>'
                                     '{{ site.meetings|map(attribute="items")|map("length")|sum }} punkter i alt'
                                     '</p>{% endblock %}\n'})
    out = tmp_path / "out"
    _build(corpus, out)
    page = next((out / _item(corpus, "3.2").parent.name).glob("3-2-*/index.html"))
    assert "<p>60 punkter i alt</p>" in page.read_text(encoding="utf-8")
    _assert_same_as_clean(corpus, out, tmp_path)
    _add_meeting(corpus)
    _build(corpus, out)
    assert "<p>61 punkter i alt</p>" in page.read_text(encoding="utf-8")
    _assert_same_as_clean(corpus, out, tmp_path)


def test_a_front_page_listing_every_item_reads_the_whole_meetings(corpus: Path, tmp_path: Path) -> None:
    """The site's own index.html reads each meeting's items (more than the headings the front page is
    usually made from): it gets them, and a new item title shows on the next build."""
    _templates(corpus, {"index.html": '{% extends "!default/index.html" %}\n{% block main %}{{ super() }}<ul>'
                                      '{% for m in site.meetings %}{% for i in m.items %}<li>{{ i.title }}</li>'
                                      '{% endfor %}{% endfor %}</ul>{% endblock %}\n'})
    out = tmp_path / "out"
    _build(corpus, out)
    _assert_same_as_clean(corpus, out, tmp_path)
    path = _item(corpus, "3.2")
    path.write_text("\n".join("title: En helt ny titel" if line.startswith("title:") else line
                              for line in path.read_text(encoding="utf-8").splitlines()) + "\n", encoding="utf-8")
    _build(corpus, out)
    assert "<li>En helt ny titel</li>" in (out / "index.html").read_text(encoding="utf-8")
    _assert_same_as_clean(corpus, out, tmp_path)


def test_every_kind_of_build_runs_the_same_engine(corpus: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A first build, a rebuild after an edit, --no-cache, --check and the preview's rebuild all go through
    the engine's one path (engine/steps.run); only the no-change answer (nothing to run) does not."""
    calls: list[str] = []
    original = steps.run
    monkeypatch.setattr("agendasite.engine.build.run_engine", lambda options, *rest: (
        calls.append("check" if options.check_only else "full" if not options.incremental else "cached"),
        original(options, *rest))[1])
    out = tmp_path / "out"
    _build(corpus, out)
    _build(corpus, out)  # nothing changed: answered from the record
    _edit_item_text(corpus)
    _build(corpus, out)
    _build(corpus, tmp_path / "clean", incremental=False)
    result = build(BuildOptions(config_path=corpus, output_dir=tmp_path / "checked", check_only=True,
                                environ=dict(ENV)))
    assert result.ok and result.pages > 60
    from agendasite.cli.serve import PreviewState, rebuild

    _edit_item_text(corpus)  # the preview's rebuild after an edit, keeping its search index
    assert rebuild(BuildOptions(config_path=corpus, output_dir=out, environ=dict(ENV), keep_search_index=True),
                   PreviewState()).ok
    assert calls == ["cached", "cached", "full", "check", "cached"]


def test_check_writes_nothing_and_finds_what_a_build_finds(corpus: Path, tmp_path: Path) -> None:
    """--check makes every page (a template's mistake is found) but writes no output, staging folder or
    cache anywhere near the site."""
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    result = build(BuildOptions(config_path=corpus, output_dir=tmp_path / "out", check_only=True, environ=dict(ENV)))
    assert result.ok and result.output_dir is None
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    _templates(corpus, {"item.html": '{% extends "!default/item.html" %}\n{% block footer %}{{ nothing.here }}'
                                     '{% endblock %}\n'})
    result = build(BuildOptions(config_path=corpus, output_dir=tmp_path / "out", check_only=True, environ=dict(ENV)))
    assert not result.ok
    assert any("templates/item.html" in d.path and "nothing" in d.message for d in result.diagnostics.items)


def test_no_cache_leaves_the_cache_as_it_was(corpus: Path, tmp_path: Path) -> None:
    """--no-cache builds with an empty temporary cache: the configured cache folder is not written."""
    cache = tmp_path / "cache"
    _build(corpus, tmp_path / "out", cache_dir=cache)
    kept = _tree(cache)
    _edit_item_text(corpus)
    _build(corpus, tmp_path / "out", cache_dir=cache, incremental=False)
    assert _tree(cache) == kept
    shutil.rmtree(cache)
    _build(corpus, tmp_path / "out2", cache_dir=cache, incremental=False)
    assert not cache.exists()


def _hand_edits(out: Path) -> None:
    """What someone might do to a published site by hand: edit a page, remove one, add a file."""
    front = out / "index.html"
    front.write_text(front.read_text(encoding="utf-8").replace("</body>", "<p>Rettet i hånden</p></body>"),
                     encoding="utf-8")
    next(out.glob("*/3-2-*/index.html")).unlink()
    (out / "noter.txt").write_text("lagt her i hånden\n", encoding="utf-8")


@pytest.mark.parametrize("then_edit", [False, True], ids=["nothing-else-changed", "an-item-edited"])
def test_a_published_site_edited_by_hand_is_made_again(corpus: Path, tmp_path: Path, then_edit: bool) -> None:
    out = tmp_path / "out"
    _build(corpus, out)
    _edit_item_text(corpus)
    _build(corpus, out)  # the spare copy now holds the site before
    _hand_edits(out)
    if then_edit:
        path = _item(corpus, "3.4")
        path.write_text(path.read_text(encoding="utf-8") + "\nEn sætning mere.\n", encoding="utf-8")
    _build(corpus, out)
    _assert_same_as_clean(corpus, out, tmp_path)
    _edit_item_text(corpus)  # two builds later: nothing of the hand edits comes back from the spare copy
    _build(corpus, out)
    assert "Rettet i hånden" not in (out / "index.html").read_text(encoding="utf-8")
    _assert_same_as_clean(corpus, out, tmp_path)


def test_a_hand_edit_of_a_file_the_spare_copy_shares_does_not_come_back(corpus: Path, tmp_path: Path) -> None:
    """Unchanged files of the published site and of the spare copy are one file (hard links): edited in the
    spare copy, the published file changed too, and both are made again."""
    out = tmp_path / "out"
    _build(corpus, out)
    _edit_item_text(corpus)
    _build(corpus, out)
    spare = tmp_path / ".out.spare"
    shared = next(p for p in sorted(spare.glob("*/*/index.html")) if (out / p.relative_to(spare)).samefile(p))
    with open(shared, "a", encoding="utf-8") as fh:
        fh.write("<!-- rettet i reservekopien -->")
    _edit_item_text(corpus)
    _build(corpus, out)
    _assert_same_as_clean(corpus, out, tmp_path)


def _case_list_example():
    """docs/examples/case_list.py, the handbook's worked example of a new site-level file."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("case_list", ROOT / "docs" / "examples" / "case_list.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_worked_example_adds_a_site_level_file_in_one_place(lean_corpus: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """One entry in the registry: the file is made, equals a clean build's, is kept while its parts do not
    change and made again when one does (here without base_url)."""
    from agendasite.outputs import registry

    example = _case_list_example()
    monkeypatch.setattr(registry, "OUTPUTS", registry.OUTPUTS + (registry.SiteOutput(
        "case list", (example.case_lines,), example.case_list, needs_base_url=False),))
    out = tmp_path / "out"
    _build(lean_corpus, out)
    listing = out / "sager.txt"
    lines = listing.read_text(encoding="utf-8").splitlines()
    assert len(lines) > 10 and all("\t" in line and line.endswith("/") for line in lines)
    _assert_same_as_clean(lean_corpus, out, tmp_path)
    first = listing.stat().st_ino
    _edit_item_text(lean_corpus)  # no case changes: the published file is kept
    _build(lean_corpus, out)
    assert listing.stat().st_ino == first
    path = _item(lean_corpus, "3.2")
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^case: .*$", "case: SAG-2099-00001", text, flags=re.M) if "\ncase:" in text
                    else text.replace("\ntitle:", "\ncase: SAG-2099-00001\ntitle:", 1), encoding="utf-8")
    _build(lean_corpus, out)
    assert "SAG-2099-00001\t" in listing.read_text(encoding="utf-8")
    _assert_same_as_clean(lean_corpus, out, tmp_path)


def test_the_command_line_checks_for_no_change_once(corpus: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """`build.py` asks "did anything change?" before the heavy imports; the build then uses that check's scan
    instead of checking (and scanning) again."""
    from agendasite.cli.main import main
    from agendasite.engine import build as engine_build, nochange

    calls: list[int] = []
    original = nochange.unchanged_summary

    def counting(*args):
        calls.append(1)
        return original(*args)

    monkeypatch.setattr(nochange, "unchanged_summary", counting)
    monkeypatch.setattr(engine_build, "unchanged_summary", counting)
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    out = tmp_path / "out"
    for edit in (None, None, _edit_item_text):  # first build, nothing changed, an edit
        if edit:
            edit(corpus)
        calls.clear()
        assert main(["--config", str(corpus), "--out", str(out)]) == 0
        assert calls == [1]
    _assert_same_as_clean(corpus, out, tmp_path)


def test_a_large_site_is_walked_by_two_processes_with_the_same_answer(corpus: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The no-change check walks a large published site in two processes: the same stats and link counts as
    one walk, and a hand edit is still found."""
    from agendasite.engine import outputfiles

    out = tmp_path / "out"
    _build(corpus, out)
    links_one: dict[str, int] = {}
    one = outputfiles.tree_stats(out, links=links_one)
    monkeypatch.setattr(outputfiles, "PARALLEL_FILES", 0)
    links_two: dict[str, int] = {}
    assert outputfiles.start_walk(out, 10)(links_two) == one and links_two == links_one
    _hand_edits(out)
    _build(corpus, out)
    _assert_same_as_clean(corpus, out, tmp_path)
