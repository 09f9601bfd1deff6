"""A deterministic, seeded corpus of realistic agenda items: our format, and the same pages for Hugo and MkDocs."""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import zlib
from dataclasses import dataclass
from decimal import Decimal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: the checkout's agendasite
from agendasite.compute.distribute import distribute  # noqa: E402  (the build's own rules for the written-out numbers)
from agendasite.source.numbers import format_number  # noqa: E402

ITEMS_PER_MEETING = 15
SECTIONS = ((1, "Godkendelse af dagsorden og referat"), (2, "Siden sidst"), (3, "Regionalpolitiske sager"),
            (4, "Udpegninger"), (5, "Eventuelt"))
# items per section: 1 + 1 + 11 + 1 + 1 = 15
SECTION_SIZES = (1, 1, 11, 1, 1)
BODIES = ("KKR Hovedstaden", "KKR Sjælland", "KKR Syddanmark", "KKR Midtjylland", "KKR Nordjylland")
MUNICIPALITIES = ("Allerød", "Ballerup", "Brøndby", "Egedal", "Frederiksberg", "Gribskov", "Helsingør",
                  "Høje-Taastrup", "København", "Rudersdal", "Rødovre", "Tårnby", "Gentofte", "Fredensborg",
                  "Hørsholm", "Glostrup", "Albertslund", "Ishøj", "Vallensbæk", "Dragør")
TOPICS = ("lånepuljen til botilbud", "rammeaftale for det specialiserede socialområde", "grøn omstilling",
          "fordeling af lærepladser på SOSU-området", "klimaalliancen", "tværgående mobilitetsanalyse",
          "sundhedsaftalen", "beskæftigelsesindsatsen", "udsatte børn og unge", "kollektiv trafik",
          "erhvervsfremme", "digitalisering i kommunerne", "ældreområdet", "psykiatriområdet")
WORDS = ("kommunerne", "regionen", "udvalget", "sagen", "økonomiaftalen", "indsatsen", "borgerne", "målgruppen",
         "kapaciteten", "samarbejdet", "pladser", "udgifterne", "tilbuddene", "ansøgningerne", "ambitionen",
         "forløbet", "høringen", "medarbejderne", "løsningerne", "området", "årrække", "særligt", "væsentligt",
         "fælles", "tværkommunale", "indstillingen", "grøn", "bæredygtig", "sårbare", "målrettet", "økonomisk")
VERBS = ("understøtter", "fastholder", "udvikler", "vurderer", "godkender", "prioriterer", "følger",
         "styrker", "beskriver", "foreslår")


@dataclass(frozen=True, slots=True)
class CorpusItem:
    """One generated item: where it lives and its parts, for every output format."""

    meeting_slug: str
    slug: str
    number: str
    title: str
    body: str  # Markdown shared by all three formats (our format adds front matter and computed cells)
    body_computed: str  # the same body with `=sum` cells (our format)
    annex_page: str | None  # Markdown annex document (name without .md)


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
    words.insert(rng.randint(1, len(words) - 1), rng.choice(VERBS))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, sentences: int = 4) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def _table(rng: random.Random) -> tuple[str, str]:
    """A 12-row table: plain (totals written out) and computed (`=sum`)."""
    rows = rng.sample(MUNICIPALITIES, 11)
    amounts = [rng.randint(10, 3000) for _ in rows]  # tenths of a million
    places = [rng.randint(1, 120) for _ in rows]
    head = "Tabel: Fordeling pr. kommune\n\n| Kommune | Beløb (mio. kr.) | Antal pladser |\n|---|--:|--:|\n"
    body = "".join(f"| {name} | {a // 10},{a % 10} | {p} |\n" for name, a, p in zip(rows, amounts, places))
    total_a, total_p = sum(amounts), sum(places)
    plain = head + body + f"| **I alt** | {total_a // 10},{total_a % 10} | {total_p} |\n"
    computed = head + body + f"| **I alt** | =sum {total_a // 10},{total_a % 10} | =sum |\n"
    return plain, computed


def _item_body(rng: random.Random, meeting_body: str) -> tuple[str, str]:
    plain_table, computed_table = _table(rng)
    bullets = "".join(f"- {_sentence(rng)}\n" for _ in range(rng.randint(3, 5)))
    steps = "".join(f"{i}. {_sentence(rng)}\n" for i in range(1, rng.randint(3, 4) + 1))
    parts = [
        "## Baggrund\n\n" + _paragraph(rng, 4) + "\n",
        f"## Indstilling\n\nDet indstilles, at {meeting_body} tager sagen til efterretning.\n",
        "## Sagsfremstilling\n\n" + _paragraph(rng, 5) + "\n\n" + bullets + "\n" + _paragraph(rng, 4) + "\n\n"
        + "### Den videre proces\n\n" + steps + "\n" + _paragraph(rng, 3) + "\n\n{table}\n"
        + _paragraph(rng, 2) + "\n",
    ]
    text = "\n".join(parts)
    return text.replace("{table}", plain_table), text.replace("{table}", computed_table)


def _slug(text: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a", " ": "-"})
    out = "".join(c for c in text.lower().translate(table) if c.isalnum() and c.isascii() or c == "-")
    return "-".join(p for p in out.split("-") if p)[:48].strip("-")


def generate(n: int, seed: int = 2024) -> list[tuple[str, str, dt.date, list[CorpusItem]]]:
    """N items in meetings of 15: (meeting slug, body, date, items), oldest meeting first."""
    rng = random.Random(seed)
    meetings = []
    day = dt.date(2000, 1, 7)
    produced = 0
    while produced < n:
        body = BODIES[len(meetings) % len(BODIES)]
        slug = f"{day.isoformat()}-{_slug(body)}"
        items: list[CorpusItem] = []
        numbers = [f"{sec}.{k}" for (sec, _), size in zip(SECTIONS, SECTION_SIZES) for k in range(1, size + 1)]
        for number in numbers[: min(ITEMS_PER_MEETING, n - produced)]:
            topic = rng.choice(TOPICS)
            title = f"{rng.choice(('Status på', 'Opfølgning på', 'Drøftelse af', 'Godkendelse af'))} {topic}"
            plain, computed = _item_body(rng, body)
            annex_page = "notat-" + number.replace(".", "-") if rng.random() < 0.2 else None
            items.append(CorpusItem(slug, f"{number.replace('.', '-')}-{_slug(title)}", number, title, plain,
                                    computed, annex_page))
        produced += len(items)
        meetings.append((slug, body, day, items))
        day += dt.timedelta(days=3)
    return meetings


def _population(name: str) -> int:
    return 10_000 + zlib.crc32(name.encode()) % 90_000


def _has_funding(item: CorpusItem) -> bool:
    return zlib.crc32(item.slug.encode()) % 10 == 0


def _funding_name(item: CorpusItem) -> str:
    return f"finansiering-{item.number.replace('.', '-')}"


def _funding_total(item: CorpusItem) -> int:
    """The funding annex's total in kroner."""
    return 1000 * (100 + zlib.crc32(f"{_funding_name(item)}.yml".encode() + item.meeting_slug.encode()) % 900)


def _funding_table(item: CorpusItem) -> list[tuple[str, str, str, str]]:
    """The funding annex's rows as our build writes them (municipality, population, share in per cent with
    one decimal, amount in kroner), computed by the build's own rule (`distribute`: largest remainders, so
    shares and amounts add up exactly) and written the Danish way."""
    people = [(name, Decimal(_population(name))) for name in MUNICIPALITIES]
    shares = distribute(Decimal(100), people, Decimal("0.1"))
    amounts = distribute(Decimal(_funding_total(item)), people)
    return [(name, format_number(p), format_number(share, decimals=1), format_number(amount))
            for (name, p), share, amount in zip(people, shares, amounts)]


def _csv_of(markdown_table: str) -> bytes:
    """A Markdown table (its header and body rows) as the CSV our build writes beside the page."""
    rows = [line.strip("|").split("|") for line in markdown_table.splitlines()
            if line.startswith("|") and not line.startswith("|---")]
    return "".join(";".join(c.strip().strip("*") for c in row) + "\n" for row in rows).encode("utf-8")


def plain_pages(slug: str, body: str, day: dt.date, items: list[CorpusItem]):
    """Every page and file our build makes for one meeting, as plain Markdown for Hugo and MkDocs, with the
    computed numbers written out: (pages, files). pages: (path without .md under the meeting's folder, title,
    Markdown); files: (path under the meeting's folder, bytes). The meeting's own page and its item pages
    are written by the callers (each tool names them its own way)."""
    index = []
    pages: list[tuple[str, str, str]] = []
    files: list[tuple[str, bytes]] = [("bilag/oversigt.pdf", b"%PDF-1.4\n% benchmark annex\n" + slug.encode())]
    for item in items:
        links = ["- [Oversigt over indsatser](oversigt.pdf) (PDF)", "- [Den fælles vision](https://example.org/vision/)"]
        files.append((f"{item.slug}/tabel-1.csv", _csv_of(item.body)))
        if item.annex_page:
            pages.append((f"bilag/{item.annex_page}", f"Notat til punkt {item.number}",
                          f"## Resumé\n\n{item.body[:1200]}\n"))
            links.append(f"- [Notat om {item.title.lower()}]({item.annex_page}/) (webside)")
        if _has_funding(item):
            name = _funding_name(item)
            rows = _funding_table(item)
            total = format_number(_funding_total(item))
            table = ("| Betaler | Indbyggere | Andel i pct. | Beløb (kr.) |\n|---|--:|--:|--:|\n"
                     + "".join(f"| {n} | {p} | {share} | {a} |\n" for n, p, share, a in rows)
                     + f"| **I alt** | {format_number(sum(_population(n) for n in MUNICIPALITIES))} | 100,0 | "
                       f"{total} |\n")
            pages.append((f"bilag/{name}", f"Finansiering pr. kommune, punkt {item.number}",
                          f"Møde: {body}, {day.isoformat()}. Periode: pr. år. Samlet beløb: {total} kr.\n\n"
                          f"{table}\n"
                          "Tal fra: Indbyggere i kommunerne (Benchmarkdata, 2024).\n"))
            files.append((f"bilag/{name}/tabel-1.csv", _csv_of(table)))
            links.append(f"- [Finansiering pr. kommune]({name}/) (webside med tabel)")
        index.append(f"### {item.number} {item.title}\n\n" + "\n".join(links) + "\n")
    pages.insert(0, ("bilag/_index", f"Bilag: {body}, {day.isoformat()}", "\n".join(index)))
    return pages, files


def write_agendasite(meetings, root: Path, base_url: str | None = "https://example.org/bench/") -> Path:
    """The corpus in agendasite's own content format; returns the site_config.yml. Without base_url the
    site-wide outputs that need absolute addresses (OParl open data, sitemap) are left out."""
    _reset(root)
    (root / "site_config.yml").write_text(
        "title: Benchmark – dagsordener\nlanguage: da\n" + (f"base_url: {base_url}\n" if base_url else "") +
        "content_dir: content\ntemplates_dir: templates\noutput_dir: site\n"
        "search: false\n", encoding="utf-8")  # Hugo and the floor build no search index either
    data = root / "content" / "data"
    data.mkdir(parents=True)
    (data / "befolkning.yml").write_text(
        "title: Indbyggere i kommunerne\nsource: Benchmarkdata\ndate: 2024\n"
        "columns: {key: kommune, value: indbyggere}\n", encoding="utf-8")
    (data / "befolkning.csv").write_text("kommune;indbyggere\n" + "".join(
        f"{name};{_population(name)}\n" for name in MUNICIPALITIES), encoding="utf-8")
    for slug, body, day, items in meetings:
        folder = root / "content" / slug
        (folder / "bilag").mkdir(parents=True)
        sections = "".join(f"  - number: {n}\n    title: {t}\n" for n, t in SECTIONS)
        (folder / "meeting.md").write_text(
            f"---\nbody: {body}\ntitle: Dagsorden\ndate: {day.isoformat()}\nstart: \"10:00\"\n"
            f"place: Rådhuset, Torvet 1\nstatus: held\nsections:\n{sections}---\n\n## Mission\n\n"
            "KL bidrager til at udvikle og fastholde et stærkt lokalt demokrati.\n", encoding="utf-8")
        (folder / "bilag" / "oversigt.pdf").write_bytes(b"%PDF-1.4\n% benchmark annex\n" + slug.encode())
        for item in items:
            annexes = ["  - title: Oversigt over indsatser\n    file: bilag/oversigt.pdf\n",
                       "  - title: Den fælles vision\n    url: https://example.org/vision/\n"]
            if item.annex_page:
                annexes.append(f"  - title: Notat om {item.title.lower()}\n    page: bilag/{item.annex_page}.md\n")
                (folder / "bilag" / f"{item.annex_page}.md").write_text(
                    f"---\ntitle: Notat til punkt {item.number}\n---\n\n## Resumé\n\n{item.body[:1200]}\n",
                    encoding="utf-8")
            if _has_funding(item):  # one item in ten has a computed funding annex
                name = f"{_funding_name(item)}.yml"
                annexes.append(f"  - title: Finansiering pr. kommune\n    funding: bilag/{name}\n")
                (folder / "bilag" / name).write_text(
                    f"title: Finansiering pr. kommune, punkt {item.number}\ntotal: "
                    f"{_funding_total(item) // 1000}.000\nunit: kr.\n"
                    "period: per year\nkey:\n  type: population\n  data: befolkning\ncolumns: [key, share, amount]\n",
                    encoding="utf-8")
            (folder / f"{item.slug}.md").write_text(
                f"---\nnumber: {item.number}\ntitle: {item.title}\ncase: SAG-2024-{zlib.crc32(item.slug.encode()) % 10**5:05d}\n"
                f"officer: abc\nannexes:\n{''.join(annexes)}---\n\n{item.body_computed}", encoding="utf-8")
    return root / "site_config.yml"


HUGO_SINGLE = """<!DOCTYPE html>
<html lang="da"><head><meta charset="utf-8"><title>{{ .Title }} – {{ .Site.Title }}</title></head>
<body><nav><a href="{{ .Site.BaseURL }}">{{ .Site.Title }}</a> › <a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}</a></nav>
<main><h1>{{ .Title }}</h1>{{ .Content }}</main>
<nav>{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav></body></html>
"""
HUGO_LIST = """<!DOCTYPE html>
<html lang="da"><head><meta charset="utf-8"><title>{{ .Title }} – {{ .Site.Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></main></body></html>
"""


def write_hugo(meetings, root: Path) -> Path:
    """The same pages and files for Hugo, with a minimal theme (single + list layouts): each meeting's page
    (a section listing its items), item pages, the annex index (a section listing its pages), annex pages,
    funding annex pages; the PDF annex and every table's CSV as static files."""
    _reset(root)
    (root / "hugo.toml").write_text(
        'baseURL = "https://example.org/bench/"\nlanguageCode = "da"\ntitle = "Benchmark – dagsordener"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n', encoding="utf-8")
    layouts = root / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (layouts / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    for slug, body, day, items in meetings:
        folder = root / "content" / slug
        (folder / "bilag").mkdir(parents=True)
        (folder / "_index.md").write_text(f'---\ntitle: "{body} {day.isoformat()}"\nweight: 1\n---\n\nDagsorden.\n',
                                          encoding="utf-8")
        for weight, item in enumerate(items, 1):
            (folder / f"{item.slug}.md").write_text(
                f'---\ntitle: "{item.number} {item.title}"\nweight: {weight}\n---\n\n{item.body}', encoding="utf-8")
        pages, files = plain_pages(slug, body, day, items)
        for path, title, text in pages:
            (folder / f"{path}.md").write_text(f'---\ntitle: "{title}"\n---\n\n{text}', encoding="utf-8")
        for path, data in files:
            target = root / "static" / slug / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    return root


def write_mkdocs(meetings, root: Path, cap: int) -> tuple[Path, int, int]:
    """The same pages and files for MkDocs with the Material theme, for the first `cap` items (and the
    pages of their meetings); returns (root, pages written, items)."""
    _reset(root)
    (root / "mkdocs.yml").write_text(
        "site_name: Benchmark – dagsordener\ntheme:\n  name: material\n  language: da\n"
        "markdown_extensions:\n  - tables\n", encoding="utf-8")
    docs = root / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Benchmark\n\nDagsordener.\n", encoding="utf-8")
    pages = count = 0
    for slug, body, day, items in meetings:
        items = items[: cap - count]
        if not items:
            break
        (docs / slug / "bilag").mkdir(parents=True)
        (docs / slug / "index.md").write_text(f"# {body} {day.isoformat()}\n\nDagsorden.\n\n" + "".join(
            f"- [{item.number} {item.title}]({item.slug}.md)\n" for item in items), encoding="utf-8")
        for item in items:
            (docs / slug / f"{item.slug}.md").write_text(f"# {item.number} {item.title}\n\n{item.body}",
                                                        encoding="utf-8")
        extra, files = plain_pages(slug, body, day, items)
        for path, title, text in extra:
            path = path.replace("_index", "index")
            (docs / slug / f"{path}.md").write_text(f"# {title}\n\n{text}", encoding="utf-8")
        for path, data in files:
            (docs / slug / path).parent.mkdir(parents=True, exist_ok=True)
            (docs / slug / path).write_bytes(data)
        pages += 1 + len(items) + len(extra)
        count += len(items)
    return root, pages, count


def _reset(root: Path) -> None:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)


def main() -> None:
    """Write a corpus of N items in all three formats under --out."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--out", type=Path, default=Path("/tmp/agendasite-corpus"))
    parser.add_argument("--mkdocs-cap", type=int, default=1000)
    args = parser.parse_args()
    meetings = generate(args.n, args.seed)
    write_agendasite(meetings, args.out / "agendasite")
    write_hugo(meetings, args.out / "hugo")
    write_mkdocs(meetings, args.out / "mkdocs", args.mkdocs_cap)
    print(f"{args.n} items in {len(meetings)} meetings written to {args.out}")


if __name__ == "__main__":
    main()
