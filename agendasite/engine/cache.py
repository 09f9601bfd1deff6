"""The build cache: file digests by stat, build state per output folder, and the no-change check.

Standard library only, so that `build.py` can answer "nothing changed" before importing Jinja,
markdown-it or Babel. Layout of the cache folder (default `.cache/agendasite/` beside site_config.yml):
`parsed/<key>.msgpack` holds one parsed meeting (keyed by the digest of its files, the config, the
code and the library versions); `state/<output key>/` holds what the last successful build into one
output folder produced: `fast.msgpack` (stat table, summary; builtins only), `state.msgpack` and
`spare.msgpack` (the files of the spare copy of the site that the next publish writes into).
Entries are data, never code (cachedata.py): whoever can write the cache folder (a CI cache shared
between branches) cannot make the build run anything; a damaged entry is a miss.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..digests import combine

STATE_VERSION = 2  # 2: entries in cachedata's format instead of pickles
ENTRY = ".msgpack"  # the suffix of every cache entry's file
RACY_NS = 2_000_000_000  # a file changed this close to the last scan is hashed, not trusted by its stat
PACKAGE_DIR = Path(__file__).resolve().parent.parent
LIBRARIES = ("jinja2", "markdown_it", "mdit_py_plugins", "yaml", "babel", "markupsafe", "msgspec")

StatTable = dict[str, tuple[int, int, bytes]]  # absolute path -> (size, mtime_ns, digest)


def digest(data: bytes) -> bytes:
    """A short content hash."""
    return hashlib.blake2b(data, digest_size=16).digest()


def default_cache_dir(config_path: Path) -> Path:
    """`.cache/agendasite/` beside site_config.yml."""
    return config_path.resolve().parent / ".cache" / "agendasite"


def resolve_cache_dir(config_path: Path, cache_dir: Path | None, environ: dict[str, str]) -> Path:
    """The cache folder: the option, else $AGENDASITE_CACHE_DIR, else the default."""
    if cache_dir is not None:
        return cache_dir.resolve()
    if environ.get("AGENDASITE_CACHE_DIR"):
        return Path(environ["AGENDASITE_CACHE_DIR"]).resolve()
    return default_cache_dir(config_path)


def clear_damaged_folders(cache: Path, sdir: Path) -> bool:
    """Remove what stands where the cache's own folders go but is no folder (a cache is damaged data, rebuilt,
    never a reason to fail); False if the cache folder itself is no folder (it may be someone's file)."""
    if os.path.lexists(cache) and not cache.is_dir():
        return False
    # the folders the build keeps in its cache (parallel.SUMMARIES and siteparts.PARTS among them); only these,
    # since --cache-dir may name a folder that holds other things too
    for folder in [cache / name for name in ("parsed", "parts", "summaries", "compiled", "state")] + [sdir]:
        if os.path.lexists(folder) and not folder.is_dir():
            folder.unlink()
    return True


def state_dir(cache: Path, config_path: Path, output_override: Path | None) -> Path:
    """One state per (configuration, --out): builds into different folders do not disturb each other."""
    out = str(output_override.resolve()) if output_override else ""
    return cache / "state" / combine(str(config_path.resolve()), out, os.getcwd()).hex()


def today_key(environ: dict[str, str]) -> str:
    """'Today' as the build sees it (SOURCE_DATE_EPOCH when set): the front page depends on it."""
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date().isoformat()
    return dt.date.today().isoformat()


def environment_key() -> tuple:
    """Python and library versions, by the stat of each library's folder (no imports)."""
    from importlib.util import find_spec

    parts: list[object] = [sys.version, STATE_VERSION]
    for name in LIBRARIES:
        spec = find_spec(name)
        origin = spec.origin if spec and spec.origin else ""
        try:
            st = os.stat(origin)
            parts.append((name, origin, st.st_size, st.st_mtime_ns))
        except OSError:
            parts.append((name, origin))
    return tuple(parts)


def scan(roots: list[Path]) -> dict[str, tuple[int, int]]:
    """Every file under the roots (files or folders) with its size and modification time."""
    found: dict[str, tuple[int, int]] = {}
    stack = [str(r) for r in roots]
    while stack:
        path = stack.pop()
        try:
            st = os.stat(path)
        except OSError:
            continue
        if not stat.S_ISDIR(st.st_mode):
            found[path] = (st.st_size, st.st_mtime_ns)
            continue
        try:
            with os.scandir(path) as listing:
                entries = list(listing)
        except OSError:
            continue
        for entry in entries:
            if entry.name == "__pycache__":
                continue
            if entry.is_dir():
                stack.append(entry.path)
                if entry.is_symlink():  # a linked folder (maybe to outside content/): the link itself is seen
                    found[entry.path] = (NOT_A_FILE, 0)
            elif entry.is_file():
                est = entry.stat()
                found[entry.path] = (est.st_size, est.st_mtime_ns)
            if not entry.is_file() and (not entry.is_dir() or entry.name.endswith(".md")):
                found[entry.path] = (NOT_A_FILE, 0)  # a FIFO, a folder named like an item: never read, but seen
    return found


NOT_A_FILE = -1  # the size recorded for an entry that is no regular file (meetings.py reports it)


def hash_table(found: dict[str, tuple[int, int]], previous: StatTable, previous_scan_ns: int,
               workers: int = 1) -> StatTable:
    """Digests of the scanned files; unchanged stats reuse the old digest unless the file is 'racy'.
    Many files to hash (a first build) are read by `workers` processes at once."""
    todo: list[str] = []
    for path, (size, mtime) in found.items():
        old = previous.get(path)
        if size == NOT_A_FILE:
            continue
        if old is None or old[0] != size or old[1] != mtime or mtime >= previous_scan_ns - RACY_NS:
            todo.append(path)
    if workers > 1 and len(todo) >= PARALLEL_HASHING:
        import multiprocessing

        chunks = [todo[i:i + HASH_CHUNK] for i in range(0, len(todo), HASH_CHUNK)]
        with multiprocessing.get_context("fork").Pool(min(workers, len(chunks))) as pool:
            digests = [d for part in pool.imap(_digests, chunks) for d in part]
    else:
        digests = _digests(todo)
    hashed = dict(zip(todo, digests))
    table: StatTable = {}
    for path, (size, mtime) in found.items():  # in the scan's order
        if size == NOT_A_FILE:
            table[path] = (size, mtime, b"")
        elif path not in hashed:
            table[path] = previous[path]
        elif hashed[path] is not None:  # a file gone since the scan is left out
            table[path] = (size, mtime, hashed[path])  # type: ignore[assignment]
    return table


PARALLEL_HASHING = 2000  # files to hash before starting processes is worth it (a first build of a large site)
HASH_CHUNK = 500


def _digests(paths: list[str]) -> list[bytes | None]:
    """The digest of each file, None for one that cannot be read (gone since the scan)."""
    out: list[bytes | None] = []
    for path in paths:
        try:
            with open(path, "rb", buffering=0) as fh:  # unbuffered: one read of the whole file, no copy
                out.append(digest(fh.read()))
        except OSError:
            out.append(None)
    return out


def output_stamp(output: Path) -> tuple | None:
    """The identity of a published output folder (a new build gives a new folder)."""
    try:
        st = os.stat(output)
    except OSError:
        return None
    return (str(output), st.st_ino, st.st_dev, st.st_mtime_ns)


@dataclass(slots=True)
class FastRecord:
    """What the no-change check needs; builtins only, so reading it imports nothing heavy."""

    key: tuple
    roots: list[str]
    table: StatTable
    scan_ns: int
    output: tuple | None
    summary: dict = field(default_factory=dict)  # counts, output_dir, diagnostics as tuples
    files: bytes = b""  # the digest of the published files' stats (outputfiles.py): a hand edit is a change


def fast_key(config_path: Path, options_key: tuple, environ: dict[str, str]) -> tuple:
    """Everything besides files that decides the output."""
    return (STATE_VERSION, str(config_path.resolve()), os.getcwd(), options_key, today_key(environ),
            environment_key())


def read_entry(path: Path) -> object | None:
    """A cached value, or None if missing, unreadable, damaged or not of this format (a broken cache only
    costs time; nothing in it is ever run)."""
    from .cachedata import decode_entry

    try:
        with open(path, "rb", buffering=0) as fh:
            data = fh.read()
        return decode_entry(data)
    except Exception:  # noqa: BLE001 - any unreadable cache entry is simply a miss
        return None


def write_entry(path: Path, value: object) -> None:
    """Write atomically: a reader sees the old entry or the new one, never half of one."""
    from .cachedata import encode_entry

    write_entry_bytes(path, encode_entry(value))


def write_entry_bytes(path: Path, data: bytes) -> None:
    """Write an encoded entry atomically (see write_entry)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def recorded_output(cache: Path, config_path: Path, output_override: Path | None) -> tuple | None:
    """The output folder the last build with these settings published (its output_stamp), as the cache
    remembers it: how an output written before builds left their marker in it is recognised."""
    record = read_entry(state_dir(cache, config_path, output_override) / f"fast{ENTRY}")
    return record.output if isinstance(record, FastRecord) else None


def options_key(output_override: Path | None, strict: bool) -> tuple:
    """The options that change the output (besides files)."""
    return (str(output_override.resolve()) if output_override else "", strict)
