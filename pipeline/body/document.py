"""Stage 2: a loaded `Release` becomes a `Document`: its body checked and converted once."""

from __future__ import annotations

import copy
import html
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from pipeline.body.checks import BodyChecker, ReleaseLinks, normalise_dash_quotes
from pipeline.body.pandoc import BODY_ID_PREFIX, asts_to_html, markdown_to_asts
from pipeline.source.load import own_name_problem
from pipeline.source.model import Release, Site
from pipeline.paths import own_file_names, public_url
from pipeline.problems import ContentError, Problem, Problems, line_holding
from pipeline.body.tree import Rewrite, stringify
from pipeline.labels import direction
from pipeline.limits import strict_images


@dataclass(frozen=True, slots=True)
class Document:
    release: Release
    site: Site
    body_html: str  # HTML fragment; file links point at published names beside the page
    body_html_absolute: str  # the same with absolute addresses: for feeds, NewsML-G2 and ninjs
    blocks: list = field(repr=False)  # checked pandoc AST blocks, read by the wire-text renderer
    files: dict[str, Path] = field(default_factory=dict)  # published name -> source file
    outline: tuple[tuple[int, str, str], ...] = ()  # (level, text, id) of body headings
    warnings: tuple[Problem, ...] = ()
    links: dict[str, list] = field(default_factory=dict)  # releases linked to: source -> what the link relied on
    photos: dict = field(default_factory=dict)  # published name -> render.photos.Photo, once made (build/release.py)


def convert(release: Release, site: Site, index: dict[str, list | None], now: datetime | None = None) -> Document:
    """Check and convert one body; raises ContentError listing every problem if it cannot publish."""
    result = convert_all([release], site, index, now)[0]
    if isinstance(result, ContentError):
        raise result
    return result


def convert_all(releases: list[Release], site: Site, index: dict[str, list | None],
                now: datetime | None = None, private: dict[str, str] | None = None,
                html: bool = True) -> list[Document | ContentError]:
    """Check and convert many bodies with two pandoc starts in all; a release with problems gets its ContentError.

    `index` tells where every release is published (see body.ReleaseLinks), for links between releases,
    which must be public whenever a release is shown: at `now`, or at its own time if later.
    `private` holds the files of releases not public yet (path -> whose), which no other release may publish.
    Without `html` (for a check that publishes nothing), pandoc runs once and the Documents have no HTML.
    """
    checked: list[_Checked | ContentError] = []
    bodies = [(r.path, r.body, r.body_line, r.lang, r.folder, max(r.public_time, now) if now else r.public_time)
              for r in releases]
    for release, (checker, blocks, problems, ast) in zip(releases, _check(bodies, site, index), strict=True):
        for path in release.named_files:
            if checker.files.get(path.name, path) != path:
                problems.error(release.body_line, f"two different files are named '{path.name}'; rename one of them")
            checker.files[path.name] = path
        own = own_file_names(release.slug)
        seen: dict[str, str] = {}  # names as a server that ignores case and accents' encoding compares them
        for name, path in checker.files.items():
            if name in own:
                problems.error(line_naming(release, name), own_name_problem(name))
            if (folded := unicodedata.normalize("NFC", name).casefold()) in seen:
                problems.error(line_naming(release, name), f"'{name}' and '{seen[folded]}' differ only in upper and "
                                                            "lower case, which many servers do not tell apart; rename one")
            seen[folded] = name
            if owner := (private or {}).get(str(path)):
                problems.error(line_naming(release, name),
                               f"'{name}' is also a file of {owner}: publishing it here would give it away early; "
                               "remove it from this release until then, or, if it is no secret, copy it under another name")
            if message := unreadable_image(path, site.limits.image_megapixels):
                problems.error(line_naming(release, name),
                               f"image '{name}' cannot be used: {message}")
        checked.append(ContentError(problems.items) if problems.has_errors
                       else _Checked(release, checker, blocks, problems, ast["pandoc-api-version"]))
    good = [c for c in checked if not isinstance(c, ContentError)]
    # Each body twice in one pandoc run: for the page (addresses relative to it), and for feeds and
    # agency formats (addresses absolute, as they are read away from the page).
    html_of = iter(asts_to_html([
        {"pandoc-api-version": c.version, "meta": {}, "blocks": rewrite.blocks(copy.deepcopy(c.blocks))}
        for c in good for rewrite in (_ForPage(c.release.lang), _ForPage(c.release.lang, public_url(site, c.release)))
    ], site.limits.pandoc_seconds) if html and good else ["", ""] * len(good))
    out: list[Document | ContentError] = []
    for item in checked:
        if isinstance(item, ContentError):
            out.append(item)
            continue
        out.append(Document(
            release=item.release, site=site, body_html=next(html_of), body_html_absolute=next(html_of), blocks=item.blocks,
            files=dict(item.checker.files),
            outline=tuple((level, text, BODY_ID_PREFIX + ident if ident else "") for level, text, ident in item.checker.outline),
            warnings=tuple(item.problems.items), links=dict(item.checker.links.used),
        ))
    return out


_NUMBER_PART = re.compile(r"^(\+?[0-9()]+(?:[-–.\u2011][0-9()]+)*)([.,;:!?،؛؟]?)$")


def _isolate_numbers(inlines: list) -> list:
    """Runs like Str '035-13', Space, Str '73', Space, Str '50.' (a phone number: six digits or more, the sentence's
    stop left outside) wrapped in a left-to-right span; alone, the bidirectional algorithm lays its groups out right
    to left. A line break in the source counts as a space."""
    out, i = [], 0
    while i < len(inlines):
        j, end = i, None
        while j < len(inlines) and inlines[j]["t"] == "Str" and (part := _NUMBER_PART.match(inlines[j]["c"])):
            end = j
            if (not part[2] and j + 2 < len(inlines) and inlines[j + 1]["t"] in ("Space", "SoftBreak")
                    and inlines[j + 2]["t"] == "Str"):
                j += 2
            else:
                break
        run = inlines[i:end + 1] if end is not None else []
        if end is not None and end > i and sum(ch.isdigit() for n in run if n["t"] == "Str" for ch in n["c"]) >= 6:
            number, stop = _NUMBER_PART.match(run[-1]["c"]).groups()
            run = [*run[:-1], {"t": "Str", "c": number}]
            out.append({"t": "Span", "c": [["", [], [["dir", "ltr"]]], run]})
            if stop:
                out.append({"t": "Str", "c": stop})
            i = end + 1
        else:
            out.append(inlines[i])
            i += 1
    return out


@dataclass(slots=True)
class _Checked:
    """A body that passed its checks, waiting for its HTML."""

    release: Release
    checker: BodyChecker
    blocks: list  # checked AST blocks
    problems: Problems  # its warnings
    version: list  # pandoc's AST version, which the HTML writer is given back


def check_bodies(bodies: list[tuple[Path, str, int, str]], site: Site, index: dict[str, list | None],
                 now: datetime) -> list[list[Problem]]:
    """The problems of bodies whose front matter failed: (path, body, its first line, language) each.

    So that one export reports every problem of a file, not the body's only once the front matter is mended.
    """
    return [problems.items for _, _, problems, _ in _check([(*b, "", now) for b in bodies], site, index)]


def _check(bodies: list[tuple[Path, str, int, str, str, datetime]], site: Site, index: dict[str, list | None]) -> list[tuple]:
    """(checker, checked blocks, problems, AST) for each (path, body, first line, language, folder, time shown)."""
    normalised = [normalise_dash_quotes(body, lang) for _, body, _, lang, _, _ in bodies]
    out = []
    for (path, _, first_line, _, folder, shown), (markdown, dashes), ast in zip(
            bodies, normalised, markdown_to_asts([m for m, _ in normalised], site.limits.pandoc_seconds), strict=True):
        problems = Problems(path)
        for offset in dashes:
            problems.warning(first_line + offset,
                             "the paragraph starts with '--', which is published as the dash '–'; type '– ' to write it yourself")
        links = ReleaseLinks(index, folder, shown, site.timezone)
        checker = BodyChecker(markdown, first_line, path.parent, site.root, problems, links, site.limits)
        out.append((checker, checker.run(ast["blocks"]), problems, ast))
    return out


def line_naming(release: Release, name: str) -> int:
    """The first line of the source that mentions a file: where the communicator refers to it."""
    return line_holding(release.source_bytes.decode("utf-8", "replace").split("\n"), name) or 1


IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff", ".bmp"}


_readable_images: set[tuple] = set()  # an image used by many releases is decoded once per process


def unreadable_image(path: Path, megapixels: int) -> str | None:
    """Why a raster image cannot be read, or None; a broken image would silently change the PDF."""
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return None
    try:
        info = path.stat()
    except OSError:
        return _decoded(path, megapixels)  # says why, as Pillow puts it
    # The change time moves with every write, rename into place and chmod: a new verdict then. Only a
    # readable image is remembered; one that is not is tried again, as its author mends it.
    seen = (str(path), info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns, megapixels)
    if seen in _readable_images:
        return None
    why = _decoded(path, megapixels)
    if why is None:
        _readable_images.add(seen)
    return why


def _decoded(path: Path, megapixels: int) -> str | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with strict_images(), Image.open(path) as image:  # reads the header only: the size is known before any pixel is
            width, height = image.size
            if width * height > megapixels * 1_000_000:
                return (f"it is {width} × {height} pixels, more than the {megapixels} megapixels an image may have; "
                        f"make it smaller, or raise 'limits: {{image_megapixels: …}}' in site.yaml")
            image.load()
    except UnidentifiedImageError:  # Pillow's message would name the file by its full path
        return "its content is not a JPEG, PNG, GIF or WebP image; save it again as one"
    except (OSError, SyntaxError, ValueError) as exc:
        why = str(exc).split(" (")[0] or type(exc).__name__
        if "truncated" in why:
            return "the file is incomplete; copy it again from where it came from"
        return f"{why}; save it again as JPEG, PNG, GIF or WebP"
    return None


class _ForPage(Rewrite):
    """The checked body as a page shows it: fact boxes become <aside> labelled by their heading (pandoc
    would write a plain <div>), tables have no column widths; with `base`, addresses of files and other
    releases become absolute.

    Direction: a passage in a language written the other way (`[…]{lang=ar}` in Swedish) gets its `dir`;
    in a right-to-left release, addresses, e-mail addresses and phone numbers are isolated left to right,
    so that '035-13 73 50' does not read '50 73 035-13'.
    """

    def __init__(self, lang: str, base: str | None = None):
        self.base = base
        self.dir = direction(lang)

    def attributes(self, attr: list, node: dict) -> list:
        ident, classes, pairs = attr
        lang = next((v for k, v in pairs if k == "lang"), None)
        if lang and not any(k == "dir" for k, _ in pairs) and direction(lang) != self.dir:
            pairs = [*pairs, ["dir", direction(lang)]]
        return [ident, classes, pairs]

    def inlines(self, inlines: list) -> list:
        inlines = super().inlines(inlines)
        return _isolate_numbers(inlines) if self.dir == "rtl" else inlines

    def Div(self, n: dict) -> list:
        n = super().Div(n)
        if "factbox" not in n["c"][0][1]:
            return [n]
        inner = n["c"][1]
        heading = next((b for b in inner if b["t"] == "Header"), None)
        ident = heading["c"][1][0] if heading else ""
        label = f' aria-labelledby="{html.escape(BODY_ID_PREFIX + ident)}"' if ident else ""
        return [{"t": "RawBlock", "c": ["html", f'<aside class="factbox"{label}>']}, *inner,
                {"t": "RawBlock", "c": ["html", "</aside>"]}]

    def Table(self, n: dict) -> dict:
        # Column widths from a grid table's dashes (or a long pipe table's) would go in style attributes, as a share
        # of 72 characters: the theme lays tables out for the screen and the page instead.
        n = super().Table(n)
        n["c"][2] = [[align, {"t": "ColWidthDefault"}] for align, _ in n["c"][2]]
        return n

    def Link(self, n: dict) -> dict:
        n = super().Link(n)
        target = n["c"][2][0]
        if (self.dir == "rtl" and stringify(n["c"][1]) in (target, target.removeprefix("mailto:"))  # an address as its text
                and not any(k == "dir" for k, _ in n["c"][0][2])):
            n["c"][0] = [n["c"][0][0], n["c"][0][1], [*n["c"][0][2], ["dir", "ltr"]]]
        n["c"][2][0] = self.absolute(target)
        return n

    def Image(self, n: dict) -> dict:
        n = super().Image(n)
        n["c"][2][0] = self.absolute(n["c"][2][0])
        return n

    def absolute(self, target: str) -> str:
        """'sagostund.png' or '../../2026/other/' joined to the release's address; '#…' and 'https:…' stay."""
        if self.base is None or target.startswith("#") or urlsplit(target).scheme:
            return target
        return urljoin(self.base, target)
