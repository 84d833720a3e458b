"""`press check`: every problem an export would report, and the editorial checks, without rendering anything.

Every release is read (links and ids are judged against all of them); the ones asked
about are converted, their bodies checked, and reviewed (pipeline/editorial). Nothing
is written: no page, no PDF, no cache.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.build.export import (_linked_folders, _source_of, check_unloaded_bodies, clashes, load, press_room,
                                   release_index, unused_files)
from pipeline.build.record import Outcome, ReleaseFacts, Status, problem_lines
from pipeline.problems import Problem


BATCH = 100  # bodies per pandoc run: a check makes no HTML, so one run reads many


@dataclass
class Checked:
    """What `press check` found: every problem, in file and line order, and how many releases it checked."""

    problems: list[Problem] = field(default_factory=list)
    releases: int = 0
    stopped: bool = False  # site.yaml could not be read: nothing else was checked


def check(sources: Path, now: datetime, paths: list[Path] | None = None) -> Checked:
    """Check the releases under `sources` (or only `paths` among them) as an export at `now` would, and review them."""
    from pipeline.body.document import convert_all
    from pipeline.editorial.rules import review
    from pipeline.source.load import release_files

    site, theme, problems = press_room(sources)
    result = Checked(list(problems))
    if site is None or theme is None:
        result.stopped = True
        return result
    if now.tzinfo is None:
        now = now.replace(tzinfo=ZoneInfo(site.timezone))
    result.problems += _linked_folders(sources)
    wanted = {p.resolve() for p in paths} if paths else None

    outcomes: dict[str, Outcome] = {}
    loaded = {}
    unloaded = []
    for path in release_files(sources):
        source = _source_of(path, sources)
        release, found = load(path, site, debug=False)
        outcomes[source] = Outcome(source, path, "", Status.TO_RENDER if release else Status.FAILED,
                                   ReleaseFacts.of(release) if release else None, problem_lines(found.items))
        if release is None:
            unloaded.append(source)
        else:
            loaded[source] = release
    check_unloaded_bodies(unloaded, outcomes, site, now)
    for source, problem in clashes(outcomes, {}, {}):
        outcomes[source] = outcomes[source].with_problems(problem)
    index = release_index(outcomes, {})

    asked = [s for s, r in loaded.items() if wanted is None or r.path.resolve() in wanted]
    for start in range(0, len(asked), BATCH):
        batch = asked[start : start + BATCH]
        for source, doc in zip(batch, convert_all([loaded[s] for s in batch], site, index, now, html=False), strict=True):
            if isinstance(doc, Exception):  # a ContentError: every problem of the body
                outcomes[source] = outcomes[source].with_problems(*doc.problems)
                continue
            media = {str(p): "" for p in doc.files.values()}  # for the files no release uses
            outcomes[source] = replace(outcomes[source], media=media).with_problems(*doc.warnings, *review(doc, now))
    for source, outcome in outcomes.items():
        if wanted is None or outcome.path.resolve() in wanted:
            result.releases += 1
            result.problems += sorted((Problem(outcome.path, line, severity, message)  # type: ignore[arg-type]
                                       for line, severity, message in outcome.problems), key=lambda p: p.line)
    if wanted is None:
        result.problems += unused_files(site, outcomes)
    return result
