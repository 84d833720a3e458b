"""`press verify`: a published folder checked from itself alone, as an archivist or an operator would."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from pipeline.cli import main

PDF = "2026/halmstad-quality-mark/halmstad-quality-mark.pdf"
NEWSML = "2026/halmstad-quality-mark/halmstad-quality-mark.newsml.xml"
NINJS = "2026/halmstad-quality-mark/halmstad-quality-mark.ninjs.json"


def verify(folder: Path, *args: str, expect: int):
    """`press verify FOLDER` run beside the folder, as an operator would: paths are shown from there."""
    with contextlib.chdir(folder.parent):
        result = CliRunner().invoke(main, ["verify", folder.name, *args], catch_exceptions=False)
    assert result.exit_code == expect, result.output
    return result


@pytest.fixture
def published(example_dist, tmp_path) -> Path:
    """A copy of an export of the example sources, to damage."""
    folder = tmp_path / "published"
    shutil.copytree(example_dist, folder)
    return folder


def relisted(folder: Path, path: str, data: bytes) -> None:
    """Replace a file and record its new sha256 in the manifest, as a faulty export would have."""
    (folder / path).write_bytes(data)
    manifest = (folder / "manifest.json").read_text("utf-8")
    old = hashlib.sha256((folder / path).read_bytes()).hexdigest()
    records = json.loads(manifest)
    shas = [o["sha256"] for e in records["releases"] for o in e["outputs"].values() if o["path"] == path]
    shas += [f["sha256"] for group in ("feeds", "pages", "assets") for f in records[group] if f["path"] == path]
    [before] = shas
    (folder / "manifest.json").write_text(manifest.replace(before, old), "utf-8")


def test_an_export_as_it_was_written_verifies(example_dist):
    run = verify(example_dist, "-j", "2", expect=0)
    # every file the manifest names, once: a key image's files are also among its release's files
    files = len(set(re.findall(r'"path": "([^"]+)"', (example_dist / "manifest.json").read_text("utf-8"))))
    assert run.stdout == ""
    assert run.stderr == f"dist: {files} files checked: each is as manifest.json lists it, and sound\n"


def test_a_changed_a_missing_and_an_unlisted_file_are_each_one_finding(published):
    (published / "2026/halmstad-quality-mark/halmstad-quality-mark.txt").write_text("ändrad", "utf-8")
    (published / "feed.rss").unlink()
    (published / "2026/extra.html").write_text("<p>hej</p>", "utf-8")
    run = verify(published, expect=1)
    assert run.stdout.splitlines() == [
        "published/2026/extra.html: published but not listed in manifest.json: no export wrote it; remove it, or "
        "publish it through a release",
        "published/2026/halmstad-quality-mark/halmstad-quality-mark.txt: its content differs from what manifest.json "
        "records (sha256): it was changed or damaged after the export; restore it from a good copy, or export again",
        "published/feed.rss: listed in manifest.json but missing; restore it from a good copy, or export again",
    ]
    assert run.stderr.endswith(": 3 findings\n")


def test_a_pdf_without_its_source_is_found(published):
    with pikepdf.open(published / PDF) as pdf:
        del pdf.attachments["2026-11-26-halmstad-quality-mark.md"]
        pdf.Root.AF = pikepdf.Array([a for a in pdf.Root.AF if a.get("/AFRelationship") != pikepdf.Name.Source])
        out = io.BytesIO()
        pdf.save(out)
    relisted(published, PDF, out.getvalue())
    run = verify(published, expect=1)
    assert run.stdout == (f"published/{PDF}: the PDF does not carry its source 2026-11-26-halmstad-quality-mark.md, as an "
                          "archival PDF must; export again\n")


def test_a_pdf_that_is_no_longer_tagged_fails_the_archival_checks(published):
    with pikepdf.open(published / PDF) as pdf:
        del pdf.Root["/MarkInfo"]
        out = io.BytesIO()
        pdf.save(out)
    relisted(published, PDF, out.getvalue())
    run = verify(published, expect=1)
    assert f"published/{PDF}: the PDF fails an archival check (PDF/A-3u, PDF/UA-1): /MarkInfo /Marked is not true; " \
        "export it again, and report it if it persists" in run.stdout.splitlines()


def test_newsml_ninjs_and_feeds_that_break_their_standard_are_found(published):
    newsml = (published / NEWSML).read_text("utf-8")
    relisted(published, NEWSML, newsml.replace("<headline", "<rubrik", 1).replace("</headline>", "</rubrik>", 1).encode())
    ninjs = json.loads((published / NINJS).read_text("utf-8"))
    ninjs["version"] = 2
    relisted(published, NINJS, json.dumps(ninjs).encode())
    atom = (published / "feed.atom").read_text("utf-8")
    relisted(published, "feed.atom", re.sub(r"(<entry[^>]*>)\s*<id>[^<]*</id>", r"\1", atom, count=1).encode())
    rss = (published / "feed.rss").read_text("utf-8")
    relisted(published, "feed.rss", re.sub(r"<guid[^>]*>[^<]*</guid>", "", rss, count=1).encode())
    feed = json.loads((published / "feed.json").read_text("utf-8"))
    del feed["items"][0]["id"]
    relisted(published, "feed.json", json.dumps(feed).encode())
    lines = verify(published, expect=1).stdout.splitlines()
    said = {line.split(": ", 1)[0].removeprefix("published/"): line.split(": ", 1)[1] for line in lines}
    assert set(said) == {NEWSML, NINJS, "feed.atom", "feed.rss", "feed.json"}, lines
    assert said[NEWSML].startswith("the NewsML-G2 item does not validate against NewsML-G2 2.35: line ")
    assert said[NINJS].startswith("the ninjs document does not validate against ninjs 3.1: at /version: 2 is not of type")
    assert said["feed.atom"].startswith("the Atom feed does not validate against RFC 4287")
    assert said["feed.rss"] == "an RSS item has no guid"
    assert said["feed.json"] == "the JSON Feed's items are missing or lack an id"


def test_a_manifest_that_names_a_file_outside_the_folder_is_a_finding_not_a_read(published, tmp_path):
    (tmp_path / "secret.txt").write_text("hemligt", "utf-8")
    manifest = json.loads((published / "manifest.json").read_text("utf-8"))
    manifest["assets"].append({"path": "../secret.txt", "sha256": "0" * 64})
    (published / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    run = verify(published, expect=1)
    assert run.stdout == ("published/manifest.json: '../secret.txt' lies outside the published folder; export "
                          "again to write a sound manifest\n")


@pytest.mark.parametrize(("damage", "message"), [
    (lambda f: (f / "manifest.json").unlink(), "there is no manifest.json, so nothing can be verified"),
    (lambda f: (f / "manifest.json").write_text("{", "utf-8"), "manifest.json is not JSON"),
    (lambda f: (f / "manifest.json").write_text("{}", "utf-8"), "manifest.json is not the manifest of an export"),
])
def test_a_folder_without_a_sound_manifest_says_so(published, damage, message):
    damage(published)
    assert message in verify(published, expect=1).stdout


def test_a_folder_that_is_not_there_is_a_usage_error(tmp_path):
    assert "does not exist" in verify(tmp_path / "nowhere", expect=2).output


def test_links_pipes_and_folders_are_named_and_never_followed(published, tmp_path):
    outside = tmp_path / "outside.txt"
    text = "2026/halmstad-quality-mark/halmstad-quality-mark.txt"
    outside.write_bytes((published / text).read_bytes())  # the same bytes: following the link would say 'sound'
    (published / text).unlink()
    (published / text).symlink_to(outside)
    (published / "feed.rss").unlink()
    os.mkfifo(published / "feed.rss")  # reading it would never end
    (published / "feed.json").unlink()
    (published / "feed.json").mkdir()
    (published / "extra").symlink_to(tmp_path)
    lines = verify(published, "-j", "2", expect=1).stdout.splitlines()
    assert lines == [
        "published/extra: a symbolic link but not listed in manifest.json: no export wrote it; remove it, or publish it "
        "through a release",
        f"published/{text}: is a symbolic link, which an export never writes (it could lead anywhere); put the file "
        "itself in its place",
        "published/feed.json: is a folder where manifest.json lists a file; restore the file from a good copy, or export "
        "again",
        "published/feed.rss: is not a plain file (a pipe or a device); restore the file from a good copy, or export again",
    ]


def test_a_pdf_that_cannot_be_parsed_is_one_finding_not_a_stop(published):
    relisted(published, PDF, b"%PDF-1.7\nnot really")
    run = verify(published, expect=1)
    assert run.stdout.startswith(f"published/{PDF}: it cannot be read as a PDF (")
    assert run.stdout.rstrip().endswith("restore it from a good copy, or export again")
