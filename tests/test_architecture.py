"""The house rules of the package, checked on the code itself: stages import only what comes before them,
each heavy library sits behind one module, and one module alone writes to dist/."""

from __future__ import annotations

import ast
import importlib
import os
import pkgutil
import sys
from pathlib import Path

import pipeline
from conftest import NOW, export, release, write_tree

PACKAGE = Path(pipeline.__file__).parent
# Shared basics and the model come first; then each stage may use those before it, never one after.
RANK = {"source": 0, "body": 1, "render": 2, "editorial": 2, "verify": 2, "importing": 2, "build": 3, "mail": 3, "cli": 4}
SHARED = {"problems", "limits", "labels", "paths", "orphans", "__main__"}
ONLY_IMPORTER = {"pypandoc": "pipeline.body.pandoc", "weasyprint": "pipeline.render.pdf", "feedgen": "pipeline.render.feeds",
                 "jsonschema": "pipeline.verify.published", "distributed": "pipeline.build.cluster"}


def modules() -> dict[str, Path]:
    found = {}
    for info in pkgutil.walk_packages([str(PACKAGE)], "pipeline."):
        spec = importlib.util.find_spec(info.name)
        if spec and spec.origin and spec.origin.endswith(".py"):
            found[info.name] = Path(spec.origin)
    return found


def imports(path: Path) -> set[str]:
    """Every module `path` imports, at its top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            if node.module == "pipeline":
                names |= {f"pipeline.{alias.name}" for alias in node.names}
    return names


def rank(module: str) -> int:
    """Where a module stands: its stage's rank; the shared basics first; the entry point last."""
    part = module.split(".")[1] if "." in module else ""
    return RANK.get(part, RANK["cli"] if part == "__main__" else 0)


def test_every_module_imports_and_each_package_says_what_it_does():
    found = modules()
    assert len(found) > 30
    for name in found:
        importlib.import_module(name)
    for package in RANK:
        doc = importlib.import_module(f"pipeline.{package}").__doc__
        assert doc and len(doc.strip()) > 40, f"pipeline/{package}/__init__.py says what the stage takes and gives"
    top = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert top == sorted(SHARED | {"__init__"}), "only the face and the shared basics stay at the top of pipeline/"


def test_no_stage_imports_a_later_one():
    wrong = []
    for name, path in modules().items():
        for imported in imports(path):
            if imported.startswith("pipeline.") and rank(imported) > rank(name):
                wrong.append(f"{name} imports {imported}")
    assert not wrong


def test_each_heavy_library_is_imported_by_one_module_only():
    for library, owner in ONLY_IMPORTER.items():
        importers = sorted(name for name, path in modules().items()
                           if any(i == library or i.startswith(library + ".") for i in imports(path)))
        assert importers == [owner], f"{library} is imported by {importers}"


WRITES = {"open", "os.rename", "os.link", "os.symlink", "os.mkdir", "os.remove", "os.rmdir", "shutil.rmtree", "os.chmod",
          "os.truncate", "os.utime"}
_WATCHED: list[Path] = []
WRITERS: list[tuple[str, str]] = []


def _writing(event: str, args: tuple) -> bool:
    if event != "open":
        return True
    mode, flags = (args + (None, None))[1:3]
    if isinstance(mode, str):
        return any(c in mode for c in "wax+")
    return isinstance(flags, int) and bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))


def _watch(event: str, args: tuple) -> None:
    if not _WATCHED or event not in WRITES or not args or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    paths = [os.path.abspath(os.fsdecode(a)) for a in args[:2] if isinstance(a, (str, bytes, os.PathLike))]
    if not any(p.startswith(str(w)) for p in paths for w in _WATCHED) or not _writing(event, args):
        return
    frame = sys._getframe(1)
    while frame and not frame.f_code.co_filename.startswith(str(PACKAGE)):
        frame = frame.f_back
    writer = os.path.relpath(frame.f_code.co_filename, PACKAGE.parent) if frame else "outside the package"
    WRITERS.append((writer, f"{event} {paths[0]}"))


sys.addaudithook(_watch)


def test_only_the_output_module_writes_to_dist(project):
    """Every file made, replaced, linked or removed under dist/ and its snapshots, by whichever module."""
    write_tree(project, {"sources/2026/a.md": release("title: A\ndate: 2026-11-20\ntopics: [Skola]\n"),
                         "sources/2026/b.md": release("title: B\ndate: 2026-11-21\n")})
    _WATCHED[:] = [project / "dist", project / ".dist.snapshots", project / ".dist.link.tmp"]
    try:
        export("sources", "--now", NOW, "-q", "-j", "1")
        write_tree(project, {"sources/2026/b.md": release("title: B\ndate: 2026-11-21\ndraft: true\n")})
        export("sources", "--now", NOW, "-q", "-j", "1")
    finally:
        _WATCHED.clear()
    assert WRITERS, "the watch saw nothing: it would pass whatever wrote"
    assert {writer for writer, _ in WRITERS} == {"pipeline/build/output.py"}, sorted(set(WRITERS))[:5]


def test_no_rule_of_the_body_checker_is_hidden_by_another_of_its_parts():
    """BodyChecker is made of parts, one per concern; a rule written in two parts would silently replace one."""
    from pipeline.body import checks

    parts = [c for c in checks.BodyChecker.__mro__[1:] if c.__module__ == checks.__name__]
    assert len(parts) > 1
    where: dict[str, list[str]] = {}
    for part in parts:
        for name, value in vars(part).items():
            if callable(value) and not name.startswith("__"):
                where.setdefault(name, []).append(part.__name__)
    assert {name: owners for name, owners in where.items() if len(owners) > 1} == {}
