"""The publishing rules: embargo, drafts, determinism, last good outputs, atomic writes, security."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import NOW, ROOT, export, png, release, tree, write_tree

from pipeline.build import output
from pipeline.render.artifact import Artifact

BASIC = "title: Rubrik\ndate: 2026-11-26\n"


def test_two_exports_from_different_folders_are_byte_identical(example_dist, tmp_path):
    other = tmp_path / "elsewhere" / "deeper"
    shutil.copytree(ROOT / "sources", other / "sources")
    run = export(str(other / "sources"), "-o", str(other / "out"), "--now", NOW, "-q")
    assert run.exit_code == 0, run.stderr
    first, second = tree(example_dist), tree(other / "out")
    assert first.keys() == second.keys()
    different = [name for name in first if first[name] != second[name]]
    assert different == [], "same sources must give the same bytes, PDFs included"
    for name, data in first.items():
        assert str(ROOT).encode() not in data and str(other).encode() not in data, f"absolute path in {name}"


def test_embargoed_future_and_draft_releases_appear_nowhere(project):
    write_tree(project, {
        "sources/2026/public.md": release("title: Offentlig\ndate: 2026-11-20\n"),
        "sources/2026/embargo.md": release("title: Hemlig nyhet\ndate: 2026-11-20\nembargo: 2026-12-01T10:00:00+01:00\nid: embargo-id\n"),
        "sources/2026/future.md": release("title: Framtida nyhet\ndate: 2026-12-24T08:00\n"),
        "sources/2026/draft.md": release("title: Utkast till nyhet\ndate: 2026-11-01\ndraft: true\n"),
    })
    run = export("sources", "--now", NOW)
    assert run.exit_code == 0, run.stderr
    assert "1 new, 2 under embargo, 1 draft, 0 failed: 0 errors, 0 warnings" in run.stdout
    files = tree(project / "dist")
    assert sorted(f for f in files if f.startswith("2026/")) == [
        "2026/public/index.html", "2026/public/public.newsml.xml", "2026/public/public.ninjs.json",
        "2026/public/public.pdf", "2026/public/public.txt",
    ]
    for name, data in files.items():
        for secret in ("Hemlig nyhet", "Framtida nyhet", "Utkast till nyhet", "embargo-id", "2026/embargo", "2026/draft"):
            assert secret.encode() not in data, f"{secret!r} leaked into {name}"


def test_an_embargoed_release_appears_once_its_time_has_come(project):
    write_tree(project, {"sources/2026/e.md": release(BASIC + "embargo: 2026-11-26T10:00:00+01:00\n")})
    export("sources", "--now", "2026-11-26T09:59:59+01:00", "-q")
    assert not (project / "dist/2026/e").exists()
    export("sources", "--now", "2026-11-26T10:00:00+01:00", "-q")
    assert (project / "dist/2026/e/index.html").is_file()
    manifest = json.loads((project / "dist/manifest.json").read_text())
    assert [e["id"] for e in manifest["releases"]] == ["e"]


def test_a_release_that_fails_keeps_its_last_good_outputs(project):
    write_tree(project, {
        "sources/2026/a.md": release("title: Första\ndate: 2026-11-20\n"),
        "sources/2026/b.md": release("title: Andra\ndate: 2026-11-21\n"),
    })
    assert export("sources", "--now", NOW, "-q").exit_code == 0
    before = tree(project / "dist")
    manifest_before = json.loads(before["manifest.json"])
    write_tree(project, {"sources/2026/a.md": release("title: Första, ändrad\ndate: 2026-11-20\nlang: qq-99\n")})
    export("sources", "--now", NOW, "-q", expect=1)
    after = tree(project / "dist")
    for name in ("2026/a/index.html", "2026/a/a.pdf", "2026/a/a.txt"):
        assert after[name] == before[name], f"{name} must stay as last published"
    manifest = json.loads(after["manifest.json"])
    assert manifest["releases"] == manifest_before["releases"]
    assert "Första".encode() in after["feed.atom"] and "Första".encode() in after["index.html"], "still listed"


def test_outputs_of_removed_and_drafted_releases_are_removed(project):
    write_tree(project, {
        "sources/2026/a.md": release("title: A\ndate: 2026-11-20\nimage: {src: bild.png, alt: En blå ruta}\n"),
        "sources/2026/bild.png": png(),
        "sources/2026/b.md": release("title: B\ndate: 2026-11-21\n"),
        "dist/keep-me.txt": "not ours",
    })
    export("sources", "--now", NOW, "-q")
    assert (project / "dist/2026/a/bild.png").is_file()
    (project / "sources/2026/a.md").unlink()
    write_tree(project, {"sources/2026/b.md": release("title: B\ndate: 2026-11-21\ndraft: true\n")})
    assert export("sources", "--now", NOW, "-q").exit_code == 0
    assert not (project / "dist/2026").exists()
    assert (project / "dist/keep-me.txt").read_text() == "not ours", "files the pipeline did not write are left alone"
    assert json.loads((project / "dist/manifest.json").read_text())["releases"] == []


def test_a_new_title_or_file_name_keeps_the_feed_identity(project):
    write_tree(project, {"sources/2026/2026-11-20-namn.md": release("title: Gammal rubrik\ndate: 2026-11-20\nid: stabil\n")})
    export("sources", "--now", NOW, "-q")
    import feedparser

    def ids():
        atom = feedparser.parse((project / "dist/feed.atom").read_bytes())
        rss = feedparser.parse((project / "dist/feed.rss").read_bytes())
        return [e.id for e in atom.entries], [e.id for e in rss.entries]

    first = ids()
    (project / "sources/2026/2026-11-20-namn.md").unlink()
    write_tree(project, {"sources/2026/2026-11-20-nytt-namn.md": release("title: Ny rubrik\ndate: 2026-11-20\nid: stabil\n")})
    export("sources", "--now", NOW, "-q")
    assert ids() == first and len(first[0]) == 1


def test_writes_are_atomic(tmp_path, monkeypatch):
    dist = tmp_path / "dist"
    output.write(dist, Artifact("a/page.html", b"good"))

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(output.os, "replace", crash)
    with pytest.raises(OSError):
        output.write(dist, Artifact("a/page.html", b"half-written new version"))
    assert (dist / "a/page.html").read_bytes() == b"good"
    assert [p.name for p in (dist / "a").iterdir()] == ["page.html"], "no temporary file left behind"


def test_output_paths_cannot_leave_dist(tmp_path):
    for bad in ("../evil.html", "/etc/passwd", "a/../../evil"):
        with pytest.raises(output.UnsafePath):
            output.write(tmp_path / "dist", Artifact(bad, b"x"))


def test_pdf_renderer_fetches_nothing_outside_its_allow_list(tmp_path):
    from pipeline.render.pdf import AllowListFetcher

    secret = tmp_path / "secret.png"
    secret.write_bytes(png())
    fetcher = AllowListFetcher({"https://press.example.org/a.png": secret})
    assert fetcher.fetch("https://press.example.org/a.png").read() == secret.read_bytes()
    for url in (f"file://{secret}", "file:///etc/passwd", "http://example.org/x.png", "https://press.example.org/b.png"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_a_symlink_leading_outside_sources_is_refused(project):
    (project / "outside.png").write_bytes(png())
    write_tree(project, {"sources/2026/r.md": release(BASIC + "image: {src: bild.png, alt: En bild}\n")})
    (project / "sources/2026/bild.png").symlink_to(project / "outside.png")
    run = export("sources", "--now", NOW, "-q", expect=1)
    assert run.problems == [
        "sources/2026/r.md:4: error: image 'bild.png' is outside the sources folder; copy the file into sources/ and give its path relative to this file"
    ]


def test_markup_in_fields_is_escaped_everywhere(project):
    write_tree(project, {"sources/2026/r.md": release('title: "<script>alert(1)</script> & Co"\ndate: 2026-11-26\nlead: "<img src=x onerror=alert(1)>"\n')})
    assert export("sources", "--now", NOW, "-q").exit_code == 0
    for name, data in tree(project / "dist").items():
        if name.endswith((".html", ".atom", ".rss")):
            assert b"<script>alert" not in data and b"<img src=x" not in data, name
    assert b"&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in (project / "dist/2026/r/index.html").read_bytes()


def test_now_without_offset_is_the_press_rooms_time(project):
    write_tree(project, {"sources/2026/e.md": release(BASIC + "embargo: 2026-11-26T10:00:00+01:00\n")})
    export("sources", "--now", "2026-11-26T09:59", "-q")  # Stockholm time, one minute early
    assert not (project / "dist/2026/e").exists()
    export("sources", "--now", "2026-11-26T10:00", "-q")
    assert (project / "dist/2026/e/index.html").is_file()


def test_yaml_dates_and_quoted_dates_mean_the_same(project):
    write_tree(project, {
        "sources/2026/a.md": release("title: A\ndate: 2026-11-20T08:00:00+01:00\n"),
        "sources/2026/b.md": release('title: B\ndate: "2026-11-20T08:00:00+01:00"\n'),
        "sources/2026/c.md": release("title: C\ndate: 2026-11-20 08:00\n"),
        "sources/2026/d.md": release("title: D\ndate: 2026-11-20\n"),
    })
    assert export("sources", "--now", NOW, "-q").exit_code == 0
    dates = {e["id"]: e["date"] for e in json.loads((project / "dist/manifest.json").read_text())["releases"]}
    assert dates == {
        "a": "2026-11-20T08:00:00+01:00", "b": "2026-11-20T08:00:00+01:00",
        "c": "2026-11-20T08:00:00+01:00", "d": "2026-11-20T00:00:00+01:00",
    }


def test_a_theme_beside_the_sources_overrides_single_files(project):
    write_tree(project, {
        "sources/site.yaml": "name: X\nurl: https://press.example.org/\nlang: sv\ntheme: egen\n",
        "sources/2026/r.md": release(BASIC + "contacts: [{name: Anna, phone: '035-100'}]\n"),
        "themes/egen/templates/contact.html": '<p class="own-contact">{{ c.name }}</p>\n',
        "themes/egen/static/css/extra.css": "body { color: #000; }\n",
        "themes/egen/static/css/custom.css": ":root { --accent: #8a1538; }\n",
    })
    run = export("sources", "--now", NOW, "-q")
    assert run.exit_code == 0, run.stderr
    page = (project / "dist/2026/r/index.html").read_text("utf-8")
    assert '<p class="own-contact">Anna</p>' in page, "the press room's template wins"
    assert "Gå direkt till innehåll" in page, "the rest comes from the built-in default"
    assert (project / "dist/theme/css/extra.css").is_file() and (project / "dist/theme/css/site.css").is_file()
    assert (project / "dist/theme/css/custom.css").read_text() == ":root { --accent: #8a1538; }\n", "own colours"


def test_an_unknown_theme_is_an_error_on_its_line(project):
    write_tree(project, {"sources/site.yaml": "name: X\nurl: https://press.example.org/\nlang: sv\ntheme: saknas\n"})
    run = export("sources", "--now", NOW, "-q", expect=1)
    assert run.problems == [
        "sources/site.yaml:4: error: theme 'saknas' was not found; create themes/saknas/ beside the sources folder or use 'theme: default'"
    ]


def test_fact_box_headings_fit_the_page(project):
    body = "## Bakgrund\n\nText.\n\n::: factbox\n# Fakta\n\nText.\n\n#### Mer\n\nText.\n:::\n"
    write_tree(project, {"sources/2026/r.md": release(BASIC, body)})
    run = export("sources", "--now", NOW, "-q")
    assert run.exit_code == 0
    page = (project / "dist/2026/r/index.html").read_text("utf-8")
    assert '<aside class="factbox" aria-labelledby="text-fakta">\n<h3 id="text-fakta">Fakta</h3>' in page
    assert '<h4 id="text-mer">Mer</h4>' in page


@pytest.mark.parametrize("lang, expected", [("en-GB", "About us"), ("sv", "Om oss"), ("fi", "Om oss")])
def test_boilerplate_by_language_falls_back_to_the_site_language(project, lang, expected):
    site = "name: X\nurl: https://press.example.org/\nlang: sv\nboilerplate:\n  sv: {title: Om oss, text: Svensk text.}\n  en: {title: About us, text: English text.}\n"
    write_tree(project, {"sources/site.yaml": site, "sources/2026/r.md": release(BASIC + f"lang: {lang}\n")})
    assert export("sources", "--now", NOW, "-q").exit_code == 0
    assert f'<h2 id="boilerplate-heading">{expected}</h2>' in (project / "dist/2026/r/index.html").read_text("utf-8")


def test_boilerplate_can_be_left_out(project):
    site = "name: X\nurl: https://press.example.org/\nlang: sv\nboilerplate: {title: Om oss, text: Vi är en kommun.}\n"
    write_tree(project, {
        "sources/site.yaml": site,
        "sources/2026/med.md": release(BASIC),
        "sources/2026/utan.md": release("title: Utan\ndate: 2026-11-25\nboilerplate: false\n"),
    })
    assert export("sources", "--now", NOW, "-q").exit_code == 0
    assert "Vi är en kommun." in (project / "dist/2026/med/med.txt").read_text("utf-8")
    assert "Vi är en kommun." not in (project / "dist/2026/utan/utan.txt").read_text("utf-8")
    assert "Vi är en kommun." not in (project / "dist/2026/utan/index.html").read_text("utf-8")


def test_newest_first_compares_times_not_text(project):
    write_tree(project, {
        "sources/2026/a.md": release("title: A\ndate: 2026-11-20T08:30:00+01:00\n"),  # 07:30 UTC: the newer
        "sources/2026/b.md": release("title: B\ndate: 2026-11-20T09:00:00+02:00\n"),  # 07:00 UTC
    })
    assert export("sources", "--now", NOW, "-q").exit_code == 0
    assert [e["id"] for e in json.loads((project / "dist/manifest.json").read_text())["releases"]] == ["a", "b"]
    # The same order must hold when one of them is kept from an earlier build.
    write_tree(project, {"sources/2026/b.md": release("title: B\ndate: 2026-11-20T09:00:00+02:00\nlang: 123\n")})
    export("sources", "--now", NOW, "-q", expect=1)  # b fails; its last good version stays
    assert [e["id"] for e in json.loads((project / "dist/manifest.json").read_text())["releases"]] == ["a", "b"]


@pytest.mark.parametrize("lang, skip, contacts, type_label", [
    ("sv", "Gå direkt till innehåll", "Kontaktpersoner", "Pressmeddelande"),
    ("en", "Skip to content", "Contact persons", "Press release"),
    ("nb", "Gå til hovedinnhold", "Kontaktpersoner", "Pressemelding"),
    ("nn", "Gå til hovudinnhald", "Kontaktpersonar", "Pressemelding"),
    ("da", "Gå til indhold", "Kontaktpersoner", "Pressemeddelelse"),
    ("fi", "Siirry sisältöön", "Yhteyshenkilöt", "Tiedote"),
    ("de", "Skip to content", "Contact persons", "Press release"),  # no German labels yet: English
])
def test_labels_follow_the_release_language(project, lang, skip, contacts, type_label):
    write_tree(project, {"sources/2026/r.md": release(BASIC + f"lang: {lang}\ncontacts: [{{name: Anna}}]\n")})
    assert export("sources", "--now", NOW, "-q").exit_code == 0
    page = (project / "dist/2026/r/index.html").read_text("utf-8")
    assert f'<html lang="{lang}">' in page
    for label in (skip, contacts, type_label):
        assert f">{label}<" in page, label


def test_another_process_gives_the_same_bytes(example_dist, tmp_path):
    """Hash seeds, import order and caches differ between processes; the output must not."""
    import subprocess
    import sys

    shutil.copytree(ROOT / "sources", tmp_path / "sources")
    subprocess.run(
        [sys.executable, "-m", "pipeline", "export", "sources", "-o", "out", "--now", NOW, "-q"],
        cwd=tmp_path, check=True, capture_output=True, env={"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"},
    )
    assert tree(tmp_path / "out") == tree(example_dist)


def test_a_file_named_in_another_script_gets_an_address_in_latin_letters(project):
    write_tree(project, {"sources/2026/новость.md": release("title: Новость\ndate: 2026-11-20\nlang: ru\n")})
    export("sources", "--now", NOW, "-q")
    assert (project / "dist/2026/novost/index.html").is_file()
    assert (project / "dist/2026/novost/novost.pdf").is_file()
