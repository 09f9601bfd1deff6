"""Atomic publishing: build into a sibling folder, swap it in only when everything succeeded."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


class StagingDir:
    """A temporary folder beside the output; `publish()` swaps it in, `discard()` removes it."""

    def __init__(self, output: Path) -> None:
        self.output = output
        output.parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=f".{output.name}.building-", dir=output.parent))

    def write(self, rel: str, data: bytes) -> None:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as fh:
            fh.write(data)

    def copy(self, rel: str, source: Path) -> None:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)

    def publish(self) -> None:
        """Replace the output folder by the staged one (the old one is removed afterwards)."""
        os.chmod(self.path, 0o755)
        old = None
        if self.output.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.old-", dir=self.output.parent))
            os.rmdir(old)
            os.replace(self.output, old)
        os.replace(self.path, self.output)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
