"""The site as plain, immutable data: what templates present and never compute."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True, slots=True, order=True)
class MeetingDate:
    """A meeting date; `day` is None when only the month is known."""

    year: int
    month: int
    day: int | None = None

    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}" + (f"-{self.day:02d}" if self.day else "")

    def as_date(self) -> dt.date:
        """The first possible day (used for sorting and 'upcoming')."""
        return dt.date(self.year, self.month, self.day or 1)

    def last_date(self) -> dt.date:
        """The last possible day of the meeting."""
        if self.day:
            return self.as_date()
        nxt = dt.date(self.year + (self.month == 12), self.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)


@dataclass(frozen=True, slots=True, order=True)
class ItemNumber:
    """An agenda item number such as 3.4 (section 3, item 4)."""

    section: int
    index: int

    def __str__(self) -> str:
        return f"{self.section}.{self.index}"


@dataclass(frozen=True, slots=True)
class Config:
    """Validated site configuration with resolved folders."""

    title: str
    description: str | None
    language: str
    base_url: str | None
    root: str  # folder of site_config.yml
    content_dir: str
    templates_dir: str
    output_dir: str
    recommendation_heading: str
    decision_heading: str
    closed_items: str
    timezone: str
    config_path: str
    handbook: str | None = None  # absolute path of the handbook's mkdocs.yml, if it is published
    search: bool = True


@dataclass(frozen=True, slots=True)
class Cell:
    """One table cell: its HTML, and the number it holds if numeric."""

    html: str
    text: str
    value: Decimal | None = None
    computed: bool = False
    stated: Decimal | None = None  # total the source states, shown when within rounding
    note: int | None = None  # footnote number


@dataclass(frozen=True, slots=True)
class Table:
    """A table with computed totals filled in."""

    caption: str | None  # HTML
    caption_text: str | None
    groups: tuple[tuple[str, int], ...]  # (group label, colspan); empty if no column groups
    header: tuple[str, ...]  # HTML per column
    header_text: tuple[str, ...]
    numeric: tuple[bool, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total_rows: frozenset[int]
    notes: tuple[str, ...]  # footnotes (plain text)
    csv_name: str | None  # set when the table has computed cells
    line: int  # source line of the table


@dataclass(frozen=True, slots=True)
class SubSection:
    """A `##` sub-section of an item (Baggrund, Indstilling, ...)."""

    heading: str
    anchor: str
    html: str


@dataclass(frozen=True, slots=True)
class Annex:
    """One annex of an item."""

    title: str
    kind: str  # file | url | page | funding | none
    public: bool
    source: str | None = None  # path in content (file, page, funding)
    url: str | None = None  # site-relative URL (file, page, funding) or external URL
    size: int | None = None  # bytes, for files
    file_type: str | None = None  # e.g. PDF
    html: str | None = None  # rendered body, for pages
    tables: tuple[Table, ...] = ()
    extra: object | None = None  # computed funding annex, for kind 'funding'


@dataclass(frozen=True, slots=True)
class Item:
    """One agenda item."""

    meeting_slug: str
    slug: str
    url: str  # site-relative, e.g. "2024-09-06-kkr-hovedstaden/3-4-x/"
    number: ItemNumber
    title: str
    case: str | None
    officer: str | None
    public: bool
    annexes: tuple[Annex, ...]
    subsections: tuple[SubSection, ...]
    recommendation_html: str | None
    decision_html: str | None
    tables: tuple[Table, ...]
    source: str


@dataclass(frozen=True, slots=True)
class Section:
    """One section of the agenda with its items."""

    number: int
    title: str | None
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Meeting:
    """One meeting: header, preamble, sections and items."""

    slug: str
    url: str
    body: str
    title: str | None
    date: MeetingDate
    start: dt.time | None
    end: dt.time | None
    place: str | None
    notes: tuple[str, ...]  # HTML
    status: str | None  # planned | held | cancelled, or None when the file does not say
    public: bool
    preamble_html: str
    sections: tuple[Section, ...]
    source: str

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for section in self.sections for item in section.items)

    @property
    def annex_index_url(self) -> str:
        return f"{self.url}bilag/"

    @property
    def has_decisions(self) -> bool:
        return any(item.decision_html for item in self.items)


@dataclass(frozen=True, slots=True)
class Site:
    """Everything the build publishes, meetings sorted newest first."""

    config: Config
    meetings: tuple[Meeting, ...]
    today: dt.date
    data: dict = field(default_factory=dict)
