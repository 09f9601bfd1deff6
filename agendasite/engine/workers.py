"""Worker processes: how many, forked with what they need already loaded, and less garbage collection."""

from __future__ import annotations

import copyreg
import dataclasses
import gc
import multiprocessing
import operator
import os
from contextlib import contextmanager
from typing import Callable, Iterator

_PAGES: tuple[list, Callable[[object], str]] | None = None


def _constructor_reducer(cls: type) -> Callable[[object], tuple]:
    """Pickle an instance as a call of its class with its fields (read in one step by attrgetter)."""
    names = [f.name for f in dataclasses.fields(cls)]
    if len(names) < 2:
        return lambda obj: (cls, tuple(getattr(obj, name) for name in names))
    fields_of = operator.attrgetter(*names)
    return lambda obj: (cls, fields_of(obj))


def fast_pickling(modules: tuple) -> None:
    """Pickle frozen slotted dataclasses as constructor calls: the default (__setstate__ looking up the
    fields of every object) made loading the parsed archive three times slower."""
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == module.__name__ \
                    and "__slots__" in vars(value) and not hasattr(value, "__post_init__") \
                    and value.__init__.__code__.co_filename == "<string>" \
                    and all(f.init for f in dataclasses.fields(value)):
                copyreg.pickle(value, _constructor_reducer(value))


def render_pages(pages: list, render: Callable[[object], str], workers: int) -> list[str | None]:
    """The pages rendered in forked processes, in order; None for a page whose rendering failed (the
    caller renders it again, to report the mistake as it does for any page)."""
    global _PAGES
    _PAGES = (pages, render)
    try:
        seen: set = set()
        first: list[str | None] = []
        for page in pages:  # in this process until each template has been used once: forked with them loaded
            if page.template in seen:
                break
            seen.add(page.template)
            first.append(_render_page_at(len(first)))
        if len(first) == len(pages):
            return first
        with multiprocessing.get_context("fork").Pool(max(1, min(workers, len(pages)))) as pool:
            return first + pool.map(_render_page_at, range(len(first), len(pages)), chunksize=1)
    finally:
        _PAGES = None


def _render_page_at(index: int) -> str | None:
    assert _PAGES is not None
    pages, render = _PAGES
    try:
        return render(pages[index])
    except Exception:
        return None


@contextmanager
def fewer_collections(threshold: int = 50_000) -> Iterator[None]:
    """Collect garbage less often while the site is built: it makes millions of short-lived objects and
    few cycles, and looking for cycles every 700 new objects (the default) cost 4-7 % of its time."""
    old = gc.get_threshold()
    gc.set_threshold(max(threshold, old[0]), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def worker_count(requested: int | None) -> int:
    """The number of worker processes: as asked, else the cores this process may use."""
    if requested:
        return max(1, requested)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)
