"""Hostile or broken sources: each fails its own release with one clear line, the others publish."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from conftest import NOW, export, release, tree, write_tree

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
        "sources/2026/2026-11-26-ond.md:4: error: image 'bomb.png' cannot be used: it is 20000 × 20000 pixels, more "
        "than the 120 megapixels an image may have; make it smaller, or raise 'limits: {image_megapixels: …}' in site.yaml",
    ),
    "a decompression bomb in the body": (
        {"sources/2026/2026-11-26-ond.md": release("title: Ond\ndate: 2026-11-26\n", "Text.\n\n![Bomb](bomb.png)\n"),
         "sources/2026/bomb.png": bomb()},
        "sources/2026/2026-11-26-ond.md:8: error: image 'bomb.png' cannot be used: it is 20000 × 20000 pixels, more "
        "than the 120 megapixels an image may have; make it smaller, or raise 'limits: {image_megapixels: …}' in site.yaml",
    ),
    "a list nested 5,000 deep on one line": (
        {"sources/2026/2026-11-26-ond.md": release("title: Ond\ndate: 2026-11-26\n", "- " * 5000 + "x\n")},
        "sources/2026/2026-11-26-ond.md:6: error: the body nests lists, quotes or emphasis too deeply to be read; "
        "shorten or simplify the body (nested lists and quotes, footnotes), or split the release",
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


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            child, rest = stat.read_text().split(" (", 1)
            if int(rest.rsplit(") ", 1)[1].split()[1]) == pid:
                found.append(int(child))
        except (OSError, ValueError, IndexError):
            continue
    return found


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def test_pdf_workers_end_when_the_export_itself_is_killed(tmp_path):
    """A timeout that kills the export's own process, not its group, must not leave workers printing."""
    write_tree(tmp_path, {f"sources/2026/r{n}.md": release(f"title: R {n}\ndate: 2026-11-{n + 1:02d}\n", "Text.\n" * 200)
                          for n in range(12)} | {"sources/site.yaml": "name: T\nurl: https://press.example.org/\nlang: sv\n"})
    export_process = subprocess.Popen([sys.executable, "-m", "pipeline", "export", "sources", "--now", NOW, "-q", "-j", "2"],
                                      cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while len(workers := _children(export_process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(workers) >= 2, "the export started no PDF workers"
    os.kill(export_process.pid, signal.SIGKILL)
    export_process.wait()
    deadline = time.monotonic() + 10
    while any(_running(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [w for w in workers if _running(w)], "workers outlived the export"


def test_pandoc_stops_by_itself_when_the_export_that_started_it_is_killed():
    """No one is left to enforce pandoc's timeout after kill -9: pandoc must end with the export."""
    marker = f"-- stray {os.getpid()}"
    started = subprocess.Popen([sys.executable, "-c", "from pipeline.body import pandoc as convert\n"
                                f"convert._run('while true do end {marker}', ['x'], 1)"])
    deadline = time.monotonic() + 30
    while not (pandoc := _pandoc_running(marker)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pandoc, "pandoc did not start"
    os.kill(started.pid, signal.SIGKILL)
    started.wait()
    deadline = time.monotonic() + 5
    while _pandoc_running(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _pandoc_running(marker), "pandoc went on after its export was killed"


def _pandoc_running(marker: str) -> list[int]:
    """The pandoc processes running a script that holds `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0") if entry.name.isdigit() else []
            if command and Path(os.fsdecode(command[0])).name == "pandoc" and marker.encode() in b" ".join(command) \
                    and _running(int(entry.name)):
                found.append(int(entry.name))
        except OSError:
            pass
    return found


def test_a_reader_of_dist_sees_one_whole_export_whenever_the_export_is_killed(tmp_path):
    """Kill -9 at 20 moments of exports that change every release: dist/ is always the old or the new one, whole."""
    import random

    def press_room(version: int) -> dict:
        return {"sources/site.yaml": "name: T\nurl: https://press.example.org/\nlang: sv\n"} | {
            f"sources/2026/r{n}.md": release(f"title: Nyhet {n}, version {version}\ndate: 2026-11-{n + 1:02d}\ntopics: [Skola]\n",
                                             f"Version {version}.\n" * 50)
            for n in range(6)
        }

    def run(until: float | None = None) -> None:
        process = subprocess.Popen([sys.executable, "-m", "pipeline", "export", "sources", "--now", NOW, "-q", "-j", "1"],
                                   cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            process.wait(timeout=until)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    whole = {}
    for version in (0, 1):
        write_tree(tmp_path, press_room(version))
        started = time.monotonic()
        run()
        took = time.monotonic() - started
        whole[version] = tree(tmp_path / "dist")
    assert whole[0] != whole[1]
    moments = random.Random(13)
    for kill in range(20):
        before, after = 1 - kill % 2, kill % 2  # from version 1 to 0, then back
        write_tree(tmp_path, press_room(after))
        run(until=moments.uniform(0.05, took))
        assert tree(tmp_path / "dist") in (whole[before], whole[after]), f"a mix after kill {kill}"
        run()  # the next export finishes what the killed one left
        assert tree(tmp_path / "dist") == whole[after]


SITE_YAML = "name: T\nurl: https://press.example.org/\nlang: sv\n"


def _press(cwd: Path, *args: str, limit_bytes: int | None = None, **kwargs) -> subprocess.CompletedProcess:
    """`press export` as an operator runs it, in its own process (with a file-size limit, as `ulimit -f` sets)."""
    def limited() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return subprocess.run([sys.executable, "-m", "pipeline", "export", "sources", "--now", NOW, "-j", "1", *args],
                          cwd=cwd, capture_output=True, text=True, preexec_fn=limited if limit_bytes else None, **kwargs)


def test_a_file_size_limit_stops_the_export_with_one_line_and_dist_as_it_was(tmp_path):
    write_tree(tmp_path, {"sources/site.yaml": SITE_YAML, "sources/2026/a.md": release("title: A\ndate: 2026-11-20\n")})
    assert _press(tmp_path, "-q").returncode == 0
    before = tree(tmp_path / "dist")
    write_tree(tmp_path, {"sources/2026/b.md": release("title: B\ndate: 2026-11-21\nattachments:\n  - {src: b.csv, title: B}\n"),
                          "sources/2026/b.csv": "x;y\n" * 100_000})
    run = _press(tmp_path, "-q", limit_bytes=300_000)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    [line, summary] = run.stderr.strip().split("\n")
    assert line.endswith(": error: a file is larger than this system lets a process write (a file-size limit, see "
                         "'ulimit -f'); raise the limit and export again; nothing was published: dist is as it was")
    assert line.startswith("dist/2026/b/")
    assert summary == "nothing was published: 1 error, 0 warnings"
    assert tree(tmp_path / "dist") == before


def test_no_permission_to_write_is_one_line_and_dist_as_it_was(project, monkeypatch):
    """Root may write anywhere, so the refusal is made here: what is tested is how the export takes it."""
    import errno

    import pipeline.build.output

    export("sources", "--now", NOW, "-q")
    before = tree(project / "dist")
    write_tree(project, {"sources/2026/b.md": release("title: B\ndate: 2026-11-21\n")})
    real = pipeline.build.output.write_bytes

    def refused(dist, relative, data):
        if relative.endswith("index.html"):
            raise PermissionError(errno.EACCES, "Permission denied", str(dist / relative))
        return real(dist, relative, data)

    monkeypatch.setattr(pipeline.build.output, "write_bytes", refused)
    run = export("sources", "--now", NOW, "-q", expect=1)
    assert run.problems == ["dist/2026/b/index.html: error: there is no permission to write here; check the folder's "
                            "owner and permissions, or export elsewhere; nothing was published: dist is as it was"]
    assert tree(project / "dist") == before


def test_a_file_a_release_may_not_read_fails_that_release_only(project, monkeypatch):
    """Reading is refused here as for a user without permission (root reads everything): the release that uses the
    file fails, naming it on its line; it is not taken for a fault of the output folder."""
    import errno

    write_tree(project, {**GOOD, "sources/2026/2026-11-26-ond.md": release(
        "title: Ond\ndate: 2026-11-26\nattachments:\n  - {src: hemlig.pdf, title: Hemlig}\n"),
        "sources/2026/hemlig.pdf": b"%PDF-1.4\n%%EOF\n"})
    real = Path.read_bytes

    def refused(self):
        if self.name == "hemlig.pdf":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refused)
    run = export("sources", "--now", NOW, "-q", "-j", "1", expect=1)
    assert run.problems == ["sources/2026/2026-11-26-ond.md:5: error: 'hemlig.pdf' cannot be read (Permission denied); "
                            "check that the file is there and that its permissions let everyone read it (chmod a+r)"]
    assert all((project / f"dist/2026/bra-{n}/index.html").is_file() for n in range(3))


def test_an_export_leaves_no_temporary_files_behind(tmp_path):
    """WeasyPrint copies the theme's fonts into a temporary folder that a worker, stopped rather than ended, never
    removes: one per export, for ever, in the system's temporary folder."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    write_tree(tmp_path, {"sources/site.yaml": SITE_YAML, "sources/2026/a.md": release("title: A\ndate: 2026-11-20\n")})
    for jobs in ("1", "2"):
        run = _press(tmp_path, "-q", "--force", "-j", jobs, env={**os.environ, "TMPDIR": str(temporary)})
        assert run.returncode == 0, run.stderr
        assert not list(temporary.iterdir()) and not (tmp_path / ".cache/scratch").exists()


def _as_a_user(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """`press export` without root's power to read what permissions forbid (root keeps its id, not the power)."""
    import shutil

    command = [sys.executable, "-m", "pipeline", "export", "sources", "--now", NOW, "-j", "1", *args]
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: permissions cannot be made to hold")
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True)


def test_a_folder_of_the_sources_that_cannot_be_read_stops_the_export_rather_than_take_its_releases_down(tmp_path):
    write_tree(tmp_path, {"sources/site.yaml": SITE_YAML, "sources/2026/a.md": release("title: A\ndate: 2026-11-20\n"),
                          "sources/u/b.md": release("title: B\ndate: 2026-11-21\n")})
    assert _as_a_user(tmp_path, "-q").returncode == 0
    before = tree(tmp_path / "dist")
    (tmp_path / "sources/u").chmod(0)
    try:
        run = _as_a_user(tmp_path, "-q")
    finally:
        (tmp_path / "sources/u").chmod(0o755)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.splitlines() == [
        "sources/u: error: this cannot be read (Permission denied); let everyone read it (chmod a+r, or a+rx for a "
        "folder) and export again; nothing was published: dist is as it was",
        "nothing was published: 1 error, 0 warnings"]
    assert tree(tmp_path / "dist") == before


def test_a_release_that_cannot_be_read_fails_alone_and_keeps_what_it_published(tmp_path):
    write_tree(tmp_path, {"sources/site.yaml": SITE_YAML, "sources/2026/a.md": release("title: A\ndate: 2026-11-20\n"),
                          "sources/2026/b.md": release("title: B\ndate: 2026-11-21\n")})
    assert _as_a_user(tmp_path, "-q").returncode == 0
    kept = {k: v for k, v in tree(tmp_path / "dist").items() if k.startswith("2026/b/")}
    write_tree(tmp_path, {"sources/2026/a.md": release("title: A2\ndate: 2026-11-20\n")})
    (tmp_path / "sources/2026/b.md").chmod(0)
    run = _as_a_user(tmp_path, "-q")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert [line for line in run.stderr.splitlines() if "error" in line][0].startswith("sources/2026/b.md:")
    assert run.stderr.splitlines()[-1] == "1 updated, 1 failed: 1 error, 0 warnings"
    assert {k: v for k, v in tree(tmp_path / "dist").items() if k.startswith("2026/b/")} == kept
    assert b"A2" in (tmp_path / "dist/2026/a/index.html").read_bytes()


def test_a_second_export_waits_for_the_first_or_stops_with_no_wait(tmp_path):
    import fcntl

    write_tree(tmp_path, {"sources/site.yaml": SITE_YAML, "sources/2026/a.md": release("title: A\ndate: 2026-11-20\n")})
    (tmp_path / ".cache").mkdir()
    with open(tmp_path / ".cache/export.lock", "w") as held:
        held.write("process 4242\n")
        held.flush()
        fcntl.flock(held, fcntl.LOCK_EX)  # as a running export holds it
        stopped = _press(tmp_path, "-q", "--no-wait")
        assert stopped.returncode == 2
        assert stopped.stderr == ("press export: another export of sources is running (process 4242); run again when it "
                                  "has finished, or without --no-wait to wait for it\n")
        waiting = subprocess.Popen([sys.executable, "-m", "pipeline", "export", "sources", "--now", NOW, "-q", "-j", "1"],
                                   cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)
        assert waiting.poll() is None, "it waits while the other export runs"
    out, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0
    assert err.startswith("waiting: another export of sources is running (process 4242)\n")
    assert (tmp_path / "dist/2026/a/index.html").is_file()


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=["ctrl-c", "kill", "hang-up"])
def test_an_export_told_to_stop_publishes_nothing_and_says_so(tmp_path, stop):
    write_tree(tmp_path, {"sources/site.yaml": SITE_YAML} | {
        f"sources/2026/r{n}.md": release(f"title: R {n}\ndate: 2026-11-{n + 1:02d}\n", "Text.\n\n" * 2000) for n in range(12)})
    interrupted = subprocess.Popen([sys.executable, "-m", "pipeline", "export", "sources", "--now", NOW, "-q", "-j", "1"],
                                   cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not (tmp_path / ".dist.snapshots/1").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1)  # into the rendering
    workers = _children(interrupted.pid)
    interrupted.send_signal(stop)
    _, err = interrupted.communicate(timeout=60)
    # Both at once: should the exit status be wrong, what the export said tells why.
    assert (interrupted.returncode, err.strip()) == (128 + stop, "stopped; nothing of this export was published: dist is as it was")
    assert not (tmp_path / "dist").exists()
    assert not [w for w in workers if _running(w)]


def test_a_folder_that_is_a_symbolic_link_is_an_error_not_skipped(project):
    write_tree(project, {"elsewhere/r.md": release("title: R\ndate: 2026-11-20\n")})
    (project / "sources/2025").symlink_to(project / "elsewhere")
    run = export("sources", "--now", NOW, "-q", expect=1)
    assert run.problems == ["sources/2025: error: this folder is a symbolic link, and nothing in it is read (what it "
                            "leads to can change unseen); copy the folder into its place"]


def test_a_damaged_entry_of_a_failing_release_is_not_kept_and_stops_nothing(project):
    import json

    write_tree(project, {"sources/2026/a.md": release("title: A\ndate: 2026-11-20\n"),
                         "sources/2026/b.md": release("title: B\ndate: 2026-11-21\n")})
    export("sources", "--now", NOW, "-q")
    manifest = json.loads((project / "dist/manifest.json").read_text())
    for entry in manifest["releases"]:
        entry["date"] = 42 if entry["id"] == "b" else entry["date"]
    (project / "dist/manifest.json").write_text(json.dumps(manifest))
    write_tree(project, {"sources/2026/b.md": release("title: B\ndate: 2026-11-21\nlang: qq-99\n")})
    run = export("sources", "--now", NOW, "-q", expect=1)
    assert "Traceback" not in run.stderr
    assert [e["id"] for e in json.loads((project / "dist/manifest.json").read_text())["releases"]] == ["a"]
    assert not (project / "dist/2026/b").exists(), "its files go with its entry"


def test_an_unreadable_manifest_still_lets_the_export_remove_what_is_gone(project):
    write_tree(project, {"sources/2026/a.md": release("title: A\ndate: 2026-11-20\n"),
                         "sources/2026/b.md": release("title: B\ndate: 2026-11-21\n")})
    export("sources", "--now", NOW, "-q")
    (project / "dist/manifest.json").write_text("{")
    (project / "sources/2026/b.md").unlink()
    export("sources", "--now", NOW, "-q")
    assert not (project / "dist/2026/b").exists()
    assert (project / "dist/2026/a/index.html").is_file()


KEYS = ["title", "date", "lang", "lead", "place", "topics", "image", "attachments", "contacts", "embargo", "draft", "id"]
fuzzed_front = st.one_of(
    st.text(max_size=200),
    st.lists(st.tuples(st.sampled_from(KEYS), st.text(max_size=40)), max_size=6).map(
        lambda pairs: "title: T\ndate: 2026-11-20\n" + "".join(f"{k}: {v}\n" for k, v in pairs)),
)
fuzzed_body = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(["# ", "## ", "- ", "1. ", "> ", "::: factbox", ":::", "[a](", "](b.md)", "![x](", "{#id}",
                              "{lang=", "| a | b |", "|---|---|", "[^1]", "\n", "\n\n", "*", "`", "<", "&", "–", "text"]),
             max_size=40).map("".join),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(front=fuzzed_front, body=fuzzed_body)
def test_any_text_becomes_a_release_or_problems_never_a_crash(tmp_path_factory, front, body):
    from datetime import datetime

    from pipeline.body.document import convert_all
    from pipeline.source.load import load_release, load_site

    sources = tmp_path_factory.mktemp("fuzz") / "sources"
    write_tree(sources, {"site.yaml": SITE_YAML, "2026/r.md": "---\n" + front + "\n---\n" + body})
    site, problems = load_site(sources / "site.yaml")
    assert site and not problems.items
    release_read, problems = load_release(sources / "2026/r.md", site)
    assert release_read is not None or problems.has_errors, "a release that cannot be read says why"
    if release_read is not None:
        [result] = convert_all([release_read], site, {}, datetime.fromisoformat(NOW))
        assert result is not None


def test_a_pdf_worker_killed_from_outside_loses_no_release(tmp_path):
    """The jobs of a pool whose worker was killed are printed again, one at a time: every release publishes."""
    write_tree(tmp_path, {"sources/site.yaml": SITE_YAML} | {
        f"sources/2026/r{n:02d}.md": release(f"title: R {n}\ndate: 2026-11-{n % 28 + 1:02d}\n", "Text.\n\n" * 600)
        for n in range(24)})
    exporting = subprocess.Popen([sys.executable, "-m", "pipeline", "export", "sources", "--now", NOW, "-q", "-j", "2"],
                                 cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline, victim = time.monotonic() + 60, None
    while victim is None and time.monotonic() < deadline:
        for child in _children(exporting.pid):
            command = Path(f"/proc/{child}/cmdline").read_bytes()
            if b"spawn_main" in command or (b"pipeline" in command and b"export" in command):
                victim = child
        time.sleep(0.05)
    assert victim, "no PDF worker was seen"
    time.sleep(1.5)  # printing
    os.kill(victim, signal.SIGKILL)
    out, err = exporting.communicate(timeout=300)
    assert exporting.returncode == 0, err
    assert out.strip() == "24 new, 0 failed: 0 errors, 0 warnings"
    assert len(list((tmp_path / "dist/2026").glob("*/*.pdf"))) == 24


def test_a_release_that_ends_its_worker_fails_alone():
    """Every job of a broken pool fails with it; printed again alone, only the one that ends its worker fails."""
    from concurrent.futures.process import BrokenProcessPool

    from crashing import print_or_die

    from pipeline.build.printer import Printer
    from pipeline.render.printjob import Printed, PrintJob

    names = [f"r{n}" for n in range(6)] + ["ond"] + [f"s{n}" for n in range(5)]
    jobs = [PrintJob("<p>x</p>", "https://press.example.org/", {}, f"2026/{name}/{name}.pdf", Path(f"{name}.md"), [], (),
                     {}) for name in names]
    printer = Printer(2, work=print_or_die)
    try:
        futures = [printer.submit(job) for job in jobs]
        outcomes = {job.path: printer.outcome(future, job) for future, job in zip(futures, jobs)}
    finally:
        printer.close()
    assert isinstance(outcomes.pop("2026/ond/ond.pdf"), BrokenProcessPool)
    assert outcomes == {job.path: Printed(f"PDF of {job.path}".encode(), 1) for job in jobs if "ond" not in job.path}


def test_a_press_room_sets_its_own_limits_in_site_yaml(project):
    write_tree(project, {"sources/site.yaml": SITE_YAML + "limits: {nesting: 5, release_megabytes: 1}\n",
                         "sources/2026/r.md": release("title: R\ndate: 2026-11-20\n", "> " * 6 + "x\n")})
    run = export("sources", "--now", NOW, "-q", expect=1)
    assert run.problems == ["sources/2026/r.md:6: error: the body nests lists, quotes or notes more than 5 levels deep, "
                            "the limit; make it flatter"]
    write_tree(project, {"sources/site.yaml": SITE_YAML + "limits: {nesting: 2}\n"})
    run = export("sources", "--now", NOW, "-q", expect=1)
    assert run.problems == ["sources/site.yaml:4: error: 'limits.nesting' must be a whole number from 5 to 200, not '2'"]


def test_a_pdf_past_its_time_limit_fails_even_where_weasyprint_swallows_the_stop(project):
    """WeasyPrint catches every exception around an SVG drawing: the stop must come again until it holds."""
    import random

    draw = random.Random(13)
    lines = "".join(f'<path d="M{draw.randint(0, 900)} {draw.randint(0, 900)} '
                    + " ".join(f"L{draw.randint(0, 900)} {draw.randint(0, 900)}" for _ in range(40))
                    + '" fill="none" stroke="black"/>' for _ in range(3000))  # some 2.5 s to draw, each time
    write_tree(project, {**GOOD, "sources/site.yaml": SITE_YAML + "limits: {pdf_seconds: 10}\n",
                         "sources/2026/linjer.svg": f'<svg xmlns="http://www.w3.org/2000/svg" width="900" height="900">{lines}</svg>',
                         "sources/2026/2026-11-26-ond.md": release("title: Ond\ndate: 2026-11-26\n",
                                                                   "![Linjer](linjer.svg)\n\n" * 16)})
    started = time.monotonic()
    run = export("sources", "--now", NOW, "-q", "-j", "1", expect=1)
    assert run.problems == ["sources/2026/2026-11-26-ond.md:1: error: making the PDF took longer than 10 seconds, the limit; "
                            "shorten the release, or use fewer or smaller images"]
    assert time.monotonic() - started < 30, "stopped soon after its limit, not after every drawing (some 40 s)"
    assert not (project / "dist/2026/ond").exists()
    assert all((project / f"dist/2026/bra-{n}/index.html").is_file() for n in range(3))


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB file system of its own (tmpfs), where this machine lets the tests mount one."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(disk)], capture_output=True).returncode:
        pytest.skip("no tmpfs can be mounted here; the file-size limit test covers a full disk's path")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def test_a_full_disk_stops_the_export_with_one_line_and_dist_as_it_was(small_disk):
    write_tree(small_disk, {"sources/site.yaml": SITE_YAML, "sources/2026/a.md": release("title: A\ndate: 2026-11-20\n")})
    assert _press(small_disk, "-q").returncode == 0
    before = tree(small_disk / "dist")
    write_tree(small_disk, {"sources/2026/b.md": release("title: B\ndate: 2026-11-21\nattachments:\n  - {src: b.csv, title: B}\n"),
                            "sources/2026/b.csv": "x;y\n" * 300_000})  # 1.2 MB, and as much again to publish it
    run = _press(small_disk, "-q")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    [line, summary] = run.stderr.strip().split("\n")
    assert line.endswith(": error: the disk is full; free some space and export again; nothing was published: "
                         "dist is as it was"), line
    assert summary == "nothing was published: 1 error, 0 warnings"
    assert tree(small_disk / "dist") == before
    assert [p.name for p in (small_disk / ".dist.snapshots").iterdir()] == [os.readlink(small_disk / "dist").split("/")[-1]]


def test_a_read_only_output_folder_is_one_line_and_dist_as_it_was(small_disk, tmp_path):
    write_tree(tmp_path, {"sources/site.yaml": SITE_YAML, "sources/2026/a.md": release("title: A\ndate: 2026-11-20\n")})
    output = str(small_disk / "dist")
    assert _press(tmp_path, "-q", "-o", output).returncode == 0
    before = tree(small_disk / "dist")
    write_tree(tmp_path, {"sources/2026/b.md": release("title: B\ndate: 2026-11-21\n")})
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    run = _press(tmp_path, "-q", "-o", output)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    [line, summary] = run.stderr.strip().split("\n")
    assert line.endswith(": error: this folder is on a read-only file system; export to a folder that can be written; "
                         f"nothing was published: {output} is as it was"), line
    assert summary == "nothing was published: 1 error, 0 warnings"
    assert tree(small_disk / "dist") == before


def test_a_bug_met_while_reading_one_release_fails_that_release_only(project, monkeypatch):
    import pipeline.source.load

    real = pipeline.source.load.load_release

    def flawed(path, site, preview=False):
        if path.name == "b.md":
            raise KeyError("a bug")
        return real(path, site, preview)

    monkeypatch.setattr(pipeline.source.load, "load_release", flawed)
    write_tree(project, {"sources/2026/a.md": release("title: A\ndate: 2026-11-20\n"),
                         "sources/2026/b.md": release("title: B\ndate: 2026-11-21\n")})
    run = export("sources", "--now", NOW, "-q", expect=1)
    assert run.problems == ["sources/2026/b.md:1: error: internal error while reading this release (KeyError: 'a bug'); "
                            "rerun with --debug for the traceback and report it"]
    assert (project / "dist/2026/a/index.html").is_file()
