"""The only module that calls pandoc (through pypandoc): Markdown to AST, AST to HTML."""

from __future__ import annotations

import json

import pypandoc

# Pandoc Markdown as the source contract describes it. Raw HTML stays *on* in the
# reader (and <div>/<span> are not turned into native elements) so that body.py
# can find it and refuse it with a line number; raw TeX,
# math and smart punctuation are off so that the communicator's text comes out as
# typed ("$" in a price, ”Swedish quotes”).
READER = (
    "markdown-raw_tex-raw_attribute-tex_math_dollars-tex_math_single_backslash"
    "-smart-implicit_figures-yaml_metadata_block-citations-pandoc_title_block-native_divs-native_spans"
)


class PandocFailed(RuntimeError):
    """pandoc itself failed: a bug or a broken install, not a problem in the content."""


def markdown_to_ast(markdown: str) -> dict:
    return json.loads(_run(markdown, READER, "json"))


def ast_to_html(ast: dict) -> str:
    return _run(json.dumps(ast), "json", "html5", ["--wrap=none"])


def _run(text: str, source: str, to: str, extra: list[str] | None = None) -> str:
    try:
        return pypandoc.convert_text(text, to, format=source, extra_args=extra or [], sandbox=True)
    except RuntimeError as exc:  # pypandoc raises a bare RuntimeError carrying pandoc's stderr
        raise PandocFailed(f"pandoc failed converting {source} to {to}: {exc}") from exc
