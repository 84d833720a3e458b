"""What is public is decided afresh at every export, and every export says what it did to each release."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from click.testing import CliRunner
from conftest import NOW, SITE, export, forced_export, release, tree, write_tree

from pipeline.cli import main

BUDGET = release(
    "title: Budget 2027\ndate: 2026-12-01T09:00\nembargo: 2026-12-01T10:00:00+01:00\ntopics: [Ekonomi]\n"
    "lead: Budgeten för 2027.\n",
    "Kommunen satsar på skolan.\n",
)



def lines(run) -> list[str]:
    return [line for line in run.stdout.splitlines() if " sources/" in line]


def public_everywhere(dist: Path, text: str) -> list[str]:
    return [name for name, data in tree(dist).items() if text.encode() in data]


def test_an_embargo_is_judged_again_when_an_earlier_now_comes_after_a_later_one(project):
    write_tree(project, {"sources/2026/2026-12-01-budget-2027.md": BUDGET,
                         "sources/2026/2026-11-20-annat.md": release("title: Annat\ndate: 2026-11-20\n")})
    first = export("sources", "--now", "2026-12-01T10:00", "-j", "1")
    assert first.exit_code == 0
    assert len(public_everywhere(project / "dist", "Budget 2027")) > 5  # page, feeds, index, topic, manifest…

    preview_undone = export("sources", "--now", "2026-11-30T12:00", "-j", "1")
    assert "embargo    sources/2026/2026-12-01-budget-2027.md (until 2026-12-01 10:00 CET; took down 2026/budget-2027/)" \
        in lines(preview_undone)
    assert preview_undone.stdout.splitlines()[-1] == "1 unchanged, 1 under embargo, 0 failed: 0 errors, 0 warnings"
    assert public_everywhere(project / "dist", "Budget 2027") == []
    assert public_everywhere(project / "dist", "budget-2027") == []
    assert not (project / "dist/2026/budget-2027").exists()
    assert [e["id"] for e in json.loads((project / "dist/manifest.json").read_text())["releases"]] == ["2026-11-20-annat"]


def test_an_embargo_that_lifts_publishes_everywhere_with_no_source_change(project):
    write_tree(project, {"sources/2026/2026-12-01-budget-2027.md": BUDGET})
    export("sources", "--now", "2026-12-01T09:59", "-j", "1")
    assert public_everywhere(project / "dist", "Budget 2027") == []
    lifted = export("sources", "--now", "2026-12-01T10:00", "-j", "1")
    assert lines(lifted) == ["new        sources/2026/2026-12-01-budget-2027.md"]
    shown = public_everywhere(project / "dist", "Budget 2027")
    for name in ("index.html", "feed.atom", "feed.rss", "feed.json", "ekonomi/feed.atom", "manifest.json",
                 "2026/budget-2027/index.html", "2026/budget-2027/budget-2027.txt"):
        assert any(s.endswith(name) for s in shown), name


def test_a_failing_release_is_not_kept_published_while_under_embargo(project):
    write_tree(project, {"sources/2026/2026-12-01-budget-2027.md": BUDGET})
    export("sources", "--now", "2026-12-01T10:00", "-j", "1")
    write_tree(project, {"sources/2026/2026-12-01-budget-2027.md": BUDGET.replace("date: 2026-12-01T09:00", "date: 2026-12-01T09:00\nlang: qq-99")})
    run = export("sources", "--now", "2026-11-30T12:00", "-j", "1", expect=1)
    assert "failed     sources/2026/2026-12-01-budget-2027.md (nothing is published; took down 2026/budget-2027/)" in lines(run)
    assert public_everywhere(project / "dist", "Budget 2027") == []


# Releases whose public state differs across the moments below, one of them linking to another.
SOURCES = {
    "sources/site.yaml": SITE,
    "sources/2026/2026-11-20-alltid.md": release("title: Alltid\ndate: 2026-11-20\ntopics: [Ekonomi]\n"),
    "sources/2026/2026-12-01-budget-2027.md": BUDGET,
    "sources/2026/2026-12-02-framtid.md": release("title: Framtid\ndate: 2026-12-02T08:00\ntopics: [Ekonomi]\n"),
    "sources/2026/2026-12-03-lank.md": release("title: Länk\ndate: 2026-12-03\n", "Se [budgeten](2026-12-01-budget-2027.md).\n"),
    "sources/2026/2026-11-01-utkast.md": release("title: Utkast\ndate: 2026-11-01\ndraft: true\n"),
    # Older than what it links to: it cannot be shown before that is out.
    "sources/2026/2026-11-21-uppfoljning.md": release("title: Uppföljning\ndate: 2026-11-21\n", "Se [framtiden](2026-12-02-framtid.md).\n"),
}
MOMENTS = ["2026-11-25T12:00", "2026-12-01T09:59", "2026-12-01T10:00", "2026-12-02T08:00", "2026-12-04T00:00"]
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(MOMENTS), min_size=2, max_size=4))
def test_any_order_of_moments_publishes_what_a_forced_export_at_the_last_one_does(moments):
    with tempfile.TemporaryDirectory() as folder:
        write_tree(Path(folder), SOURCES)
        for now in moments:
            run = export(f"{folder}/sources", "-o", f"{folder}/dist", "--now", now, "-j", "1", "-q", expect=None)
            assert (run.exit_code, tree(Path(folder) / "dist")) == forced_export(SOURCES, now), f"after {moments[: moments.index(now) + 1]}"
        shutil.rmtree(Path(folder) / ".cache")


def test_each_release_line_says_what_changed_and_the_summary_counts_them(project):
    write_tree(project, {
        "sources/2026/a.md": release("title: A\ndate: 2026-11-20\n"),
        "sources/2026/b.md": release("title: B\ndate: 2026-11-21\n"),
        "sources/2026/c.md": release("title: C\ndate: 2026-11-22\n"),
        "sources/2026/d.md": release("title: D\ndate: 2026-11-23\n"),
        "sources/2026/e.md": release("title: E\ndate: 2026-11-24\n"),
    })
    first = export("sources", "--now", NOW, "-j", "1")
    assert first.stdout.splitlines()[-1] == "5 new, 0 failed: 0 errors, 0 warnings"
    write_tree(project, {
        "sources/2026/b.md": release("title: B, ändrad\ndate: 2026-11-21\n"),
        "sources/2026/c.md": release("title: C\ndate: 2026-11-22\ndraft: true\n"),
        "sources/2026/e.md": release("title: E\ndate: 2026-11-24\nlang: qq-99\n"),
        "sources/2026/f.md": release("title: F\ndate: 2026-11-25\n"),
        "sources/2026/g.md": release("title: G\ndate: 2026-11-25\nembargo: 2026-12-01T10:00:00+01:00\n"),
    })
    (project / "sources/2026/d.md").unlink()
    run = export("sources", "--now", NOW, "-j", "1", expect=1)
    assert sorted(lines(run)) == [
        "embargo    sources/2026/g.md (until 2026-12-01 10:00 CET)",
        "failed     sources/2026/e.md (the last good version stays published)",
        "new        sources/2026/f.md",
        "removed    sources/2026/c.md (now a draft; took down 2026/c/)",
        "removed    sources/2026/d.md (source deleted; took down 2026/d/)",
        "unchanged  sources/2026/a.md",
        "updated    sources/2026/b.md",
    ]
    assert run.stderr.splitlines()[-1] == "1 new, 1 updated, 1 unchanged, 2 removed, 1 under embargo, 1 failed: 1 error, 0 warnings"
    assert not (project / "dist/2026/c").exists() and not (project / "dist/2026/d").exists()
    assert (project / "dist/2026/e/index.html").is_file()


def test_a_draft_that_never_published_is_only_counted(project):
    write_tree(project, {"sources/2026/a.md": release("title: A\ndate: 2026-11-20\ndraft: true\n")})
    run = export("sources", "--now", NOW, "-j", "1")
    assert lines(run) == ["draft      sources/2026/a.md"]
    assert run.stdout.splitlines()[-1] == "1 draft, 0 failed: 0 errors, 0 warnings"


LINKED = {
    "sources/2026/2026-11-20-jul.md": release("title: Julens öppettider\ndate: 2026-11-20\n", "## Sagostund\n\nVarje lördag.\n"),
    "sources/2026/2026-11-26-lank.md": release(
        "title: Länkar\ndate: 2026-11-26\n", "Se [öppettiderna](2026-11-20-jul.md#sagostund) och [källan](../2026/2026-11-20-jul.md).\n"),
}


def test_a_link_to_another_releases_source_leads_to_its_page_in_every_format(project):
    write_tree(project, LINKED)
    assert export("sources", "--now", NOW, "-q").exit_code == 0
    dist = project / "dist"
    page = (dist / "2026/lank/index.html").read_text("utf-8")
    assert 'href="../../2026/jul/#text-sagostund"' in page and 'href="../../2026/jul/"' in page
    assert 'id="text-sagostund"' in (dist / "2026/jul/index.html").read_text("utf-8"), "the section linked to is there"
    assert "https://press.example.org/2026/jul/#text-sagostund" in (dist / "feed.atom").read_text("utf-8")
    assert "öppettiderna (https://press.example.org/2026/jul/#text-sagostund)" in (dist / "2026/lank/lank.txt").read_text("utf-8")
    assert "https://press.example.org/2026/jul/" in (dist / "2026/lank/lank.ninjs.json").read_text("utf-8")
    assert not list((dist / "2026").rglob("*.md")), "a release's source is never published as a file"


def test_a_link_follows_the_release_it_points_at(project):
    write_tree(project, LINKED)
    export("sources", "--now", NOW, "-q")
    (project / "sources/2026/2026-11-20-jul.md").rename(project / "sources/2026/2026-11-20-jul-2026.md")
    run = export("sources", "--now", NOW, expect=1)  # the linking release did not change: what it links to did
    assert run.problems == ["sources/2026/2026-11-26-lank.md:6: error: link '2026-11-20-jul.md#sagostund' names no release "
                            "under the sources folder; check the file name (paths are relative to this file)",
                            "sources/2026/2026-11-26-lank.md:6: error: link '../2026/2026-11-20-jul.md' names no release "
                            "under the sources folder; check the file name (paths are relative to this file)"]
    assert "failed     sources/2026/2026-11-26-lank.md (the last good version stays published)" in run.stdout
    write_tree(project, {"sources/2026/2026-11-26-lank.md": LINKED["sources/2026/2026-11-26-lank.md"].replace("jul.md", "jul-2026.md")})
    assert export("sources", "--now", NOW).exit_code == 0
    assert 'href="../../2026/jul-2026/#text-sagostund"' in (project / "dist/2026/lank/index.html").read_text("utf-8")
    write_tree(project, {"sources/2026/2026-11-20-jul-2026.md": LINKED["sources/2026/2026-11-20-jul.md"].replace(
        "date: 2026-11-20", "date: 2025-11-20")})
    run = export("sources", "--now", NOW)
    assert "updated    sources/2026/2026-11-26-lank.md" in run.stdout
    assert 'href="../../2025/jul-2026/#text-sagostund"' in (project / "dist/2026/lank/index.html").read_text("utf-8")


def test_a_moved_source_keeps_its_page_and_says_so(project):
    write_tree(project, {"sources/2026/2026-11-20-jul.md": LINKED["sources/2026/2026-11-20-jul.md"]})
    export("sources", "--now", NOW, "-q")
    (project / "sources/arkiv").mkdir()
    (project / "sources/2026/2026-11-20-jul.md").rename(project / "sources/arkiv/2026-11-20-jul.md")
    run = export("sources", "--now", NOW, "-j", "1")
    # Updated, not new and removed: the same page, whose PDF now embeds the source under its new path.
    assert lines(run) == ["updated    sources/arkiv/2026-11-20-jul.md (moved from sources/2026/2026-11-20-jul.md)"]
    assert (project / "dist/2026/jul/index.html").is_file()


def test_each_release_is_said_with_its_problems_under_it_in_source_order(project):
    write_tree(project, {
        "sources/2026/a.md": release("title: A\ndate: 2026-11-20\nlang: qq-99\n"),
        "sources/2026/b.md": release("title: B\ndate: 2026-11-21\n", "![](saknas.png)\n"),
        "sources/2026/c.md": release("title: C\ndate: 2026-11-22\n", "### Rubrik\n\nText.\n"),
    })
    run = CliRunner().invoke(main, ["export", "sources", "--now", NOW, "-j", "2"])  # one stream, as a terminal shows it
    said = [line.split(": ")[0] if line.startswith("sources/") else line.split()[1] for line in run.output.splitlines()[:-1]]
    assert said == [
        "sources/2026/a.md", "sources/2026/a.md:4", "sources/2026/b.md", "sources/2026/b.md:6", "sources/2026/b.md:6",
        "sources/2026/c.md", "sources/2026/c.md:6"]


def test_an_older_release_may_link_to_a_newer_one_while_that_is_public(project):
    write_tree(project, {
        "sources/2026/2026-11-20-gammal.md": release("title: Gammal\ndate: 2026-11-20\n", "Se [uppföljningen](2026-11-26-ny.md).\n"),
        "sources/2026/2026-11-26-ny.md": release("title: Ny\ndate: 2026-11-26T09:00\n"),
    })
    assert export("sources", "--now", NOW, "-q").exit_code == 0
    assert 'href="../../2026/ny/"' in (project / "dist/2026/gammal/index.html").read_text("utf-8")
    earlier = export("sources", "--now", "2026-11-25T12:00", expect=1)  # the newer one is not out yet: nor is a link to it
    assert earlier.problems == ["sources/2026/2026-11-20-gammal.md:6: error: link '2026-11-26-ny.md' points at a release that "
                                "is not public until 2026-11-26 09:00 CET: the link would lead nowhere and reveal its address; "
                                "remove it until then, or publish this release no earlier"]
    assert "failed     sources/2026/2026-11-20-gammal.md (nothing is published; took down 2026/gammal/)" in earlier.stdout
    assert public_everywhere(project / "dist", "2026/ny") == []


def test_a_link_to_a_release_that_fails_leads_to_its_last_published_version(project):
    write_tree(project, LINKED)
    export("sources", "--now", NOW, "-q")
    write_tree(project, {"sources/2026/2026-11-20-jul.md": LINKED["sources/2026/2026-11-20-jul.md"].replace("date:", "place: [X\ndate:")})
    run = export("sources", "--now", NOW, expect=1)
    assert sorted(lines(run)) == ["failed     sources/2026/2026-11-20-jul.md (the last good version stays published)",
                                  "unchanged  sources/2026/2026-11-26-lank.md"]
    assert (project / "dist/2026/jul/index.html").is_file()


def test_an_id_held_by_a_failing_release_is_still_its_own(project):
    write_tree(project, {"sources/2026/a.md": release("title: A\ndate: 2026-11-20\nid: samma\n")})
    export("sources", "--now", NOW, "-q")
    write_tree(project, {"sources/2026/a.md": release("title: A\ndate: 2026-11-20\nid: samma\nplace: [X\n"),
                         "sources/2026/b.md": release("title: B\ndate: 2026-11-26\nid: samma\n")})
    run = export("sources", "--now", NOW, expect=1)
    assert "sources/2026/b.md:4: error: id 'samma' is already published by sources/2026/a.md; give each release its own 'id'" \
        in run.problems
    assert [e["id"] for e in json.loads((project / "dist/manifest.json").read_text())["releases"]] == ["samma"]


def test_an_old_or_damaged_manifest_never_stops_the_export(project):
    write_tree(project, {"sources/2026/a.md": release("title: A\ndate: 2026-11-20\n")})
    export("sources", "--now", NOW, "-q")
    manifest = json.loads((project / "dist/manifest.json").read_text())
    manifest["releases"] = [{k: v for k, v in e.items() if k not in ("source", "public")} for e in manifest["releases"]]
    manifest["releases"].append({"id": "x", "source": "sources/2026/borta.md", "outputs": 5})
    (project / "dist/manifest.json").write_text(json.dumps(manifest))
    run = export("sources", "--now", NOW)
    assert run.exit_code == 0, run.stderr
    assert (project / "dist/2026/a/index.html").is_file()


def test_theme_files_follow_the_theme_even_after_the_manifest_is_lost_and_a_later_htaccess_is_the_operators(project):
    write_tree(project, {"sources/2026/a.md": release("title: A\ndate: 2026-11-20\n"),
                         "themes/default/static/css/custom.css": ":root { --accent: #00528f; }\n"})
    export("sources", "--now", NOW, "-q")
    (project / "dist/manifest.json").unlink()
    write_tree(project, {"themes/default/static/css/custom.css": ":root { --accent: #8a1538; }\n",
                         "dist/.htaccess": "Header set X-Frame-Options DENY\n"})
    export("sources", "--now", NOW, "-q")
    assert "#8a1538" in (project / "dist/theme/css/custom.css").read_text()
    assert (project / "dist/.htaccess").read_text() == "Header set X-Frame-Options DENY\n"


def test_a_file_of_a_release_not_public_yet_is_not_published_early_by_another(project):
    write_tree(project, {
        "sources/2026/2026-12-01-fusion.md": release(
            "title: Fusion\ndate: 2026-12-01T10:00\nattachments:\n  - {src: plan.pdf, title: Planen}\n"),
        "sources/2026/2026-12-02-utkast.md": release("title: Utkast\ndate: 2026-12-02\ndraft: true\n"
                                                     "attachments:\n  - {src: utkast.csv, title: Siffror}\n"),
        "sources/2026/plan.pdf": b"%PDF-1.4 HEMLIG FUSIONSPLAN\n",
        "sources/2026/utkast.csv": "HEMLIGA SIFFROR\n",
        "sources/2026/2026-11-26-lacka.md": release("title: Läcka\ndate: 2026-11-26\n",
                                                    "Se [planen](plan.pdf) och [siffrorna](utkast.csv).\n"),
    })
    run = export("sources", "--now", NOW, "-q", expect=1)
    assert run.problems == [
        "sources/2026/2026-11-26-lacka.md:6: error: 'plan.pdf' is also a file of sources/2026/2026-12-01-fusion.md, which is "
        "not public until 2026-12-01 10:00 CET: publishing it here would give it away early; remove it from this release "
        "until then, or, if it is no secret, copy it under another name",
        "sources/2026/2026-11-26-lacka.md:6: error: 'utkast.csv' is also a file of sources/2026/2026-12-02-utkast.md, a draft: "
        "publishing it here would give it away early; remove it from this release until then, or, if it is no secret, "
        "copy it under another name",
    ]
    assert public_everywhere(project / "dist", "HEMLIG") == []
    # Once the embargo lifts, the attachment is its own release's and may be linked.
    (project / "sources/2026/2026-11-26-lacka.md").write_text(release("title: Läcka\ndate: 2026-11-26\n", "Se [planen](plan.pdf).\n"))
    export("sources", "--now", "2026-12-01T10:00", "-q")
    assert (project / "dist/2026/lacka/plan.pdf").is_file() and (project / "dist/2026/fusion/plan.pdf").is_file()


def test_the_export_says_when_the_next_release_goes_out(project):
    write_tree(project, {
        "sources/2026/2026-12-01-budget-2027.md": BUDGET,
        "sources/2026/2026-12-02-lekplats.md": release("title: Ny lekplats\ndate: 2026-12-02T08:00\n"),
        "sources/2026/2026-11-20-jul.md": release("title: Julmarknad\ndate: 2026-11-20T08:00\n"),
    })
    run = export("sources", "--now", NOW)
    assert run.stdout.splitlines()[-2] == "next publication: tisdag 1 december 2026 kl. 10.00 (budget-2027)"
    run = export("sources", "--now", "2026-12-01T10:00")
    assert run.stdout.splitlines()[-2] == "next publication: onsdag 2 december 2026 kl. 08.00 (lekplats)"
    run = export("sources", "--now", "2026-12-02T08:00")
    assert "next publication" not in run.stdout + run.stderr
