"""The only module that writes to dist/: atomic writes, the manifest, removal of what is gone."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import tempfile
import threading
from pathlib import Path

import orjson

from pipeline.render.artifact import Artifact
from pipeline.render.serving import operators_own

MANIFEST = "manifest.json"
PRESS_COPIES = "press-copies.json"  # the manifest of a folder of embargoed press copies
PRESS_COPIES_INDEX = "index.html"  # what a reader of that folder opens

# Faults of the machine, not of a release: the export stops, says what to do, and publishes nothing.
MACHINE_FAULTS = {
    errno.ENOSPC: "the disk is full; free some space and export again",
    errno.EDQUOT: "the disk quota is used up; free some space and export again",
    errno.EFBIG: "a file is larger than this system lets a process write (a file-size limit, see 'ulimit -f'); "
                 "raise the limit and export again",
    errno.EROFS: "this folder is on a read-only file system; export to a folder that can be written",
    errno.EACCES: "there is no permission to write here; check the folder's owner and permissions, or export elsewhere",
    errno.EPERM: "there is no permission to write here; check the folder's owner and permissions, or export elsewhere",
}


class UnsafePath(ValueError):
    """An output path that would leave dist/: a bug, never a communicator's problem."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def target(dist: Path, relative: str) -> Path:
    path = (dist / relative).resolve()
    if not path.is_relative_to(dist.resolve()) or path == dist.resolve():
        raise UnsafePath(f"output path {relative!r} leaves the output folder")
    return path


def write(dist: Path, artifact: Artifact) -> str:
    """Write one output atomically (temporary file + rename); returns its sha256."""
    return write_bytes(dist, artifact.path, artifact.data)


def write_bytes(dist: Path, relative: str, data: bytes) -> str:
    path = target(dist, relative)
    digest = sha256(data)
    if path.is_file() and path.stat().st_size == len(data) and sha256(path.read_bytes()) == digest:
        return digest  # unchanged: keep the file (and its time) as it is
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror, str(path)) from exc  # the file meant, not its temporary name
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest


def read_manifest(dist: Path, name: str = MANIFEST) -> dict:
    """The previous build's manifest, or an empty one if there is none (or it cannot be read)."""
    try:
        data = orjson.loads((dist / name).read_bytes())
    except (OSError, ValueError):
        return {"releases": [], "feeds": []}
    return data if isinstance(data, dict) else {"releases": [], "feeds": []}


def manifest_paths(manifest: dict) -> set[str]:
    """Every file a manifest says this pipeline wrote."""
    def listed(items) -> list:  # a damaged manifest lists nothing
        items = items.values() if isinstance(items, dict) else items if isinstance(items, list) else []
        return [i.get("path") for i in items if isinstance(i, dict)]

    paths = set()
    for entry in manifest.get("releases", []):
        if isinstance(entry, dict):
            paths |= {*listed(entry.get("outputs")), *listed(entry.get("files"))}
    for key in ("feeds", "pages", "assets", "sitemaps"):
        paths |= set(listed(manifest.get(key)))
    return {p for p in paths if isinstance(p, str)}


def write_manifest(dist: Path, manifest: dict, name: str = MANIFEST) -> None:
    # orjson: the same bytes as json.dumps(indent=2, ensure_ascii=False), forty times faster for a big archive.
    write_bytes(dist, name, orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n")


def remove_stale(dist: Path, before: dict, after: dict) -> list[str]:
    """Delete files the previous build published and this one does not; never anything else (an operator's own
    robots.txt, say, put where the export's was)."""
    removed = []
    for relative in sorted(manifest_paths(before) - manifest_paths(after)):
        try:
            path = target(dist, relative)
        except UnsafePath:
            continue
        if path.is_file() and not operators_own(dist, relative):
            path.unlink()
            removed.append(relative)
            _prune_empty(path.parent, dist.resolve())
    return removed


def _prune_empty(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_relative_to(stop) and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


TAKING_IN = "taking-in"  # an output folder from before snapshots, between its two renames


class OutputRefused(Exception):
    """The output folder cannot take an export as it is; the message says why and what to do."""


class Snapshot:
    """The output folder as readers see it: always one whole export, never a mix of two.

    `dist` is a symbolic link to a folder in `.dist.snapshots/` beside it. An export writes a new
    folder, which starts as hard links to every file of the current one (no bytes are copied, and
    a file is only ever replaced, never changed in place, so the current folder is never touched),
    and then points `dist` at it with one atomic rename. Whatever stops an export (an error, a full
    disk, kill -9), `dist` still leads to the whole previous export; what was left half-made is
    removed by the next one. A web server serves `dist` (following the link). The export before the
    current one is kept until the next export starts, so that a reader who followed the link just
    before a switch (a copy to a server under way) still reads one whole export; what the new
    export took down is taken out of it too. Older folders are removed while the export works.
    """

    def __init__(self, dist: Path):
        self.named = dist  # as the operator named it, for messages
        self.previous: Path | None = None  # the export kept beside the new one: the current, as a rule
        self.dist = Path(os.path.abspath(dist))  # '-o ../x' too: a folder with a name
        self.folder = self.dist.parent / f".{self.dist.name}.snapshots"
        self.new: Path | None = None
        self.cleaning: threading.Thread | None = None  # removing older exports while this one works

    def begin(self) -> Path:
        """A new folder holding the current export, to write the next one into."""
        self._check()
        self.folder.mkdir(parents=True, exist_ok=True)
        numbers = sorted(int(p.name) for p in self.folder.iterdir() if p.name.isdigit())
        if not os.path.lexists(self.dist) and (self.folder / TAKING_IN).is_dir():
            # An export was stopped while it took in an output folder from before snapshots: that folder is
            # still the current export.
            numbers.append(1 + max(numbers, default=0))
            os.replace(self.folder / TAKING_IN, self.folder / str(numbers[-1]))
            self._switch_to(self.folder / str(numbers[-1]))
        current = self._current()
        # The export shown before this one stays, for a copy that may still read it: the one before the current,
        # or, when dist shows none of these (deleted to start over, or a folder from before snapshots), the newest.
        # The current export stays, of course; when dist shows none of these (deleted to start over, or a
        # folder from before snapshots), the newest stays instead, for a copy that may still read it. The
        # others (the one before the current, what an export that did not finish left) are removed while
        # this export works.
        self.previous = current if current is not None and current.parent == self.folder else (
            self.folder / str(numbers[-1]) if numbers else None)
        # Never a name a copy may still be reading; a folder from before snapshots takes the number before.
        taking_in = current == self.dist
        self.new = self.folder / str((2 if taking_in else 1) + max(numbers, default=0))
        self.cleaning = threading.Thread(target=self._remove_all_but, args=(self.previous, self.new), daemon=True)
        self.cleaning.start()
        if current is None:
            self.new.mkdir()
        else:
            _link_tree(current, self.new)
        return self.new

    def commit(self) -> None:
        """Point `dist` at the new export in one step; the one before it stays, any older goes."""
        assert self.new is not None
        self._cleaned()
        before = self.previous
        taking_in = self.dist.is_dir() and not self.dist.is_symlink()  # an output folder from before snapshots
        if taking_in:
            os.replace(self.dist, self.folder / TAKING_IN)
        self._switch_to(self.new)
        if taking_in:
            before = self.folder / str(int(self.new.name) - 1)
            os.replace(self.folder / TAKING_IN, before)
        if before is not None:
            _take_down(before, self.new)
        self.new = None

    def abandon(self) -> None:
        """Forget the new folder: `dist` stays as it was."""
        self._cleaned()
        if self.new is not None:
            shutil.rmtree(self.new, ignore_errors=True)
            self.new = None
        if not os.path.lexists(self.dist):  # nothing was ever published here: leave no trace
            try:
                self.folder.rmdir()
            except OSError:
                pass

    def _check(self) -> None:
        if self.dist.is_symlink() and self._own(self.dist.parent / os.readlink(self.dist)) is None:
            raise OutputRefused(f"the output folder is a link to {os.readlink(self.dist)}, not to an export of its "
                                f"own; export into that folder itself (-o {os.path.relpath(self.dist.resolve())}), "
                                "or delete the link")
        if self.dist.is_symlink():
            return
        if self.dist.is_dir() and os.path.ismount(self.dist):
            raise OutputRefused("the output folder is a mount point, which cannot be switched to a new export in "
                                f"one step; export into a folder inside it (-o {self.named / 'press'}) and serve "
                                "that folder")
        if os.path.lexists(self.dist) and not self.dist.is_dir():
            raise OutputRefused("the output folder is a file; move it away, or export elsewhere (-o)")

    def _switch_to(self, folder: Path) -> None:
        link = self.dist.parent / f".{self.dist.name}.link.tmp"
        link.unlink(missing_ok=True)
        link.symlink_to(folder.relative_to(self.dist.parent))
        os.replace(link, self.dist)
        _fsync_folder(self.dist.parent)

    def _own(self, target: Path) -> Path | None:
        """The folder of `.dist.snapshots/` that `target` is, whatever path leads there (it may be gone); None if
        `target` lies elsewhere."""
        if not target.name.isdigit():
            return None
        try:
            ours = os.path.samefile(target.parent, self.folder)
        except OSError:  # the snapshots folder is gone: judge by the path
            ours = os.path.normpath(target.parent) == os.path.normpath(self.folder)
        return self.folder / target.name if ours else None

    def _cleaned(self) -> None:
        if self.cleaning is not None:
            self.cleaning.join()
            self.cleaning = None

    def _remove_all_but(self, *kept: Path | None) -> None:
        try:
            for folder in self.folder.iterdir():
                if folder not in kept and folder.is_dir() and not folder.is_symlink():
                    shutil.rmtree(folder, ignore_errors=True)
        except OSError:  # what cannot be removed now is tried again by the next export
            pass

    def _current(self) -> Path | None:
        """The folder `dist` shows now, if any: one of `.dist.snapshots/`, or `dist` itself from before them."""
        if self.dist.is_symlink():
            own = self._own(self.dist.parent / os.readlink(self.dist))
            return own if own is not None and own.is_dir() else None
        return self.dist if self.dist.is_dir() else None


class InPlace:
    """The preview's output folder, written where it is, file by file (each still replaced whole): a save is
    seen at once, without first linking a copy of every release, as Snapshot does for dist/. Only the
    author reads a preview. A build that did not finish (an error, Ctrl-C, kill -9) leaves a mark beside the
    folder, and the next build first removes what its manifest does not list: nothing half-made stays."""

    folder = None  # no folder of snapshots

    def __init__(self, dist: Path):
        self.dist = dist
        self.mark = dist.parent / f".{dist.name}.building"

    def begin(self) -> Path:
        if self.dist.is_symlink():  # a preview written as snapshots by an earlier version: start afresh
            self.dist.unlink()
            shutil.rmtree(self.dist.parent / f".{self.dist.name}.snapshots", ignore_errors=True)
        self.dist.mkdir(parents=True, exist_ok=True)
        if self.mark.exists():
            _remove_unlisted(self.dist)
        self.mark.touch()
        return self.dist

    def commit(self) -> None:
        self.mark.unlink(missing_ok=True)

    def abandon(self) -> None:
        pass  # the mark stays: the next build tidies up


def _remove_unlisted(dist: Path) -> None:
    """Delete every file in `dist` that its manifest does not list: what a build that stopped wrote."""
    listed = manifest_paths(read_manifest(dist)) | {MANIFEST}
    for folder, _, names in os.walk(dist, topdown=False):
        for name in names:
            path = Path(folder, name)
            if path.relative_to(dist).as_posix() not in listed:
                path.unlink()
        if Path(folder) != dist and not any(Path(folder).iterdir()):
            Path(folder).rmdir()


def _take_down(kept: Path, new: Path) -> None:
    """Remove from the export kept beside the new one what the new one took down (a withdrawn release must
    not stay reachable there, where a web server serving the folder above `dist` would find it)."""
    try:
        if os.path.samefile(kept / MANIFEST, new / MANIFEST):
            return  # the same manifest: nothing was taken down
    except OSError:
        pass
    remove_stale(kept, read_manifest(kept), read_manifest(new))


def _link_tree(source: Path, target: Path) -> None:
    """`target` as a copy of `source` made of hard links (a copy where the file system has none); symbolic
    links an operator made stay symbolic links. Names are joined as text: a Path per file costs more than
    the link itself."""
    os.mkdir(target)
    todo = [(str(source), str(target))]
    while todo:
        here, there = todo.pop()
        with os.scandir(here) as entries:
            for entry in entries:
                to = os.path.join(there, entry.name)
                if entry.is_symlink():
                    os.symlink(os.readlink(entry.path), to)
                elif entry.is_dir():
                    os.mkdir(to)
                    todo.append((entry.path, to))
                else:
                    try:
                        os.link(entry.path, to)
                    except OSError as exc:
                        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
                            raise
                        shutil.copy2(entry.path, to)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
