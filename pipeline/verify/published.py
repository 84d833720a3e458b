"""`press verify`: whether a published folder is whole and sound, judged from the folder alone.

What manifest.json lists must be there with its sha256 (fixity), nothing else may
be published, every PDF must pass the archival checks and carry its source,
NewsML-G2 and ninjs must validate against the schemas this package carries, and
every feed must be readable.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

SCHEMAS = Path(__file__).resolve().parent / "schemas"
MANIFEST = "manifest.json"
UNLISTED_ALLOWED = {MANIFEST}  # the manifest does not list itself


@dataclass(frozen=True, slots=True)
class Finding:
    path: str  # relative to the published folder
    message: str  # what is wrong; what to do


@dataclass(frozen=True, slots=True)
class Listed:
    """One file the manifest lists, with what it should be and how to check its content."""

    path: str
    sha256: str
    kind: str | None  # 'pdf', 'newsml', 'ninjs', 'atom', 'rss', 'json' (a feed), or None: fixity only
    title: str = ""  # a PDF's release: its title and language, and its source's file name
    lang: str = ""
    source_name: str = ""


def listed_files(manifest: dict) -> tuple[list[Listed], list[Finding]]:
    """Every file the manifest lists, and what is wrong with the manifest itself."""
    out, findings = [], []
    for entry in _list(manifest.get("releases")):
        if not isinstance(entry, dict):
            findings.append(Finding(MANIFEST, "a release entry is not a mapping; export again to write a sound manifest"))
            continue
        source = str(entry.get("source", ""))
        for kind, output in (entry.get("outputs") or {}).items():
            out.append(_listed(output, kind, findings, title=str(entry.get("title", "")), lang=str(entry.get("lang", "")),
                               source_name=PurePosixPath(source).name))
        out += [_listed(f, None, findings) for f in _list(entry.get("files"))]
    for feed in _list(manifest.get("feeds")):
        out.append(_listed(feed, feed.get("format") if isinstance(feed, dict) else None, findings))
    for group in ("pages", "assets"):
        out += [_listed(f, None, findings) for f in _list(manifest.get(group))]
    return [f for f in out if f is not None], findings


def _listed(record, kind: str | None, findings: list[Finding], **facts) -> Listed | None:
    path = record.get("path") if isinstance(record, dict) else None
    sha = record.get("sha256") if isinstance(record, dict) else None
    if not isinstance(path, str) or not isinstance(sha, str):
        findings.append(Finding(MANIFEST, f"an entry without a path and sha256 ({str(record)[:80]}); export again to "
                                          "write a sound manifest"))
        return None
    parts = PurePosixPath(path).parts
    if not parts or PurePosixPath(path).is_absolute() or ".." in parts:
        findings.append(Finding(MANIFEST, f"'{path}' lies outside the published folder; export again to write a sound "
                                          "manifest"))
        return None
    return Listed(path, sha, kind if kind in CHECKS else None, **facts)


def _list(value) -> list:
    return value if isinstance(value, list) else []


def verify(folder: Path, jobs: int = 1, progress: Callable[[int, int], None] = lambda done, total: None) -> Iterator[Finding]:
    """Every finding about the published `folder`, in path order within each kind of check; `progress` is told
    how many of the listed files are checked, of how many."""
    try:
        manifest = json.loads((folder / MANIFEST).read_bytes())
    except FileNotFoundError:
        yield Finding(MANIFEST, "there is no manifest.json, so nothing can be verified; is this a folder press export "
                                "wrote?")
        return
    except (OSError, ValueError) as exc:
        yield Finding(MANIFEST, f"manifest.json cannot be read ({exc}); export again to write it")
        return
    if not isinstance(manifest, dict):
        yield Finding(MANIFEST, "manifest.json is not a JSON object; export again to write it")
        return
    files, findings = listed_files(manifest)
    yield from findings
    listed = {f.path for f in files}
    for path in sorted(_published(folder)):
        if path not in listed and path not in UNLISTED_ALLOWED:
            yield Finding(path, "published but not listed in manifest.json: no export wrote it; remove it, or publish it "
                                "through a release")
    todo = sorted(files, key=lambda f: f.path)
    chunks = [todo[i : i + 25] for i in range(0, len(todo), 25)]
    done = 0
    progress(done, len(todo))
    if jobs > 1 and len(chunks) > 1:
        with ProcessPoolExecutor(jobs) as pool:
            for found, count in pool.map(_check_chunk, [folder] * len(chunks), chunks):
                done += count
                progress(done, len(todo))
                yield from found
    else:
        for chunk in chunks:
            found, count = _check_chunk(folder, chunk)
            done += count
            progress(done, len(todo))
            yield from found


def _published(folder: Path) -> Iterator[str]:
    """Every file under `folder`, by its path relative to it."""
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        relative = PurePosixPath(Path(root).relative_to(folder).as_posix())
        for name in sorted(names):
            yield str(relative / name) if str(relative) != "." else name


def _check_chunk(folder: Path, files: list[Listed]) -> tuple[list[Finding], int]:
    found = []
    for listed in files:
        found += _check_file(folder, listed)
    return found, len(files)


def _check_file(folder: Path, listed: Listed) -> list[Finding]:
    path = folder / listed.path
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return [Finding(listed.path, "listed in manifest.json but missing; export again to restore it")]
    except OSError as exc:
        return [Finding(listed.path, f"cannot be read ({exc.strerror}); check its permissions")]
    if hashlib.sha256(data).hexdigest() != listed.sha256:
        return [Finding(listed.path, "its content differs from what manifest.json records (sha256): it was changed or "
                                     "damaged after the export; export again to restore it")]
    if listed.kind is None:
        return []
    return [Finding(listed.path, message) for message in CHECKS[listed.kind](data, listed)]


def _check_pdf(data: bytes, listed: Listed) -> list[str]:
    from pipeline.verify.pdf_check import Expected, check_pdf, embedded

    source = embedded(data, listed.source_name)
    if source is None:
        return [f"the PDF does not carry its source {listed.source_name}, as an archival PDF must; export again"]
    failures = check_pdf(data, Expected(title=listed.title, lang=listed.lang, source_name=listed.source_name, source=source))
    return [f"the PDF fails an archival check (PDF/A-3u, PDF/UA-1): {failure}" for failure in failures]


def _check_newsml(data: bytes, listed: Listed) -> list[str]:
    from lxml import etree

    try:
        doc = etree.fromstring(data, _xml_parser())
    except etree.XMLSyntaxError as exc:
        return [f"the NewsML-G2 item is not well-formed XML ({exc})"]
    schema = newsml_schema()
    if schema.validate(doc):
        return []
    return [f"the NewsML-G2 item does not validate against NewsML-G2 2.35: line {e.line}: {e.message}"
            for e in list(schema.error_log)[:3]]


def _check_ninjs(data: bytes, listed: Listed) -> list[str]:
    try:
        doc = json.loads(data)
    except ValueError as exc:
        return [f"the ninjs document is not JSON ({exc})"]
    errors = sorted(ninjs_validator().iter_errors(doc), key=lambda e: list(e.absolute_path))
    return [f"the ninjs document does not validate against ninjs 3.1: at /{'/'.join(map(str, e.absolute_path))}: "
            f"{e.message[:200]}" for e in errors[:3]]


def _check_atom(data: bytes, listed: Listed) -> list[str]:
    from lxml import etree

    try:
        doc = etree.fromstring(data, _xml_parser())
    except etree.XMLSyntaxError as exc:
        return [f"the Atom feed is not well-formed XML ({exc}); feed readers cannot read it"]
    schema = atom_schema()
    if schema.validate(doc):
        return []
    return [f"the Atom feed does not validate against RFC 4287: line {e.line}: {e.message}" for e in list(schema.error_log)[:3]]


def _check_rss(data: bytes, listed: Listed) -> list[str]:
    from lxml import etree

    try:
        doc = etree.fromstring(data, _xml_parser())
    except etree.XMLSyntaxError as exc:
        return [f"the RSS feed is not well-formed XML ({exc}); feed readers cannot read it"]
    if doc.tag != "rss" or doc.find("channel") is None:
        return ["the RSS feed has no <rss><channel>; feed readers cannot read it"]
    return [f"an RSS item has no {what}" for what in ("guid", "title", "link")
            if any(item.find(what) is None for item in doc.iter("item"))]


def _check_json_feed(data: bytes, listed: Listed) -> list[str]:
    try:
        doc = json.loads(data)
    except ValueError as exc:
        return [f"the JSON Feed is not JSON ({exc}); feed readers cannot read it"]
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith("https://jsonfeed.org/version/"):
        return ["the JSON Feed has no JSON Feed version; feed readers cannot read it"]
    items = doc.get("items")
    if not isinstance(items, list) or not all(isinstance(i, dict) and i.get("id") for i in items):
        return ["the JSON Feed's items are missing or lack an id"]
    return []


CHECKS: dict[str, Callable[[bytes, Listed], list[str]]] = {
    "pdf": _check_pdf, "newsml": _check_newsml, "ninjs": _check_ninjs,
    "atom": _check_atom, "rss": _check_rss, "json": _check_json_feed,
}


@cache
def _xml_parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@cache
def newsml_schema():
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(SCHEMAS / "newsml-g2" / "NewsML-G2_2.35-spec-All-Power.xsd")))


@cache
def atom_schema():
    from lxml import etree

    return etree.RelaxNG(etree.parse(str(SCHEMAS / "atom" / "atom.rng")))


@cache
def ninjs_validator():
    import jsonschema
    from referencing import Registry, Resource

    schema = json.loads((SCHEMAS / "ninjs" / "ninjs-schema_3.1.json").read_text("utf-8"))
    geojson = json.loads((SCHEMAS / "ninjs" / "GeoJSON-schema.json").read_text("utf-8"))
    # ninjs refers to GeoJSON by its public address; it is served from the package, so nothing goes to the network.
    registry = Registry().with_resource("https://geojson.org/schema/GeoJSON.json", Resource.from_contents(geojson))
    return jsonschema.Draft202012Validator(schema, registry=registry,
                                           format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
