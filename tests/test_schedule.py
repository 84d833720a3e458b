"""press schedule: an export at every moment a release becomes public and whenever the sources change, with a clock
that may jump; and --once, for cron. The clock and the sleep are injected; the exports are real."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from conftest import press, release, write_tree
from pipeline.build.export import export as run_export
from pipeline.build.schedule import Schedule

PUBLIC = "title: Redan ute\ndate: 2026-11-26T09:00:00+01:00\n"
EMBARGOED = "title: Budget 2027\ndate: 2026-11-26T09:00:00+01:00\nembargo: 2026-11-26T10:00:00+01:00\n"
LATER = "title: Nästa vecka\ndate: 2026-12-03T08:00:00+01:00\n"


class Quiet:
    def problem(self, problem): raise AssertionError(problem)
    def begin(self, total): pass
    def advance(self): pass
    def end(self): pass
    def release(self, status, path, detail=""): pass


class Finished(Exception):
    pass


class FakeTime:
    """A clock that moves only when slept on. `events` (clock time, action), in the order they happen, happen as the
    clock passes their time; once all have, the clock runs on to `until`."""

    def __init__(self, start: datetime, until: datetime, events: list):
        self.now, self.until, self.events = start, until, events
        self.naps: list[float] = []

    def clock(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.naps.append(seconds)
        self.now += timedelta(seconds=seconds)
        while self.events and self.events[0][0] <= self.now:
            self.events.pop(0)[1](self)
        if not self.events and self.now >= self.until:
            raise Finished


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def page(project: Path, name: str) -> Path:
    return project / f"dist/2026/{name}/index.html"


def test_the_schedule_exports_at_the_embargo_on_a_change_and_through_a_clock_set_back(project):
    write_tree(project, {"sources/2026/ute.md": release(PUBLIC), "sources/2026/budget.md": release(EMBARGOED),
                         "sources/2026/later.md": release(LATER)})
    seen = []  # (the --now of each export, whether the embargoed release was published after it)

    def export_at(now: datetime):
        summary = run_export(Path("sources"), Path("dist"), now, Quiet(), jobs=1)
        seen.append((now, page(project, "budget").is_file(), page(project, "ny").is_file()))
        return summary

    def new_release(fake):
        write_tree(project, {"sources/2026/ny.md": release("title: Ny\ndate: 2026-11-26T09:30:00+01:00\n")})

    def clock_back(fake):
        fake.now = at("2026-11-26T09:50:00+01:00")

    def edit(fake):
        (project / "sources/2026/ute.md").write_text(release(PUBLIC, "Rättad text.\n"))

    fake = FakeTime(at("2026-11-26T09:58:00+01:00"), at("2026-11-26T09:57:00+01:00"), [
        (at("2026-11-26T10:01:05+01:00"), new_release),
        (at("2026-11-26T10:02:00+01:00"), clock_back),  # the clock now reads 09:50
        (at("2026-11-26T09:53:00+01:00"), edit),
    ])
    fake.until = at("2026-11-26T10:00:30+01:00")
    logged: list[str] = []
    plan = Schedule(Path("sources"), project / ".cache", export_at, fake.clock, fake.sleep, logged.append, interval=10)
    with pytest.raises(Finished):
        plan.run()

    times = [now for now, _, _ in seen]
    assert times[0] == at("2026-11-26T09:58:00+01:00")  # the first export
    assert times[1] == at("2026-11-26T10:00:00+01:00"), "an export at the very moment the embargo lifts"
    assert seen[0][1] is False and seen[1][1] is True
    # The new release is exported within one look (10 seconds) of being saved.
    assert at("2026-11-26T10:01:05+01:00") <= times[2] <= at("2026-11-26T10:01:15+01:00") and seen[2][2]
    # The clock set back to 09:50 is the truth: an export at once takes the embargoed release down (its time is
    # ahead again); the edit made at 09:53 is exported; at 10:00 the release appears again, exactly then.
    assert times[3] == at("2026-11-26T09:50:00+01:00") and seen[3][1:] == (False, True)
    assert at("2026-11-26T09:53:00+01:00") <= times[4] <= at("2026-11-26T09:53:10+01:00") and seen[4][1] is False
    assert times[5] == at("2026-11-26T10:00:00+01:00") and seen[5][1] is True
    assert len(seen) == 6, times
    assert any("(the clock went back from 2026-11-26T10:01" in line for line in logged)


def schedule(*args: str, expect: int = 0):
    return press("schedule", *args, expect=expect)


def test_once_exports_only_when_a_moment_passed_or_the_sources_changed(project):
    write_tree(project, {"sources/2026/ute.md": release(PUBLIC), "sources/2026/budget.md": release(EMBARGOED)})
    copied = project / "copied.txt"
    once = ("sources", "--once", "-j", "1", "--then", f"echo copied >> {copied}", "--now")

    first = schedule(*once, "2026-11-26T09:00:00+01:00")
    assert "(first export)" in first.stdout and "next publication: torsdag 26 november 2026 kl. 10.00 (budget)" in first.stdout
    assert not page(project, "budget").exists() and copied.read_text() == "copied\n"

    idle = schedule(*once, "2026-11-26T09:59:00+01:00")
    assert idle.stdout == "" and idle.stderr == "", "from cron, a look with nothing to do says nothing"
    assert copied.read_text() == "copied\n", "nothing exported, nothing copied"

    due = schedule(*once, "2026-11-26T10:00:30+01:00")
    assert "(publication time 2026-11-26T10:00+01:00)" in due.stdout and page(project, "budget").is_file()
    assert "new        sources/2026/budget.md" in due.stdout, "the log names what went out"
    assert copied.read_text() == "copied\n" * 2
    state = json.loads((project / ".cache/schedule.json").read_text())
    assert state["upcoming"] == [] and state["last"] == "2026-11-26T10:00:30+01:00"

    (project / "sources/2026/ute.md").write_text(release(PUBLIC, "Rättad.\n"))
    changed = schedule(*once, "2026-11-26T10:05:00+01:00")
    assert "(the sources changed)" in changed.stdout and "1 updated" in changed.stdout


def test_a_failed_copy_runs_again_a_minute_later_and_a_failed_export_is_tried_again(project):
    write_tree(project, {"sources/2026/ute.md": release(PUBLIC)})
    then = ("--then", "echo run >> runs.txt; test -f ok || { touch ok; exit 3; }")  # fails the first time only
    run = schedule("--once", "-j", "1", *then, "--now", "2026-11-26T09:00:00+01:00", expect=1)
    assert "failed (exit status 3); it runs again a minute from now, at the next look" in run.stderr
    assert "exporting" not in schedule("--once", *then, "--now", "2026-11-26T09:00:30+01:00", expect=1).stdout
    assert (project / "runs.txt").read_text() == "run\n", "not again before the minute is up"
    schedule("--once", *then, "--now", "2026-11-26T09:01:01+01:00")
    assert (project / "runs.txt").read_text() == "run\nrun\n"

    (project / "sources/site.yaml").write_text("name: [\n")
    broken = schedule("--once", "-j", "1", "--now", "2026-11-26T09:02:00+01:00", expect=1)
    assert "nothing was published" in broken.stderr
    assert "exporting" not in schedule("--once", "--now", "2026-11-26T09:02:30+01:00").stdout
    retried = schedule("--once", "--now", "2026-11-26T09:03:01+01:00", expect=1)
    assert "(trying again after a failure)" in retried.stdout


def test_a_rehearsal_ahead_of_the_clock_never_keeps_an_embargo_broken(project):
    """A schedule rehearsed with --now in the future publishes what is public then; the first real look takes it
    down again, as the clock says it is not public yet. A time without an offset is the press room's."""
    write_tree(project, {"sources/2026/ute.md": release(PUBLIC), "sources/2026/budget.md": release(EMBARGOED)})
    schedule("sources", "--once", "-j", "1", "--now", "2026-11-27T09:00")  # no offset: Europe/Stockholm
    assert page(project, "budget").is_file()
    state = json.loads((project / ".cache/schedule.json").read_text())
    assert state["last"] == "2026-11-27T09:00:00+01:00"
    back = schedule("sources", "--once", "-j", "1", "--now", "2026-11-26T09:00:00+01:00")
    assert "(the clock went back from 2026-11-27T09:00:00+01:00)" in back.stdout
    assert not page(project, "budget").exists()


def test_after_a_failure_it_waits_a_minute_to_try_again_and_does_not_spin(project):
    write_tree(project, {"sources/2026/ute.md": release(PUBLIC), "sources/site.yaml": "name: [\n"})
    exports = []

    class Said(Quiet):
        def problem(self, problem):
            pass

    def export_quietly(now):
        exports.append(now)
        return run_export(Path("sources"), Path("dist"), now, Said(), jobs=1)

    fake = FakeTime(at("2026-11-26T09:00:00+01:00"), at("2026-11-26T09:02:30+01:00"), [])
    plan = Schedule(Path("sources"), project / ".cache", export_quietly, fake.clock, fake.sleep, lambda line: None,
                    interval=10)
    with pytest.raises(Finished):
        plan.run()
    assert exports == [at("2026-11-26T09:00:00+01:00"), at("2026-11-26T09:01:00+01:00"), at("2026-11-26T09:02:00+01:00")]
    assert len(fake.naps) < 20, "it sleeps until the retry, never in a tight loop"
