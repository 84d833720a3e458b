"""What the build hands to its workers and what comes back: plain data, picklable and cacheable."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
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
    private: dict[str, str] = field(default_factory=dict)  # files of releases not public yet: path -> whose


def problem_data(problems: list[Problem]) -> list[list]:
    return [[p.line, p.severity, p.message] for p in problems]


def release_data(r: Release) -> dict:
    """What the build needs to know of a release without reading it again."""
    return {
        "id": r.id, "folder": r.folder, "date": r.date.isoformat(), "public": r.public_time.isoformat(),
        "embargo": r.embargo.isoformat() if r.embargo else None, "draft": r.draft,
    }
