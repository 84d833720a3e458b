"""The preview build behind `press serve`: drafts and releases not public yet, each with a banner; never in an export."""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from conftest import NOW, export, png, release, tree, write_tree

from pipeline.build.export import export as build

SOURCES = {
    "sources/2026/2026-11-20-utkast.md": release("title: Ett utkast\ndate: 2026-11-20T09:00\ndraft: true\n"),
    "sources/2026/2026-12-01-budget.md": release("title: Budgeten\ndate: 2026-12-01T10:00\nembargo: 2026-12-01T10:00\n"),
    "sources/2026/2026-12-24-jul.md": release("title: Julen\ndate: 2026-12-24T09:00\nlang: en\n"),
    "sources/2026/2026-11-21-ute.md": release("title: Ute\ndate: 2026-11-21T09:00\n"),
}


class _Quiet:
    def problem(self, problem): pass
    def begin(self, total): pass
    def advance(self): pass
    def end(self): pass
    def release(self, status, path, detail=""): pass


def test_a_preview_shows_every_release_with_a_banner_and_an_export_shows_none(project):
    write_tree(project, SOURCES)
    summary = build(Path("sources"), Path("preview"), datetime.fromisoformat(NOW), _Quiet(), jobs=2,
                    cache_dir=Path(".cache/preview"), preview=True)
    assert summary.ok and summary.new == 4
    banners = {folder: _banner(project / "preview" / "2026" / folder / "index.html")
               for folder in ("utkast", "budget", "jul", "ute")}
    assert banners == {"utkast": "Utkast – inte publicerat", "budget": "Under embargo till tisdag 1 december 2026 kl. 10.00",
                       "jul": "To be published Thursday, December 24, 2026, 09:00", "ute": None}
    pdf = subprocess.run(["pdftotext", str(project / "preview/2026/budget/budget.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    assert "Under embargo till tisdag 1 december 2026 kl. 10.00" in pdf

    export("sources", "--now", NOW)
    published = tree(project / "dist")
    assert sorted({path.split("/")[1] for path in published if path.startswith("2026/")}) == ["ute"]
    assert not [path for path, data in published.items() if b"preview-banner" in data and not path.endswith(".css")]


def test_builds_of_one_preview_follow_every_save_though_unchanged_releases_are_remembered(project):
    from pipeline.build.preview import Preview

    write_tree(project, {**SOURCES, "sources/2026/bild.png": png(40, 30), "sources/2026/2026-11-22-bild.md": release(
        "title: Med bild\ndate: 2026-11-22T09:00\nimage: {src: bild.png, alt: En blå ruta, credit: Foto X}\n")})
    preview = Preview(Path("sources"), 1, _Quiet)
    site = project / ".cache/preview/site/2026"
    try:
        assert preview.build().new == 5
        (project / "sources/2026/bild.png").write_bytes(png(80, 60))  # the same source: only its image changed
        (project / "sources/2026/2026-11-21-ute.md").write_text(release("title: Ute igen\ndate: 2026-11-21T09:00\n"))
        (project / "sources/2026/2026-12-24-jul.md").unlink()
        summary = preview.build()
        assert (summary.updated, summary.unchanged, summary.removed) == (2, 2, 1)
        with Image.open(site / "bild/bild-80.png") as shown:  # the page shows the new image
            assert shown.size == (80, 60)
        assert "Ute igen" in (site / "ute/index.html").read_text("utf-8")
        assert not (site / "jul").exists()
        assert not (project / ".cache/preview/.site.snapshots").exists()  # written in place: a save shows at once
    finally:
        preview.end()


def test_a_release_saved_again_is_printed_by_the_warm_workers_in_every_face_of_the_font(project):
    from pipeline.build.preview import Preview

    write_tree(project, SOURCES)
    reporter = _Kept()
    preview = Preview(Path("sources"), 2, lambda: reporter)
    try:
        assert preview.build().ok
        write_tree(project, {"sources/2026/2026-11-21-ute.md": release(
            "title: Ute\ndate: 2026-11-21T09:00\n", "Brödtext med *kursiv*, **fet** och ***båda***.\n")})
        summary = preview.build()
        assert summary.ok and summary.updated == 1, reporter.problems
    finally:
        preview.end()


class _Kept(_Quiet):
    def __init__(self):
        self.problems = []

    def problem(self, problem):
        self.problems.append(problem.format(str(problem.path)))


def test_a_release_still_holding_the_template_is_previewed_as_it_is_written_and_never_exported(project):
    from click.testing import CliRunner

    from pipeline.build.preview import Preview
    from pipeline.cli import main

    new = CliRunner().invoke(main, ["new", "Ny lekplats", "--date", "2026-11-25T09:00"])
    assert new.exit_code == 0, new.output
    reporter = _Kept()
    preview = Preview(Path("sources"), 1, lambda: reporter)
    try:
        assert preview.build().ok
    finally:
        preview.end()
    assert (project / ".cache/preview/site/2026/ny-lekplats/index.html").is_file()
    assert any("the lead still holds the template's text" in p and "an export would refuse it" in p for p in reporter.problems), reporter.problems
    run = export("sources", "--now", NOW, expect=1)
    assert "the lead still holds the template's text" in run.stderr and not (project / "dist/2026/ny-lekplats").exists()


def test_what_a_build_that_stopped_wrote_is_taken_away_by_the_next(project, monkeypatch):
    import pipeline.build.export
    from pipeline.build.preview import Preview

    write_tree(project, SOURCES)
    preview = Preview(Path("sources"), 1, _Quiet)
    site = project / ".cache/preview/site/2026"
    try:
        preview.build()
        write_tree(project, {"sources/2026/2026-11-23-ny.md": release("title: Ny\ndate: 2026-11-23T09:00\n")})
        with monkeypatch.context() as patched:  # the build stops after writing the new release, before listing it
            patched.setattr(pipeline.build.export, "write_manifest", _stop)
            with pytest.raises(KeyboardInterrupt):
                preview.build()
        assert (site / "ny/index.html").is_file()
        (project / "sources/2026/2026-11-23-ny.md").unlink()  # the author thinks better of it
        summary = preview.build()
        assert summary.unchanged == 4 and not (site / "ny").exists()
    finally:
        preview.end()


def _stop(*args) -> None:
    raise KeyboardInterrupt


def _banner(page: Path) -> str | None:
    from lxml import html

    found = html.parse(str(page)).xpath("//p[@class='preview-banner']/text()")
    return found[0] if found else None
