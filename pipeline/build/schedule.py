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
from pipeline.build.output import write_bytes

STATE = "schedule.json"  # in the build cache: the --now of the last export, and the moments it left for later
MARK = "schedule.mark"  # has the time the last finished export started: a source saved after it is a change
RETRY = timedelta(minutes=1)  # after a failed export (a full disk, a worker that died) or a failed copy


@dataclass
class State:
    last: datetime | None = None  # when (by the clock) the last export judged what is public
    upcoming: list[datetime] = field(default_factory=list)  # when releases it held back become public
    retry: bool = False  # the last export failed (published nothing, or a release failed at its moment): try again
    copy_again: datetime | None = None  # when to run `after` again (copying to the web server), whose last run failed

    @classmethod
    def read(cls, cache_dir: Path) -> State:
        """The schedule's state, or a fresh one if there is none (or it cannot be read: an export settles it)."""
        try:
            data = json.loads((cache_dir / STATE).read_text("utf-8"))
            again = data.get("copy_again")
            state = cls(datetime.fromisoformat(data["last"]), [datetime.fromisoformat(m) for m in data["upcoming"]],
                        bool(data.get("retry")), datetime.fromisoformat(again) if again else None)
        except (OSError, ValueError, KeyError, TypeError):
            return cls()
        if any(moment.tzinfo is None for moment in [state.last, *state.upcoming, state.copy_again] if moment):
            return cls()
        return state

    def write(self, cache_dir: Path) -> None:
        data = {"last": self.last.isoformat() if self.last else None,
                "upcoming": [m.isoformat() for m in sorted(self.upcoming)], "retry": self.retry,
                "copy_again": self.copy_again.isoformat() if self.copy_again else None}
        write_bytes(cache_dir, STATE, (json.dumps(data, indent=1) + "\n").encode())

    def next_moment(self) -> datetime | None:
        """When the next release it held back becomes public; or, after a failure, when to try again."""
        later = [m for m in self.upcoming if self.last is None or m > self.last]
        if self.retry and self.last:
            later = [self.last + RETRY]
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

    def why_now(self, now: datetime) -> str | None:
        """Why an export is due at `now`, or None when nothing is."""
        state = self.state
        if state.last is None:
            return "first export"
        if now < state.last:
            # The clock was set back (or a rehearsal with --now ran ahead): the clock is the truth, so that a
            # clock that ran fast never keeps an embargo broken. A release whose time is ahead again is taken
            # down, and published again at its time.
            return f"the clock went back from {state.last.isoformat(timespec='seconds')}"
        if self._changed():
            return "the sources changed"
        if state.retry and now >= state.last + RETRY:
            return "trying again after a failure"
        passed = [m for m in state.upcoming if state.last < m <= now]
        if passed:
            return f"publication time {min(passed).isoformat(timespec='minutes')}"
        return None

    def _changed(self) -> bool:
        folders = [self.sources, self.sources.resolve().parent / "themes"]
        return touched_since(self.cache_dir / MARK, folders)

    def step(self) -> Summary | None:
        """Look once: export if a moment has passed or the sources changed since the last export."""
        now = self.clock()
        why = self.why_now(now)
        if why is None:
            return None
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        # The mark takes the time this export started, once it is over: a source saved while it runs is a change
        # for the next look, and so is every change an export that was stopped did not publish.
        starting = self.cache_dir / f"{MARK}.starting"
        starting.touch()
        self.log(f"exporting at {now.isoformat(timespec='seconds')} ({why})")
        summary = self.export_at(now)
        os.replace(starting, self.cache_dir / MARK)
        upcoming = self.state.upcoming if summary.published_nothing else [m for m, _ in summary.upcoming]
        # A release that failed at its moment (a worker that died, a full disk) is tried again once; one that
        # fails again waits for its source to change. An export that published nothing is tried until it does.
        retry = summary.published_nothing or (summary.failed > 0 and not why.startswith("trying again"))
        self.state = State(now, upcoming, retry, self.state.copy_again)
        self.state.write(self.cache_dir)
        return summary

    def look(self, after: Callable[[Summary | None], bool]) -> Summary | None:
        """step(), then `after` (copying to the web server, say) if it exported, or if `after` failed last time and
        a minute has passed; `after` says whether it worked. The export's summary, if there was one."""
        summary = self.step()
        again = self.state.copy_again
        if summary is not None or again is not None and self.clock() >= again:
            self.state.copy_again = None if after(summary) else self.clock() + RETRY
            if self.state.last is not None:
                self.state.write(self.cache_dir)
        return summary

    def nap(self) -> float:
        """Seconds until the next look: the interval, or less when a release goes out (or a retry is due) sooner."""
        now = self.clock()
        seconds = self.interval
        for moment in (self.state.next_moment(), self.state.copy_again):
            if moment is not None:
                seconds = min(seconds, (moment - now).total_seconds())
        return max(seconds, 0.05)

    def run(self, after: Callable[[Summary | None], bool] = lambda summary: True) -> None:
        """Look, export when due, sleep; until stopped (Ctrl-C, a signal)."""
        while True:
            self.look(after)
            self.sleep(self.nap())


def offset_clock(start: datetime | None, wall: Callable[[], datetime], elapsed: Callable[[], float]) -> Callable[[], datetime]:
    """The clock a schedule reads: the wall clock; or, for a rehearsal, one that starts at `start` and runs as fast."""
    if start is None:
        return wall
    began = elapsed()
    return lambda: start + timedelta(seconds=elapsed() - began)
