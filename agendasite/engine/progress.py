"""Build progress: a bar and a phase summary on a terminal, plain log lines under CI or in a pipe."""

from __future__ import annotations

import os
import time
from typing import IO, Protocol


class Progress(Protocol):
    """What the build reports: phases, each with an optional total, advanced step by step."""

    def phase(self, name: str, total: int | None = None) -> None: ...
    def advance(self, steps: int = 1) -> None: ...
    def done(self, count: int | None = None) -> None: ...
    def summary(self) -> list[str]: ...


class Silent:
    """No output (library use and tests)."""

    def phase(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass

    def done(self, count: int | None = None) -> None:
        pass

    def summary(self) -> list[str]:
        return []


def silent() -> Progress:
    """A reporter that says nothing."""
    return Silent()


class _Timed:
    """Times phases; subclasses decide how to show them."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.name = ""
        self.total: int | None = None
        self.count = 0
        self.started = 0.0
        self.phases: list[tuple[str, int, float]] = []

    def phase(self, name: str, total: int | None = None) -> None:
        self.name, self.total, self.count, self.started = name, total, 0, time.perf_counter()

    def advance(self, steps: int = 1) -> None:
        self.count += steps

    def done(self, count: int | None = None) -> None:
        seconds = time.perf_counter() - self.started
        self.phases.append((self.name, self.count if count is None else count, seconds))

    def summary(self) -> list[str]:
        return [f"  {name:<28} {count:>8}  {seconds:7.2f} s" for name, count, seconds in self.phases]


class LogLines(_Timed):
    """One plain line per finished phase: readable in CI logs, no control characters."""

    def done(self, count: int | None = None) -> None:
        super().done(count)
        name, shown, seconds = self.phases[-1]
        print(f"{name}: {shown} in {seconds:.2f} s", file=self.stream, flush=True)

    def summary(self) -> list[str]:
        return []


class Bar(_Timed):
    """A redrawn progress bar for the phase under way, then a summary table of all phases."""

    WIDTH = 30

    def __init__(self, stream: IO[str]) -> None:
        super().__init__(stream)
        self.drawn = 0.0

    def advance(self, steps: int = 1) -> None:
        super().advance(steps)
        now = time.perf_counter()
        if self.total and (now - self.drawn > 0.1 or self.count >= self.total):
            self.drawn = now
            filled = int(self.WIDTH * min(self.count, self.total) / self.total)
            bar = "█" * filled + "·" * (self.WIDTH - filled)
            self.stream.write(f"\r{self.name:<28} {bar} {self.count}/{self.total}")
            self.stream.flush()

    def done(self, count: int | None = None) -> None:
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = 0.0
        super().done(count)


def for_stream(stream: IO[str], environ: dict[str, str] | None = None) -> Progress:
    """A bar on an interactive terminal; plain lines when CI=true or the stream is not a terminal."""
    environ = os.environ if environ is None else environ
    ci = environ.get("CI", "").lower() in ("true", "1", "yes")
    interactive = hasattr(stream, "isatty") and stream.isatty() and environ.get("TERM") != "dumb"
    return Bar(stream) if interactive and not ci else LogLines(stream)
