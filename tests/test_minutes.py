"""Minutes on the same pages: decisions after the recommendation, the meeting page as 'Referat', states shown."""

from __future__ import annotations

from pathlib import Path

from .conftest import soup

HELD = "2024-05-14-okonomiudvalget"


def test_decision_follows_the_recommendation_on_the_item_page(minutes_site: Path):
    page = soup(minutes_site / HELD / "1-1-budgetopfolgning" / "index.html")
    # the source order is Baggrund, Indstilling, Sagsfremstilling, Beslutning
    headings = [h.get_text() for h in page.find("article").find_all("h2")]
    assert headings == ["Baggrund", "Indstilling", "Beslutning", "Sagsfremstilling", "Bilag"]
    decision = page.find("h2", id="beslutning").find_parent("section")
    assert "decision-section" in decision["class"]
    assert decision.get_text(" ", strip=True) == ("Beslutning Indstillingen blev godkendt. "
                                                  "Udvalget bad om en ny opfølgning i september.")


def test_meeting_page_becomes_the_minutes_with_every_decision(minutes_site: Path):
    page = soup(minutes_site / HELD / "index.html")
    assert page.title.get_text().startswith("Referat: Økonomiudvalget, 14. maj 2024")
    assert page.find(class_="kicker").get_text(strip=True) == "Referat"
    facts = page.find("dl", class_="facts").get_text(" ", strip=True)
    assert "Afholdt" in facts and "kl. 16.00–18.00" in facts
    decisions = {li.find("h4").find(class_="number").get_text(): li.find(class_="decision").get_text(" ", strip=True)
                 for li in page.find_all("li", class_="toc-item") if li.find(class_="decision")}
    assert decisions == {
        "1.1": "Beslutning Indstillingen blev godkendt. Udvalget bad om en ny opfølgning i september.",
        "1.2": "Beslutning Taget til efterretning.",
    }
    assert page.find("meta", attrs={"name": "description"})["content"].startswith("Referat – Økonomiudvalget")


def test_agenda_without_decisions_stays_an_agenda(minutes_site: Path):
    page = soup(minutes_site / "2025-01-07-okonomiudvalget" / "index.html")
    assert page.find(class_="kicker").get_text(strip=True) == "Dagsorden"
    assert page.find(class_="decision") is None
    assert "Planlagt" in page.find("dl", class_="facts").get_text()


def test_front_page_shows_each_meetings_state(minutes_site: Path):
    page = soup(minutes_site / "index.html")
    states = {}
    for li in page.find_all("li"):
        link = li.find("a")
        if link and link["href"].endswith("/") and li.find(class_="status"):
            states[link["href"]] = [s.get_text() for s in li.find_all(class_="status")]
    assert states == {
        "2025-01-07-okonomiudvalget/": ["Planlagt"],
        "2024-12-10-okonomiudvalget/": ["Aflyst"],
        f"{HELD}/": ["Afholdt", "Referat"],
    }  # 2024-06-kkr-hovedstaden states no status: none is shown (the site does not guess)


def test_closed_item_shows_number_only_everywhere(minutes_site: Path):
    page = soup(minutes_site / HELD / "2-1-personalesag" / "index.html")
    assert page.h1.get_text(" ", strip=True) == "2.1 Lukket punkt"
    assert page.find(attrs={"data-pagefind-body": True}) is None  # not in the search index
    for path in minutes_site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".ics", ".json", ".txt", ".csv"):
            text = path.read_text("utf-8")
            assert "Hemmelig" not in text and "Fortrolig" not in text and "SAG-2024-00999" not in text, path
