"""`press check`: every problem an export would report, and the editorial checks, without rendering anything.

Every release is known (links and ids are judged against all of them); the ones asked
about are converted, their bodies checked, and reviewed (pipeline/editorial). Nothing
is published. What a release was found to be is kept in the build cache, keyed like the
export's entries, so that after one edit only that release is read again; and what an
export kept of a release, its review included, is taken as it stands, so that a check
after an export converts nothing the export converted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.build.cache import Cache, file_digest, stamp, unchanged
from pipeline.build.export import (_bytes_of, _linked_folders, _public_for, _salt, _source_of, check_unloaded_bodies,
                                   clashes, load, press_room, release_index, unused_files)
from pipeline.build.record import Outcome, ProblemLine, ReleaseFacts, Status, problem_lines
from pipeline.problems import Problem

BATCH = 100  # bodies per pandoc run: a check makes no HTML, so one run reads many


@dataclass
class Checked:
    """What `press check` found: every problem, in file and line order, and how many releases it checked."""

    problems: list[Problem] = field(default_factory=list)
    releases: int = 0
    stopped: bool = False  # site.yaml could not be read: nothing else was checked


@dataclass(frozen=True, slots=True)
class Found:
    """A release as a check found it, kept in the build cache: all but what depends on the time of the check."""

    facts: ReleaseFacts | None  # None: it could not be read
    problems: tuple[ProblemLine, ...]  # the export's and the editorial ones
    timing: dict | None  # its date and embargo and their lines (editorial.rules.Timing)
    links: dict[str, list]  # releases it links to: source -> what the link relied on
    media: dict[str, str | None]  # files it uses: path -> sha256
    media_stamps: dict[str, list[int]]

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Found | None:
        try:
            facts = data["facts"]
            return cls(ReleaseFacts(**facts) if facts else None, tuple(tuple(p) for p in data["problems"]),
                       data["timing"], data["links"], data["media"], data["media_stamps"])
        except (KeyError, TypeError, ValueError):
            return None

    def intact(self) -> bool:
        return all(unchanged(p, sha or "", self.media_stamps.get(p)) for p, sha in self.media.items())


def check(sources: Path, now: datetime, paths: list[Path] | None = None, cache_dir: Path | None = None,
          jobs: int = 1) -> Checked:
    """Check the releases under `sources` (or only `paths` among them) as an export at `now` would, and review them."""
    from pipeline.editorial.rules import Timing, timely
    from pipeline.render.pages import template_problems
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
    cache_dir = cache_dir or sources.resolve().parent / ".cache"
    cache = Cache(cache_dir, _salt(site, theme, cache_dir))
    result.problems += template_problems(theme, cache_dir / "templates")  # an export would publish nothing

    found: dict[str, Found] = {}
    keys: dict[str, str] = {}
    paths_of: dict[str, Path] = {}
    for path in release_files(sources):
        source = _source_of(path, sources)
        keys[source], paths_of[source] = cache.key(source, _bytes_of(path)), path
        known = _checked(cache, keys[source]) or _exported(cache, keys[source], path)
        if known and known.intact():
            found[source] = known
    todo = [s for s in paths_of if s not in found]
    found |= _read(todo, paths_of, site, now, known=_as_outcomes(found, paths_of), jobs=jobs, theme=theme)

    outcomes = _as_outcomes(found, paths_of)
    index = release_index(outcomes, {})
    clashing = clashes(outcomes, {}, {})
    # A release whose links relied on another that moved or changed its time, or is not public now, is read again.
    stale = [s for s, f in found.items() if s not in todo and f.facts and any(
        index.get(t) != v or not _public_for(v, outcomes[s], now) for t, v in f.links.items())]
    found |= _read(stale, paths_of, site, now, index=index, jobs=jobs, theme=theme)
    for source in set(todo) | set(stale):
        if not any(severity == "error" for _, severity, _ in found[source].problems):
            # One with an error is read again next time: what it relied on (a linked release, say) is not kept.
            try:
                cache.put_checked(keys[source], found[source].to_json())
            except OSError:  # a cache that cannot be written (a read-only checkout, a full disk) only costs time
                pass

    for source, problem in clashing:
        found[source] = replace(found[source], problems=found[source].problems + (problem,))
    for source in paths_of:  # in file order, whatever was read again
        known = found[source]
        path = paths_of[source]
        if wanted is not None and path.resolve() not in wanted:
            continue
        result.releases += 1
        said = [Problem(path, line, severity, message) for line, severity, message in known.problems]  # type: ignore[arg-type]
        if known.timing:
            said += timely(path, Timing(**known.timing), site.check, now)
        result.problems += sorted(said, key=lambda p: p.line)
    if wanted is None:
        result.problems += unused_files(site, outcomes)
    return result


def _checked(cache: Cache, key: str) -> Found | None:
    """What an earlier check found of the release, as it is now."""
    entry = cache.checked(key)
    known = Found.from_json(entry) if entry else None
    return known if known and known.facts else None


def _exported(cache: Cache, key: str, path: Path) -> Found | None:
    """What the last export found of the release, as it is now, with the review it kept: converted and judged
    there, it need not be here. (A draft is not converted by an export, and one that failed is read again.)"""
    entry = cache.get(key)
    exported = Outcome.from_json(entry, path, key) if entry else None
    if exported is None or exported.review is None or exported.status not in (Status.PUBLISHED, Status.NOT_PUBLIC_YET):
        return None
    review = exported.review
    return Found(exported.release, exported.problems + tuple(tuple(p) for p in review["problems"]), review["timing"],
                 exported.links, dict(exported.media), dict(exported.media_stamps))


def _as_outcomes(found: dict[str, Found], paths_of: dict[str, Path]) -> dict[str, Outcome]:
    """What the export's functions for ids, addresses, links and unused files read, from what a check found."""
    return {s: Outcome(s, paths_of[s], "", Status.TO_RENDER if f.facts else Status.FAILED, f.facts, f.problems,
                       media={p: sha or "" for p, sha in f.media.items()}) for s, f in found.items()}


def _read(sources: list[str], paths_of: dict[str, Path], site, now: datetime, known: dict[str, Outcome] | None = None,
          index: dict[str, list | None] | None = None, jobs: int = 1, theme=None) -> dict[str, Found]:
    """Load, convert (without HTML) and review these releases; their findings. Links are judged by `index`, or
    else by where these and the `known` releases are. Many are converted in `jobs` processes, a batch each.
    With the `theme`, a character none of its fonts has is found (in the source; the export finds it in the page)."""
    if not sources:
        return {}
    from pipeline.render.fonts import coverage

    fonts = coverage(theme) if theme else None
    outcomes: dict[str, Outcome] = {}
    loaded = {}
    for source in sources:
        release, problems = load(paths_of[source], site, debug=False)
        outcomes[source] = Outcome(source, paths_of[source], "", Status.TO_RENDER if release else Status.FAILED,
                                   ReleaseFacts.of(release) if release else None, problem_lines(problems.items))
        if release is not None:
            loaded[source] = release
    unloaded = [s for s in sources if s not in loaded]
    every = {**(known or {}), **outcomes}
    check_unloaded_bodies(unloaded, every, site, now)
    outcomes |= {source: every[source] for source in unloaded}
    index = index if index is not None else release_index(every, {})
    out = {s: Found(None, outcomes[s].problems, None, {}, {}, {}) for s in unloaded}
    names = list(loaded)
    batches = [[(s, loaded[s], outcomes[s].problems) for s in names[i : i + BATCH]] for i in range(0, len(names), BATCH)]
    if jobs > 1 and len(batches) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from pipeline.orphans import ending_with_this_process

        with ProcessPoolExecutor(min(jobs, len(batches)), mp_context=multiprocessing.get_context("fork"),
                                 initializer=ending_with_this_process()) as pool:
            for found in pool.map(_convert_batch, batches, [site] * len(batches), [index] * len(batches),
                                  [now] * len(batches), [fonts] * len(batches)):
                out |= found
    else:
        for batch in batches:
            out |= _convert_batch(batch, site, index, now, fonts)
    return out


def _convert_batch(batch: list[tuple], site, index: dict[str, list | None], now: datetime, fonts=None) -> dict[str, Found]:
    """(source, release, problems of reading it) each -> what the check found of it, its body converted and reviewed."""
    from pipeline.body.document import convert_all
    from pipeline.editorial.rules import Timing, review
    from pipeline.render.fonts import missing_problems

    out = {}
    docs = convert_all([release for _, release, _ in batch], site, index, now, html=False)
    for (source, release, read), doc in zip(batch, docs, strict=True):
        files = sorted({str(p) for p in release.named_files})
        if isinstance(doc, Exception):  # a ContentError: every problem of the body
            problems, links = read + problem_lines(doc.problems), {}
        else:
            missing = fonts.missing(release.source_bytes.decode("utf-8", "replace")) if fonts else []
            problems = read + problem_lines([*doc.warnings, *review(doc), *missing_problems(missing, release.path, site.path)])
            files = sorted({*files, *(str(p) for p in doc.files.values())})
            links = doc.links
        out[source] = Found(ReleaseFacts.of(release), problems, asdict(Timing.of(release)), links,
                            {p: file_digest(Path(p)) for p in files}, {p: _stamp(p) for p in files})
    return out


def _stamp(path: str) -> list[int]:
    try:
        return stamp(Path(path))
    except OSError:
        return [-1, -1]
