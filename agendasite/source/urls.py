"""Addresses: slugs for names, links from one page to another, and the one place where an address becomes
an attribute value: parsed, its scheme checked, encoded, escaped.

Every `href`/`src` the build writes (templates' `url()`, editors' Markdown links, the `agendasite:`
links resolved per page, external `url:` annexes) goes through `checked_url`, and into HTML through
`attribute_url`. The scheme is read the way a browser reads it (tabs and line ends inside the address
are dropped, leading spaces and control characters ignored, case folded), so `JaVa\tScRiPt:` is
`javascript:`. Only http, https, mailto and tel, relative addresses and `#fragment`s pass. What passes
is percent-encoded wherever a URL may not hold the character as it is (space, quotes, `<`, `>`,
backslash, invisible characters...), so it can neither end its attribute nor start another one.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from functools import lru_cache
from typing import Callable
from urllib.parse import quote

from markupsafe import Markup, escape

ALLOWED_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto", "tel"})
INTERNAL_SCHEME = "agendasite"  # the build's own form for links between pages (sitelinks.py)
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_DROPPED = re.compile(r"[\t\n\r]")  # what the URL parser removes anywhere in an address
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Characters a URL holds as they are (RFC 3986 unreserved, reserved and '%'); every other one is encoded.
_URL_SAFE = "-._~:/?#[]@!$&'()*+,;=%"
_PLAIN = re.compile(r"[A-Za-z0-9\-._~/#%]*")  # no ':' (so no scheme) and nothing HTML would escape
SCHEME_HINT = ("link with https://, http://, mailto: or tel:, to a page of the site by its file "
               "(e.g. 3-4-navn.md or bilag/notat.pdf), or to a heading with #anker")


class UnsafeURL(ValueError):
    """An address the site may not publish, with the reason in words."""


def scheme_of(url: str) -> str | None:
    """The scheme a browser would read from the address, lower case, or None for a relative one."""
    cleaned = _DROPPED.sub("", url).lstrip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11"
                                            "\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
    match = _SCHEME.match(cleaned)
    return match[1].lower() if match else None


def checked_url(url: str, internal: bool = False) -> str:
    """The address, percent-encoded where needed, or UnsafeURL when its scheme is not allowed.

    `internal`: the build's own `agendasite:` form is accepted (only the build writes it)."""
    if _PLAIN.fullmatch(url):  # a site path: no scheme, nothing to encode (most addresses of a page)
        return url
    scheme = scheme_of(url)
    if scheme is not None and scheme not in ALLOWED_SCHEMES and not (internal and scheme == INTERNAL_SCHEME):
        if scheme == INTERNAL_SCHEME:
            raise UnsafeURL("'agendasite:' is the build's own form for links between pages, "
                            "not one to write")
        raise UnsafeURL(f"the address scheme '{scheme}:' is not allowed")
    if _CONTROL.search(url.strip()):
        raise UnsafeURL("the address holds a control character (a tab, line break or the like)")
    return "".join(_encoded(char) for char in url.strip())


def _encoded(char: str) -> str:
    """A character as a URL may hold it: letters of any alphabet as they are (the browser encodes them
    when it asks for the page, and `æ` stays readable in the source), every ASCII character that a URL may
    not hold and every invisible or spacing one (no-break space, bidi marks...) percent-encoded."""
    if char.isascii():
        return char if char.isalnum() or char in _URL_SAFE else quote(char, safe="")
    return quote(char, safe="") if unicodedata.category(char)[0] in "ZC" else char


def attribute_url(url: str, internal: bool = False) -> Markup:
    """`checked_url`, HTML-escaped for an attribute value in double quotes."""
    if _PLAIN.fullmatch(url):
        return Markup(url)
    return Markup(escape(checked_url(url, internal)))


def path_url(path: str) -> str:
    """A site path (annex file name and all) as a URL: every character but '/' and the unreserved encoded."""
    return quote(path, safe="/-._~")


def template_url(relative: Callable[[str], str]) -> Callable[[str], Markup]:
    """Templates' `url(target)`: a site path made relative to the page by `relative`, a full address kept;
    both checked and escaped here. An address with another scheme (only a template can write one: the
    editors' are refused at their line) becomes `#`."""

    def url(target: str) -> Markup:
        try:
            local = _PLAIN.fullmatch(target) is not None or scheme_of(target) is None
            return attribute_url(relative(target) if local else target)
        except UnsafeURL:
            return Markup("#")

    return url


_TRANSLIT = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a", "ß": "ss"})


def slugify(text: str) -> str:
    """An ASCII slug for anchors and URLs (æ→ae, ø→o, å→a)."""
    text = text.translate(_TRANSLIT)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "afsnit"


def relative_url(from_url: str, to_url: str) -> str:
    """A link from page `from_url` to `to_url` (both site-relative) that works under any base path."""
    if to_url.startswith(_NOT_RELATIVE):
        return to_url
    target, hash_, fragment = to_url.partition("#")
    base = from_url if from_url.endswith("/") or from_url == "" else posixpath.dirname(from_url)
    if not base:
        rel = target or "."
    elif "/." in "/" + target or "/." in "/" + base:  # `.` or `..` segments: let posixpath normalise them
        rel = posixpath.relpath("/" + target, "/" + base.rstrip("/"))
    else:  # what posixpath.relpath gives for plain segments, without its normalising (10x faster)
        start = _segments(base)
        first = target.partition("/")[0]
        if start and first != start[0] and (first or not target) and "//" not in target:  # no folder in common
            return "../" * len(start) + to_url
        path = [part for part in target.split("/") if part]
        common = 0
        for a, b in zip(start, path):
            if a != b:
                break
            common += 1
        rel = "/".join([".."] * (len(start) - common) + path[common:]) or "."
    if rel == ".":
        rel = "./"
    elif (target == "" or target.endswith("/")) and not rel.endswith("/"):
        rel += "/"
    return rel + hash_ + fragment


_NOT_RELATIVE = ("http://", "https://", "mailto:", "#")


@lru_cache(maxsize=4096)
def _segments(base: str) -> tuple[str, ...]:
    """A page folder's path segments (every link of a page starts from the same folder)."""
    return tuple(part for part in base.split("/") if part)
