"""Interface language: `language: en` switches every interface word, date and number to English."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from agendasite.render.i18n import LOCALE_DIR

from .conftest import ROOT, build_test_site, run_build, soup

# Danish words Babel writes in dates and times, which no catalog holds
DANISH_DATE_WORDS = ["januar", "februar", "marts", "maj", "juni", "juli", "oktober", "december", "mandag",
                     "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag", "kl."]


def catalog(language: str) -> dict[str, str]:
    with open(LOCALE_DIR / f"{language}.po", "rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id}


def danish_interface_words() -> list[str]:
    """Every Danish text of the da catalog that differs from the English msgid, split at placeholders."""
    words = set(DANISH_DATE_WORDS)
    for msgid, msgstr in catalog("da").items():
        if msgstr and msgstr != msgid:
            for piece in re.split(r"%\(\w+\)s", msgstr):
                piece = piece.strip(" ,.:–()")
                if re.search(r"[^\W\d_]", piece):
                    words.add(piece)
    return sorted(words, key=len, reverse=True)


@pytest.fixture(scope="module")
def english_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/sites/english built with `language: en`."""
    return build_test_site("english", tmp_path_factory)


def _page_texts(path: Path) -> list[str]:
    """What a reader or a machine sees of a page: its text and the attribute values that are words."""
    doc = BeautifulSoup(path.read_text("utf-8"), "html.parser")
    texts = [doc.get_text(" ")]
    for tag in doc.find_all(True):
        for attribute in ("title", "aria-label", "content", "alt", "placeholder"):
            if tag.get(attribute):
                texts.append(str(tag[attribute]))
    return texts


def test_catalogs_have_the_same_messages_and_cover_the_templates():
    da, en = catalog("da"), catalog("en")
    assert set(da) == set(en)
    assert all(da.values()) and all(en.values())
    used: set[str] = set()
    for template in (ROOT / "agendasite" / "templates").glob("*.html"):
        for double, single in re.findall(r"""_\(\s*(?:"([^"]+)"|'([^']+)')\s*\)""", template.read_text("utf-8")):
            used.add(double or single)
    missing = sorted(used - set(da))
    assert missing == []


def test_no_danish_interface_word_in_an_english_build(english_site: Path):
    words = danish_interface_words()
    assert "Dagsorden" in words and "Referat" in words and "Søg" in words and "kl." in words
    checked = 0
    for path in sorted(english_site.rglob("*")):
        rel = path.relative_to(english_site)
        if not path.is_file() or rel.parts[0] == "pagefind":
            continue
        if path.suffix == ".html":
            texts = _page_texts(path)
        elif path.suffix in (".xml", ".json"):
            texts = [path.read_text("utf-8")]
        elif path.suffix == ".ics":
            texts = [path.read_text("utf-8").replace("\r\n ", "")]
        else:
            continue
        checked += 1
        for text in texts:
            for word in words:
                assert not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text), f"{rel}: Danish '{word}' in {text[:200]!r}"
    assert checked > 30


def test_english_dates_numbers_and_words(english_site: Path):
    meeting = soup(english_site / "2024-05-14-finance-committee" / "index.html")
    assert meeting.html["lang"] == "en"
    assert meeting.find(class_="kicker").get_text(strip=True) == "Minutes"
    assert "Tuesday, May 14, 2024" in meeting.find("dl", class_="facts").get_text(" ", strip=True)
    item = soup(english_site / "2024-05-14-finance-committee" / "1-1-budget-review" / "index.html")
    total = [c.get_text(strip=True) for c in item.find("tr", class_="total").find_all(["th", "td"])]
    assert total == ["Total", "1,230.5", "7.5"]
    assert [h.get_text() for h in item.find("article").find_all("h2")] == [
        "Background", "Recommendation", "Decision", "Details", "Annexes"]
    assert item.find("meta", property="og:locale")["content"] == "en_US"
    feed = (english_site / "feed.xml").read_text("utf-8")
    assert "<title>Minutes: Finance committee, May 14, 2024</title>" in feed and 'xml:lang="en"' in feed
    entry = json.loads((english_site / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    assert list(entry["languages"]) == ["en"]
    search = soup(english_site / "search" / "index.html")
    assert search.h1.get_text() == "Search" and "Searching needs JavaScript" in search.find("noscript").get_text()


def test_without_base_url_the_absolute_outputs_are_left_out_with_a_note(tiny_site: Path):
    config = tiny_site / "site_config.yml"
    config.write_text("title: Test\nlanguage: en\n", encoding="utf-8")
    result = run_build(config, tiny_site / "out")
    assert result.ok
    notes = [d.message for d in result.diagnostics.sorted() if d.severity == "note"]
    assert any("base_url is not set" in n for n in notes)
    for name in ("feed.xml", "kalender.ics", "sitemap.xml", "robots.txt", "oparl"):
        assert not (tiny_site / "out" / name).exists()
    assert soup(tiny_site / "out" / "index.html").find("link", rel="alternate") is None
