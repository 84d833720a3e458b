"""What a render stage produces: bytes destined for one path under dist/."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Artifact:
    path: str  # POSIX path relative to dist/
    data: bytes = b""
    kind: str | None = None  # the manifest's format name ("html", "pdf", "txt", ...); None for media files
