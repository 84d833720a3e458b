"""`press schedule`: an export at every moment a release becomes public, and whenever the sources change.

Nothing is trusted to a timer: the schedule looks at the clock and the sources every few seconds and
compares, so a machine that slept through a moment, or whose clock was set, exports as soon as it looks.
What the last export published and what it left for later is kept in the build cache (schedule.json), so
a schedule run again (by cron with --once, or a restarted service) knows it too.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from pipeline.build.cache import touched_since
from pipeline.build.export import Summary

STATE = "schedule.json"  # in the build cache: the --now of the last export, and the moments it left for later
MARK = "schedule.mark"  # touched as an export starts: a source saved after it is a change
RETRY = timedelta(minutes=1)  # after an export that published nothing (a broken site.yaml, a full disk)


@dataclass
class State:
    last: datetime | None = None  # when (by the clock) the last export judged what is public
    upcoming: list[datetime] = field(default_factory=list)  # when releases it held back become public
    failed: bool = False  # the last export published nothing: tried again after RETRY, or once the sources change

    @classmethod
    def read(cls, cache_dir: Path) -> State:
        """The schedule's state, or a fresh one if there is none (or it cannot be read: an export settles it)."""
        try:
            data = json.loads((cache_dir / STATE).read_text("utf-8"))
            return cls(datetime.fromisoformat(data["last"]), [datetime.fromisoformat(m) for m in data["upcoming"]],
                       bool(data.get("failed")))
        except (OSError, ValueError, KeyError, TypeError):
            return cls()

    def write(self, cache_dir: Path) -> None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        data = {"last": self.last.isoformat() if self.last else None,
                "upcoming": [m.isoformat() for m in sorted(self.upcoming)], "failed": self.failed}
        temporary = cache_dir / f".{STATE}.{os.getpid()}.tmp"
        temporary.write_text(json.dumps(data, indent=1) + "\n", "utf-8")
        os.replace(temporary, cache_dir / STATE)

    def next_moment(self) -> datetime | None:
        later = [m for m in self.upcoming if self.last is None or m > self.last]
        return min(later, default=None)


class Schedule:
    """Decides when to export; `export_at(now)` does it. `clock` and `sleep` are the real ones but in tests."""

    def __init__(self, sources: Path, cache_dir: Path, export_at: Callable[[datetime], Summary],
                 clock: Callable[[], datetime], sleep: Callable[[float], None], log: Callable[[str], None],
                 interval: float = 10.0):
        self.sources, self.cache_dir = sources, cache_dir
        self.export_at, self.clock, self.sleep, self.log = export_at, clock, sleep, log
        self.interval = interval
        self.state = State.read(cache_dir)
        self.behind = False  # the clock reads earlier than the last export: said once

    def why_now(self, now: datetime) -> str | None:
        """Why an export is due at `now`, or None when nothing is."""
        state = self.state
        if state.last is None:
            return "first export"
        if self._changed():
            return "the sources changed"
        if state.failed:
            return "trying again" if now >= state.last + RETRY else None
        passed = [m for m in state.upcoming if state.last < m <= now]
        if passed:
            return f"publication time {min(passed).isoformat(timespec='minutes')}"
        return None

    def _changed(self) -> bool:
        folders = [self.sources, self.sources.resolve().parent / "themes"]
        return touched_since(self.cache_dir / MARK, folders)

    def step(self) -> Summary | None:
        """Look once: export if a moment has passed or the sources changed since the last export."""
        clock = self.clock()
        now = clock
        if self.state.last and clock < self.state.last:
            # The clock was set back: what was published stays published, and is judged as at the last export.
            if not self.behind:
                self.log(f"the clock went back to {clock.isoformat(timespec='seconds')}; judging as at "
                         f"{self.state.last.isoformat(timespec='seconds')} until it gets there, so nothing published "
                         "is taken down")
            now = self.state.last
        self.behind = now != clock
        why = self.why_now(now)
        if why is None:
            return None
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        (self.cache_dir / MARK).touch()
        self.log(f"exporting at {now.isoformat(timespec='seconds')} ({why})")
        summary = self.export_at(now)
        upcoming = [m for m, _ in summary.upcoming] if not summary.published_nothing else self.state.upcoming
        self.state = State(now, upcoming, summary.published_nothing)
        self.state.write(self.cache_dir)
        return summary

    def nap(self) -> float:
        """Seconds until the next look: the interval, or less when a release goes out sooner."""
        seconds = self.interval
        moment = self.state.next_moment()
        if moment is not None:
            seconds = min(seconds, (moment - self.clock()).total_seconds())
        return max(seconds, 0.05)

    def run(self, after: Callable[[Summary], None] = lambda summary: None) -> None:
        """Look, export when due, sleep; until stopped (Ctrl-C, a signal)."""
        while True:
            summary = self.step()
            if summary is not None:
                after(summary)
            self.sleep(self.nap())


def offset_clock(start: datetime | None, wall: Callable[[], datetime], elapsed: Callable[[], float]) -> Callable[[], datetime]:
    """The clock a schedule reads: the wall clock; or, for a rehearsal, one that starts at `start` and runs as fast."""
    if start is None:
        return wall
    began = elapsed()
    return lambda: start + timedelta(seconds=elapsed() - began)
