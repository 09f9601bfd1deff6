"""The cache's file format: data that cannot run code when it is read (a pickle from a shared CI cache is code).

A cache entry is msgpack (msgspec) behind a header: a magic word with the format version, the payload's
length and its CRC-32, so a truncated file or one with a flipped byte is a miss, not a wrong value.
Plain lists, string-keyed dicts, text, bytes, numbers, booleans and None are msgpack's own; every other
value is an extension of a few kinds, decoded by the functions below and nothing else: tuple, frozenset,
set, a dict with other keys, Decimal, date, time, datetime (with its zone's name), a reference to an
object met before in the entry, and the project's own plain dataclasses named in `ALLOWED`, made by
calling the class with its fields (their generated `__init__` only assigns); a field of a precise
type (no `object`, no bare `tuple`) is read by msgspec by that type. An unknown kind or class makes
the whole entry a miss.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import struct
import types
import typing
import zlib
from decimal import Decimal
from functools import lru_cache
from typing import Any, Callable

import msgspec

MAGIC = b"agendasite-cache\x03"  # the format's version: entries of another format (old pickles) are misses
_HEADER = struct.Struct("<II")  # payload length, CRC-32 of the payload
# The dataclasses a cache entry may hold ("module:Class" in agendasite), written as their place in this list.
ALLOWED = (
    "engine.cache:FastRecord", "diagnostics:Diagnostic", "markdown.sitelinks:SiteLink", "model:MeetingDate",
    "model:ItemNumber", "model:Meeting", "model:Section", "model:Item", "model:Annex", "model:SubSection", "model:Table", "model:Cell",
    "funding_model:FundingAnnex", "funding_model:Column", "funding_model:FundingRow", "funding_model:Figure",
    "funding_model:Difference", "funding_model:SplitPart", "funding_model:Payment", "funding_model:DataUse",
    "funding_model:Summary", "plan.payers:PayerEntry", "engine.meetings:MeetingState", "engine.meetings:SiteSummary",
    "engine.meetingparts:PartsIndex", "engine.sitepages:SiteMemo", "engine.runstate:BuildState", "headings:MeetingHeading",
    "headings:ItemHeading", "headings:AnnexHeading",
)
TUPLE, FROZENSET, SET, DICT, DECIMAL, DATE, TIME, DATETIME, REF = range(1, 10)
OBJECTS = 32  # the extension code of ALLOWED[i] is OBJECTS + i (a new class goes at the end, with a new MAGIC)


class CacheFormatError(ValueError):
    """An entry that is not one this build wrote: read as a miss."""


def encode_entry(value: object) -> bytes:
    """The bytes of a cache file holding `value` (TypeError for a value the format does not hold)."""
    payload = msgspec.msgpack.encode(_Writer().plain(value))
    return MAGIC + _HEADER.pack(len(payload), zlib.crc32(payload)) + payload


def decode_entry(data: bytes) -> object:
    """The value of a cache file; CacheFormatError (or msgspec's errors) for anything else."""
    start = len(MAGIC) + _HEADER.size
    if not data.startswith(MAGIC) or len(data) < start:
        raise CacheFormatError("not an entry of this format")
    length, crc = _HEADER.unpack_from(data, len(MAGIC))
    payload = memoryview(data)[start:]
    if len(payload) != length or zlib.crc32(payload) != crc:
        raise CacheFormatError("truncated or damaged")
    return _Reader().decoder.decode(payload)


class _Writer:
    """One entry's values as msgpack's own types, the others as extensions (see the module's text); an
    object met again is written as a reference to the first (payer entries share their annex)."""

    def __init__(self) -> None:
        self.seen: dict[int, int] = {}  # id of an object written -> its number, in the order they end

    def plain(self, value: Any) -> Any:
        kind = type(value)
        if kind in _NATIVE:
            return value
        if kind is list:
            return [self.plain(v) for v in value]
        if kind is dict:
            if all(type(k) is str for k in value):
                return {k: self.plain(v) for k, v in value.items()}
            return self.ext(DICT, [self.plain(x) for pair in value.items() for x in pair])
        if kind is tuple:
            return self.ext(TUPLE, [self.plain(v) for v in value])
        if kind is frozenset or kind is set:
            return self.ext(FROZENSET if kind is frozenset else SET, [self.plain(v) for v in value])
        encode = _SCALARS.get(kind)
        if encode is not None:
            return encode(value)
        return self.instance(value)

    def instance(self, value: Any) -> msgspec.msgpack.Ext:
        """An allowed dataclass's instance: its fields, or the number of the same object written before."""
        number = self.seen.get(id(value))
        if number is not None:
            return msgspec.msgpack.Ext(REF, msgspec.msgpack.encode(number))
        kind = type(value)
        code = _code_of(kind)
        if code is None:
            raise TypeError(f"the cache does not hold {kind.__qualname__} values")
        fields = _fields_of(kind)(value)
        if _typed(kind) is not None:  # msgspec writes the fields and reads them back by their types
            out = msgspec.msgpack.Ext(code, msgspec.msgpack.encode(fields))
        else:  # the same for each field of a precise type; the others as above
            out = self.ext(code, [self.plain(v) if typed is None else msgspec.msgpack.encode(v)
                                  for v, typed in zip(fields, _field_decoders(kind))])
        self.seen[id(value)] = len(self.seen)
        return out

    @staticmethod
    def ext(code: int, payload: object) -> msgspec.msgpack.Ext:
        return msgspec.msgpack.Ext(code, msgspec.msgpack.encode(payload))


class _Reader:
    """Decodes one entry: the extensions of the kinds above only, objects numbered as they end."""

    def __init__(self) -> None:
        self.objects: list[object] = []
        self.decoder = msgspec.msgpack.Decoder(ext_hook=self.ext)

    def ext(self, code: int, data: memoryview) -> object:
        if code == TUPLE:
            return tuple(self.decoder.decode(data))
        if code >= OBJECTS:
            cls = _class(code - OBJECTS)
            typed = _typed(cls)
            if typed is not None:
                obj = cls(*typed.decode(data))
            else:
                fields = self.decoder.decode(data)
                obj = cls(*[v if d is None else d.decode(v) for v, d in zip(fields, _field_decoders(cls), strict=True)])
            self.objects.append(obj)
            return obj
        value = self.decoder.decode(data)
        if code == REF:
            return self.objects[value]
        if code == DICT:
            return dict(zip(value[::2], value[1::2]))
        if code == DECIMAL:
            return Decimal(value)
        if code == DATE:
            return dt.date.fromisoformat(value)
        if code == TIME:
            return dt.time.fromisoformat(value)
        if code == DATETIME:
            return _decode_datetime(*value)
        if code == FROZENSET:
            return frozenset(value)
        if code == SET:
            return set(value)
        raise CacheFormatError(f"unknown extension {code}")


_NATIVE = frozenset({str, bytes, int, float, bool, type(None)})


def _scalar(code: int, payload: object) -> msgspec.msgpack.Ext:
    return msgspec.msgpack.Ext(code, msgspec.msgpack.encode(payload))


def _encode_datetime(value: dt.datetime) -> msgspec.msgpack.Ext:
    zone = value.tzinfo
    if zone is None:
        name: object = None
    elif isinstance(zone, dt.timezone):
        name = int(zone.utcoffset(None).total_seconds())
    else:
        name = getattr(zone, "key", None)
        if not isinstance(name, str):
            raise TypeError(f"the cache does not hold datetimes in {zone!r}")
    return _scalar(DATETIME, [value.replace(tzinfo=None).isoformat(), value.fold, name])


def _encode_time(value: dt.time) -> msgspec.msgpack.Ext:
    if value.tzinfo is not None:
        raise TypeError("the cache does not hold times with a zone")
    return _scalar(TIME, value.isoformat())


_SCALARS: dict[type, Callable[[Any], msgspec.msgpack.Ext]] = {
    Decimal: lambda v: _scalar(DECIMAL, str(v)),
    dt.date: lambda v: _scalar(DATE, v.isoformat()),
    dt.time: _encode_time,
    dt.datetime: _encode_datetime,
}


def _decode_datetime(text: str, fold: int, zone: object) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text).replace(fold=fold)
    if zone is None:
        return moment
    if isinstance(zone, int):
        return moment.replace(tzinfo=dt.timezone(dt.timedelta(seconds=zone)))
    import zoneinfo  # a zone's name; ZoneInfo refuses paths

    return moment.replace(tzinfo=zoneinfo.ZoneInfo(zone))


@lru_cache(maxsize=None)
def _class(index: int) -> type:
    """An allowed dataclass by its place in ALLOWED, imported on first use (the no-change check needs
    FastRecord only); IndexError for any other number."""
    if index < 0:
        raise IndexError(index)
    module, _, attr = ALLOWED[index].partition(":")
    cls = getattr(importlib.import_module(f"agendasite.{module}"), attr)
    if not dataclasses.is_dataclass(cls) or hasattr(cls, "__post_init__") \
            or not all(f.init for f in dataclasses.fields(cls)):
        raise TypeError(f"{ALLOWED[index]} is not a plain dataclass")  # pragma: no cover - a mistake in ALLOWED
    return cls


@lru_cache(maxsize=None)
def _code_of(cls: type) -> int | None:
    """The extension code an allowed dataclass is written under, None for any other class."""
    name = f"{cls.__module__.removeprefix('agendasite.')}:{cls.__qualname__}"
    if name not in ALLOWED or _class(ALLOWED.index(name)) is not cls:
        return None
    return OBJECTS + ALLOWED.index(name)


@lru_cache(maxsize=None)
def _fields_of(cls: type) -> Callable[[Any], tuple]:
    """A function giving an instance's fields in the order of its class's `__init__`."""
    names = [f.name for f in dataclasses.fields(cls)]
    return lambda obj: tuple(getattr(obj, n) for n in names)


@lru_cache(maxsize=None)
def _typed(cls: type) -> msgspec.msgpack.Decoder | None:
    """A decoder of the class's fields by their declared types, when every one is precise (no `object`,
    no bare `tuple`): msgspec then reads nested values in C instead of one extension at a time."""
    hints = typing.get_type_hints(cls)
    types = [hints[f.name] for f in dataclasses.fields(cls)]
    if not all(_precise(t) for t in types):
        return None
    return msgspec.msgpack.Decoder(tuple.__class_getitem__(tuple(types)))  # type: ignore[attr-defined]


@lru_cache(maxsize=None)
def _field_decoders(cls: type) -> tuple[msgspec.msgpack.Decoder | None, ...]:
    """For each field of the class, a decoder by its declared type if that is precise, else None."""
    hints = typing.get_type_hints(cls)
    return tuple(msgspec.msgpack.Decoder(hints[f.name]) if _precise(hints[f.name]) else None
                 for f in dataclasses.fields(cls))


_LEAVES = frozenset({str, int, bool, float, bytes, type(None), Decimal, dt.date, dt.time})


def _precise(hint: object) -> bool:
    """Whether msgspec gives back exactly the value written for this type."""
    if hint in _LEAVES:
        return True
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _code_of(hint) is not None and _typed(hint) is not None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType, tuple, list, frozenset, dict):
        args = [a for a in typing.get_args(hint) if a is not Ellipsis]
        return bool(args) and all(_precise(a) for a in args)
    return False
