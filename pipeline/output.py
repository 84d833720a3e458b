"""The only module that writes to dist/: atomic writes, the manifest, removal of what is gone."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import orjson

from pipeline.artifact import Artifact

MANIFEST = "manifest.json"
PRESS_COPIES = "press-copies.json"  # the manifest of a folder of embargoed press copies


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
    for key in ("feeds", "pages", "assets"):
        paths |= set(listed(manifest.get(key)))
    return {p for p in paths if isinstance(p, str)}


def write_manifest(dist: Path, manifest: dict, name: str = MANIFEST) -> None:
    # orjson: the same bytes as json.dumps(indent=2, ensure_ascii=False), forty times faster for a big archive.
    write_bytes(dist, name, orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n")


def remove_stale(dist: Path, before: dict, after: dict) -> list[str]:
    """Delete files the previous build published and this one does not; never anything else."""
    removed = []
    for relative in sorted(manifest_paths(before) - manifest_paths(after)):
        try:
            path = target(dist, relative)
        except UnsafePath:
            continue
        if path.is_file():
            path.unlink()
            removed.append(relative)
            _prune_empty(path.parent, dist.resolve())
    return removed


def _prune_empty(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_relative_to(stop) and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
