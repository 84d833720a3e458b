"""The work on releases that changed, in the parent: convert, lay out, and write once the PDF is printed.

A release goes through prepare_chunk (pandoc for a batch, the printable page),
then a printer makes its PDF in a worker, then publish writes every output.
What became of a release is its Outcome (build/record.py), which is also what
the build cache keeps for next time.
"""

from __future__ import annotations

import hashlib
import os
import re
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path

from pipeline.render.artifact import Artifact
from pipeline.build.cache import stamp
from pipeline.body.pandoc import PandocFailed
from pipeline.body.document import Document, convert_all, line_naming
from pipeline.editorial.rules import Timing, review
from pipeline.render.feeds import feed_item
from pipeline.render.fonts import FontCoverage, coverage, missing_problems, with_scripts
from pipeline.source.model import Release, Site
from pipeline.render.newsml import render_newsml
from pipeline.build.record import Outcome, ProblemLine, Settings, Status, problem_lines
from pipeline.render.ninjs import render_ninjs
from pipeline.build.output import MACHINE_FAULTS, write
from pipeline.render.pages import Downloads, environment_for, preview_banner, render_release_page
from pipeline.paths import file_href, pdf_name, public_url, site_file_path, text_path
from pipeline.render.photos import RASTER, Credits, PhotoFailed, is_raster, logo_file, photo
from pipeline.render.printjob import Printed, PrintJob, embedded_for
from pipeline.problems import ContentError, Problem, file_lines, first_text_line, line_holding
from pipeline.render.theme import PRINT_STYLESHEETS, Theme
from pipeline.render.wiretext import text_of
from pipeline.labels import labels, weekday_date_time


@dataclass(slots=True)
class Prepared:
    """A release converted and laid out, waiting for its PDF from a printer."""

    outcome: Outcome  # still to render: what it uses, and the problems met in reading it
    warnings: tuple[ProblemLine, ...]  # the body's, said once it is published
    doc: Document
    job: PrintJob
    press_copy: bool = False  # printed for the embargoed press copy, not for dist/


def prepare_chunk(todo: list[tuple[Release, Outcome]], settings: Settings, index: dict[str, list]) -> list[Prepared | Outcome]:
    """Convert a batch of releases (two pandoc starts); each becomes Prepared, or an Outcome if it is done already.

    `index` says where every other release is published, for links between releases.
    """
    env = environment_for(settings.theme, settings.compiled)
    out: list[Prepared | Outcome] = []
    docs = _convert_apart([release for release, _ in todo], settings, index)
    for (release, outcome), doc in zip(todo, docs, strict=True):
        try:
            if isinstance(doc, Exception):
                raise doc
            media = sorted(doc.files.values())
            outcome = replace(outcome, links=doc.links,
                              media={str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in media},
                              media_stamps={str(p): stamp(p) for p in media},
                              review=None if settings.preview else editorial_review(doc, settings.debug))
            doc = with_photos(doc, settings.photos, outcome.media)
            warnings = problem_lines(doc.warnings)
            if settings.preview or release.is_public(settings.now):
                out.append(Prepared(outcome, warnings, doc, print_job(doc, env, settings.theme, settings.photos,
                                                                      _banner(doc, settings))))
                continue
            if wants_press_copy(release, settings):  # printed too: agencies get everything a journalist gets
                try:
                    job = print_job(doc, env, settings.theme, settings.photos, embargo_notice(doc), press_copy=True)
                except ContentError as exc:  # no press copy; the release itself still waits for its time
                    out.append(replace(outcome, status=Status.NOT_PUBLIC_YET).with_problems(*warnings, *exc.problems))
                    continue
                out.append(Prepared(outcome, warnings, doc, job, press_copy=True))
                continue
            out.append(replace(outcome, status=Status.NOT_PUBLIC_YET).with_problems(*warnings))
        except Exception as exc:
            out.append(_failed(outcome, exc, settings))
    return out


def editorial_review(doc: Document, debug: bool = False) -> dict | None:
    """The editorial review of a converted release, kept with its outcome: a `press check` after the export then
    reads and converts nothing again (a few milliseconds here, against pandoc's ten there). A review that fails
    fails no export: None, and the check reviews the release itself (and says why)."""
    try:
        return {"problems": problem_lines(review(doc)), "timing": asdict(Timing.of(doc.release))}
    except Exception:
        if debug:
            raise
        return None


def wants_press_copy(release: Release, settings: Settings) -> bool:
    """With --embargoed, a release under embargo (not one only dated later) gets a press copy for agencies."""
    return settings.embargoed is not None and bool(release.embargo) and release.embargo > settings.now


def embargo_notice(doc: Document) -> str:
    """'Får publiceras tidigast tisdag 1 december 2026 kl. 10.00': the line above a press copy's first page."""
    r, site = doc.release, doc.site
    return labels(r.lang)["embargo"].format(when=weekday_date_time(r.embargo, r.lang, site.timezone))


def with_photos(doc: Document, cache: Path, shas: dict[str, str] | None = None) -> Document:
    """The document with the published files of its raster images made, or found in the `cache`: a cleaned
    original of each, and renditions of those the page shows. `shas` are the sources' sha256 if known."""
    r, site = doc.release, doc.site
    shown = shown_images(doc)
    stems = _stems(doc, shown)
    photos, problems, warnings = {}, [], []
    for name, path in sorted(doc.files.items()):
        if not is_raster(name):
            continue
        is_key = r.image is not None and r.image.src.name == name
        credits = (Credits(r.image.credit, r.image.license or site.image_license, r.image.caption) if is_key
                   else Credits(None, site.image_license, None))
        sha = (shas or {}).get(str(path)) or hashlib.sha256(path.read_bytes()).hexdigest()
        line = line_naming(r, name)
        try:
            photos[name] = made = photo(path, name, sha, credits, name in shown, stems.get(name, ""), cache,
                                        site.limits.image_megapixels)
        except PhotoFailed as exc:
            problems.append(Problem(r.path, line, "error", f"image '{name}' cannot be used ({exc})"))
            continue
        if made.media_type != RASTER[Path(name).suffix.lower()]:  # a PNG named .jpg: downloaded, it opens wrongly
            right = {"image/jpeg": "jpg", "image/tiff": "tif"}.get(made.media_type, made.media_type.split("/")[1])
            warnings.append(Problem(r.path, line, "warning", f"'{name}' is a {right.upper()} image, not what its name "
                                    f"says; rename it '{Path(name).stem}.{right}' (and where the release names it)"))
    if problems:
        raise ContentError(problems)
    return replace(doc, photos=photos, warnings=doc.warnings + tuple(warnings))


def shown_images(doc: Document) -> set[str]:
    """The names of the raster images the page shows: the key image and the body's."""
    hrefs = {file_href(name): name for name in doc.files}
    shown = {hrefs[src] for src in re.findall(r'<img src="([^"]+)"', doc.body_html) if src in hrefs}
    if doc.release.image:
        shown.add(doc.release.image.src.name)
    return {name for name in shown if is_raster(name)}


def _stems(doc: Document, shown: set[str]) -> dict[str, str]:
    """What each shown image's renditions are named after: its name without the extension ('hamnen' gives
    'hamnen-640.webp'), or with it ('hamnen-png-640.webp') where that would give a name already taken."""
    taken = {name.casefold() for name in doc.files}
    stems: set[str] = set()
    out = {}
    for name in sorted(shown):
        for stem in (Path(name).stem, name.replace(".", "-")):
            renditions = re.compile(rf"{re.escape(stem.casefold())}-\d+\.(webp|jpg|png)")
            if stem.casefold() not in stems and not any(renditions.fullmatch(n) for n in taken):
                out[name] = stem
                stems.add(stem.casefold())
                break
        else:
            raise ContentError([Problem(doc.release.path, line_naming(doc.release, name), "error",
                                        f"the sizes of image '{name}' for the web would take the names of other files "
                                        "of this release; rename the image")])
    return out


def _press_copy(prepared: Prepared, pdf: Artifact, settings: Settings) -> Outcome:
    """The press copy of a release under embargo, written to the --embargoed folder: its PDF (marked with the
    embargo on its first page and in its metadata), wire text, NewsML-G2, ninjs (marked too) and images."""
    doc, r = prepared.doc, prepared.doc.release
    artifacts = [pdf, *wire_artifacts(doc, settings.now), *media_artifacts(doc)]
    files = [{"path": a.path, "sha256": write(settings.embargoed, a), "bytes": len(a.data)}
             | ({"kind": a.kind} if a.kind else {}) for a in artifacts]
    copy = {"source": r.source, "id": r.id, "title": r.title, "lang": r.lang, "embargo": r.embargo.isoformat(),
            "notice": embargo_notice(doc), "files": files}
    stamps = {f["path"]: stamp(settings.embargoed / f["path"]) for f in files}  # its files seen unchanged cheaply
    return replace(prepared.outcome, status=Status.NOT_PUBLIC_YET, press_copy=copy, stamps=stamps
                   ).with_problems(*prepared.warnings)


def _convert_apart(releases: list[Release], settings: Settings, index: dict[str, list]) -> list:
    """convert_all for a batch; if the batch fails as a whole (pandoc failed or ran past a limit, a body
    too deep to walk, a bug), each release is converted alone, so one bad body fails only its release:
    a Document, a ContentError, or the exception that stopped it."""
    try:
        return convert_all(releases, settings.site, index, settings.now, settings.private)
    except Exception as exc:
        if len(releases) == 1:
            if settings.debug and not isinstance(exc, (PandocFailed, RecursionError)):
                raise
            return [exc]
        return [doc for release in releases for doc in _convert_apart([release], settings, index)]


def publish(prepared: Prepared, printed: Printed | BaseException, settings: Settings) -> Outcome:
    """Write everything the release publishes, now that its PDF is printed; its outcome."""
    outcome, doc = prepared.outcome, prepared.doc
    try:
        if isinstance(printed, BrokenProcessPool):
            raise ContentError([Problem(doc.release.path, 1, "error", "the PDF could not be made: the process making it "
                                        "stopped (it ran out of memory or time, or was ended from outside); export "
                                        "again, and if it happens again, shorten the release or use fewer or smaller "
                                        "images")])
        if isinstance(printed, BaseException):
            raise printed
        if printed.problems:
            raise ContentError(list(printed.problems))
        pdf = Artifact(prepared.job.path, printed.data, "pdf")
        if prepared.press_copy:
            return _press_copy(prepared, pdf, settings)
        fonts = coverage(settings.theme)
        artifacts = release_artifacts(doc, environment_for(settings.theme, settings.compiled), settings.now, pdf, printed.pages,
                                      _banner(doc, settings), fonts)
        digests = {a.path: write(settings.dist, a) for a in artifacts}
        entry = _entry(doc.release, doc.site, digests, artifacts, printed.pages, doc.links,
                       fonts.needed(artifacts[0].data.decode("utf-8")), key_image(doc))
        return replace(outcome, status=Status.PUBLISHED, entry=entry, item=feed_item(entry, doc),
                       stamps={path: stamp(settings.dist / path) for path in digests}).with_problems(*prepared.warnings)
    except Exception as exc:
        failed = _failed(outcome, exc, settings)
        if prepared.press_copy:  # only its press copy could not be made: the release waits for its time as before
            return replace(failed, status=Status.NOT_PUBLIC_YET)
        return failed


def _failed(outcome: Outcome, exc: Exception, settings: Settings) -> Outcome:
    """The outcome of a release that could not be rendered, with a problem that says why and what to do."""
    failed = replace(outcome, status=Status.FAILED)
    if isinstance(exc, OSError) and exc.filename and not _written_by_export(Path(os.fsdecode(exc.filename)), settings):
        name = Path(os.fsdecode(exc.filename)).name  # a file the release uses, not one it writes: its own problem
        return failed.with_problems((line_holding(file_lines(outcome.path), name) or 1, "error",
                                     f"'{name}' cannot be read ({exc.strerror or exc}); check that the file is there and "
                                     "that its permissions let everyone read it (chmod a+r)"))
    if isinstance(exc, OSError) and exc.errno in MACHINE_FAULTS:
        raise exc  # a full disk is no fault of this release: the export stops as a whole
    if isinstance(exc, ContentError):
        return failed.with_problems(*exc.problems)
    if isinstance(exc, (PandocFailed, RecursionError)):  # the body, not a bug: say what to do about it
        why = str(exc) if isinstance(exc, PandocFailed) else "the body nests lists, quotes or emphasis too deeply to be read"
        return failed.with_problems((_body_line(outcome.path), "error", f"{why}; shorten or simplify the body "
                                     "(nested lists and quotes, footnotes), or split the release"))
    if settings.debug:  # a bug: show it
        raise exc
    return failed.with_problems((1, "error", f"internal error while building this release ({type(exc).__name__}: "
                                 f"{exc}); rerun with --debug for the traceback and report it"))


def _written_by_export(path: Path, settings: Settings) -> bool:
    folders = [settings.dist, settings.compiled, settings.photos] + ([settings.embargoed] if settings.embargoed else [])
    return any(path.is_relative_to(folder.absolute()) or path.is_relative_to(folder) for folder in folders)


def _body_line(path: Path) -> int:
    """The body's first line with text, for a problem of the body as a whole."""
    from pipeline.source.load import body_of

    found = body_of(path)
    return first_text_line(found[0].split("\n"), found[1]) if found else 1


def _banner(doc: Document, settings: Settings) -> str | None:
    """In a preview, what is said above a release that is not public; nothing in an export."""
    release = doc.release
    if not settings.preview or (release.is_public(settings.now) and not release.draft):
        return None
    return preview_banner(release, settings.now, doc.site.timezone)


def print_job(doc: Document, env, theme: Theme, photos: Path, banner: str | None = None,
              press_copy: bool = False) -> PrintJob:
    """The release's printable page (without its own PDF link) and the files it may load: of the theme's fonts, only
    those of the scripts the page is written in. A character none of them has is an error here, said once.

    A `banner` is printed above the release; a `press_copy`'s PDF also names its embargo in the record it embeds."""
    r, site = doc.release, doc.site
    base = public_url(site, r)
    printable = render_release_page(doc, env, banner=banner).data.decode("utf-8")
    fonts = coverage(theme)
    if missing := fonts.missing(printable):
        raise ContentError(missing_problems(missing, r.path, site.path))
    needed = fonts.needed(printable)
    unneeded = fonts.unneeded(needed)
    theme_files = {site.url + "theme/" + name: path for name, path in theme.static.items() if name not in unneeded}
    files = dict(theme_files)
    if logo := logo_file(site, photos):  # cleaned: WeasyPrint embeds a JPEG's bytes as they are
        files[site.url + site_file_path(site, site.logo.src)] = logo
    # Of the release's own files, those the printable page names (an image, not its other sizes or an attachment):
    # a job sent to a cluster carries them.
    files |= {base + file_href(name): path for name, path in doc.files.items() if file_href(name) in printable}
    files |= {base + file_href(name): p.path(name) for p in doc.photos.values() for name in p.published
              if file_href(name) in printable}
    stylesheets = tuple(site.url + "theme/" + name for name in with_scripts(PRINT_STYLESHEETS, needed, printed=True)
                        if site.url + "theme/" + name in theme_files)
    embedded = embedded_for(r, press_copy)
    return PrintJob(printable, base, files, f"{r.folder}/{pdf_name(r)}", r.path, embedded, stylesheets, theme_files,
                    doc.site.limits.pdf_seconds, fonts.font_list(needed))


def release_artifacts(doc: Document, env, now: datetime, pdf: Artifact, pdf_pages: int,
                      banner: str | None = None, fonts: FontCoverage | None = None) -> list[Artifact]:
    """Everything one release publishes, in memory first (a failure writes nothing); the page links the other formats."""
    wire = wire_artifacts(doc, now)
    page = render_release_page(doc, env, Downloads(pdf_pages, (pdf, *wire)), banner, fonts)
    return [page, pdf] + wire + media_artifacts(doc)


def media_artifacts(doc: Document) -> list[Artifact]:
    """The files the release uses (images, attachments), published beside its page: an image cleaned of personal
    metadata, with its renditions."""
    out = []
    for name, path in sorted(doc.files.items()):
        if photo_of := doc.photos.get(name):
            out += [Artifact(f"{doc.release.folder}/{n}", photo_of.path(n).read_bytes()) for n in photo_of.published]
        else:
            out.append(Artifact(f"{doc.release.folder}/{name}", path.read_bytes()))
    return out


def wire_artifacts(doc: Document, now: datetime) -> list[Artifact]:
    """What news agencies take: the wire text, and NewsML-G2 and ninjs carrying it."""
    text = text_of(doc, now)
    return [
        Artifact(text_path(doc.release), text.encode("utf-8"), "txt"),
        render_newsml(doc, text, now),
        render_ninjs(doc, text, now),
    ]


def _output(artifact: Artifact, digests: dict[str, str], pdf_pages: int) -> dict:
    out = {"path": artifact.path, "sha256": digests[artifact.path], "bytes": len(artifact.data)}
    if artifact.kind == "pdf":
        out["pages"] = pdf_pages
    return out


def key_image(doc: Document) -> dict | None:
    """The key image in the manifest, for listings and feeds: its original, alt text and renditions."""
    r = doc.release
    if not r.image:
        return None
    made = doc.photos.get(r.image.src.name)
    out = {"path": f"{r.folder}/{r.image.src.name}", "alt": r.image.alt, "decorative": r.image.decorative}
    if made:
        out |= {"type": made.media_type, "width": made.width, "height": made.height, "bytes": made.bytes,
                "renditions": [{"path": f"{r.folder}/{x.name}", "type": x.media_type, "width": x.width,
                                "height": x.height, "bytes": x.bytes} for x in made.renditions]}
    else:
        out |= {"type": "image/svg+xml", "bytes": r.image.src.stat().st_size}
    return out


def _entry(release: Release, site: Site, digests: dict[str, str], artifacts: list[Artifact], pdf_pages: int,
           links: dict[str, list], scripts: tuple[str, ...] = (), image: dict | None = None) -> dict:
    """The release in the manifest; its page's `scripts` (those whose fonts it links) are said when it has any."""
    outputs = {a.kind: _output(a, digests, pdf_pages) for a in artifacts if a.kind}
    if scripts:
        outputs["html"]["scripts"] = list(scripts)
    return {
        "id": release.id,
        "title": release.title,
        "lang": release.lang,
        "date": release.date.isoformat(),
        "public": release.public_time.isoformat(),
        "updated": release.updated.isoformat() if release.updated else None,
        "url": public_url(site, release),
        "source": release.source,
        "type": release.type,
        "lead": release.lead,
        "topics": list(release.topics),
        "regions": list(release.regions),
        "image": image,
        "outputs": outputs,
        "links": sorted(links),  # sources of the releases it links to: it is shown only while they are public
        "files": [{"path": a.path, "sha256": digests[a.path]} for a in artifacts if not a.kind],
    }
