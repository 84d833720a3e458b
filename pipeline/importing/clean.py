"""What Word leaves in a document that is no part of its text: out, before anything is recognised.

Tracked changes are accepted, comments dropped (and named), and the layout Word's users make
by hand undone: empty paragraphs, line breaks and runs of (non-breaking) spaces used as
spacing, bookmarks, character styles split over several runs, fonts, column widths.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.body.tree import Node, Rewrite, stringify

SCHEMES = ("http://", "https://", "mailto:", "tel:")
_SPACING = re.compile(r"[ \t\u00a0\u2007\u202f]{2,}|\t")  # spaces typed to push text along; one NBSP is kept
# Control characters (a text pasted in a wrong encoding), the private-use marks the writer escapes with, and the
# line and paragraph separators YAML would read as line breaks in the lead.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ue000\ue001]")
_SEPARATORS = re.compile(r"[\u2028\u2029]")
_SHORT_LINE = 60  # a paragraph of lines this short (an address, a list of times) keeps its line breaks


@dataclass
class Cleaned:
    """What cleaning took out that the communicator should hear about."""

    comments: list[tuple[int, str, str]] = field(default_factory=list)  # (top-level block, author, text)
    changes: list[tuple[int, str, str]] = field(default_factory=list)  # (block, 'inserted' or 'deleted', text)
    unlinked: list[tuple[int, str, str]] = field(default_factory=list)  # (block, link text, target) kept as text


class Cleaner(Rewrite):
    """One pass over the document; `block` is the top-level block being cleaned, for the notes."""

    def __init__(self, cleaned: Cleaned):
        self.cleaned = cleaned
        self.block = 0

    def attributes(self, attr: list, node: Node) -> list:
        return ["", [], []]  # ids from bookmarks, Word's style names, widths: none of them is the release's

    # Blocks
    def Para(self, n: Node) -> Node | list:
        return [{"t": "Para", "c": line} for line in _lines_of(self.inlines(n["c"]))]

    def Plain(self, n: Node) -> Node | list:
        return [{"t": "Plain", "c": line} for line in _lines_of(self.inlines(n["c"]))]

    def LineBlock(self, n: Node) -> Node | list:
        joined: list = []
        for line in n["c"]:
            joined += [*line, {"t": "LineBreak"}]
        return self.Para({"t": "Para", "c": joined})

    def CodeBlock(self, n: Node) -> Node | list:
        lines = n["c"][1].split("\n")
        return self.LineBlock({"t": "LineBlock", "c": [[{"t": "Str", "c": line}] for line in lines]})

    def RawBlock(self, n: Node) -> list:
        return []

    def HorizontalRule(self, n: Node) -> list:
        return []

    def Header(self, n: Node) -> Node | list:
        super().Header(n)
        n["c"][2] = _tidy(n["c"][2], keep_breaks=False)
        return n if n["c"][2] else []

    def Table(self, n: Node) -> Node:
        super().Table(n)
        n["c"][2] = [[align, {"t": "ColWidthDefault"}] for align, _ in n["c"][2]]
        return n

    def Div(self, n: Node) -> list:
        return self.blocks(n["c"][1])

    def BulletList(self, n: Node) -> Node:
        n["c"] = _tight([self.blocks(item) for item in n["c"]])
        return n

    def OrderedList(self, n: Node) -> Node:
        n["c"][1] = _tight([self.blocks(item) for item in n["c"][1]])
        return n

    # Inlines
    def Str(self, n: Node) -> list:
        # Word's optional hyphens are no part of the word.
        parts = _SPACING.split(_SEPARATORS.sub(" ", _CONTROL.sub("", n["c"].replace("\u00ad", ""))))
        out: list = []
        for i, part in enumerate(parts):
            if i:
                out.append({"t": "Space"})
            if part:
                out.append({"t": "Str", "c": part})
        return out

    def Underline(self, n: Node) -> list:  # on a page, underlined text is taken for a link
        return self.inlines(n["c"])

    SmallCaps = Underline

    def Code(self, n: Node) -> Node:
        return {"t": "Str", "c": n["c"][1]}

    def Math(self, n: Node) -> Node:
        return {"t": "Str", "c": n["c"][1]}

    def RawInline(self, n: Node) -> list:
        return []

    def Cite(self, n: Node) -> list:
        return self.inlines(n["c"][1])

    def SoftBreak(self, n: Node) -> Node:
        return {"t": "Space"}

    def Link(self, n: Node) -> Node | list:
        super().Link(n)
        target = n["c"][2][0].strip()
        if not target.lower().startswith(SCHEMES):  # a bookmark in the document, a file on someone's disk
            if not target.startswith("#"):
                self.cleaned.unlinked.append((self.block, stringify(n["c"][1]), target))
            return n["c"][1]
        n["c"][2] = [target, ""]
        return n if stringify(n["c"][1]).strip() else []

    def Span(self, n: Node) -> list:
        classes = n["c"][0][1]
        if "deletion" in classes:
            self.cleaned.changes.append((self.block, "deleted", " ".join(stringify(n["c"][1]).split())))
            return []
        if "comment-start" in classes:
            author = dict(n["c"][0][2]).get("author", "")
            self.cleaned.comments.append((self.block, author, " ".join(stringify(n["c"][1]).split())))
            return []
        if "insertion" in classes:
            self.cleaned.changes.append((self.block, "inserted", " ".join(stringify(n["c"][1]).split())))
        if "paragraph-insertion" in classes or "paragraph-deletion" in classes or "comment-end" in classes:
            return []
        return self.inlines(n["c"][1])


def clean(blocks: list) -> tuple[list[tuple[list, int]], Cleaned]:
    """The top-level blocks cleaned, each as (the blocks it became, its number), and what was taken out."""
    cleaned = Cleaned()
    cleaner = Cleaner(cleaned)
    out = []
    for number, block in enumerate(blocks):
        cleaner.block = number
        kept = [b for b in cleaner.blocks([block]) if not _empty(b)]
        out.append((kept, number))
    return out, cleaned


def _tight(items: list[list]) -> list[list]:
    """List items of one paragraph each as a tight list, as Word shows them (pandoc reads each as a paragraph)."""
    items = [item for item in items if item]
    if all(len(item) == 1 and item[0]["t"] in ("Para", "Plain") for item in items):
        return [[{"t": "Plain", "c": item[0]["c"]}] for item in items]
    return items


def _empty(block: Node) -> bool:
    kind = block["t"]
    if kind in ("Para", "Plain"):
        return not any(i["t"] not in ("Space", "LineBreak", "SoftBreak") for i in block["c"])
    if kind in ("BulletList",):
        return not block["c"]
    if kind == "OrderedList":
        return not block["c"][1]
    return False


def _lines_of(inlines: list) -> list[list]:
    """A paragraph's inlines as the paragraphs they are: an empty line typed with Shift+Enter parts two."""
    paragraphs, current, breaks = [], [], 0
    for inline in inlines:
        if inline["t"] == "LineBreak":
            breaks += 1
            current.append(inline)
            continue
        if breaks >= 2:
            paragraphs.append(current)
            current = []
        breaks = 0
        current.append(inline)
    paragraphs.append(current)
    return [tidied for p in paragraphs if (tidied := _tidy(p))]


def _tidy(inlines: list, keep_breaks: bool = True) -> list:
    """Inlines without the spacing Word's users type: runs of spaces, spaces at the ends, empty or split
    bold and italics; line breaks only between lines (and none at all without `keep_breaks`)."""
    out: list = []
    for inline in inlines:
        kind = inline["t"]
        if kind in ("Emph", "Strong", "Strikeout", "Superscript", "Subscript"):
            inner = _tidy(inline["c"], keep_breaks)
            if not any(i["t"] not in ("Space", "LineBreak") for i in inner):
                out += [{"t": "Space"}] if inner else []
                continue
            lead = inline["c"] and inline["c"][0]["t"] == "Space"
            trail = inline["c"] and inline["c"][-1]["t"] == "Space"
            if lead:
                out.append({"t": "Space"})
            if out and out[-1]["t"] == kind:  # **Hal****mstad**: one word Word split in two runs
                out[-1]["c"] = _tidy(out[-1]["c"] + inner, keep_breaks)
            else:
                out.append({"t": kind, "c": inner})
            if trail:
                out.append({"t": "Space"})
            continue
        if kind == "Str" and out and out[-1]["t"] == "Str":
            out[-1] = {"t": "Str", "c": out[-1]["c"] + inline["c"]}
            continue
        if kind in ("Space", "SoftBreak"):
            if out and out[-1]["t"] not in ("Space", "LineBreak"):
                out.append({"t": "Space"})
            continue
        if kind == "LineBreak":
            while out and out[-1]["t"] == "Space":
                out.pop()
            if out and out[-1]["t"] != "LineBreak":
                out.append(inline)
            continue
        out.append(inline)
    while out and out[-1]["t"] in ("Space", "LineBreak"):
        out.pop()
    while out and out[0]["t"] in ("Space", "LineBreak"):
        out.pop(0)
    if not keep_breaks and any(i["t"] == "LineBreak" for i in out):
        out = _tidy([{"t": "Space"} if i["t"] == "LineBreak" else i for i in out], keep_breaks)
    return out


class Unbreak(Rewrite):
    """Line breaks kept where the lines are short (an address, a list of times), else made spaces: a break in a
    line of running text is Word's way to push words to the next line."""

    def _unbroken(self, n: Node) -> Node:
        inlines = self.inlines(n["c"])
        if any(i["t"] == "LineBreak" for i in inlines) and any(len(x) > _SHORT_LINE for x in stringify_lines(inlines)):
            inlines = _tidy(inlines, keep_breaks=False)
        n["c"] = inlines
        return n

    Para = Plain = _unbroken


def stringify_lines(inlines: list) -> list[str]:
    """The text of each line of a paragraph, split at its line breaks."""
    lines, current = [], []
    for inline in inlines:
        if inline["t"] == "LineBreak":
            lines.append(stringify(current))
            current = []
        else:
            current.append(inline)
    return [*lines, stringify(current)]
