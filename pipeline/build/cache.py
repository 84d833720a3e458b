"""The build cache: what each release produced last time, so unchanged releases are not rendered again.

One JSON file per release, named by a key that covers everything its outputs
depend on: the pipeline version, site.yaml, the theme files and the release's
own bytes (its media are checked by their hashes, recorded in the entry), and
one more with what feeds say of it, read only when a feed is rebuilt. The
cache lives outside dist/, may be deleted at any time, and is never trusted
blindly: an entry that cannot be read, or whose key or version does not match,
is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import orjson

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


STAMP = "exported"  # touched at the end of every export


def touched_since(mark: Path, folders: list[Path]) -> bool:
    """Whether any file or folder in `folders` was modified after `mark` was (or `mark` is missing)."""
    try:
        since = mark.stat().st_mtime_ns
    except OSError:
        return True
    todo = [str(f) for f in folders if f.is_dir()]
    try:
        while todo:
            with os.scandir(todo.pop()) as entries:
                for entry in entries:
                    if entry.stat(follow_symlinks=False).st_mtime_ns > since:
                        return True
                    if entry.is_dir(follow_symlinks=False):
                        todo.append(entry.path)
    except OSError:  # a folder that cannot be read: the export says so when it reads the sources
        return True
    return False


def stamp(path: Path) -> list[int]:
    """Size and modification time: enough to see that nobody touched a file since it was recorded."""
    info = path.stat()
    return [info.st_size, info.st_mtime_ns]


def unchanged(path: str, sha256: str, stamp: list[int] | None) -> bool:
    """The file is as recorded: the same size and time (cheap), or else the same bytes."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    return stamp == [info.st_size, info.st_mtime_ns] or file_digest(Path(path)) == sha256


class FileDigests:
    """The sha256 of files read again and again (a theme's fonts, for every export), kept in `memo` with what
    identifies the file's content: size, inode and both its times. A file written since has another change
    time, which no one can set back; only then is it read again."""

    def __init__(self, memo: Path):
        self.memo = memo
        try:
            self.known: dict[str, list] = orjson.loads(memo.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            self.known = {}
        self.changed = False

    def sha256(self, path: str) -> str:
        info = os.stat(path)
        mark = [info.st_size, info.st_ino, info.st_mtime_ns, info.st_ctime_ns]
        kept = self.known.get(path)
        if not (isinstance(kept, list) and len(kept) == 5 and kept[:4] == mark):
            with open(path, "rb") as file:
                kept = self.known[path] = [*mark, hashlib.sha256(file.read()).hexdigest()]
            self.changed = True
        return kept[4]

    def save(self) -> None:
        if not self.changed:
            return
        try:  # only time is lost when it cannot be kept (a read-only checkout, a full disk)
            self.memo.parent.mkdir(parents=True, exist_ok=True)
            part = self.memo.with_name(f".{self.memo.name}.{os.getpid()}")
            part.write_bytes(orjson.dumps(self.known, option=orjson.OPT_SORT_KEYS))
            os.replace(part, self.memo)
        except OSError:
            pass


class Remembered:
    """Release entries a long-lived process (press serve) keeps in memory between builds, so that an unchanged
    release is taken without reading its file again; what a build did not use is forgotten after it.

    An entry is shared with the outcomes made from it, as a read from the file would not be: nothing may
    change an entry or what it holds (outcomes are frozen, and replaced, never changed).
    """

    def __init__(self) -> None:
        self.entries: dict[str, dict] = {}
        self.this_build: dict[str, dict] = {}

    def get(self, key: str) -> dict | None:
        entry = self.entries.get(key)
        if entry is not None:
            self.this_build[key] = entry
        return entry

    def put(self, key: str, entry: dict) -> None:
        self.entries[key] = self.this_build[key] = entry

    def end_build(self) -> None:
        self.entries, self.this_build = self.this_build, {}


class Cache:
    def __init__(self, folder: Path, salt: str, remembered: Remembered | None = None):
        self.folder = folder
        self.salt = digest(__version__, salt)
        self.remembered = remembered

    def key(self, source: str, data: bytes) -> str:
        return digest(self.salt, source, data)

    def has(self, key: str) -> bool:
        """Whether there is an entry for `key` at all (cheap: it is not read)."""
        if self.remembered is not None and key in self.remembered.entries:
            return True
        return self._path("releases", key).is_file()

    def get(self, key: str) -> dict | None:
        if self.remembered is None:
            return self._read("releases", key)
        entry = self.remembered.get(key)
        if entry is None and (entry := self._read("releases", key)) is not None:
            self.remembered.put(key, entry)
        return entry

    def put(self, key: str, entry: dict) -> None:
        written = self._write("releases", key, entry)
        if self.remembered is not None:
            self.remembered.put(key, written)

    def item(self, key: str) -> dict | None:
        """What the feeds say of a release, as feeds.feed_item made it."""
        return self._read("items", key)

    def put_item(self, key: str, item: dict) -> None:
        self._write("items", key, item)

    def checked(self, key: str) -> dict | None:
        """What `press check` found of a release (build.check.Found)."""
        return self._read("checked", key)

    def put_checked(self, key: str, entry: dict) -> None:
        self._write("checked", key, entry)

    def collection(self) -> dict[str, list]:
        """Path of each listing page, feed and asset -> [digest of its inputs, sha256, stamp of the file written].

        A record of any other shape is left out, so the file it describes is made again.
        """
        files = (self._read("", "collection") or {}).get("files")
        return {
            path: record for path, record in (files.items() if isinstance(files, dict) else ())
            if isinstance(record, list) and len(record) == 3 and all(isinstance(x, str) for x in record[:2])
            and isinstance(record[2], list) and len(record[2]) == 2 and all(isinstance(x, int) for x in record[2])
        }

    def put_collection(self, files: dict[str, list]) -> None:
        self._write("", "collection", {"files": files})

    def _read(self, kind: str, key: str) -> dict | None:
        try:
            entry = orjson.loads(self._path(kind, key).read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key or entry.get("version") != __version__ \
                or entry.get("salt") != self.salt:
            return None  # foreign or stale: rebuild
        return entry

    def _write(self, kind: str, key: str, entry: dict) -> dict:
        """Write the entry with what says whose it is; that whole entry, as a read gives it back."""
        path = self._path(kind, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        whole = {**entry, "key": key, "version": __version__, "salt": self.salt}
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(orjson.dumps(whole))
        os.replace(tmp, path)
        return whole

    def _path(self, kind: str, key: str) -> Path:
        return self.folder / "collection.json" if kind == "" else self.folder / kind / key[:2] / f"{key}.json"
