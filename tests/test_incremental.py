"""Incremental and parallel exports: only what changed is rendered, and the result never depends on how."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import NOW, ROOT, export, forced_export, png, release, tree, write_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def statuses(run) -> dict[str, str]:
    """What the export did with each release, from its progress lines."""
    out = {}
    for line in run.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].startswith("sources/"):
            out[parts[1]] = parts[0]
    return out


@pytest.fixture
def rendered(monkeypatch) -> list[str]:
    """Sources of the releases an export renders (writes from a fresh PDF), in the order they finish."""
    import pipeline.build.release

    seen: list[str] = []
    real = pipeline.build.release.publish

    def publish(prepared, printed, settings):
        seen.append(prepared.outcome.source)
        return real(prepared, printed, settings)

    monkeypatch.setattr(pipeline.build.release, "publish", publish)
    return seen


def three(project: Path) -> None:
    write_tree(project, {
        f"sources/2026/r{n}.md": release(f"title: Nummer {n}\ndate: 2026-11-0{n}\ntopics: [T{n % 2}]\n")
        for n in (1, 2, 3)
    })


def test_a_second_export_renders_nothing(project, rendered):
    three(project)
    first = export("sources", "--now", NOW, "-j", "1")
    assert set(statuses(first).values()) == {"new"} and len(rendered) == 3
    before = tree(project / "dist")
    rendered.clear()
    second = export("sources", "--now", NOW, "-j", "1")
    assert set(statuses(second).values()) == {"unchanged"} and len(statuses(second)) == 3
    assert rendered == []
    assert second.stdout.strip().endswith("3 unchanged, 0 failed: 0 errors, 0 warnings")
    assert tree(project / "dist") == before


def test_editing_one_release_renders_exactly_that_one_and_updates_listings(project, rendered):
    three(project)
    export("sources", "--now", NOW, "-j", "1")
    rendered.clear()
    write_tree(project, {"sources/2026/r2.md": release("title: Nummer två, ändrad\ndate: 2026-11-02\ntopics: [T0]\n")})
    run = export("sources", "--now", NOW, "-j", "1")
    assert statuses(run) == {"sources/2026/r1.md": "unchanged", "sources/2026/r2.md": "updated",
                             "sources/2026/r3.md": "unchanged"}
    assert rendered == ["sources/2026/r2.md"]
    for listing in ("index.html", "feed.atom", "amnen/t0/index.html", "amnen/t0/feed.rss"):
        assert "Nummer två, ändrad" in (project / "dist" / listing).read_text("utf-8"), listing


def test_only_the_listings_and_feeds_that_show_an_edited_release_are_made_again(project):
    three(project)  # r1 and r3 in topic T1, r2 in T0
    export("sources", "--now", NOW, "-j", "1")
    dist = project / "dist"
    made = {p: p.stat().st_mtime_ns for p in dist.rglob("*") if p.is_file()}
    write_tree(project, {"sources/2026/r1.md": release("title: Nummer ett, ändrad\ndate: 2026-11-01\ntopics: [T1]\n")})
    export("sources", "--now", NOW, "-j", "1")
    changed = {p.relative_to(dist).as_posix() for p, ns in made.items() if p.stat().st_mtime_ns != ns}
    listings = {p for p in changed if not p.startswith("2026/")}
    assert listings == {"index.html", "feed.atom", "feed.rss", "feed.json", "manifest.json",
                        "amnen/t1/index.html", "amnen/t1/feed.atom", "amnen/t1/feed.rss", "amnen/t1/feed.json"}
    assert "Nummer ett, ändrad" in (dist / "amnen/t1/feed.json").read_text("utf-8")
    assert {p for p in changed if p.startswith("2026/")} and all(p.startswith("2026/r1/") for p in changed - listings)


def test_a_damaged_feed_cache_or_listing_is_made_again(project):
    three(project)
    export("sources", "--now", NOW, "-j", "1")
    dist, cache = project / "dist", project / ".cache"
    before = tree(dist)
    for item in (cache / "items").rglob("*.json"):
        item.write_text('{"key": "x"}')
    collection = json.loads((cache / "collection.json").read_text())
    collection["files"] = {path: 5 if n % 2 else ["x"] for n, path in enumerate(collection["files"])}
    (cache / "collection.json").write_text(json.dumps(collection))
    (dist / "amnen/t0/feed.rss").write_text("gone")
    run = export("sources", "--now", NOW, "-j", "1")
    assert set(statuses(run).values()) == {"unchanged"}, "no release is rendered again for its feed item"
    assert tree(dist) == before


def test_a_changed_theme_file_or_site_yaml_renders_everything_again(project, rendered):
    three(project)
    write_tree(project, {"themes/default/static/css/custom.css": ":root { --accent: #00528f; }\n"})
    export("sources", "--now", NOW, "-j", "1")
    rendered.clear()
    write_tree(project, {"themes/default/static/css/custom.css": ":root { --accent: #8a1538; }\n"})
    export("sources", "--now", NOW, "-j", "1")
    assert sorted(rendered) == ["sources/2026/r1.md", "sources/2026/r2.md", "sources/2026/r3.md"]
    rendered.clear()
    write_tree(project, {"sources/site.yaml": "name: Testkommunen\nurl: https://press.example.org/\nlang: sv\ndescription: Ny\n"})
    export("sources", "--now", NOW, "-j", "1")
    assert sorted(rendered) == ["sources/2026/r1.md", "sources/2026/r2.md", "sources/2026/r3.md"]


def test_a_changed_image_renders_its_release_again(project):
    from conftest import png

    write_tree(project, {
        "sources/2026/r.md": release("title: Bild\ndate: 2026-11-20\nimage: {src: bild.png, alt: En ruta}\n"),
        "sources/2026/bild.png": png(40, 30),
    })
    export("sources", "--now", NOW, "-j", "1")
    write_tree(project, {"sources/2026/bild.png": png(60, 30)})
    run = export("sources", "--now", NOW, "-j", "1")
    assert statuses(run) == {"sources/2026/r.md": "updated"}
    assert (project / "dist/2026/r/bild.png").read_bytes() == png(60, 30)


def test_a_damaged_cache_or_output_is_not_trusted(project, rendered):
    three(project)
    export("sources", "--now", NOW, "-j", "1")
    entries = {json.loads(p.read_text())["source"]: p for p in (project / ".cache/releases").rglob("*.json")}
    assert len(entries) == 3
    entries["sources/2026/r1.md"].write_text("{ not json")
    data = json.loads(entries["sources/2026/r2.md"].read_text())
    data["key"] = "0" * 64  # an entry that claims to be another release's
    entries["sources/2026/r2.md"].write_text(json.dumps(data))
    (project / "dist/2026/r3/r3.pdf").write_bytes(b"truncated")
    rendered.clear()
    run = export("sources", "--now", NOW, "-j", "1")
    assert sorted(rendered) == ["sources/2026/r1.md", "sources/2026/r2.md", "sources/2026/r3.md"]
    assert statuses(run) == dict.fromkeys(rendered, "unchanged"), "as published before: the damage is repaired"
    assert (project / "dist/2026/r3/r3.pdf").read_bytes().startswith(b"%PDF-")


def test_force_renders_everything(project, rendered):
    three(project)
    export("sources", "--now", NOW, "-j", "1")
    rendered.clear()
    assert set(statuses(export("sources", "--now", NOW, "-j", "1", "--force")).values()) == {"unchanged"}
    assert sorted(rendered) == ["sources/2026/r1.md", "sources/2026/r2.md", "sources/2026/r3.md"]


def test_an_embargo_that_lifts_is_rendered_from_the_cache_state(project):
    write_tree(project, {"sources/2026/e.md": release("title: E\ndate: 2026-11-20\nembargo: 2026-11-26T10:00:00+01:00\n")})
    assert statuses(export("sources", "--now", "2026-11-26T09:00:00+01:00", "-j", "1")) == {"sources/2026/e.md": "embargo"}
    assert statuses(export("sources", "--now", "2026-11-26T09:30:00+01:00", "-j", "1")) == {"sources/2026/e.md": "embargo"}
    assert statuses(export("sources", "--now", "2026-11-26T10:00:00+01:00", "-j", "1")) == {"sources/2026/e.md": "new"}


def test_one_or_three_processes_give_the_same_bytes(paged_dist, tmp_path):
    """paged_dist was made with three printing processes; do it again with one, without the cache."""
    sources = paged_dist.parent / "sources"
    run = export(str(sources), "-o", str(tmp_path / "one"), "--now", NOW, "-q", "-j", "1", "--force")
    assert run.exit_code == 0
    assert tree(tmp_path / "one") == tree(paged_dist)


def test_a_no_op_export_does_not_import_weasyprint(tmp_path):
    """Neither in this process nor in a worker: a no-op export starts none, whatever -j."""
    shutil.copytree(ROOT / "sources", tmp_path / "sources")
    script = (
        "import sys; import pipeline.build.printer as p; from pipeline.cli import main\n"
        "pools = []; real = p.ProcessPoolExecutor\n"
        "p.ProcessPoolExecutor = lambda *a, **k: pools.append(1) or real(*a, **k)\n"
        "try:\n    main(['export', 'sources', '--now', '" + NOW + "', '-q', '-j', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('weasyprint', 'pikepdf', 'pypandoc', 'feedgen') if m in sys.modules), len(pools))\n"
    )

    def imported(jobs: str) -> str:
        run = subprocess.run([sys.executable, "-c", script, jobs], cwd=tmp_path, capture_output=True, text=True, check=True)
        return run.stdout.strip().splitlines()[-1]

    assert imported("1") == "['feedgen', 'pypandoc'] 1", "the PDFs are printed (and finished with pikepdf) in a worker"
    assert imported("1") == "[] 0"
    (tmp_path / "dist").unlink()  # as `rm -rf dist` does: the link goes, the next export starts afresh
    assert imported("2") == "['feedgen', 'pypandoc'] 1", "the PDFs are printed (and finished with pikepdf) in workers"
    assert imported("2") == "[] 0"
    source = next((tmp_path / "sources").rglob("*.md"))
    source.touch()  # newer than the last export: workers start early, on the hint, then find nothing to print
    assert imported("2") == "[] 1"


def test_a_terminal_gets_a_progress_bar_and_quiet_gets_nothing(tmp_path):
    """On a terminal: a bar with count and ETA; -q: only the summary."""
    import os
    import pty

    write_tree(tmp_path, {"sources/site.yaml": "name: X\nurl: https://press.example.org/\nlang: sv\n"})
    write_tree(tmp_path, {f"sources/2026/r{n}.md": release(f"title: R{n}\ndate: 2026-11-0{n}\n") for n in (1, 2)})
    press = [sys.executable, "-m", "pipeline", "export", "sources", "--now", NOW, "-j", "1"]
    controller, terminal = pty.openpty()
    process = subprocess.Popen(press, cwd=tmp_path, stdout=terminal, stderr=terminal, env={**os.environ, "COLUMNS": "100"})
    os.close(terminal)
    output = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    process.wait()
    shown = output.decode("utf-8", "replace")
    assert "Rendering" in shown and "2/2" in shown, shown
    assert shown.rindex("Rendering") < shown.index("new        sources/2026/r1.md"), "lines wait until the bar is gone"
    quiet = subprocess.run(press + ["-q", "--force"], cwd=tmp_path, capture_output=True, text=True)
    assert quiet.stdout.splitlines() == ["2 unchanged, 0 failed: 0 errors, 0 warnings"]


def test_workers_started_on_a_hint_and_given_nothing_are_stopped_and_no_one_elses():
    import multiprocessing
    import time

    from pipeline.build.printer import Printer

    other = multiprocessing.get_context("spawn").Process(target=time.sleep, args=(60,))
    other.start()
    try:
        printer = Printer(2)
        printer.start_workers(1)
        assert len(printer.processes) == 1
        start = time.perf_counter()
        printer.close()
        assert time.perf_counter() - start < 0.5, "stopped, not waited for while it imports WeasyPrint"
        assert other.is_alive() and not any(p.is_alive() for p in printer.processes)
    finally:
        other.terminate()
        other.join()


# -- Any sequence of edits: an incremental export equals a forced one -------------------------------

EDITS = ("source", "image", "attachment", "logo", "theme", "site", "now")
MOMENTS = ("2026-11-25T12:00", "2026-11-27T12:00")  # b's embargo (26 November, 10:00) lifts between them


def press_room(edits: dict[str, int]) -> dict[str, str | bytes]:
    """A small press room after `edits[kind]` edits of each kind: every input an output depends on."""
    n = edits
    colour = lambda k: f"{(37 * n[k]) % 256:02x}5a8f"  # noqa: E731
    return {
        "sources/site.yaml": "name: Testkommunen\nurl: https://press.example.org/\nlang: sv\n"
                             f"description: Nyheter, version {n['site']}\nlogo: {{src: media/logo.svg, alt: Testkommunen}}\n",
        "sources/media/logo.svg": f'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
                                  f'<rect width="40" height="20" fill="#{colour("logo")}"/></svg>\n',
        "themes/default/static/css/custom.css": f".release h1 {{ color: #{colour('theme')}; }}\n",
        "sources/2026/a.png": png(40 + n["image"], 30),
        "sources/2026/a.csv": f"dag,öppet\nmåndag,{n['attachment']}\n",
        "sources/2026/a.md": release(
            "title: A\ndate: 2026-11-20\ntopics: [Skola]\nimage: {src: a.png, alt: En blå ruta}\n"
            "attachments:\n  - {src: a.csv, title: Tabellen}\n",
            "Brödtext." + " Mer." * n["source"] + "\n",
        ),
        "sources/2026/b.md": release("title: B\ndate: 2026-11-26T09:00\nembargo: 2026-11-26T10:00\ntopics: [Skola]\n",
                                     "Se [A](a.md).\n"),
        "sources/2026/c.md": release("title: C\ndate: 2026-11-21\n", "Text.\n"),
    }


def write_changed(root: Path, files: dict[str, str | bytes]) -> None:
    """Write what differs from what is there, as an editor saves: the other files keep their times."""
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        path = root / name
        if not path.is_file() or path.read_bytes() != data:
            write_tree(root, {name: data})


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(EDITS), min_size=2, max_size=5))
def test_any_sequence_of_edits_exports_what_a_forced_export_does(steps):
    edits = dict.fromkeys(EDITS, 0)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for step, kind in enumerate(["start", *steps]):
            if kind != "start":
                edits[kind] += 1
            now = MOMENTS[edits["now"] % 2]
            write_changed(root, press_room(edits))
            run = export(f"{folder}/sources", "-o", f"{folder}/dist", "--now", now, "-j", "1", "-q", expect=None)
            expected = forced_export(press_room(edits), now)
            assert (run.exit_code, tree(root / "dist")) == expected, f"after {['start', *steps][: step + 1]}"


def test_a_changed_stylesheet_prints_with_its_new_rules_in_the_same_process(project):
    """With -j 1 the PDFs print in this process, which keeps parsed stylesheets between exports."""
    write_changed(project, press_room(dict.fromkeys(EDITS, 0)))
    export("sources", "--now", MOMENTS[0], "-j", "1", "-q")
    edited = dict.fromkeys(EDITS, 0) | {"theme": 1}
    write_changed(project, press_room(edited))
    export("sources", "--now", MOMENTS[0], "-j", "1", "-q")
    _, forced = forced_export(press_room(edited), MOMENTS[0])
    assert (project / "dist/2026/a/a.pdf").read_bytes() == forced["2026/a/a.pdf"]


def test_a_cached_release_made_again_for_a_link_says_what_a_fresh_export_says(project):
    """A release taken from the cache but rendered again because a release it links to changed starts afresh:
    should it fail now, its problems are those a --force export reports, not coloured by its last good render."""
    image = "![Ett foto av stadshuset i vinterljus.](min%20bild.png)\n\n"
    write_tree(project, {
        "sources/2026/a.md": release("title: A\ndate: 2026-11-20\n", image + "Läs också [B](b.md).\n"),
        "sources/2026/min bild.png": png(),
        "sources/2026/b.md": release("title: B\ndate: 2026-11-21\n"),
    })
    export("sources", "--now", NOW, "-q")
    write_tree(project, {"sources/2026/b.md": release("title: B\ndate: 2026-12-24\n")})  # not public at --now any more
    again = export("sources", "--now", NOW, expect=1)
    assert "failed     sources/2026/a.md" in again.stdout, again.stdout
    assert again.problems == export("sources", "--now", NOW, "--force", expect=1).problems
