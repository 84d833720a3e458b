"""The walk over pandoc's AST knows every node kind pandoc has, and refuses any other."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pipeline.body.checks import BodyChecker
from pipeline.body.pandoc import _pandoc
from pipeline.problems import Problems
from pipeline.body.tree import BLOCKS, INLINES, Fold

# Names in pandoc's Lua module that are not node kinds: attributes, table parts, list styles, metadata.
NOT_NODES = {
    "AlignCenter", "AlignDefault", "AlignLeft", "AlignRight", "Attr", "AttributeList", "AuthorInText", "Block",
    "Blocks", "Caption", "Cell", "Citation", "Decimal", "DefaultDelim", "DefaultStyle", "DisplayMath", "DoubleQuote",
    "Example", "Inline", "InlineMath", "Inlines", "List", "ListAttributes", "LowerAlpha", "LowerRoman", "Meta",
    "MetaBlocks", "MetaBool", "MetaInlines", "MetaList", "MetaMap", "MetaString", "NormalCitation", "OneParen",
    "Pandoc", "Period", "ReaderOptions", "Row", "SimpleTable", "SingleQuote", "SuppressAuthor", "TableFoot",
    "TableHead", "TwoParens", "UpperAlpha", "UpperRoman", "WriterOptions",
}


def test_the_walk_knows_exactly_the_node_kinds_of_the_pandoc_it_runs():
    script = ('local n = {} for k in pairs(pandoc) do if type(k) == "string" and k:match("^%u") then '
              'table.insert(n, k) end end print(table.concat(n, " "))')
    names = set(subprocess.run([_pandoc(), "lua", "-e", script], capture_output=True, text=True, check=True).stdout.split())
    assert names - NOT_NODES == BLOCKS | INLINES, "a pandoc with other node kinds: teach pipeline/body/tree.py their rules"


def test_a_node_of_an_unknown_kind_is_refused_not_published():
    problems = Problems(Path("sources/2026/r.md"))
    checker = BodyChecker("Text.\n", 6, Path("sources/2026"), Path("sources"), problems)
    blocks = [{"t": "Para", "c": [{"t": "Str", "c": "Text."}, {"t": "Hologram", "c": "<script>"}]}]
    assert checker.run(blocks) == []
    assert [(p.line, p.severity) for p in problems.items] == [(6, "error")]
    assert "unknown pandoc node 'Hologram'" in problems.items[0].message


def test_a_reader_without_a_rule_for_every_kind_fails_when_it_is_written():
    with pytest.raises(TypeError, match="has no rule for"):
        class Partial(Fold):  # noqa: F841
            def Str(self, n):
                return n["c"]
