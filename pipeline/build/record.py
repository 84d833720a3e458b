"""What the build hands to the work on releases, and what comes back: the Outcome of each release.

An Outcome is plain, frozen data: the build cache keeps it as JSON for the next
export, and the report, the listings and the manifest are made from it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.source.model import Release, Site
    from pipeline.problems import Problem
    from pipeline.render.theme import Theme

CHUNK = 10  # releases per task; pandoc starts twice per task


@dataclass(frozen=True, slots=True)
class Settings:
    site: Site
    theme: Theme
    dist: Path
    now: datetime
    embargoed: Path | None
    debug: bool
    compiled: Path  # compiled templates, in the build cache
    photos: Path  # press photos' published files, in the build cache (render/photos.py)
    private: dict[str, str] = field(default_factory=dict)  # files of releases not public yet: path -> whose
    preview: bool = False  # press serve: drafts and releases not public yet are shown too, each with a banner


class Status(StrEnum):
    """What became of a release in an export."""

    TO_RENDER = "to render"  # loaded, waiting to be converted and printed (only while the export runs)
    PUBLISHED = "published"
    NOT_PUBLIC_YET = "not public yet"  # under embargo, or dated later than --now: converted, not published
    DRAFT = "draft"  # not converted; its files are known
    FAILED = "failed"  # its problems say why


ProblemLine = tuple[int, str, str]  # (line, severity, message) of a Problem, for the cache


@dataclass(frozen=True, slots=True)
class ReleaseFacts:
    """What the build needs to know of a release without reading it again: where it goes and when."""

    id: str
    folder: str  # where it is published under dist/: '2026/budget-2027'
    public: str  # when it may be shown (its embargo, else its date), ISO 8601
    draft: bool

    @classmethod
    def of(cls, r: Release) -> ReleaseFacts:
        return cls(r.id, r.folder, r.public_time.isoformat(), r.draft)

    @property
    def public_time(self) -> datetime:
        return datetime.fromisoformat(self.public)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One release in one export: its status, its problems, and what it used and published."""

    source: str  # 'sources/2026/budget.md', as the manifest names it
    path: Path  # its file
    key: str  # its build-cache key
    status: Status
    release: ReleaseFacts | None = None  # None: it could not be read
    problems: tuple[ProblemLine, ...] = ()
    media: dict[str, str] = field(default_factory=dict)  # files it uses: path -> sha256
    media_stamps: dict[str, list[int]] = field(default_factory=dict)  # their size and time, to see them unchanged
    links: dict[str, list] = field(default_factory=dict)  # releases it links to: source -> where they were, when
    entry: dict | None = None  # its entry in the manifest, once published
    stamps: dict[str, list[int]] = field(default_factory=dict)  # size and time of each output written to dist/
    press_copy: dict | None = None  # the embargoed copy for agencies: source, embargo, files
    # What `press check` adds, its editorial 'problems' and 'timing': kept for a release converted by an export
    # (published or not public yet), None in a preview and for a draft or a release that failed.
    review: dict | None = None
    item: dict | None = None  # what the feeds say of it, when just published: kept in the cache apart from this
    cached: bool = False  # taken from the build cache, not rendered in this export

    def to_json(self) -> dict:
        """The build cache's copy: everything but the feed item (kept apart) and what only this export knows."""
        data = asdict(self)
        for name in ("item", "cached", "path", "key"):
            del data[name]
        return data

    @classmethod
    def from_json(cls, data: dict, path: Path, key: str) -> Outcome | None:
        """A cached outcome, or None when the entry has another shape (written by other code): render again."""
        try:
            known = {f.name for f in fields(cls)} - {"item", "cached", "path", "key"}
            if set(data) - {"key", "version", "salt"} != known:
                return None
            facts = data["release"]
            outcome = cls(**{name: data[name] for name in known}, path=path, key=key, cached=True)
            return replace(outcome, status=Status(data["status"]), problems=tuple(tuple(p) for p in data["problems"]),
                            release=ReleaseFacts(**facts) if facts is not None else None)
        except (TypeError, ValueError, KeyError):
            return None

    def with_problems(self, *more: Problem | ProblemLine) -> Outcome:
        """This outcome with more problems after its own."""
        return replace(self, problems=self.problems + problem_lines(more))


def problem_lines(problems) -> tuple[ProblemLine, ...]:
    return tuple(p if isinstance(p, tuple) else (p.line, p.severity, p.message) for p in problems)
