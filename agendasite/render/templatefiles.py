"""Where templates come from: only files inside the template folders, and compiled code only if we wrote it.

A template name with `..` or a leading `/`, and a template (or a folder of templates) that is a link to
a file outside its folder, are refused with the template's name: an override must not read
`/etc/passwd` into a page. A template that is not UTF-8 is refused at the line of its first bad byte.

Compiled templates are Python code (marshal): Jinja's file cache would run whatever a writer of the
cache folder put there. Here each compiled template carries an HMAC made with a key kept outside the
cache folder (`$XDG_CONFIG_HOME/agendasite/template-cache.key`, made on first use); a file without a
valid one is compiled again from its source, never loaded. Without a writable key folder there is no
compiled-template cache.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import posixpath
import secrets
import stat
from pathlib import Path
from typing import Callable

from jinja2 import BaseLoader, Environment, TemplateError, TemplateNotFound
from jinja2.bccache import Bucket, BytecodeCache

MAC_SIZE = 32  # HMAC-SHA256


class TemplateRefused(TemplateError):
    """A template the build does not read; its file (and line) and the fix are in the message."""

    def __init__(self, message: str, filename: str, lineno: int | None, hint: str) -> None:
        super().__init__(message)
        self.filename = filename
        self.lineno = lineno
        self.hint = hint


class ConfinedLoader(BaseLoader):
    """Jinja's FileSystemLoader, but every file it reads lies inside its folder once links are resolved."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = str(folder)

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = template_path(template)
        filename = posixpath.join(self.folder, *pieces)
        if not os.path.isfile(filename):
            if os.path.islink(filename) and not inside_folder(filename, self.folder):
                raise _outside(template, filename)
            raise TemplateNotFound(template)
        if not inside_folder(filename, self.folder):
            raise _outside(template, filename)
        with open(filename, "rb") as fh:
            data = fh.read()
        try:
            contents = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            raise TemplateRefused(f"the template {display(filename)} is not UTF-8 (byte 0x{data[exc.start]:02x} "
                                  f"on line {line})", display(filename), line,
                                  "save the template as UTF-8 (in most editors: Save with encoding, UTF-8)") from None
        mtime = os.path.getmtime(filename)

        def uptodate() -> bool:
            try:
                return os.path.getmtime(filename) == mtime
            except OSError:
                return False

        return contents, os.path.normpath(filename), uptodate


def template_path(template: str) -> list[str]:
    """The segments of a template's name; a name that climbs out of the template folders is refused."""
    if template.startswith("/") or "\\" in template or any(p == ".." for p in template.split("/")) \
            or "\x00" in template:
        raise TemplateRefused(f"the template name {template!r} points outside the template folders", template,
                              None, "name a template by its path inside templates/ (or `!default/` and the name "
                                    "of a built-in template), without `..` or a leading `/`")
    return [p for p in template.split("/") if p and p != "."]


def inside_folder(path: str, folder: str) -> bool:
    """Whether `path`, links resolved, lies inside `folder` (links resolved too)."""
    root = os.path.realpath(folder)
    return os.path.commonpath([root, os.path.realpath(path)]) == root


def _outside(template: str, filename: str) -> TemplateRefused:
    return TemplateRefused(f"the template {display(filename)} is a link to a file outside the template folders",
                           display(filename), None, "put a copy of the template inside templates/ instead of a "
                                                    "link (templates are read from the template folders only)")


def display(path: str) -> str:
    """A path as messages show it: relative to the working folder when it lies below it."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


class KeyedBytecodeCache(BytecodeCache):
    """Compiled templates in the cache folder, each with an HMAC by a key kept elsewhere (see the module)."""

    def __init__(self, folder: Path, key: bytes) -> None:
        self.folder = folder
        self.key = key

    def _path(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}.cache"

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            data = self._path(bucket).read_bytes()
        except OSError:
            return
        mac, code = data[:MAC_SIZE], data[MAC_SIZE:]
        if len(mac) == MAC_SIZE and hmac.compare_digest(mac, hmac.new(self.key, code, hashlib.sha256).digest()):
            bucket.bytecode_from_string(code)  # written by this user's builds: the same as compiling it

    def dump_bytecode(self, bucket: Bucket) -> None:
        code = bucket.bytecode_to_string()
        path = self._path(bucket)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_bytes(hmac.new(self.key, code, hashlib.sha256).digest() + code)
            os.replace(tmp, path)
        except OSError:
            tmp.unlink(missing_ok=True)


def _read_key(key_file: Path) -> bytes:
    """The key's bytes, read only from a regular file and only its start (a link to /dev/zero hung the build)."""
    with open(key_file, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise OSError(f"{key_file} is not a regular file")
        return fh.read(4096)


def compiled_cache(folder: Path, environ: dict[str, str]) -> KeyedBytecodeCache | None:
    """The compiled-template cache in `folder`, or None when no key can be kept outside it."""
    home = environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    key_file = Path(home) / "agendasite" / "template-cache.key"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if inside_folder(str(key_file.parent), str(folder)) or inside_folder(str(folder), str(key_file.parent)):
            return None  # the key would lie beside the entries it protects
        try:
            key = _read_key(key_file)
        except FileNotFoundError:
            key_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32))
            key = _read_key(key_file)
    except OSError:
        return None
    return KeyedBytecodeCache(folder, key) if len(key) >= 32 else None
