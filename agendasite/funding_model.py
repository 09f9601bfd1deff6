"""The computed funding annex as plain, immutable data (money as Decimal); templates only present it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal



@dataclass(frozen=True, slots=True)
class Figure:
    """One number to show with its decimals, or a text (e.g. '-') where the source has no number."""

    value: Decimal | None
    decimals: int = 0
    text: str | None = None
    differs: bool = False  # the source states another figure here (listed under the differences)


@dataclass(frozen=True, slots=True)
class Column:
    """A column after the first (payer) column."""

    label: str
    group: str = ""  # heading of a column group (a scenario), or ''
    kind: str = "amount"  # key | share | amount | hours | hours_value


@dataclass(frozen=True, slots=True)
class FundingRow:
    """One row: the payer (or group), a footnote mark, and its figures."""

    label: str
    mark: str
    slug: str | None  # payer page slug; None for group rows and total rows
    cells: tuple[Figure, ...]
    total: bool = False


@dataclass(frozen=True, slots=True)
class Difference:
    """A figure the source states that differs from the computed one."""

    what: str
    stated: Figure
    computed: Figure
    difference: Figure
    line: int


@dataclass(frozen=True, slots=True)
class SplitPart:
    """A co-financing part before the key."""

    payer: str
    slug: str
    share: Decimal
    amount: Decimal
    distributed: bool


@dataclass(frozen=True, slots=True)
class Payment:
    """What one payer is asked to pay in one funding annex."""

    payer: str
    slug: str
    amount: Decimal | None
    decimals: int
    text: str | None = None  # the source's words instead of an amount
    hours: Decimal | None = None  # co-financed hours
    hours_value: Decimal | None = None


@dataclass(frozen=True, slots=True)
class DataUse:
    """A data file the annex uses, shown with its source and date."""

    title: str
    source: str
    date: str
    stated_total: Figure | None
    total: Figure
    acknowledged_html: str | None


@dataclass(frozen=True, slots=True)
class Summary:
    """Totals per scenario of a contributions model: label, then one figure per scenario."""

    label: str
    figures: tuple[Figure, ...]


@dataclass(frozen=True, slots=True)
class FundingAnnex:
    """A funding annex with every share, amount and total computed."""

    title: str
    model: str  # distribution | contributions
    intro_html: str
    notes_html: str
    caption: str
    unit: str
    period: str  # once | per year
    period_label: str | None
    total: Decimal | None
    first_label: str
    columns: tuple[Column, ...]
    rows: tuple[FundingRow, ...]
    split: tuple[SplitPart, ...]
    summary_groups: tuple[str, ...]
    summary: tuple[Summary, ...]
    differences: tuple[Difference, ...]
    acknowledged_html: tuple[str, ...]
    data: tuple[DataUse, ...]
    payments: tuple[Payment, ...]
    csv_name: str
    source: str

    @property
    def groups(self) -> tuple[tuple[str, int], ...]:
        """Column groups with their spans (empty when no column has a group)."""
        if not any(c.group for c in self.columns):
            return ()
        out: list[tuple[str, int]] = []
        for column in self.columns:
            if out and out[-1][0] == column.group and column.group:
                out[-1] = (column.group, out[-1][1] + 1)
            else:
                out.append((column.group, 1))
        return tuple(out)
