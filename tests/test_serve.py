"""`press serve` in a real browser: a save shows on the open page by itself; drafts are previewed, never exported."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import export, release, tree, write_tree

LIVE = {
    "sources/2026/2026-11-20-lekplats.md": release("title: Ny lekplats i Strandparken\ndate: 2026-11-20T09:00\n"),
    "sources/2026/2026-11-21-utkast.md": release("title: Ett utkast om badplatsen\ndate: 2026-11-21T09:00\ndraft: true\n"),
}


@pytest.fixture
def served(project):
    """`press serve --port 0` running in the project; its address."""
    write_tree(project, LIVE)
    process = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--port", "0", "-j", "1"], cwd=project,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    line = process.stdout.readline()  # after the first build
    address = re.search(r"http://127\.0\.0\.1:\d+/", line)
    assert address, (line, process.stderr.read() if process.poll() is not None else "")
    yield process, address[0]
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def test_a_saved_edit_shows_on_the_open_page_without_a_reload(served, tab, project):
    process, address = served
    tab.goto(address + "2026/lekplats/")
    assert tab.inner_text("h1") == "Ny lekplats i Strandparken"
    source = project / "sources/2026/2026-11-20-lekplats.md"
    source.write_text(source.read_text("utf-8").replace("Ny lekplats i Strandparken", "Lekplatsen öppnar i maj"), "utf-8")
    tab.wait_for_function("document.querySelector('h1').textContent === 'Lekplatsen öppnar i maj'", timeout=30_000)


def test_a_draft_is_previewed_with_its_banner_and_never_exported(served, tab, project):
    process, address = served
    tab.goto(address + "2026/utkast/")
    assert tab.inner_text(".preview-banner") == "Utkast – inte publicerat"
    with urllib.request.urlopen(address + "2026/utkast/utkast.txt") as response:
        assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0 and "Traceback" not in process.stderr.read()
    assert not os.path.exists(project / "dist")
    export("sources", "--now", "2026-11-27T12:00:00+01:00")
    assert [p for p in tree(project / "dist") if p.startswith("2026/")] and \
        not [p for p in tree(project / "dist") if p.startswith("2026/utkast")], "a draft is never exported"


def test_nothing_outside_the_preview_is_served(served):
    process, address = served
    for path in ("../../../etc/passwd", "%2e%2e/%2e%2e/sources/site.yaml", "..%2fsources/site.yaml"):
        try:
            urllib.request.urlopen(address + path)
            raise AssertionError(f"{path} was served")
        except urllib.error.HTTPError as error:
            assert error.code == 404


def test_a_broken_theme_template_keeps_the_server_and_the_last_good_preview(served, project):
    process, address = served
    theme = project / "themes/default/templates"
    theme.mkdir(parents=True)
    (theme / "base.html").write_text("{% if %}\n", "utf-8")  # a press room's own base.html, saved half-written
    time.sleep(3)
    with urllib.request.urlopen(address + "2026/lekplats/") as response:
        assert "Ny lekplats i Strandparken" in response.read().decode("utf-8")
    try:
        urllib.request.urlopen(address + "2026/")
        raise AssertionError("a folder without a page was served")
    except urllib.error.HTTPError as error:
        assert error.code == 404
    (theme / "base.html").unlink()
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    assert "Traceback" not in process.stderr.read()
