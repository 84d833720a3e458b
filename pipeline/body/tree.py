"""One walk over pandoc's JSON AST that visits every node kind pandoc has, and refuses any other.

Every pass over a body (the checks, the HTML reshaping, the wire text) is a subclass
with one rule per node kind, a method named after the kind (`Para`, `Link`, …):

- `Rewrite` has a rule for every kind that only descends, so a subclass overrides the
  rules it needs. Every attribute (on headings, spans, links, tables, rows, cells…)
  goes through `attributes()` and every link or image target through the rule of its
  node, wherever it occurs, including table captions and footnotes.
- `Fold` has no rules: a subclass that misses a kind fails when it is defined, not
  when a release happens to use that kind.

A node of a kind not in `BLOCKS` or `INLINES` (a newer pandoc, a damaged AST) raises
`UnknownNode`: nothing passes unchecked.
"""

from __future__ import annotations

from typing import Any

# Pandoc's AST, API version 1.23: every block and inline kind.
BLOCKS = frozenset({
    "Plain", "Para", "LineBlock", "CodeBlock", "RawBlock", "BlockQuote", "OrderedList", "BulletList",
    "DefinitionList", "Header", "HorizontalRule", "Table", "Figure", "Div",
})
INLINES = frozenset({
    "Str", "Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps", "Quoted",
    "Cite", "Code", "Space", "SoftBreak", "LineBreak", "Math", "RawInline", "Link", "Image", "Note", "Span",
})
STYLED = ("Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps")  # c: [Inline]

Node = dict[str, Any]


class UnknownNode(ValueError):
    """A node of a kind this pipeline does not know: refused, since it could not be checked."""


def kind_of(node: Any, kinds: frozenset[str]) -> str:
    kind = node.get("t") if isinstance(node, dict) else None
    if kind not in kinds:
        raise UnknownNode(f"unknown pandoc node {str(kind)[:40]!r}")
    return kind


class Rewrite:
    """A pass that may change, drop or replace nodes; each rule returns the node(s) to keep.

    A block or inline rule returns a node, a list of nodes (none to drop it, several to replace it).
    """

    def blocks(self, blocks: list) -> list:
        out: list = []
        for block in blocks:
            kept = getattr(self, kind_of(block, BLOCKS))(block)
            out.extend(kept if isinstance(kept, list) else [kept])
        return out

    def inlines(self, inlines: list) -> list:
        out: list = []
        for inline in inlines:
            kept = getattr(self, kind_of(inline, INLINES))(inline)
            out.extend(kept if isinstance(kept, list) else [kept])
        return out

    def attributes(self, attr: list, node: Node) -> list:
        """Every [id, classes, key-value pairs] of the tree passes here; returns the attributes to keep."""
        return attr

    def caption(self, caption: list) -> list:
        short, blocks = caption
        return [self.inlines(short) if short is not None else None, self.blocks(blocks)]

    # Blocks
    def Plain(self, n: Node) -> Node:
        n["c"] = self.inlines(n["c"])
        return n

    def Para(self, n: Node) -> Node:
        n["c"] = self.inlines(n["c"])
        return n

    def LineBlock(self, n: Node) -> Node:
        n["c"] = [self.inlines(line) for line in n["c"]]
        return n

    def CodeBlock(self, n: Node) -> Node:
        n["c"][0] = self.attributes(n["c"][0], n)
        return n

    def RawBlock(self, n: Node) -> Node | list:
        return n

    def BlockQuote(self, n: Node) -> Node:
        n["c"] = self.blocks(n["c"])
        return n

    def OrderedList(self, n: Node) -> Node:
        n["c"][1] = [self.blocks(item) for item in n["c"][1]]
        return n

    def BulletList(self, n: Node) -> Node:
        n["c"] = [self.blocks(item) for item in n["c"]]
        return n

    def DefinitionList(self, n: Node) -> Node:
        n["c"] = [[self.inlines(term), [self.blocks(d) for d in defs]] for term, defs in n["c"]]
        return n

    def Header(self, n: Node) -> Node:
        n["c"][1] = self.attributes(n["c"][1], n)
        n["c"][2] = self.inlines(n["c"][2])
        return n

    def HorizontalRule(self, n: Node) -> Node:
        return n

    def Table(self, n: Node) -> Node:
        c = n["c"]  # attr, caption, column specs, head, bodies, foot
        c[0] = self.attributes(c[0], n)
        c[1] = self.caption(c[1])
        c[3] = [self.attributes(c[3][0], n), self.rows(c[3][1], n)]
        c[4] = [[self.attributes(b[0], n), b[1], self.rows(b[2], n), self.rows(b[3], n)] for b in c[4]]
        c[5] = [self.attributes(c[5][0], n), self.rows(c[5][1], n)]
        return n

    def rows(self, rows: list, table: Node) -> list:
        return [
            [self.attributes(attr, table), [[self.attributes(cell[0], table), *cell[1:4], self.blocks(cell[4])] for cell in cells]]
            for attr, cells in rows
        ]

    def Figure(self, n: Node) -> Node:
        n["c"] = [self.attributes(n["c"][0], n), self.caption(n["c"][1]), self.blocks(n["c"][2])]
        return n

    def Div(self, n: Node) -> Node | list:
        n["c"] = [self.attributes(n["c"][0], n), self.blocks(n["c"][1])]
        return n

    # Inlines
    def Str(self, n: Node) -> Node:
        return n

    def _styled(self, n: Node) -> Node:
        n["c"] = self.inlines(n["c"])
        return n

    Emph = Underline = Strong = Strikeout = Superscript = Subscript = SmallCaps = _styled

    def Quoted(self, n: Node) -> Node:
        n["c"][1] = self.inlines(n["c"][1])
        return n

    def Cite(self, n: Node) -> Node:
        n["c"][1] = self.inlines(n["c"][1])
        return n

    def Code(self, n: Node) -> Node:
        n["c"][0] = self.attributes(n["c"][0], n)
        return n

    def Space(self, n: Node) -> Node:
        return n

    SoftBreak = LineBreak = Math = Space

    def RawInline(self, n: Node) -> Node | list:
        return n

    def Link(self, n: Node) -> Node | list:
        n["c"][0] = self.attributes(n["c"][0], n)
        n["c"][1] = self.inlines(n["c"][1])
        return n

    def Image(self, n: Node) -> Node | list:
        n["c"][0] = self.attributes(n["c"][0], n)
        n["c"][1] = self.inlines(n["c"][1])
        return n

    def Note(self, n: Node) -> Node:
        n["c"] = self.blocks(n["c"])
        return n

    def Span(self, n: Node) -> Node | list:
        n["c"][0] = self.attributes(n["c"][0], n)
        n["c"][1] = self.inlines(n["c"][1])
        return n


class Fold:
    """A pass that reads the tree into something else (text, say); a subclass has a rule for every kind.

    `block(node)` and `inline(node)` call the rule named after the node's kind; a kind with no
    rule fails when the subclass is defined.
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        missing = sorted(k for k in BLOCKS | INLINES if not callable(getattr(cls, k, None)))
        if missing:
            raise TypeError(f"{cls.__name__} has no rule for {', '.join(missing)}")

    def block(self, node: Any, *args):
        return getattr(self, kind_of(node, BLOCKS))(node, *args)

    def inline(self, node: Any, *args):
        return getattr(self, kind_of(node, INLINES))(node, *args)


class _Text(Fold):
    """Plain text of inlines, as pandoc's stringify: words and spaces, no marks."""

    def inlines(self, inlines: list) -> str:
        return "".join(self.inline(i) for i in inlines)

    def blocks(self, blocks: list) -> str:
        return " ".join(self.block(b) for b in blocks)

    def Str(self, n): return n["c"]
    def Space(self, n): return " "
    SoftBreak = LineBreak = Space
    def _inner(self, n): return self.inlines(n["c"])
    Emph = Underline = Strong = Strikeout = Superscript = Subscript = SmallCaps = _inner
    def _second(self, n): return self.inlines(n["c"][1])
    Quoted = Cite = Link = Image = Span = _second
    def Code(self, n): return n["c"][1]
    def Math(self, n): return n["c"][1]
    def RawInline(self, n): return ""
    def Note(self, n): return ""  # a footnote is not part of the text it is attached to
    def Plain(self, n): return self.inlines(n["c"])
    Para = Plain
    def Header(self, n): return self.inlines(n["c"][2])
    def LineBlock(self, n): return " ".join(self.inlines(line) for line in n["c"])
    def CodeBlock(self, n): return n["c"][1]
    def RawBlock(self, n): return ""
    def BlockQuote(self, n): return self.blocks(n["c"])
    def OrderedList(self, n): return " ".join(self.blocks(item) for item in n["c"][1])
    def BulletList(self, n): return " ".join(self.blocks(item) for item in n["c"])
    def DefinitionList(self, n): return " ".join(self.inlines(t) + " " + " ".join(self.blocks(d) for d in ds) for t, ds in n["c"])
    def HorizontalRule(self, n): return ""
    def Table(self, n): return self.blocks(n["c"][1][1])  # the caption; cells are not running text
    def Figure(self, n): return self.blocks(n["c"][1][1])
    def Div(self, n): return self.blocks(n["c"][1])


class _TextWithoutImages(_Text):
    def Image(self, n): return ""


def stringify(inlines: list, alt_texts: bool = True) -> str:
    """Plain text of inlines (like pandoc's stringify); footnotes and raw markup left out, and images' alt texts
    too without `alt_texts`."""
    return (_Text() if alt_texts else _TextWithoutImages()).inlines(inlines)
