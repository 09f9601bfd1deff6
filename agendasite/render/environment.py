"""The Jinja environment: the site's templates first, the built-in ones after; autoescape, strict, sandboxed.

Templates see the values and functions the build passes them and nothing behind them: the sandbox
refuses attributes that start with `_` (`__class__`, `__globals__`, ...), Python internals and calls
that change data, and the loader reads files inside the template folders only (templatefiles.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from babel.dates import format_date, format_skeleton, format_time
from jinja2 import ChoiceLoader, Environment, PrefixLoader, StrictUndefined, pass_eval_context
from jinja2.nodes import EvalContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from ..model import Config, Meeting, MeetingDate
from ..source.numbers import format_number
from .i18n import load_translations
from .templatefiles import ConfinedLoader

BUILTIN_TEMPLATES = Path(__file__).parent.parent / "templates"


class SiteSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, reading the build's own frozen model objects without the per-access
    checks: their public attributes are fields and properties, none internal or mutating (the checks
    cost 10 % of a build). Everything else, and every name starting with `_`, goes through the sandbox."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if not attribute.startswith("_") and _is_model(type(obj)):
            if attribute in _held_back(type(obj)):
                raise NeedsWhole(f"{type(obj).__name__}.{attribute}")
            try:
                return getattr(obj, attribute)
            except AttributeError:
                pass
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(argument, str) and argument in _held_back(type(obj)):  # `m["items"]`, map(attribute=)
            raise NeedsWhole(f"{type(obj).__name__}.{argument}")
        return super().getitem(obj, argument)


class NeedsWhole(Exception):
    """A template read what a heading holds back (headings.py): the page is rendered again from the whole
    meetings. Not a TemplateError: never reported as the template's mistake."""


@functools.cache
def _held_back(kind: type) -> frozenset[str]:
    """The names a heading class holds back (none for any other class)."""
    return getattr(kind, "HELD_BACK", frozenset()) if _is_model(kind) else frozenset()


@functools.cache
def _is_model(kind: type) -> bool:
    """A frozen dataclass of agendasite's own (the model, the plan, funding, payers): known by its kind,
    so this module need not import the planning modules (that made an import cycle)."""
    return dataclasses.is_dataclass(kind) and kind.__module__.startswith("agendasite.") \
        and kind.__dataclass_params__.frozen  # type: ignore[attr-defined]


def make_environment(config: Config) -> Environment:
    """One environment per build: site templates override built-in ones; `!default/x` reaches a built-in."""
    builtin = ConfinedLoader(BUILTIN_TEMPLATES)
    loaders: list = []
    if Path(config.templates_dir).is_dir():
        loaders.append(ConfinedLoader(config.templates_dir))
    loaders += [builtin, PrefixLoader({"!default": builtin}, delimiter="/")]
    env = SiteSandbox(loader=ChoiceLoader(loaders), autoescape=True, undefined=StrictUndefined,
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True, auto_reload=False)
    translations = load_translations(config.language)
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    locale = config.language
    gettext: Callable[[str], str] = translations.gettext
    env.globals["gettext"] = env.globals["_"] = interface_text(gettext)
    env.filters["meeting_date"] = lambda m: format_meeting_date(m, locale, gettext)
    env.filters["short_date"] = lambda d: format_short_date(d, locale)
    env.filters["number"] = lambda v, decimals=0: format_number(v, locale, decimals)
    env.filters["filesize"] = lambda n: format_filesize(n, locale)
    env.globals["language"] = locale
    env.globals["og_locale"] = {"da": "da_DK", "en": "en_US"}.get(locale, locale)
    return env


def interface_text(gettext: Callable[[str], str]) -> Callable[..., str]:
    """`_()` as Jinja's new-style gettext gives it, in one call instead of three, each text translated once."""
    texts: dict[str, Markup] = {}

    @pass_eval_context
    def translate(eval_ctx: EvalContext, string: str, /, **variables: Any) -> str:
        if not eval_ctx.autoescape:  # inside `{% autoescape false %}`: plain text
            return gettext(string) % variables
        if variables:  # the values are escaped, the translation is not
            return Markup(gettext(string)) % variables
        text = texts.get(string)
        if text is None:
            text = texts[string] = Markup(gettext(string)) % {}
        return text

    return translate


@lru_cache(maxsize=None)
def format_short_date(date: MeetingDate, locale: str) -> str:
    """`6. september 2024`, or `april 2024` when only the month is known."""
    if date.day is None:
        return format_skeleton("yMMMM", date.as_date(), locale=locale)
    return format_date(date.as_date(), "long", locale=locale)


def format_meeting_date(meeting: Meeting, locale: str, gettext: Callable[[str], str]) -> str:
    """`fredag den 6. september 2024 kl. 10.00` (date and start time the locale's way)."""
    return _meeting_date(meeting.date, meeting.start, meeting.end, locale, gettext)


@lru_cache(maxsize=None)
def _meeting_date(date: MeetingDate, start_time: dt.time | None, end_time: dt.time | None, locale: str,
                  gettext: Callable[[str], str]) -> str:
    """Formatted once per date and times (Babel's formatting is slow, and every page of a meeting shows it)."""
    if date.day is None:
        return format_skeleton("yMMMM", date.as_date(), locale=locale)
    text = format_date(date.as_date(), "full", locale=locale)
    if start_time is not None:
        start = format_time(start_time, "short", locale=locale)
        if end_time is not None:
            end = format_time(end_time, "short", locale=locale)
            return gettext("%(date)s, %(start)s–%(end)s") % {"date": text, "start": start, "end": end}
        return gettext("%(date)s at %(time)s") % {"date": text, "time": start}
    return text


def format_filesize(size: int, locale: str) -> str:
    """`1,2 MB` the locale's way."""
    if size < 1000:
        return f"{size} B"
    for unit, factor in (("kB", 1000), ("MB", 1000**2), ("GB", 1000**3)):
        if size < factor * 1000 or unit == "GB":
            value = size / factor
            return f"{format_number(round(value, 1 if value < 10 else 0), locale, 1 if value < 10 else 0)}\u00a0{unit}"
    return f"{size} B"  # pragma: no cover


def render_page(env: Environment, template: str, context: dict[str, Any]) -> str:
    """Render one page."""
    return env.get_template(template).render(**context)


def today_from_env(environ: dict[str, str]) -> dt.date:
    """'Today' for sorting upcoming meetings: SOURCE_DATE_EPOCH when set, so builds are reproducible."""
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
    return dt.date.today()
