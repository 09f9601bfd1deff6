"""One digest of several values: what a cached step, a kept output or a memoized part is keyed by."""

from __future__ import annotations

import hashlib


def combine(*parts: object) -> bytes:
    """One digest of several values (bytes, text, numbers, tuples of them)."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part if isinstance(part, bytes) else repr(part).encode("utf-8"))
        h.update(b"\x00")
    return h.digest()
