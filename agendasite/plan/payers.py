"""Payers across all meetings: every amount each municipality (or other payer) is asked to pay.

It falls out of funding annexes being data: the payments of every computed
funding annex are gathered per payer, with totals kept apart for once and per year.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from ..funding_model import FundingAnnex, Payment
from ..model import Annex, Item, Meeting, Site

PAYERS_URL = "betalere/"
_DANISH_ORDER = str.maketrans({"æ": "{0", "ø": "{1", "å": "{2", "Æ": "{0", "Ø": "{1", "Å": "{2"})


@dataclass(frozen=True, slots=True)
class PayerEntry:
    """One amount a payer is asked to pay, with where it is decided."""

    meeting: Meeting
    item: Item
    annex: Annex
    payment: Payment
    period: str  # once | per year
    period_label: str | None
    unit: str


@dataclass(frozen=True, slots=True)
class PeriodTotal:
    """A payer's total for one period and unit (once and per year are never added together)."""

    period: str
    unit: str
    amount: Decimal | None  # None when the payer is asked for no amount in this period, only hours
    hours: Decimal | None
    hours_value: Decimal | None
    decimals: int


@dataclass(frozen=True, slots=True)
class Payer:
    """A payer and everything it is asked to pay."""

    name: str
    slug: str
    url: str
    entries: tuple[PayerEntry, ...]
    totals: tuple[PeriodTotal, ...]


def sort_name(name: str) -> str:
    """A sort key that puts æ, ø, å after z, as in Danish."""
    return name.casefold().translate(_DANISH_ORDER)


def collect_payers(site: Site) -> tuple[Payer, ...]:
    """Every payer of every public funding annex, alphabetically, each with its entries and totals."""
    return payers_from(e for meeting in site.meetings for e in payer_entries(meeting))


def payer_entries(meeting: Meeting) -> list[PayerEntry]:
    """One meeting's contribution to the payer pages: every payment of its public funding annexes."""
    out = []
    for item in meeting.items:
        for annex in item.annexes:
            funding = annex.extra
            if annex.kind != "funding" or not annex.public or not isinstance(funding, FundingAnnex):
                continue
            for payment in funding.payments:
                out.append(PayerEntry(meeting, item, annex, payment, funding.period, funding.period_label,
                                      funding.unit))
    return out


def payers_from(all_entries: Iterable[PayerEntry]) -> tuple[Payer, ...]:
    """Payers from entries in archive order (an incremental build keeps each meeting's entries)."""
    entries: dict[str, list[PayerEntry]] = {}
    names: dict[str, str] = {}
    for entry in all_entries:
        names.setdefault(entry.payment.slug, entry.payment.payer)
        entries.setdefault(entry.payment.slug, []).append(entry)
    payers = [Payer(names[slug], slug, f"{PAYERS_URL}{slug}/", tuple(found), _totals(found))
              for slug, found in entries.items()]
    return tuple(sorted(payers, key=lambda p: sort_name(p.name)))


def _totals(entries: list[PayerEntry]) -> tuple[PeriodTotal, ...]:
    out = []
    for period in ("per year", "once"):
        for unit in sorted({e.unit for e in entries if e.period == period}):
            chosen = [e.payment for e in entries if e.period == period and e.unit == unit]
            hours = [p.hours for p in chosen if p.hours is not None]
            values = [p.hours_value for p in chosen if p.hours_value is not None]
            amounts = [p.amount for p in chosen if p.amount is not None]
            out.append(PeriodTotal(period, unit, sum(amounts, Decimal(0)) if amounts else None,
                                   sum(hours, Decimal(0)) if hours else None,
                                   sum(values, Decimal(0)) if values else None,
                                   max(p.decimals for p in chosen)))
    return tuple(out)

