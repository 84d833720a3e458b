"""The build cache: what each release produced last time, so unchanged releases are not rendered again.

One JSON file per release, named by a key that covers everything its outputs
depend on: the pipeline version, site.yaml, the theme files and the release's
own bytes (its media are checked by their hashes, recorded in the entry). The
cache lives outside dist/, may be deleted at any time, and is never trusted
blindly: an entry that cannot be read, or whose key or version does not match,
is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from pipeline import __version__


def digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class Cache:
    def __init__(self, folder: Path, salt: str):
        self.folder = folder / "releases"
        self.salt = digest(__version__, salt)

    def key(self, source: str, data: bytes) -> str:
        return digest(self.salt, source, data)

    def get(self, key: str) -> dict | None:
        try:
            entry = json.loads((self.folder / f"{key[:2]}/{key}.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key or entry.get("version") != __version__:
            return None  # foreign or stale: rebuild
        return entry

    def put(self, key: str, entry: dict) -> None:
        path = self.folder / f"{key[:2]}/{key}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({**entry, "key": key, "version": __version__}, handle, ensure_ascii=False)
        os.replace(tmp, path)
