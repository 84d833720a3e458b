"""Checks and reshapes the body's pandoc AST: the body rules of the source contract.

Pure functions on pandoc's JSON AST (lists and dicts); no pandoc process here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from pipeline.body.pandoc import BODY_ID_PREFIX
from pipeline.source.fields import check_email, check_lang
from pipeline.limits import Limits
from pipeline.source.load import resolve_inside, source_path
from pipeline.paths import file_href, root_of
from pipeline.problems import Problems, first_text_line, line_holding
from pipeline.body.tree import Rewrite, UnknownNode, stringify

ALLOWED_SCHEMES = {"http", "https", "mailto", "tel"}
DASH_QUOTE_LANGS = {"sv", "nb", "nn", "no", "da", "fi"}
_HYPHEN_START = re.compile(r"^- (?=\S)")
_DOUBLE_DASH_START = re.compile(r"^(\n*)--[ \t]*(?=[^\s-])")  # the first paragraph may follow blank lines


def normalise_dash_quotes(markdown: str, lang: str) -> tuple[str, list[int]]:
    """Dashes at paragraph starts as communicators type them; and the lines where '--' was read as '–'.

    A '--' at a paragraph's start is Word's dash turned ASCII (Word turns it into '–'), in any language.
    A paragraph that starts with '- ' is a dash quote in Nordic releases, not a one-item list; only lone
    paragraphs change: a '- ' line next to another '- ' line is a real list.
    """
    blocks = re.split(r"(\n[ \t]*\n)", markdown)
    nordic = lang.split("-")[0] in DASH_QUOTE_LANGS
    starts = [nordic and bool(_HYPHEN_START.match(b)) for b in blocks]
    fenced = False
    line, double_dashes = 0, []
    for i, block in enumerate(blocks):
        here, line = line, line + block.count("\n")
        if block.lstrip().startswith(("```", "~~~")):
            fenced = not fenced if block.count("```") % 2 or block.count("~~~") % 2 else fenced
        if fenced:
            continue
        if match := _DOUBLE_DASH_START.match(block):
            blocks[i] = _DOUBLE_DASH_START.sub(r"\1– ", block, count=1)
            double_dashes.append(here + len(match[1]))
            continue
        if not starts[i]:
            continue
        lines = block.split("\n")
        neighbours = [starts[j] for j in (i - 2, i + 2) if 0 <= j < len(blocks)]
        if any(neighbours) or any(_HYPHEN_START.match(line) or line.startswith(("* ", "+ ")) for line in lines[1:]):
            continue
        blocks[i] = "– " + block[2:]
    return "".join(blocks), double_dashes


@dataclass
class ReleaseLinks:
    """Links from one release to others, written as their source files ('2026-11-20-jul.md').

    `index` holds, for every release, where it is published and when:
    source -> [folder, public time (ISO 8601), draft]. `used` records the entries this release's
    links relied on, so a link is made again when the release it points at moves or changes its time.
    """

    index: dict[str, list | None]  # None: a release that cannot be published now
    folder: str  # the linking release's folder under dist/
    shown: datetime  # from when the linking release is shown: its public time, or --now if later
    timezone: str
    used: dict[str, list] = field(default_factory=dict)


# A link with no scheme whose first part looks like a host name: 'www.halmstad.se/lekplatser'.
_HOST_LIKE = re.compile(r"^(www\.[^/]+|[a-z0-9-]+(\.[a-z0-9-]+)*\.(se|com|org|net|nu|eu|fi|no|dk|de|uk|io|info|gov|edu))(/|$)", re.I)


class _Walk(Rewrite):
    """The walk and what every rule shares: the source's lines, so that a problem is reported on the line
    that holds it; one message per line and thing; the nesting limit.
    """

    def __init__(self, markdown: str, first_line: int, base: Path, root: Path, problems: Problems,
                 links: ReleaseLinks | None = None, limits: Limits = Limits()):
        self.lines = markdown.split("\n")
        self.first_line = first_line
        self.base = base  # the release file's folder: what its links and images are relative to
        self.root = root  # the sources folder, which no file may be outside
        self.problems = problems
        self.links = links
        self.limits = limits
        self.said: set[tuple[int, str]] = set()  # one message per line and thing, not one per occurrence
        self.depth, self.too_deep = 0, False

    def run(self, blocks: list) -> list:
        """The body's blocks checked and reshaped. A node of a kind no rule knows (a newer pandoc) is one error
        on the body's first line, and nothing of the body is kept: what cannot be checked is not published."""
        try:
            return self.blocks(blocks)
        except UnknownNode as exc:
            self.problems.error(self.first_line, f"the body holds something this version cannot check ({exc}); "
                                                 "remove the unusual markup, or report it")
            return []

    def line_of(self, *needles: str) -> int:
        """The first line that holds a needle, as written or as pandoc gives it (a link's %20 is a space);
        the needles are tried in order (a link's address, then its text)."""
        tried = dict.fromkeys(t for needle in needles for t in (needle, unquote(needle)))
        return line_holding(self.lines, *tried, first=self.first_line) or self.first_line

    @property
    def text_line(self) -> int:
        """The body's first line with text: where a problem of the body as a whole is reported."""
        return first_text_line(self.lines, self.first_line)

    def error_once(self, line: int, what: str, message: str) -> None:
        if (line, what) not in self.said:
            self.said.add((line, what))
            self.problems.error(line, message)

    def blocks(self, blocks: list) -> list:
        """Blocks one level further in (a list item, a quote, a note): refused past the nesting limit."""
        self.depth += 1
        try:
            if self.depth <= self.limits.nesting:
                return super().blocks(blocks)
            if not self.too_deep:
                self.too_deep = True
                self.problems.error(self.text_line, f"the body nests lists, quotes or notes more than {self.limits.nesting} levels "
                                                     "deep, the limit; make it flatter")
            return []
        finally:
            self.depth -= 1


class _Markup(_Walk):
    """What markup may carry: attributes from an allow-list, ids safe and unique in the page, no raw HTML."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ids: set[str] = set()

    def attributes(self, attr: list, node: dict) -> list:
        """The allow-list: lang and dir, the class 'factbox' on a block, ids made safe; anything else is an error."""
        ident, classes, pairs = attr
        kind = node["t"]
        for key, value in pairs:
            if key == "lang" and not check_lang(value):
                continue
            if key == "dir" and value in ("ltr", "rtl", "auto"):
                continue
            line = self.line_of(f"{key}=") if key else self.first_line
            if key in ("lang", "dir"):
                fix = "use a language tag such as {lang=en}" if key == "lang" else "use {dir=rtl} or {dir=ltr}"
                self.error_once(line, key, f"{key}='{_short(value)}' is not valid; {fix}")
            else:
                self.error_once(line, key, f"the attribute '{_short(key)}' is not allowed in a release; remove "
                                           f"{{{_short(key)}=…}} (only lang and dir may be set, e.g. {{lang=en}})")
        kept = []
        for name in classes:
            if name == "factbox" and kind == "Div":
                kept.append(name)
            elif kind in ("CodeBlock", "Code") or (kind == "Link" and name in ("uri", "email")):
                continue  # a code block's language (nothing is highlighted), or pandoc's own mark on <https://…>
            else:
                self.error_once(self.line_of("." + name, name), "." + name,
                                f"the class '.{_short(name)}' has no meaning in a release; remove it "
                                "(the only class is .factbox, on a ::: block)")
        return [self.unique_id(ident, kind), kept, [[k, v] for k, v in pairs if k in ("lang", "dir")]]

    def unique_id(self, ident: str, kind: str) -> str:
        """An id as safe as a fragment needs, and the only one of its name in the page (anchors must be).

        A heading's id is usually pandoc's, made from its text: one that is taken gets '-1', '-2'… as
        pandoc does. An id written on a span or block that is taken, or is one pandoc gives footnotes,
        is an error. A link or an image keeps none: a reference used twice would repeat it.
        """
        safe = _safe_id(ident)
        if not safe or kind in ("Link", "Image", "Code"):
            return ""
        taken = lambda i: i in self.ids or i == "footnotes" or re.fullmatch(r"fn(ref)?\d+", i)  # noqa: E731
        if kind == "Header":
            base, n = safe, 0
            while taken(safe):
                n += 1
                safe = f"{base}-{n}"
        elif taken(safe):
            self.error_once(self.line_of("#" + ident), "#" + ident, f"the id '#{_short(ident)}' is used twice, or is "
                                                                  "one that footnotes use; give it a name of its own")
        self.ids.add(safe)
        return safe

    def RawBlock(self, n: dict) -> list:
        self.raw(n["c"][1])
        return []

    RawInline = RawBlock

    def raw(self, text: str) -> None:
        snippet = text.strip().split("\n")[0][:40]
        line = self.line_of(snippet)
        self.error_once(line, "raw", f"raw HTML '{snippet}' is not allowed in the body; use Markdown "
                                     "(e.g. **bold**, [link](https://…)) or remove it")


class _Headings(_Walk):
    """Headings close up so that each follows on from the one above (the title is the only level 1), and
    make the page's outline; a fact box's headings follow on from its title and stay out of the outline.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.heading_stack: list[tuple[int, int]] = []  # (written level, published level)
        self.outline: list[tuple[int, str, str]] = []  # (level, text, id)

    def Header(self, n: dict) -> dict:
        level, attr, inlines = n["c"]
        while self.heading_stack and self.heading_stack[-1][0] >= level:
            self.heading_stack.pop()
        published = self.heading_stack[-1][1] + 1 if self.heading_stack else 2
        self.heading_stack.append((level, published))
        text = stringify(inlines)
        if level != published:
            line = self.line_of("#" * level + " " + text[:20]) if text else self.first_line
            if level == 1:
                why = "the title is the only level-1 heading"
            else:
                why = "heading levels must follow on from the one above without gaps"
            self.problems.warning(
                line,
                f"heading '{text}' is written at level {level} and published at level {published}: {why}; write it as {'#' * published}",
            )
        n["c"][0] = published
        n = super().Header(n)
        self.outline.append((published, text, n["c"][1][0]))
        return n

    def Div(self, n: dict) -> dict:
        attr, blocks = n["c"]
        if "factbox" not in attr[1]:
            return super().Div(n)
        n["c"][0] = self.attributes(attr, n)
        level = self.heading_stack[-1][1] + 1 if self.heading_stack else 2
        for i, b in enumerate(blocks):
            if b["t"] == "Header":
                written, b["c"][0] = b["c"][0], min(level, 6)
                b["c"][1] = self.attributes(b["c"][1], b)
                b["c"][2] = self.inlines(b["c"][2])
                rest = self.blocks_isolated(blocks[i + 1 :], (written, b["c"][0]))
                n["c"][1] = self.blocks(blocks[:i]) + [b] + rest
                return n
        self.problems.error(self.line_of("factbox"), "the fact box has no title; start it with a heading, e.g. '### Om Quality Mark (QM)'")
        n["c"][1] = self.blocks(blocks)
        return n

    def blocks_isolated(self, blocks: list, title: tuple[int, int]) -> list:
        """Headings inside a fact box follow on from its title and stay out of the page's outline."""
        saved, self.heading_stack = self.heading_stack, [title]
        saved_outline = list(self.outline)
        try:
            return self.blocks(blocks)
        finally:
            self.heading_stack, self.outline = saved, saved_outline


class _Files(_Walk):
    """Files the body publishes beside the page (images, linked files): inside the sources folder, one per name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.files: dict[str, Path] = {}  # published file name -> source file

    def local_file(self, ref: str, line: int, what: str) -> str | None:
        parts = urlsplit(ref)
        path, message = resolve_inside(ref if parts.scheme else unquote(parts.path), self.base, self.root, what,
                                       self.limits.file_bytes)
        if message:
            self.problems.error(line, message)
            return None
        name = path.name
        if self.files.get(name, path) != path:
            self.problems.error(line, f"two different files are named '{name}'; rename one of them")
            return None
        self.files[name] = path
        return file_href(name)


class _Figures(_Files):
    """Images and paragraphs: an image has alt text and a file to publish; a paragraph holding one image alone
    becomes a figure, and one that starts with '—' or '-' starts with the dash of a quote, '–'.
    """

    def Para(self, n: dict) -> dict | list:
        if _lone_image(n["c"]):
            return self.figure(n["c"])
        if n["t"] == "Para":
            _normalise_em_dash(n["c"])
        return super().Para(n)

    Plain = Para

    def figure(self, inlines: list) -> list:
        """A paragraph holding one image is a figure; its title is the caption."""
        image = self.inlines(_lone_image(inlines))
        if not image:
            return []
        attr, alt, (src, title) = image[0]["c"]
        caption = [{"t": "Plain", "c": _words(title)}] if title else []
        image[0]["c"] = [attr, alt, [src, ""]]
        return [{"t": "Figure", "c": [["", [], []], [None, caption], [{"t": "Plain", "c": image}]]}]

    def Image(self, n: dict) -> dict | list:
        n = super().Image(n)
        attr, alt, (src, title) = n["c"]
        line = self.line_of(src)
        if not stringify(alt).strip():
            self.problems.error(line, f"image '{src}' has no alt text; describe it between the brackets: ![what the image shows]({src})")
        published = self.local_file(src, line, "image")
        if not published or not stringify(alt).strip():
            return []
        n["c"][2] = [published, title]
        return n


class _Links(_Files):
    """Links: each has text and an address; the address is the web, mail or a phone, a file of the release,
    or another release by its source file (which must be public whenever this one is).
    """

    def Link(self, n: dict) -> dict:
        n = super().Link(n)
        text, url = stringify(n["c"][1]).strip(), n["c"][2][0]
        if not url:
            self.problems.error(self.line_of(f"[{text}]()"), f"the link '{text[:40]}' leads nowhere; "
                                                             "put the address between the parentheses: [text](https://…)")
        elif not text:
            self.problems.error(self.line_of(f"]({url[:40]}"), f"the link to '{url[:60]}' has no text, so a screen reader "
                                                               f"has nothing to read out; write what it leads to: [the page's name]({url[:60]})")
        n["c"][2][0] = self.link_target(url, text) if url else url
        return n

    def link_target(self, url: str, text: str) -> str:
        parts = urlsplit(url)
        if parts.scheme:
            scheme, line = parts.scheme.lower(), self.line_of(url[:40], f"[{text}]" if text else "")
            if scheme in ("http", "https") and not parts.netloc:
                self.problems.error(line, f"link '{url[:60]}' names no host; write it as {scheme}://{url.split(':', 1)[1].lstrip('/')[:50]}")
            elif scheme not in ALLOWED_SCHEMES:
                self.problems.error(line, f"link '{url[:60]}' uses '{parts.scheme}:', which is not allowed; "
                                          "use an http:, https:, mailto: or tel: address")
            elif scheme == "mailto" and (message := _mailto_problem(url)):
                self.problems.error(line, message)
            elif scheme == "tel" and not _TEL.fullmatch(url[4:]):
                self.problems.error(line, f"link '{url[:60]}' is not a telephone number; write it as tel:+4635137000")
            return url
        if not parts.path:  # "#section" on the same page
            return url
        if _HOST_LIKE.match(url) and not _exists(self.base, unquote(parts.path)):
            self.problems.error(
                self.line_of(url[:40]),
                f"link '{url[:60]}' has no 'https://', so it would lead to a file of this release; write it as https://{url[:60]}",
            )
            return url
        if parts.path.lower().endswith(".md"):
            return self.release_link(url)
        published = self.local_file(url, self.line_of(url), "linked file")
        return (published + (f"#{parts.fragment}" if parts.fragment else "")) if published else url  # a PDF's #page=2

    def release_link(self, url: str) -> str:
        """A link to another release by its source file: the address of that release's page, relative to this one's."""
        parts, line = urlsplit(url), self.line_of(url[:40])
        root = self.root.resolve()
        try:
            target = (self.base / unquote(parts.path)).resolve()
            source = source_path(target, root) if target.is_relative_to(root) else None
        except (OSError, ValueError, RuntimeError):  # a NUL byte; a loop of links
            source = None
        known = self.links.index.get(source) if self.links and source else None
        if known is None:
            if self.links and source in self.links.index:
                why = "a release that cannot be published now (see its own errors)"
            else:
                why = "no release under the sources folder; check the file name (paths are relative to this file)"
            self.problems.error(line, f"link '{url[:60]}' names {why}")
            return url
        folder, public, draft = known
        if draft:
            self.problems.error(line, f"link '{url[:60]}' points at a draft, which is never published; "
                                      "remove the link, or publish that release first")
            return url
        when = datetime.fromisoformat(public)
        if when > self.links.shown:
            until = when.astimezone(ZoneInfo(self.links.timezone)).strftime("%Y-%m-%d %H:%M %Z")
            self.problems.error(line, f"link '{url[:60]}' points at a release that is not public until {until}: the link "
                                      "would lead nowhere and reveal its address; remove it until then, or publish this release no earlier")
            return url
        self.links.used[source] = known
        fragment = f"#{BODY_ID_PREFIX}{parts.fragment}" if parts.fragment else ""  # the other page's body ids carry it too
        return root_of(f"{self.links.folder}/index.html") + folder + "/" + fragment


class BodyChecker(_Markup, _Headings, _Figures, _Links):
    """Walks the AST once: refuses what the contract forbids, closes up headings, builds figures.

    Every node kind has its rule (see tree.Rewrite); only the ones the contract speaks of are here, in one
    part per concern: the walk itself (_Walk), attributes, ids and raw HTML (_Markup), headings and fact boxes
    (_Headings), images and figures (_Figures), links (_Links), and the files both publish (_Files).
    BodyChecker(markdown, first_line, base, root, problems, links, limits).run(blocks) gives the checked blocks;
    afterwards `files` and `outline` hold what the body publishes and its headings.
    """


_TEL = re.compile(r"\+?[0-9][0-9 ()./-]{2,30}")


def _mailto_problem(url: str) -> str | None:
    """A mailto: link holds one address and nothing else: no ?subject= or &body= a reader's mail program would fill in."""
    address = unquote(url[len("mailto:"):])
    if "?" in address or "&" in address or "," in address:
        return (f"link '{url[:60]}' carries more than an address; write mailto:name@example.org "
                "with no '?', '&' or second address")
    if message := check_email(address):
        return f"link '{url[:60]}': {message}"
    return None


def _safe_id(ident: str) -> str:
    """An id as a fragment may hold it: letters, digits, '-', '_' and '.'; the rest becomes '-'."""
    return re.sub(r"[^\w.-]+", "-", ident).strip("-")


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


def _exists(base: Path, ref: str) -> bool:
    try:
        return (base / ref).exists()
    except (OSError, ValueError, RuntimeError):
        return False


def _lone_image(inlines: list) -> list:
    content = [i for i in inlines if i["t"] not in ("Space", "SoftBreak")]
    return content if len(content) == 1 and content[0]["t"] == "Image" else []


def _normalise_em_dash(inlines: list) -> None:
    if inlines and inlines[0]["t"] == "Str" and inlines[0]["c"] in ("—", "-"):
        inlines[0]["c"] = "–"


def _words(text: str) -> list:
    out: list = []
    for word in text.split():
        if out:
            out.append({"t": "Space"})
        out.append({"t": "Str", "c": word})
    return out
