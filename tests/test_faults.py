"""Hostile or broken sources: each fails its own release with one clear line, the others publish."""

from __future__ import annotations

import pytest
from conftest import NOW, export, release, write_tree

GOOD = {f"sources/2026/2026-11-2{n}-bra-{n}.md": release(f"title: Bra {n}\ndate: 2026-11-2{n}\n") for n in range(3)}


def bomb() -> bytes:
    """A 20,000 × 20,000 pixel PNG of a few dozen kB: decoded, it would take 400 MB."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


HOSTILE = {
    "a NUL byte in the front matter": (
        {"sources/2026/2026-11-26-ond.md": "---\ntitle: N\x00ll\ndate: 2026-11-26\n---\nText.\n"},
        "sources/2026/2026-11-26-ond.md:2: error: the character U+0000 (a control character) cannot be in the front "
        "matter; delete it (it is invisible in most editors: retype the line)",
    ),
    "a decompression bomb as key image": (
        {"sources/2026/2026-11-26-ond.md": release("title: Ond\ndate: 2026-11-26\nimage: {src: bomb.png, alt: Bomb}\n"),
         "sources/2026/bomb.png": bomb()},
        "sources/2026/2026-11-26-ond.md:4: error: image 'bomb.png' cannot be used (it has more than 120 megapixels, the "
        "most an image may have; make it smaller); save it again as JPEG, PNG, GIF, WebP or SVG",
    ),
    "quotes nested 40 deep": (
        {"sources/2026/2026-11-26-ond.md": release("title: Ond\ndate: 2026-11-26\n", "> " * 40 + "x\n")},
        "sources/2026/2026-11-26-ond.md:6: error: the body nests lists, quotes or notes more than 30 levels deep, the "
        "limit; make it flatter",
    ),
    "quotes nested 1,500 deep, past what can be read at all": (
        {"sources/2026/2026-11-26-ond.md": release("title: Ond\ndate: 2026-11-26\n", "> " * 1500 + "x\n")},
        "sources/2026/2026-11-26-ond.md:6: error: the body nests lists, quotes or emphasis too deeply to be read; "
        "shorten or simplify the body (nested lists and quotes, footnotes), or split the release",
    ),
    "a release file of 3.5 MB": (
        {"sources/2026/2026-11-26-ond.md": release("title: Ond\ndate: 2026-11-26\n", "Ord ord ord.\n\n" * 250_000)},
        "sources/2026/2026-11-26-ond.md:1: error: the file is 3.5 MB, more than the 2 MB a release may be; move long "
        "material into an attachment",
    ),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_source_fails_its_release_alone_with_one_line(project, name):
    files, message = HOSTILE[name]
    write_tree(project, {**GOOD, **files})
    run = export("sources", "--now", NOW, "-q", "-j", "1", expect=1)
    assert run.problems == [message]
    assert "Traceback" not in run.stderr + run.stdout
    assert run.stderr.strip().endswith("1 failed: 1 error, 0 warnings")
    for n in range(3):
        assert (project / f"dist/2026/bra-{n}/index.html").is_file()
    assert not (project / "dist/2026/ond").exists()
