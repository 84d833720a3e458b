"""Problems in the content: what a communicator can act on, kept apart from bugs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    path: Path
    line: int  # 0: the file as a whole
    severity: Severity
    message: str  # "what is wrong; how to fix it"

    def format(self, shown_path: str) -> str:
        where = f"{shown_path}:{self.line}" if self.line else shown_path
        return f"{where}: {self.severity}: {self.message}"


class Problems:
    """Collects every problem found in one file, so all are reported, not just the first."""

    def __init__(self, path: Path):
        self.path = path
        self.items: list[Problem] = []

    def error(self, line: int, message: str) -> None:
        self.items.append(Problem(self.path, line, "error", message))

    def warning(self, line: int, message: str) -> None:
        self.items.append(Problem(self.path, line, "warning", message))

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.items)


class ContentError(Exception):
    """Raised by a stage when the content (not the code) makes an output impossible."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


# Where a problem is: the heuristics that find the line a communicator has to look at.

def line_holding(lines: list[str], *needles: str, first: int = 1) -> int | None:
    """The number of the first line holding a needle (tried in order: the likeliest first), counting the
    first of `lines` as `first`; None when no line holds one."""
    for needle in needles:
        for i, line in enumerate(lines):
            if needle and needle in line:
                return first + i
    return None


def line_starting(lines: list[str], prefix: str, first: int = 1) -> int | None:
    """The number of the first line that starts with `prefix` (a key of the front matter: 'id:')."""
    return next((first + i for i, line in enumerate(lines) if line.startswith(prefix)), None)


def first_text_line(lines: list[str], first: int = 1) -> int:
    """The first line with text: where a problem of a whole body is reported."""
    return first + next((i for i, line in enumerate(lines) if line.strip()), 0)


def file_lines(path: Path) -> list[str]:
    """A source file's lines, to find a line in; none when it cannot be read (the problem goes on line 1)."""
    try:
        return path.read_text("utf-8", "replace").split("\n")
    except OSError:
        return []
