"""Shared helpers: run the real `press export` in-process on real or small made-up sources."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-27T12:00:00+01:00"  # after every example release

SITE = """\
name: Testkommunen
url: https://press.example.org/
lang: sv
"""


# A clone has nothing beside it: a test that reads a file next to the repository (a schema in a sibling
# folder, say) passes here and fails for every user. Every file opened or listed is checked as it happens.
# The tests' temporary files go inside the repository (git ignores them), so that nothing beside it is
# exempt, even when the clone itself lies in the temporary folder.
TEST_TEMP = ROOT / ".test-tmp"
TEST_TEMP.mkdir(exist_ok=True)
tempfile.tempdir = os.environ["TMPDIR"] = str(TEST_TEMP)
_BESIDE = str(ROOT.parent) + os.sep
READS_BESIDE: list[str] = []


def beside_repository(path) -> bool:
    """Whether `path` lies next to the repository rather than in it."""
    if isinstance(path, int) or ROOT.parent == ROOT.parent.parent:  # a descriptor; or the repository sits at /
        return False
    text = os.path.abspath(os.fsdecode(path)) + os.sep
    return text.startswith(_BESIDE) and not text.startswith(str(ROOT) + os.sep)


def _watch(event: str, args: tuple) -> None:
    if event in ("open", "os.listdir", "os.scandir") and args and args[0] is not None:
        try:
            if beside_repository(args[0]):
                READS_BESIDE.append(os.fsdecode(args[0]))
        except (TypeError, ValueError):
            pass


sys.addaudithook(_watch)


_REPORTED = [0]  # reads already blamed on a test


def _unreported() -> list[str]:
    read, _REPORTED[0] = READS_BESIDE[_REPORTED[0]:], len(READS_BESIDE)
    return read


@pytest.fixture(autouse=True)
def reads_nothing_beside_the_repository():
    # Blamed at teardown, so a read in a session fixture set up for this test counts too.
    yield
    read = _unreported()
    assert not read, f"this test read files outside the repository, which a fresh clone does not have: {read}"


def pytest_sessionfinish(session, exitstatus):
    if read := _unreported():  # at import or collection time, before any test ran
        print(f"\nfiles outside the repository were read, which a fresh clone does not have: {read}")
        session.exitstatus = 1


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def problems(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if ": error: " in line or ": warning: " in line]


def export(*args: str, expect: int | None = 0) -> Run:
    """Run `press export ARGS` here; its exit code must be `expect` (None: the test checks it itself).

    Checked on every call, so that a test exporting several times cannot go on from a failed step.
    """
    return press("export", *args, expect=expect)


def press(command: str, *args: str, expect: int | None = 0) -> Run:
    """Run `press COMMAND ARGS` here, as export() does."""
    result = CliRunner().invoke(main, [command, *args], catch_exceptions=False)
    if expect is not None:
        assert result.exit_code == expect, f"press {command} {' '.join(args)} exited {result.exit_code}:\n{result.stderr}"
    return Run(result.exit_code, result.stdout, result.stderr)


def tree(dist: Path) -> dict[str, bytes]:
    """Every file under `dist` by its relative path: what two exports are compared by, byte for byte."""
    return {p.relative_to(dist).as_posix(): p.read_bytes() for p in sorted(dist.rglob("*")) if p.is_file()}


_FORCED: dict[tuple, tuple[int, dict[str, bytes]]] = {}


def forced_export(files: dict[str, str | bytes], now: str) -> tuple[int, dict[str, bytes]]:
    """Exit code and dist/ of a --force export of `files` into an empty folder (remembered for the session)."""
    key = (tuple(sorted((name, content if isinstance(content, bytes) else content.encode()) for name, content in files.items())), now)
    if key not in _FORCED:
        with tempfile.TemporaryDirectory() as folder:
            write_tree(Path(folder), files)
            run = export(f"{folder}/sources", "-o", f"{folder}/dist", "--now", now, "--force", "-j", "1", "-q", expect=None)
            _FORCED[key] = run.exit_code, tree(Path(folder) / "dist")
    return _FORCED[key]


def write_tree(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")


def release(front: str, body: str = "Brödtext.\n") -> str:
    return "---\n" + textwrap.dedent(front) + "---\n\n" + textwrap.dedent(body)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """An empty project folder as the working directory, with a minimal site.yaml."""
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path, {"sources/site.yaml": SITE})
    return tmp_path


@pytest.fixture(scope="session")
def example_dist(tmp_path_factory) -> Path:
    """The repository's example sources, exported once per test session."""
    work = tmp_path_factory.mktemp("example")
    shutil.copytree(ROOT / "sources", work / "sources")
    run = export(str(work / "sources"), "-o", str(work / "dist"), "--now", NOW)
    assert run.exit_code == 0, run.stderr
    return work / "dist"


@pytest.fixture(scope="session")
def paged_dist(tmp_path_factory) -> Path:
    """A press room with more releases than fit on one listing page, in two languages."""
    work = tmp_path_factory.mktemp("paged")
    files = {"sources/site.yaml": SITE}
    for n in range(1, 23):
        lang = "en" if n % 5 == 0 else "sv"
        files[f"sources/2026/2026-10-{n:02d}-nyhet-{n}.md"] = release(
            f"title: Nyhet nummer {n}\ndate: 2026-10-{n:02d}T09:00\nlang: {lang}\nlead: Ingress {n}.\ntopics: [Skola]\n"
        )
    write_tree(work, files)
    # Three printing processes whatever the machine has: test_incremental compares this with one.
    run = export(str(work / "sources"), "-o", str(work / "dist"), "--now", NOW, "-q", "-j", "3")
    assert run.exit_code == 0, run.stderr
    return work / "dist"


@pytest.fixture(scope="session")
def languages_dist(tmp_path_factory) -> tuple[Run, Path]:
    """The releases in every language and script of tests/languages, exported once per test session."""
    work = tmp_path_factory.mktemp("languages")
    shutil.copytree(ROOT / "tests/languages/sources", work / "sources")
    run = export(str(work / "sources"), "-o", str(work / "dist"), "--now", NOW, "-q")
    return run, work / "dist"


def png(width: int = 40, height: int = 30) -> bytes:
    """A small real PNG image."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (0, 82, 143)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """One Chromium for every browser test of the session."""
    from checkers import chromium

    with chromium(tmp_path_factory.mktemp("chromium")) as context:
        yield context


@pytest.fixture
def tab(browser):
    page = browser.new_page()
    yield page
    page.close()
