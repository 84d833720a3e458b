"""Golden files for the example releases: a change in what a reader sees must be a reviewed change.

Regenerate with `UPDATE_GOLDEN=1 make test`, then read every line of `git diff tests/golden`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
FILES = {
    "halmstad-quality-mark.html": "2026/halmstad-quality-mark/index.html",
    "halmstad-quality-mark.txt": "2026/halmstad-quality-mark/halmstad-quality-mark.txt",
    "halmstad-quality-mark.newsml.xml": "2026/halmstad-quality-mark/halmstad-quality-mark.newsml.xml",
    "halmstad-quality-mark.ninjs.json": "2026/halmstad-quality-mark/halmstad-quality-mark.ninjs.json",
    "harbour-cycle-route.txt": "2026/harbour-cycle-route/harbour-cycle-route.txt",
    "harbour-cycle-route.newsml.xml": "2026/harbour-cycle-route/harbour-cycle-route.newsml.xml",
    "harbour-cycle-route.ninjs.json": "2026/harbour-cycle-route/harbour-cycle-route.ninjs.json",
    # A release with a key image, a body image, a table and an attachment.
    "bibliotekets-oppettider-jul.html": "2026/bibliotekets-oppettider-jul/index.html",
    "bibliotekets-oppettider-jul.txt": "2026/bibliotekets-oppettider-jul/bibliotekets-oppettider-jul.txt",
    "bibliotekets-oppettider-jul.ninjs.json": "2026/bibliotekets-oppettider-jul/bibliotekets-oppettider-jul.ninjs.json",
    "feed.json": "feed.json",
    "topic-stadsutveckling.html": "amnen/stadsutveckling/index.html",
    "feed.atom": "feed.atom",
    "feed.rss": "feed.rss",
    "index.html": "index.html",
}


@pytest.mark.parametrize("golden", FILES)
def test_output_matches_golden_file(example_dist, golden):
    actual = (example_dist / FILES[golden]).read_bytes()
    expected_path = GOLDEN / golden
    if os.environ.get("UPDATE_GOLDEN"):
        # In CI a golden file is only ever compared: regenerating it there would make every test pass.
        assert not os.environ.get("CI"), "UPDATE_GOLDEN is refused when CI is set"
        expected_path.write_bytes(actual)
    assert expected_path.exists(), f"no golden file {golden}: run with UPDATE_GOLDEN=1 and review it"
    assert actual.decode("utf-8") == expected_path.read_text("utf-8")
