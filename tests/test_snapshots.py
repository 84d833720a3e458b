"""dist/ as a snapshot: a link to one whole export, switched in one step, whatever folder and links lead there."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from conftest import NOW, export, release, tree, write_tree

SITE_YAML = "name: T\nurl: https://press.example.org/\nlang: sv\n"
A = {"sources/2026/a.md": release("title: A\ndate: 2026-11-20\n")}
B = {"sources/2026/b.md": release("title: B\ndate: 2026-11-21\n")}


def test_a_copy_that_followed_the_link_before_a_switch_still_reads_one_whole_export(project):
    """An rsync under way when an export switches dist/ goes on reading the export it began with."""
    write_tree(project, {"sources/2026/a.md": release("title: A\ndate: 2026-11-20\n")})
    export("sources", "--now", NOW, "-q", "-j", "1")
    being_copied = (project / "dist").resolve()
    first = tree(being_copied)
    for title in ("B", "C"):
        write_tree(project, {"sources/2026/a.md": release(f"title: {title}\ndate: 2026-11-20\n")})
        export("sources", "--now", NOW, "-q", "-j", "1")
        if title == "B":
            assert tree(being_copied) == first, "the export before the current one is kept whole"
    assert len(list((project / ".dist.snapshots").iterdir())) == 2, "only the current export and the one before are kept"
    assert not being_copied.exists()


def test_an_output_folder_reached_through_a_linked_folder_keeps_its_export(tmp_path):
    """`-o` through a symbolic link to a folder (as /tmp is on some systems): the current export is never taken for
    a stale one."""
    (tmp_path / "real").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    write_tree(tmp_path / "real", {"sources/site.yaml": SITE_YAML, "sources/2026/a.md": release("title: A\ndate: 2026-11-20\n")})
    for _ in range(3):
        run = export(str(tmp_path / "linked/sources"), "-o", str(tmp_path / "linked/dist"), "--now", NOW, "-j", "1")
        assert run.stdout.endswith(("1 new, 0 failed: 0 errors, 0 warnings\n", "1 unchanged, 0 failed: 0 errors, 0 warnings\n"))
        assert (tmp_path / "real/dist/2026/a/index.html").is_file()
    assert "1 unchanged" in run.stdout, "the cache trusts the export it left"


def test_a_release_taken_down_is_gone_from_the_export_kept_beside_the_current_one(project):
    """A server that serves the folder above dist/ must not keep showing a withdrawn release in the kept export."""
    write_tree(project, {**A, **B})
    export("sources", "--now", NOW, "-q", "-j", "1")
    write_tree(project, {"sources/2026/b.md": release("title: B\ndate: 2026-11-21\ndraft: true\n")})
    export("sources", "--now", NOW, "-q", "-j", "1")
    [kept] = [p for p in (project / ".dist.snapshots").iterdir() if p != (project / "dist").resolve()]
    assert not [path for path in tree(kept) if path.startswith("2026/b/")]
    assert "2026/a/index.html" in tree(kept)


def test_a_dist_that_links_to_another_folder_is_refused_not_silently_replaced(project):
    (project / "www").mkdir()
    (project / "dist").symlink_to("www")
    write_tree(project, A)
    run = export("sources", "--now", NOW, "-q", "-j", "1", expect=1)
    assert run.problems == ["dist: error: the output folder is a link to www, not to an export of its own; export into "
                            "that folder itself (-o www), or delete the link; nothing was published"]
    assert os.readlink(project / "dist") == "www" and not any((project / "www").iterdir())
    export("sources", "-o", "www", "--now", NOW, "-q", "-j", "1")
    assert (project / "www/2026/a/index.html").is_file()


def test_a_dist_linked_by_hand_to_an_earlier_export_keeps_it(project):
    """An operator rolls back by pointing dist at the export before, by a full path of their own; it is not taken
    for a stale one."""
    write_tree(project, A)
    export("sources", "--now", NOW, "-q", "-j", "1")
    write_tree(project, {"sources/2026/a.md": release("title: A2\ndate: 2026-11-20\n")})
    export("sources", "--now", NOW, "-q", "-j", "1")
    earlier = sorted((project / ".dist.snapshots").iterdir(), key=lambda p: int(p.name))[0]
    shown = tree(earlier)
    (project / "via").symlink_to(project)  # the path the operator typed runs through a linked folder
    (project / "dist").unlink()
    (project / "dist").symlink_to(project / "via" / earlier.relative_to(project))
    write_tree(project, {"sources/site.yaml": "name: [\n"})
    export("sources", "--now", NOW, "-q", "-j", "1", expect=1)
    assert tree(project / "dist") == shown
    write_tree(project, {"sources/site.yaml": SITE_YAML})
    export("sources", "--now", NOW, "-q", "-j", "1")
    assert b"A2" in (project / "dist/2026/a/index.html").read_bytes()


def test_an_export_stopped_while_taking_in_a_folder_from_before_snapshots_loses_nothing(project):
    """Taking in an old dist/ is two renames: stopped between them (kill -9), the next export finds the old
    folder again, with the operator's own files."""
    write_tree(project, A)
    export("sources", "--now", NOW, "-q", "-j", "1")
    old = project / "old"
    shutil.copytree((project / "dist").resolve(), old)
    (old / "humans.txt").write_text("Press office: Halmstads kommun\n")
    (project / "dist").unlink()
    shutil.rmtree(project / ".dist.snapshots")
    old.rename(project / "dist")
    expected = tree(project / "dist")
    (project / ".dist.snapshots").mkdir()
    (project / "dist").rename(project / ".dist.snapshots/taking-in")  # the first rename, and then kill -9
    export("sources", "--now", NOW, "-q", "-j", "1")
    assert tree(project / "dist") == expected
    (project / "dist").unlink()  # to start over, as the README says
    export("sources", "--now", NOW, "-q", "-j", "1")
    assert "humans.txt" not in tree(project / "dist"), "begun afresh, not from the export taken in"


@pytest.mark.parametrize("output, why", [
    (".", "holds the folder you are in, and every export replaces it as a whole; export into a folder of its own, "
          "such as dist"),
    ("sources", "holds the sources, and every export replaces it as a whole; export into a folder of its own, such "
                "as dist"),
    ("sources/out", "lies inside the sources folder; export into a folder beside it, such as dist"),
    ("themes", "holds the themes, and every export replaces it as a whole; export into a folder of its own, such as "
               "dist"),
])
def test_an_output_folder_that_would_take_the_sources_or_the_working_folder_is_refused(project, output, why):
    write_tree(project, {**A, "themes/default/style.css": "p { color: black }\n"})
    before = tree(project)
    run = export("sources", "-o", output, "--now", NOW, "-q", "-j", "1", expect=2)
    assert run.stderr.strip().endswith(f"Error: the output folder {output} {why}")
    assert tree(project) == before, "nothing written, not even a lock"


def test_a_mount_point_as_output_folder_is_refused_with_what_to_do(project):
    disk = project / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(disk)], capture_output=True).returncode:
        pytest.skip("no tmpfs can be mounted here")
    try:
        write_tree(project, A)
        run = export("sources", "-o", "disk", "--now", NOW, "-q", "-j", "1", expect=1)
        assert run.problems == ["disk: error: the output folder is a mount point, which cannot be switched to a new "
                                "export in one step; export into a folder inside it (-o disk/press) and serve that "
                                "folder; nothing was published"]
        export("sources", "-o", "disk/press", "--now", NOW, "-q", "-j", "1")
        assert (disk / "press/2026/a/index.html").is_file()
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def test_links_an_operator_made_inside_dist_stay(project):
    write_tree(project, A)
    export("sources", "--now", NOW, "-q", "-j", "1")
    (project / "dist/senaste").symlink_to("2026/a")
    (project / "dist/start.html").symlink_to("index.html")
    write_tree(project, B)
    export("sources", "--now", NOW, "-q", "-j", "1")
    assert os.readlink(project / "dist/senaste") == "2026/a" and os.readlink(project / "dist/start.html") == "index.html"


def test_a_dist_whose_exports_were_deleted_starts_afresh(project):
    write_tree(project, A)
    export("sources", "--now", NOW, "-q", "-j", "1")
    shutil.rmtree(project / ".dist.snapshots")  # the link now leads nowhere
    export("sources", "--now", NOW, "-q", "-j", "1")
    assert (project / "dist/2026/a/index.html").is_file()
    (project / os.readlink(project / "dist")).rename(project / ".dist.snapshots/99")  # a number that is gone
    export("sources", "--now", NOW, "-q", "-j", "1")
    assert (project / "dist/2026/a/index.html").is_file()


def test_starting_over_keeps_the_export_a_copy_may_be_reading(project):
    """Deleting dist to start over, as the README says, while an rsync pinned to the last export still runs."""
    write_tree(project, A)
    export("sources", "--now", NOW, "-q", "-j", "1")
    being_copied = (project / "dist").resolve()
    copied = tree(being_copied)
    (project / "dist").unlink()
    write_tree(project, B)
    export("sources", "--now", NOW, "-q", "-j", "1")
    assert (project / "dist").resolve() != being_copied, "a new export never takes the name of one being read"
    assert tree(being_copied) == copied


def test_a_dist_that_is_a_file_is_refused_with_what_to_do(project):
    write_tree(project, {**A, "dist": "not a folder\n"})
    run = export("sources", "--now", NOW, "-q", "-j", "1", expect=1)
    assert run.problems == ["dist: error: the output folder is a file; move it away, or export elsewhere (-o); nothing "
                            "was published"]
    assert (project / "dist").read_text() == "not a folder\n"
