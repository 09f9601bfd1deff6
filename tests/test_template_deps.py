"""A template that reads `site` through a file it includes, whatever that file is called, gives the same
pages in a default (incremental) build as with --no-cache: the dependency comes from Jinja's analysis of
the templates, not from a guess over `*.html` files."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from agendasite.model import Config
from agendasite.render.environment import make_environment
from agendasite.render.templatedeps import pages_read
from tests.conftest import run_build, soup, write

ITEM_OVERRIDE = """
    {% extends "!default/item.html" %}
    {% block description %}{% include "count.txt" %}{% endblock %}
"""
# files a page template may reach: (file name, its text); each holds `site` somewhere the old regular
# expression over *.html files (index.html skipped) did not see
READERS = [
    ("count.txt", "{{ site.meetings|length }} meetings"),
    ("index.html", "{{ site.meetings|length }} meetings"),  # an included file called index.html
    ("parts/count.inc", "{% set n = site.meetings|length %}{{ n }} meetings"),
]


def _second_meeting(root: Path) -> None:
    first = root / "content/2030-01-15-udvalget"
    second = root / "content/2030-02-12-udvalget"
    shutil.copytree(first, second)
    meeting = second / "meeting.md"
    meeting.write_text(meeting.read_text(encoding="utf-8").replace("2030-01-15", "2030-02-12"), encoding="utf-8")


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name,text", READERS, ids=[r[0] for r in READERS])
def test_an_included_file_reading_site_gives_the_bytes_of_a_clean_build(tiny_site: Path, name: str,
                                                                          text: str) -> None:
    _second_meeting(tiny_site)
    write(tiny_site, "templates/item.html", ITEM_OVERRIDE.replace("count.txt", name))
    write(tiny_site, f"templates/{name}", text)
    config = tiny_site / "site_config.yml"
    warm, clean = tiny_site / "warm", tiny_site / "clean"
    assert run_build(config, warm).ok
    page = soup(warm / "2030-01-15-udvalget/1-1-forste/index.html")
    assert page.find("meta", attrs={"name": "description"})["content"] == "2 meetings"
    # an edit of one meeting, built incrementally, still sees the whole site
    item = tiny_site / "content/2030-02-12-udvalget/1-2-anden.md"
    item.write_text(item.read_text(encoding="utf-8").replace("Anden sag", "Anden sag, ændret"), encoding="utf-8")
    assert run_build(config, warm).ok
    from agendasite.engine.build import BuildOptions, build

    assert build(BuildOptions(config_path=config, output_dir=clean, incremental=False,
                              environ={"SOURCE_DATE_EPOCH": "1732406400"})).ok
    assert _digests(warm) == _digests(clean)


def _environment(root: Path) -> object:
    config = Config(title="T", description=None, language="da", base_url=None, root=str(root),
                    content_dir=str(root / "content"), templates_dir=str(root / "templates"),
                    output_dir=str(root / "site"), recommendation_heading="Indstilling",
                    decision_heading="Beslutning", closed_items="hidden", timezone="Europe/Copenhagen",
                    config_path=str(root / "site_config.yml"))
    return make_environment(config)


@pytest.mark.parametrize("templates,reads", [
    ({}, False),  # the built-in templates read `site` only on the front page
    ({"item.html": '{% extends "!default/item.html" %}{% block title %}{{ site.meetings|length }}{% endblock %}'},
     True),
    ({"base.html": '{% extends "!default/base.html" %}{% block head %}{% include "a.txt" %}{% endblock %}',
      "a.txt": '{% import "b.jinja" as b %}{{ b.m() }}', "b.jinja": "{% macro m() %}{{ site.title }}{% endmacro %}"},
     True),
    ({"meeting.html": '{% extends "!default/meeting.html" %}{% block head %}{% include name %}{% endblock %}'},
     True),  # a name Jinja cannot know ahead: taken as reading everything
    ({"index.html": '{% extends "!default/index.html" %}{% block head %}{{ site.title }}{% endblock %}'},
     False),  # the front page is made from the summaries in every build
    ({"item.html": '{% extends "!default/item.html" %}{% block title %}{% set site = 1 %}{{ site }}'
                   '{% endblock %}'}, False),  # a variable of its own called site
])
def test_what_the_pages_read_comes_from_the_templates(tmp_path: Path, templates: dict[str, str],
                                                      reads: bool) -> None:
    for name, text in templates.items():
        write(tmp_path, f"templates/{name}", text)
    assert pages_read(_environment(tmp_path), "site") is reads


def test_the_answer_is_worked_out_again_when_a_template_changes(tmp_path: Path) -> None:
    from agendasite.render.templatedeps import pages_read_memo

    write(tmp_path, "templates/item.html", '{% extends "!default/item.html" %}')
    folders = [tmp_path / "templates"]
    made: list[int] = []

    def make():
        made.append(1)
        return _environment(tmp_path)

    store = tmp_path / "cache"
    assert pages_read_memo(make, folders, "site", store) is False
    assert pages_read_memo(make, folders, "site", store) is False and len(made) == 1  # kept
    write(tmp_path, "templates/extra.txt", "{{ site.title }}")  # not used by any page: still no
    assert pages_read_memo(make, folders, "site", store) is False and len(made) == 2
    write(tmp_path, "templates/item.html", '{% extends "!default/item.html" %}{% block title %}'
                                           '{% include "extra.txt" %}{% endblock %}')
    assert pages_read_memo(make, folders, "site", store) is True and len(made) == 3
    assert [p.read_bytes() for p in store.iterdir()] == [b"1"]  # one answer kept, the current one
    (store / next(store.iterdir()).name).write_bytes(b"garbage")  # a damaged answer is worked out again
    assert pages_read_memo(make, folders, "site", store) is True and len(made) == 4
