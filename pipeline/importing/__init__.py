"""`press import`: a press release written in Word or LibreOffice as a release source.

pandoc reads the document (read.py); what Word leaves in it that is no part of the
text goes (clean.py); the parts of a press release are recognised (recognise.py:
title, lead, dateline, quotes, fact boxes, contacts, boilerplate, images); and the
source is written as `press new` would write it, each guess a note on the line it
concerns (write.py).
"""

from __future__ import annotations

import errno
import os
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.body.pandoc import PandocFailed
from pipeline.importing.read import Unreadable, read_document
from pipeline.importing.write import Written

__all__ = ["ImportedBefore", "Unreadable", "Written", "import_document", "write_all"]


class ImportedBefore(FileExistsError):
    """A release with the document's headline, and its date or lead, is in the sources already: most likely this
    document, imported before; importing it again would publish it twice."""


def import_document(document_path: Path, site, sources: Path, folder: Path | None, lang: str | None,
                    date: datetime | None) -> Written:
    """The release a document holds, as it would be written under `folder` (default: SOURCES/<year>).

    Raises Unreadable when the file cannot be read, and FileExistsError when the release (or one of its images)
    is there already: an import never overwrites.
    """
    from pipeline.importing.recognise import recognise
    from pipeline.importing.write import compose
    from pipeline.source.load import slugify
    from pipeline.source.template import ids_in_use, short_slug, slugs_in_use, unique_id

    document = read_document(document_path, site.limits.pandoc_seconds, site.limits.nesting)
    found = recognise(document, site, lang)
    zone = ZoneInfo(site.timezone)
    if date is not None:
        date = date if date.tzinfo else date.replace(tzinfo=zone)
        found.notes = [n for n in found.notes if not (n.field == "date" and n.severity == "note")]
        if found.moment is not None and found.moment.at(zone) != date:
            found.note(f"the document's dateline says {found.moment.at(zone):%Y-%m-%d %H:%M}; the date given with "
                       "--date is used", field="date")
    elif found.moment is not None:
        date = found.moment.at(zone)
    else:
        found.note("the document gives no date (no dateline such as 'Halmstad, 26 november 2026'); write the "
                   "publication time as 'date', e.g. 2026-11-26T09:00, or import again with --date", field="date",
                   severity="error")
    slug = short_slug(slugify(found.title or document_path.stem)) or "release"
    year = f"{(date or datetime.now(zone)).astimezone(zone):%Y}"
    folder = folder if folder is not None else sources / year
    prefix = f"{date.astimezone(zone):%Y-%m-%d}-" if date else ""
    path = folder / f"{prefix}{slug}.md"
    if path.exists():
        raise FileExistsError(path)
    if found.title and (before := _same_release(sources, found.title, found.lead, date)):
        raise ImportedBefore(before)
    slug = unique_id(slug, slugs_in_use(sources))  # another release's address: this one gets a number
    path = folder / f"{prefix}{slug}.md"
    try:
        written = compose(found, document, site, path, unique_id(path.stem, ids_in_use(sources)), date)
    except PandocFailed as exc:
        raise Unreadable(f"the document cannot be written as a release: {exc}") from None
    _forget_killed(path.parent)
    for image, data in list(written.files.items()):
        # An image already there with these very bytes is this document's, from an import stopped before the
        # release was written (kill -9): it is used as it is.
        if image.exists() and image.is_file() and image.read_bytes() == data:
            del written.files[image]
    for taken in [written.path, *written.files]:
        if taken.exists():
            raise FileExistsError(taken)
    return written


def _same_release(sources: Path, title: str, lead: str | None, date: datetime | None) -> Path | None:
    """A release under `sources` with this headline and this date or lead."""
    import yaml

    from pipeline.source.load import release_files, split_front_matter

    def plain(text) -> str:
        return " ".join(str(text or "").split()).casefold()

    longest = max(title.split(), key=len)
    for path in release_files(sources):
        try:
            text = path.read_text("utf-8")
            if longest not in text:  # most releases: no need to read their YAML
                continue
            split = split_front_matter(text)
            fields = yaml.safe_load(split[0]) if split else None
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if not isinstance(fields, dict) or plain(fields.get("title")) != plain(title):
            continue
        same_date = date is not None and isinstance(fields.get("date"), datetime) and fields["date"] == date
        if same_date or (lead and plain(fields.get("lead")) == plain(lead)):
            return path
    return None


def write_all(written: Written) -> None:
    """The source and its images, all or none: each is written beside its place and linked in, which fails when
    the name is taken; what was linked is taken back when a later file fails (a full disk, a name taken, Ctrl-C).
    They are readable as the user's other new files are (the umask), not only by their owner."""
    done: list[Path] = []
    from pipeline.source.template import new_file_mode

    mode = new_file_mode()
    try:
        for path, data in [*written.files.items(), (written.path, written.text.encode("utf-8"))]:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f"{_TEMPORARY}{os.getpid()}-", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.chmod(temporary, mode)
                try:
                    os.link(temporary, path)
                except OSError as exc:
                    if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                        raise
                    done.append(_created(path, data))  # a file system without hard links (FAT, some shares)
                else:
                    done.append(path)
            finally:
                os.unlink(temporary)
    except BaseException:
        for path in done:
            path.unlink(missing_ok=True)
        raise


_TEMPORARY = ".import-"


def _forget_killed(folder: Path) -> None:
    """Remove what an import killed while writing (kill -9, a power cut) left in `folder`: its temporary files
    are named after its process, which is gone."""
    for leftover in folder.glob(f"{_TEMPORARY}*-*.tmp"):
        pid = leftover.name[len(_TEMPORARY):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            leftover.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _created(path: Path, data: bytes) -> Path:
    """`path` made with `data`, failing if it is there: where a file cannot be linked into place."""
    with open(path, "xb") as handle:
        try:
            handle.write(data)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    return path
