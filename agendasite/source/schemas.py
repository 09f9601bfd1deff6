"""The schemas of site_config.yml, meeting files, item files and annex entries."""

from __future__ import annotations

from .schema import Field, Schema

SECTION = Schema("Section", "One section of the agenda, listed in the meeting file's `sections`.", (
    Field("number", "int", "The section number; item numbers start with it.", required=True, example="3"),
    Field("title", "text", "The section's title as in the agenda (leave it out when the source does not "
          "give it: the section is then shown by its number).", example="Regionalpolitiske sager"),
))

ANNEX = Schema("Annex", "One annex ('bilag') of an item, listed in the item's `annexes`. Give at most one of "
               "`file`, `url`, `page` and `funding`; with none of them the annex is listed by title as "
               "not published online.", (
    Field("title", "text", "The annex title as listed in the agenda.", required=True,
          example="Bilag 1: Brev om lånedispensation"),
    Field("file", "path", "A file (PDF, spreadsheet, ...) in the meeting folder; copied to the site, linked "
          "with its type and size.", example="bilag/rammeaftale.pdf"),
    Field("url", "url", "A link to an annex published elsewhere.", example="https://example.org/rapport.pdf"),
    Field("page", "path", "A Markdown annex document in the meeting folder, rendered as its own page.",
          example="bilag/brev.md"),
    Field("funding", "path", "A funding annex (YAML) in the meeting folder; the build computes its table.",
          example="bilag/finansiering.yml"),
    Field("public", "bool", "`false` keeps the annex off the site (a closed annex); only its title may be "
          "listed.", default=True),
))

MEETING = Schema("Meeting file (meeting.md)", "The front matter of `meeting.md` in a meeting folder.", (
    Field("body", "text", "The body that meets (council, committee).", required=True,
          example="KKR Hovedstaden"),
    Field("title", "text", "The document title, e.g. Dagsorden or Referat.", example="Dagsorden"),
    Field("date", "date", "The meeting date; YYYY-MM when only the month is known.", required=True,
          example="2024-09-06"),
    Field("start", "time", "The start time.", example='"10:00"'),
    Field("end", "time", "The end time.", example='"12:00"'),
    Field("place", "text", "Where the meeting is held.",
          example="Glostrup Park Hotel, Hovedvejen 41, 2600 Glostrup"),
    Field("notes", "list", "Short notes shown in the meeting header (Markdown).", item_kind="markdown"),
    Field("status", "enum", "Whether the meeting is planned, was held, or was cancelled. Left out, no "
          "status is shown (the site does not guess whether a past meeting was held).",
          choices=("planned", "held", "cancelled")),
    Field("public", "bool", "`false` keeps the whole meeting off the site.", default=True),
    Field("partial", "bool", "`true` when only some items of the agenda are published here (e.g. taken from an "
          "annex bundle), so gaps in the item numbers are expected and not warned about.", default=False),
    Field("sections", "list", "The ordered sections of the agenda.", required=True, schema=SECTION),
))

ITEM = Schema("Item file", "The front matter of an agenda item's Markdown file.", (
    Field("number", "item_number", "The item number: section number, a dot, the item's number in the "
          "section.", required=True, example="3.4"),
    Field("title", "text", "The item's title.", required=True,
          example="Opfølgning på lånepuljen til botilbud 2024-2026"),
    Field("case", "case", "The case number.", example="SAG-2024-02570"),
    Field("officer", "text", "The case officer's initials.", example="ascm"),
    Field("public", "bool", "`false` makes this a closed item ('lukket punkt'): only its number (and title, "
          "if the site is configured so) are published.", default=True),
    Field("annexes", "list", "The item's annexes, in order.", schema=ANNEX),
))

ANNEX_PAGE = Schema("Markdown annex document", "The optional front matter of a Markdown annex document.", (
    Field("title", "text", "The document's title (defaults to the annex title in the item).",
          example="Brev om lånedispensation"),
))

SITE_CONFIG = Schema("Site configuration (site_config.yml)", "The settings of the whole site.", (
    Field("title", "text", "The site's name, shown in the header and the browser tab.", required=True,
          example="KKR Hovedstaden – dagsordener og referater"),
    Field("description", "text", "One sentence about the site, used as the front page's description.",
          example="Dagsordener, referater og bilag fra KKR Hovedstaden."),
    Field("language", "enum", "The language of the interface and of number and date formats.",
          choices=("da", "en"), default="da"),
    Field("base_url", "url", "The address the site is published at (for canonical links, feeds, sitemap).",
          example="https://example.org/dagsordener/"),
    Field("content_dir", "path", "The folder with meetings and data, relative to this file.",
          default="content"),
    Field("templates_dir", "path", "The folder with the site's own templates (overriding the built-in ones).",
          default="templates"),
    Field("output_dir", "path", "The folder the site is written to.", default="site"),
    Field("recommendation_heading", "text", "The sub-section heading that holds an item's recommendation.",
          default="Indstilling"),
    Field("decision_heading", "text", "The sub-section heading that holds an item's decision.",
          default="Beslutning"),
    Field("closed_items", "enum", "What the site shows of a closed item.",
          choices=("number_only", "number_and_title"), default="number_and_title"),
    Field("timezone", "timezone", "The time zone of meeting times.", default="Europe/Copenhagen",
          example="Europe/Copenhagen"),
    Field("handbook", "path", "The MkDocs configuration of the editors' handbook, relative to this file; when "
          "given, the handbook is built with MkDocs and published under `handbook/` of the site.",
          example="mkdocs.yml"),
    Field("search", "bool", "Build the static search index (Pagefind) and the search page; `false` leaves "
          "search out of the site.", default=True),
))

from .funding_schemas import FUNDING_SCHEMAS  # noqa: E402  (data files and funding annexes)

ALL_SCHEMAS = (SITE_CONFIG, MEETING, ITEM, ANNEX_PAGE) + FUNDING_SCHEMAS
