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

from pipeline.load import resolve_inside, source_path
from pipeline.paths import root_of
from pipeline.problems import Problems

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


class BodyChecker:
    """Walks the AST once: refuses what the contract forbids, closes up headings, builds figures."""

    def __init__(self, markdown: str, first_line: int, base: Path, root: Path, problems: Problems,
                 links: ReleaseLinks | None = None):
        self.links = links
        self.lines = markdown.split("\n")
        self.first_line = first_line
        self.base = base
        self.root = root
        self.problems = problems
        self.files: dict[str, Path] = {}  # published file name -> source file
        self.heading_stack: list[tuple[int, int]] = []  # (written level, published level)
        self.outline: list[tuple[int, str, str]] = []  # (level, text, id)
        self.raw_lines: set[int] = set()  # one message per line, not one per tag

    def line_of(self, needle: str) -> int:
        for i, line in enumerate(self.lines):
            if needle and needle in line:
                return self.first_line + i
        return self.first_line

    def run(self, blocks: list) -> list:
        return self.blocks(blocks)

    def blocks(self, blocks: list) -> list:
        out = []
        for block in blocks:
            out.extend(self.block(block))
        return out

    def block(self, block: dict) -> list:
        kind, c = block["t"], block.get("c")
        if kind == "RawBlock":
            self.raw(c[1])
            return []
        if kind == "Header":
            return [self.header(c)]
        if kind == "Div":
            return [self.div(c)]
        if kind in ("Para", "Plain"):
            if _lone_image(c):
                figure = self.figure(c)
                return [figure] if figure else []
            if kind == "Para":
                _normalise_em_dash(c)
            return [{"t": kind, "c": self.inlines(c)}]
        if kind in ("BulletList", "OrderedList"):
            items = c if kind == "BulletList" else c[1]
            items[:] = [self.blocks(item) for item in items]
            return [block]
        if kind == "BlockQuote":
            return [{"t": kind, "c": self.blocks(c)}]
        if kind == "Table":
            self._table(c)
            return [block]
        if kind == "DefinitionList":
            for term, defs in c:
                term[:] = self.inlines(term)
                defs[:] = [self.blocks(d) for d in defs]
            return [block]
        if kind == "LineBlock":
            c[:] = [self.inlines(line) for line in c]
            return [block]
        return [block]

    def _table(self, c: list) -> None:
        head, bodies, foot = c[3], c[4], c[5]
        rows = list(head[1]) + [r for b in bodies for r in b[2] + b[3]] + list(foot[1])
        for row in rows:
            for cell in row[1]:
                cell[4] = self.blocks(cell[4])

    def raw(self, text: str) -> None:
        snippet = text.strip().split("\n")[0][:40]
        line = self.line_of(snippet)
        if line in self.raw_lines:
            return
        self.raw_lines.add(line)
        self.problems.error(
            line, f"raw HTML '{snippet}' is not allowed in the body; use Markdown (e.g. **bold**, [link](https://…)) or remove it"
        )

    def header(self, c: list) -> dict:
        level, attr, inlines = c
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
        self.outline.append((published, text, attr[0]))
        return {"t": "Header", "c": [published, attr, self.inlines(inlines)]}

    def div(self, c: list) -> dict:
        attr, blocks = c
        if "factbox" in attr[1]:
            level = self.heading_stack[-1][1] + 1 if self.heading_stack else 2
            for i, b in enumerate(blocks):
                if b["t"] == "Header":
                    written, b["c"][0] = b["c"][0], min(level, 6)
                    b["c"][2] = self.inlines(b["c"][2])
                    rest = self.blocks_isolated(blocks[i + 1 :], (written, b["c"][0]))
                    return {"t": "Div", "c": [attr, blocks[:i] + [b] + rest]}
            line = self.line_of("factbox")
            self.problems.error(line, "the fact box has no title; start it with a heading, e.g. '### Om Quality Mark (QM)'")
        return {"t": "Div", "c": [attr, self.blocks(blocks)]}

    def blocks_isolated(self, blocks: list, title: tuple[int, int]) -> list:
        """Headings inside a fact box follow on from its title and stay out of the page's outline."""
        saved, self.heading_stack = self.heading_stack, [title]
        saved_outline = list(self.outline)
        try:
            return self.blocks(blocks)
        finally:
            self.heading_stack, self.outline = saved, saved_outline

    def figure(self, inlines: list) -> dict | None:
        """A paragraph holding one image is a figure; its title is the caption."""
        image = self.inlines(_lone_image(inlines))
        if not image:
            return None
        attr, alt, (src, title) = image[0]["c"]
        caption = [{"t": "Plain", "c": _words(title)}] if title else []
        image[0]["c"] = [attr, alt, [src, ""]]
        return {"t": "Figure", "c": [["", [], []], [None, caption], [{"t": "Plain", "c": image}]]}

    def inlines(self, inlines: list) -> list:
        out = []
        for inline in inlines:
            kind, c = inline["t"], inline.get("c")
            if kind == "RawInline":
                self.raw(c[1])
                continue
            if kind == "Image":
                checked = self.image(c)
                if checked:
                    out.append(checked)
                continue
            if kind == "Link":
                c[1] = self.inlines(c[1])
                c[2][0] = self.link_target(c[2][0], stringify(c[1]))
                out.append(inline)
                continue
            if kind in ("Emph", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps", "Underline"):
                inline["c"] = self.inlines(c)
            elif kind in ("Quoted", "Cite"):
                c[1] = self.inlines(c[1])
            elif kind == "Span":
                c[1] = self.inlines(c[1])
            elif kind == "Note":
                inline["c"] = self.blocks(c)
            out.append(inline)
        return out

    def image(self, c: list) -> dict | None:
        attr, alt, (src, title) = c
        line = self.line_of(src)
        if not stringify(alt).strip():
            self.problems.error(line, f"image '{src}' has no alt text; describe it between the brackets: ![what the image shows]({src})")
        published = self.local_file(src, line, "image")
        if not published or not stringify(alt).strip():
            return None
        return {"t": "Image", "c": [attr, alt, [published, title]]}

    def link_target(self, url: str, text: str) -> str:
        parts = urlsplit(url)
        if parts.scheme:
            if parts.scheme.lower() not in ALLOWED_SCHEMES:
                self.problems.error(
                    self.line_of(url[:40]),
                    f"link '{url[:60]}' uses '{parts.scheme}:', which is not allowed; use an http:, https:, mailto: or tel: address",
                )
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
        return published or url

    def release_link(self, url: str) -> str:
        """A link to another release by its source file: the address of that release's page, relative to this one's."""
        parts, line = urlsplit(url), self.line_of(url[:40])
        root = self.root.resolve()
        try:
            target = (self.base / unquote(parts.path)).resolve()
            source = source_path(target, root) if target.is_relative_to(root) else None
        except (OSError, ValueError):  # a NUL byte, say
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
        return root_of(f"{self.links.folder}/index.html") + folder + "/" + (f"#{parts.fragment}" if parts.fragment else "")

    def local_file(self, ref: str, line: int, what: str) -> str | None:
        parts = urlsplit(ref)
        path, message = resolve_inside(ref if parts.scheme else unquote(parts.path), self.base, self.root, what)
        if message:
            self.problems.error(line, message)
            return None
        name = path.name
        if self.files.get(name, path) != path:
            self.problems.error(line, f"two different files are named '{name}'; rename one of them")
            return None
        self.files[name] = path
        return name


def _exists(base: Path, ref: str) -> bool:
    try:
        return (base / ref).exists()
    except (OSError, ValueError):
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


def stringify(inlines: list) -> str:
    """Plain text of inlines (like pandoc's stringify)."""
    parts = []
    for inline in inlines:
        kind, c = inline["t"], inline.get("c")
        if kind == "Str":
            parts.append(c)
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif kind in ("Emph", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps", "Underline"):
            parts.append(stringify(c))
        elif kind in ("Link", "Image", "Span", "Quoted", "Cite"):
            parts.append(stringify(c[1]))
        elif kind == "Code":
            parts.append(c[1])
    return "".join(parts)
