"""The only module that runs pandoc (the binary pypandoc ships): Markdown to AST, AST to HTML.

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


@cache
def _pandoc() -> str:
    return pypandoc.get_pandoc_path()


def _run(script: str, texts: list[str], seconds: int) -> list[str]:
    """One pandoc process for the batch, within its time and heap limits (pandoc's runtime enforces -M).

    pandoc ends with the export, however the export ends (kill -9 leaves no one to enforce the timeout).
    """
    if not texts:
        return []
    command = [_pandoc(), "+RTS", f"-M{PANDOC_MEGABYTES}m", "-RTS", "lua", "-e", script]
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          preexec_fn=ending_with_this_process()) as process:
        try:
            stdout, stderr = process.communicate(json.dumps(texts).encode("utf-8"), timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise PandocFailed(f"converting the body took longer than {seconds} seconds, the limit") from None
        except BaseException:  # Ctrl-C, or the export stopping: pandoc stops with it
            process.kill()
            raise
    if process.returncode != 0:
        error = stderr.decode("utf-8", "replace").strip()
        if "heap" in error.lower():
            raise PandocFailed(f"converting the body needed more than {PANDOC_MEGABYTES} MB of memory, the limit")
        raise PandocFailed(f"pandoc failed: {error[:300]}")
    out = json.loads(stdout)
    if len(out) != len(texts):
        raise PandocFailed(f"pandoc returned {len(out)} documents for {len(texts)}")
    return out

