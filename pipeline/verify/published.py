"""`press verify`: whether a published folder is whole and sound, judged from the folder alone.

What manifest.json lists must be there with its sha256 (fixity), nothing else may
be published, every PDF must pass the archival checks and carry its source,
NewsML-G2, ninjs and the sitemaps must validate against the schemas this package
carries, the news sitemap must hold what Google News asks for and list only
releases, and every feed must be readable.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import signal
import stat
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

from pipeline.render.photos import is_raster

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
    kind: str | None  # 'pdf', 'newsml', 'ninjs', 'atom', 'rss', 'json' (a feed), 'sitemap', 'news-sitemap', or None
    title: str = ""  # a PDF's release: its title and language, and its source's file name
    lang: str = ""
    source_name: str = ""
    releases: frozenset[str] = frozenset()  # a news sitemap's: the address of every release page the manifest lists


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
        out += [_listed(f, _image_kind(f), findings) for f in _list(entry.get("files"))]
    for feed in _list(manifest.get("feeds")):
        out.append(_listed(feed, feed.get("format") if isinstance(feed, dict) else None, findings))
    for group in ("pages", "assets"):
        out += [_listed(f, _image_kind(f), findings) for f in _list(manifest.get(group))]
    for sitemap in _list(manifest.get("sitemaps")):  # an export from before sitemaps lists none
        kind = SITEMAP_KINDS.get(sitemap.get("format")) if isinstance(sitemap, dict) else None
        out.append(_listed(sitemap, kind, findings, releases=_release_pages(manifest) if kind == "news-sitemap" else frozenset()))
    return [f for f in out if f is not None], findings


SITEMAP_KINDS = {"sitemap": "sitemap", "news": "news-sitemap"}  # the manifest's format -> the check's kind


def _image_kind(record) -> str | None:
    """'image' for a published raster image (checked for camera metadata), else None (its sha256 alone)."""
    path = record.get("path") if isinstance(record, dict) else None
    return "image" if isinstance(path, str) and is_raster(path) else None


def _release_pages(manifest: dict) -> frozenset[str]:
    from pipeline.paths import as_uri

    return frozenset(as_uri(e["url"]) for e in _list(manifest.get("releases"))
                     if isinstance(e, dict) and isinstance(e.get("url"), str))


def _listed(record, kind: str | None, findings: list[Finding], **facts) -> Listed | None:
    path = record.get("path") if isinstance(record, dict) else None
    sha = record.get("sha256") if isinstance(record, dict) else None
    if not isinstance(path, str) or not isinstance(sha, str):
        findings.append(Finding(MANIFEST, f"an entry has no path or no sha256 ({json.dumps(record, ensure_ascii=False)[:80]}); "
                                          "restore manifest.json from a good copy, or export again"))
        return None
    parts = PurePosixPath(path).parts
    if not path.strip(".") or any(ord(ch) < 32 for ch in path):
        findings.append(Finding(MANIFEST, f"{json.dumps(path, ensure_ascii=False)} is not the path of a file; restore "
                                          "manifest.json from a good copy, or export again"))
        return None
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
    folder = folder.resolve()  # dist is a link to the export's snapshot: what lies inside is checked link by link
    if (why := _not_a_plain_file(folder, MANIFEST)) and not why.startswith("listed"):
        yield Finding(MANIFEST, f"manifest.json {why.split(';')[0]}, so nothing can be verified; restore it from a good "
                                "copy, or export again")
        return
    try:
        manifest = json.loads((folder / MANIFEST).read_bytes())
    except FileNotFoundError:
        yield Finding(MANIFEST, "there is no manifest.json, so nothing can be verified; is this a folder press export "
                                "wrote?")
        return
    except OSError as exc:
        yield Finding(MANIFEST, f"manifest.json cannot be read ({exc.strerror}); check its permissions")
        return
    except ValueError as exc:
        yield Finding(MANIFEST, f"manifest.json is not JSON ({exc}), so nothing can be verified; restore it from a good "
                                "copy, or export again")
        return
    if not isinstance(manifest, dict) or not all(isinstance(manifest.get(k), list)
                                                 for k in ("releases", "feeds", "pages", "assets")):
        yield Finding(MANIFEST, "manifest.json is not the manifest of an export (it lacks the lists releases, feeds, "
                                "pages and assets), so nothing can be verified; restore it from a good copy, or export "
                                "again")
        return
    files, findings = listed_files(manifest)
    yield from findings
    listed = {f.path for f in files}
    for path in sorted(_published(folder)):
        if path not in listed and path not in UNLISTED_ALLOWED:
            what = "a symbolic link" if os.path.islink(folder / path) else "published"
            yield Finding(path, f"{what} but not listed in manifest.json: no export wrote it; remove it, or publish it "
                                "through a release")
    todo = sorted(files, key=lambda f: f.path)
    chunks = [todo[i : i + 25] for i in range(0, len(todo), 25)]
    done = 0
    progress(done, len(todo))
    if jobs > 1 and len(chunks) > 1:
        pool = ProcessPoolExecutor(jobs, initializer=_worker_start, initargs=(os.getpid(),))
        try:
            for found, count in pool.map(_check_chunk, [folder] * len(chunks), chunks):
                done += count
                progress(done, len(todo))
                yield from found
        except BaseException:  # Ctrl-C, or the caller stopped reading: the workers go at once
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C may not break the ending
            try:
                for process in list((pool._processes or {}).values()):
                    process.kill()
                pool.shutdown(wait=False, cancel_futures=True)
            finally:
                signal.signal(signal.SIGINT, previous)
            raise
        pool.shutdown()
    else:
        for chunk in chunks:
            found, count = _check_chunk(folder, chunk)
            done += count
            progress(done, len(todo))
            yield from found


def _worker_start(parent: int) -> None:
    """A worker ends with the command, and leaves Ctrl-C to it (the terminal sends it to every process)."""
    from pipeline.orphans import end_with

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    end_with(parent)


def _published(folder: Path) -> Iterator[str]:
    """Every file, link or other entry under `folder` (links are not followed), by its path relative to it."""
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        relative = PurePosixPath(Path(root).relative_to(folder).as_posix())
        linked = [d for d in dirs if os.path.islink(os.path.join(root, d))]
        dirs[:] = [d for d in dirs if d not in linked]
        for name in sorted(names + linked):
            yield str(relative / name) if str(relative) != "." else name


def _check_chunk(folder: Path, files: list[Listed]) -> tuple[list[Finding], int]:
    found = []
    for listed in files:
        found += _check_file(folder, listed)
    return found, len(files)


def _check_file(folder: Path, listed: Listed) -> list[Finding]:
    path = folder / listed.path
    if why := _not_a_plain_file(folder, listed.path):
        return [Finding(listed.path, why)]
    try:
        with open(path, "rb") as handle:
            if listed.kind is None:
                sha, data = hashlib.file_digest(handle, "sha256").hexdigest(), b""  # any size, a piece at a time
            else:
                data = handle.read()
                sha = hashlib.sha256(data).hexdigest()
    except OSError as exc:
        return [Finding(listed.path, f"cannot be read ({exc.strerror}); check its permissions")]
    if sha != listed.sha256:
        return [Finding(listed.path, "its content differs from what manifest.json records (sha256): it was changed or "
                                     "damaged after the export; restore it from a good copy, or export again")]
    if listed.kind is None:
        return []
    try:
        messages = CHECKS[listed.kind](data, listed)
    except Exception as exc:  # a file the export wrote, damaged in a way its parser cannot even read
        messages = [f"it cannot be read as {KIND_NAMES[listed.kind]} ({type(exc).__name__}: {str(exc)[:120]}); "
                    "restore it from a good copy, or export again"]
    return [Finding(listed.path, " ".join(message.split())) for message in messages]


def _not_a_plain_file(folder: Path, relative: str) -> str | None:
    """Why the manifest's `relative` is not a plain file of `folder` (a link, a folder, a pipe), or None.

    Nothing is followed: a link could lead out of the folder, and a pipe or a device would never end.
    """
    current = folder
    for part in PurePosixPath(relative).parts:
        current = current / part
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            return "listed in manifest.json but missing; restore it from a good copy, or export again"
        except OSError as exc:
            return f"cannot be read ({exc.strerror}); check its permissions"
        if stat.S_ISLNK(info.st_mode):
            return (f"{'is' if current == folder / relative else 'lies in'} a symbolic link, which an export never "
                    "writes (it could lead anywhere); put the file itself in its place")
    if stat.S_ISDIR(info.st_mode):
        return "is a folder where manifest.json lists a file; restore the file from a good copy, or export again"
    if not stat.S_ISREG(info.st_mode):
        return "is not a plain file (a pipe or a device); restore the file from a good copy, or export again"
    return None


KIND_NAMES = {"pdf": "a PDF", "newsml": "NewsML-G2", "ninjs": "ninjs", "atom": "an Atom feed", "rss": "an RSS feed",
              "json": "a JSON Feed", "sitemap": "a sitemap", "news-sitemap": "a news sitemap", "image": "an image"}


def _check_image(data: bytes, listed: Listed) -> list[str]:
    """A published image says nothing of where, when or with what it was taken (render/photos.py removes it)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:  # the header and metadata only: no pixel is decoded
        exif = image.getexif()
        xmp = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp") or b""
        xmp = xmp if isinstance(xmp, bytes) else xmp.encode()
        found = []
        if exif.get_ifd(0x8825) or re.search(rb"GPS(Latitude|Longitude|Altitude|Position)", xmp):
            found.append("where it was taken (GPS)")
        if any(tag in exif for tag in (0x010F, 0x0110, 0x013B, 0x0132)) or exif.get_ifd(0x8769):
            found.append("the camera, its owner or the time it was taken (EXIF)")
        if any(key in image.info for key in ("comment", "photoshop", "mp", "Author", "Comment")):
            found.append("a comment, IPTC data or a second picture")
    return [f"the image tells {' and '.join(found)}, which the export never publishes; export again, and report "
            "it if it persists"] if found else []


def _check_pdf(data: bytes, listed: Listed) -> list[str]:
    from pipeline.verify.pdf_check import Expected, check_pdf, embedded

    source = embedded(data, listed.source_name)
    if source is None:
        return [f"the PDF does not carry its source {listed.source_name}, as an archival PDF must; export again"]
    failures = check_pdf(data, Expected(title=listed.title, lang=listed.lang, source_name=listed.source_name, source=source))
    return [f"the PDF fails an archival check (PDF/A-3u, PDF/UA-1): {failure}; export it again, and report it if it "
            "persists" for failure in failures]


def _check_newsml(data: bytes, listed: Listed) -> list[str]:
    return _check_against(data, "the NewsML-G2 item", newsml_schema(), "NewsML-G2 2.35", "; export it again")


def _check_ninjs(data: bytes, listed: Listed) -> list[str]:
    try:
        doc = json.loads(data)
    except ValueError as exc:
        return [f"the ninjs document is not JSON ({exc}); export it again"]
    errors = sorted(ninjs_validator().iter_errors(doc), key=lambda e: list(e.absolute_path))
    return [f"the ninjs document does not validate against ninjs 3.1: at /{'/'.join(map(str, e.absolute_path))}: "
            f"{e.message[:200]}; export it again" for e in errors[:3]]


def _check_atom(data: bytes, listed: Listed) -> list[str]:
    return _check_against(data, "the Atom feed", atom_schema(), "RFC 4287", "; feed readers may not read it")


def _check_against(data: bytes, what: str, schema, standard: str, consequence: str) -> list[str]:
    """`data` parsed as XML and validated against `schema`: a line for each of its first three errors."""
    from lxml import etree

    try:
        doc = etree.fromstring(data, _xml_parser())
    except etree.XMLSyntaxError as exc:
        return [f"{what} is not well-formed XML ({exc}){consequence}"]
    return _validated(doc, what, schema, standard, consequence)


def _validated(doc, what: str, schema, standard: str, consequence: str) -> list[str]:
    """A line for each of the first three errors of the parsed `doc` against `schema`, by its line in the file."""
    if schema.validate(doc):
        return []
    return [f"{what} does not validate against {standard}: line {e.line}: {e.message}{consequence}"
            for e in list(schema.error_log)[:3]]


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


SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"
NEWS_MOST = 1000  # Google News reads no more of one news sitemap
# ISO 639 codes, and the two Chinese ones Google News takes
NEWS_LANGUAGE = re.compile(r"[a-z]{2,3}|zh-cn|zh-tw")
W3C_DATETIME = re.compile(r"\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d))?")


def _check_sitemap(data: bytes, listed: Listed) -> list[str]:
    return _check_against(data, "the sitemap", sitemap_schema(), "the sitemap protocol 0.9",
                          "; search engines may not read it")


def _check_news_sitemap(data: bytes, listed: Listed) -> list[str]:
    """The sitemap protocol without the news: elements (whose schema is not carried), then what Google News
    requires of each url, and that each is a release page."""
    from lxml import etree

    consequence = "; news aggregators may not read it"
    try:
        doc = etree.fromstring(data, _xml_parser())
    except etree.XMLSyntaxError as exc:
        return [f"the news sitemap is not well-formed XML ({exc}){consequence}"]
    if doc.tag != SITEMAP_NS + "urlset":
        return [f"the news sitemap's root is <{etree.QName(doc).localname}>, not the sitemap protocol's <urlset>{consequence}"]
    urls = doc.findall(SITEMAP_NS + "url")
    if not urls:
        return []  # nothing new in two days: the schema wants one url at least, but a news sitemap may list none
    plain = etree.fromstring(data, _xml_parser())
    for element in plain.xpath("//*[namespace-uri() = $ns]", ns=NEWS_NS[1:-1]):
        element.getparent().remove(element)  # what is left keeps its lines in the file
    messages = _validated(plain, "the news sitemap", sitemap_schema(), "the sitemap protocol 0.9", consequence)
    if len(urls) > NEWS_MOST:
        messages.append(f"the news sitemap lists {len(urls)} addresses, more than the {NEWS_MOST} Google News reads{consequence}")
    required = (("news:publication/news:name", "the publication's name", None),
                ("news:publication/news:language", "the publication's language", NEWS_LANGUAGE),
                ("news:publication_date", "the publication date", W3C_DATETIME),
                ("news:title", "the title", None))
    for url in urls:
        loc = (url.findtext(SITEMAP_NS + "loc") or "").strip()
        news = url.find(NEWS_NS + "news")
        if news is None:
            messages.append(f"the news sitemap's entry for {loc or 'an address'} has no <news:news>{consequence}")
            continue
        if loc not in listed.releases:
            messages.append(f"the news sitemap lists {loc or 'an empty address'}, which is no release page of "
                            f"manifest.json{consequence}")
        for path, what, form in required:
            value = (news.findtext(path.replace("news:", NEWS_NS)) or "").strip()
            if not value:
                messages.append(f"the news sitemap's entry for {loc} lacks {what} (<{path.split('/')[-1]}>){consequence}")
            elif form is not None and not form.fullmatch(value):
                messages.append(f"the news sitemap's entry for {loc} gives {what} as '{value[:40]}', which is not "
                                f"{'an ISO 639 code' if form is NEWS_LANGUAGE else 'a W3C date and time'}{consequence}")
    return messages[:10] + ([f"and {len(messages) - 10} more problems of the news sitemap"] if len(messages) > 10 else [])


CHECKS: dict[str, Callable[[bytes, Listed], list[str]]] = {
    "pdf": _check_pdf, "newsml": _check_newsml, "ninjs": _check_ninjs,
    "atom": _check_atom, "rss": _check_rss, "json": _check_json_feed,
    "sitemap": _check_sitemap, "news-sitemap": _check_news_sitemap, "image": _check_image,
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
def sitemap_schema():
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemaps" / "sitemap.xsd")))


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
