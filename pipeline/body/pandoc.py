"""The only module that runs pandoc (the binary pypandoc ships): Markdown to AST, AST to HTML, and
a Word or OpenDocument file to AST and back to Markdown for `press import`.

Each call converts a whole batch of documents in one pandoc process, through a
short Lua script, so an export starts pandoc twice per batch instead of twice
per release.
"""

from __future__ import annotations

import json
import subprocess
from functools import cache

import pypandoc

from pipeline.limits import PANDOC_MEGABYTES
from pipeline.orphans import ending_with_this_process

# Pandoc Markdown as the source contract describes it. Raw HTML stays *on* in the
# reader (and <div>/<span> are not turned into native elements) so that checks.py
# can find it and refuse it with a line number; raw TeX, math and smart
# punctuation are off so that the communicator's text comes out as typed
# ("$" in a price, ”Swedish quotes”).
READER = (
    "markdown-raw_tex-raw_attribute-tex_math_dollars-tex_math_single_backslash"
    "-smart-implicit_figures-yaml_metadata_block-citations-pandoc_title_block-native_divs-native_spans-task_lists"
)
# The readers run in pandoc's sandbox (the fourth argument: an empty file system), so a
# source cannot make pandoc read a file; the HTML writer embeds nothing, so it reads none.
TO_AST = f"""
local out = {{}}
for i, text in ipairs(pandoc.json.decode(io.read("a"), false)) do
  out[i] = pandoc.write(pandoc.read(text, "{READER}", {{}}, {{}}), "json")
end
io.write(pandoc.json.encode(out))
"""
BODY_ID_PREFIX = "text-"  # on every id in a body and every link to one, so that none is also one of the page's
TO_HTML = """
local out = {}
for i, text in ipairs(pandoc.json.decode(io.read("a"), false)) do
  out[i] = pandoc.write(pandoc.read(text, "json", {}, {}), "html5", {wrap_text = "none", identifier_prefix = "%s"})
end
io.write(pandoc.json.encode(out))
""" % BODY_ID_PREFIX


# A document to import is read in the sandbox too (nothing it links to is fetched), with its tracked
# changes and comments kept as spans, so the import accepts the one and names the other; its images
# come back from pandoc's media bag as data: URIs, since JSON carries no bytes.
DOCUMENT_TO_AST = """
local doc = pandoc.read(io.read("a"), "%s", {track_changes = "all"}, {})
local media = {}
for _, item in ipairs(pandoc.mediabag.list()) do
  local mime, contents = pandoc.mediabag.fetch(item.path)
  media[item.path] = pandoc.mediabag.make_data_uri(mime, contents)
end
io.write(pandoc.json.encode({ast = pandoc.write(doc, "json"), media = media}))
"""
DOCUMENT_READERS = {"docx": "docx+styles", "odt": "odt"}  # +styles: each paragraph's Word style, to find the lead by
# The Markdown a release body is written in (READER above): no raw HTML or attributes to fall back on,
# and tables as pipe tables, or grid tables when a cell holds more than a line.
MARKDOWN_WRITER = (
    "markdown-raw_html-raw_attribute-raw_tex-smart-simple_tables-multiline_tables-implicit_figures-citations"
    "-native_divs-native_spans-task_lists-link_attributes-header_attributes-fenced_code_attributes-inline_code_attributes"
)
AST_TO_MARKDOWN = """
local doc = pandoc.read(io.read("a"), "json", {}, {})
io.write(pandoc.write(doc, "%s", {wrap_text = "none"}))
""" % MARKDOWN_WRITER


class PandocFailed(RuntimeError):
    """pandoc did not convert a batch: it failed, ran past its limits, or gave back what cannot be read."""


def markdown_to_asts(texts: list[str], seconds: int = 60) -> list[dict]:
    try:
        return [json.loads(ast) for ast in _run(TO_AST, texts, seconds)]
    except RecursionError:
        raise PandocFailed("the body nests lists, quotes or emphasis too deeply to be read") from None


def asts_to_html(asts: list[dict], seconds: int = 60) -> list[str]:
    try:
        texts = [json.dumps(ast) for ast in asts]
    except RecursionError:
        raise PandocFailed("the body nests lists, quotes or emphasis too deeply to be read") from None
    return [html + "\n" if html else html for html in _run(TO_HTML, texts, seconds)]


def document_to_ast(document: bytes, kind: str, seconds: int = 60) -> tuple[dict, dict[str, str]]:
    """A Word (`docx`) or OpenDocument (`odt`) file as pandoc's AST, and its images: media path -> data: URI."""
    out = _execute(DOCUMENT_TO_AST % DOCUMENT_READERS[kind], document, seconds, "reading the document")
    try:
        read = json.loads(out)
        return json.loads(read["ast"]), dict(read["media"] or {})
    except (ValueError, KeyError, TypeError, RecursionError):
        raise PandocFailed("pandoc gave back what cannot be read") from None


def ast_to_markdown(ast: dict, seconds: int = 60) -> str:
    """A body as the Markdown a release is written in."""
    try:
        text = json.dumps(ast)
    except RecursionError:
        raise PandocFailed("the document nests lists or tables too deeply to be written") from None
    return _execute(AST_TO_MARKDOWN, text.encode("utf-8"), seconds, "writing the Markdown").decode("utf-8")


@cache
def _pandoc() -> str:
    return pypandoc.get_pandoc_path()


def _run(script: str, texts: list[str], seconds: int) -> list[str]:
    """One pandoc process for the batch."""
    if not texts:
        return []
    out = json.loads(_execute(script, json.dumps(texts).encode("utf-8"), seconds, "converting the body"))
    if len(out) != len(texts):
        raise PandocFailed(f"pandoc returned {len(out)} documents for {len(texts)}")
    return out


def _execute(script: str, given: bytes, seconds: int, doing: str) -> bytes:
    """pandoc running `script` on `given`, within its time and heap limits (pandoc's runtime enforces -M).

    pandoc ends with the command that started it, however that ends (kill -9 leaves no one to enforce the timeout).
    """
    command = [_pandoc(), "+RTS", f"-M{PANDOC_MEGABYTES}m", "-RTS", "lua", "-e", script]
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          preexec_fn=ending_with_this_process()) as process:
        try:
            stdout, stderr = process.communicate(given, timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise PandocFailed(f"{doing} took longer than {seconds} seconds, the limit") from None
        except BaseException:  # Ctrl-C, or the command stopping: pandoc stops with it
            process.kill()
            raise
    if process.returncode != 0:
        error = stderr.decode("utf-8", "replace").strip()
        if "heap" in error.lower():
            raise PandocFailed(f"{doing} needed more than {PANDOC_MEGABYTES} MB of memory, the limit")
        raise PandocFailed(f"pandoc failed: {error[:300]}")
    return stdout

