"""What is mailed of a release: its letter, made from the source and the outputs the last export published.

A release goes out by mail only as it was published: the PDF attached is the one in dist/ (or, for a press
copy under embargo, the one in the press-copy folder), and it must have been made from the source as it is
now, or the mail would say something the published release does not.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.build.export import published_index
from pipeline.build.output import MANIFEST, PRESS_COPIES, UnsafePath, read_manifest, sha256, target
from pipeline.problems import ContentError, Problem, file_lines, line_starting
from pipeline.source.load import load_release, load_site
from pipeline.verify.pdf_check import embedded


class Refused(Exception):
    """The release cannot be mailed; `problems` say why and what to do."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems)
        self.problems = problems


def prepare(path: Path, sources: Path, dist: Path, press_copies: Path | None, now: datetime, cache_dir: Path,
            again: bool = False):
    """The letter to send of the release in `path` (`again`: a correction sent to those who got it); Refused when it
    cannot go out as asked."""
    from pipeline.body.document import convert
    from pipeline.build.release import with_photos
    from pipeline.mail.compose import letter
    from pipeline.render.pages import environment_for
    from pipeline.render.theme import find_theme

    site, problems = load_site(sources / "site.yaml")
    if site is None:
        raise Refused([p for p in problems.items if p.severity == "error"])
    said = _mail_problems(site.path, problems.items)
    if said or site.mail is None:
        line = line_starting(file_lines(site.path), "mail:") or 1
        raise Refused(said or [Problem(site.path, line, "error", (
            "the press room has no mail settings; add to site.yaml: 'mail: {from: \"Name <press@example.org>\", "
            "reply_to: press@example.org, unsubscribe: \"mailto:press+unsubscribe@example.org\"}'"))])
    if now.tzinfo is None:
        now = now.replace(tzinfo=ZoneInfo(site.timezone))
    release, problems = load_release(path, site)
    if release is None:
        raise Refused([p for p in problems.items if p.severity == "error"] or problems.items)
    lines = file_lines(path)
    when = lambda moment: f"{moment.astimezone(ZoneInfo(site.timezone)):%Y-%m-%d %H:%M %Z}"  # noqa: E731
    if release.draft:
        raise Refused([Problem(path, line_starting(lines, "draft:") or 1, "error",
                               "this release is a draft, and a draft is never mailed; remove 'draft: true' and export it")])
    embargoed = bool(release.embargo and release.embargo > now)
    if embargoed and press_copies is None:
        raise Refused([Problem(path, line_starting(lines, "embargo:") or 1, "error", (
            f"this release is under embargo until {when(release.embargo)}; to send the press copy marked with the "
            "embargo, export it with press export --embargoed DIR and mail it with --embargoed DIR, or mail it "
            "once the embargo has lifted and it is published"))])
    if not embargoed and release.public_time > now:
        raise Refused([Problem(path, line_starting(lines, "date:") or 1, "error", (
            f"this release is not public until {when(release.public_time)}; mail it once press export has published it"))])
    if embargoed:
        folder, listing, pdf_path, text_path = _press_copy(release, press_copies)
    else:
        folder, listing, pdf_path, text_path = _published(release, dist)
    try:
        pdf, text = target(folder, pdf_path).read_bytes(), target(folder, text_path).read_bytes()
    except (OSError, UnsafePath):
        raise Refused([Problem(path, 1, "error", f"its outputs in {folder} are not all there; run press export "
                               f"{'--embargoed ' + str(folder) + ' ' if embargoed else ''}again, then mail it")]) from None
    if sha256(text) != listing.get(text_path) or sha256(pdf) != listing.get(pdf_path) \
            or embedded(pdf, path.name) != release.source_bytes:
        again = f"press export --embargoed {folder}" if embargoed else "press export (and copy dist/ to the web server)"
        raise Refused([Problem(path, 1, "error", f"its PDF or wire text in {folder} is not what the last export made "
                               f"of this file as it is now (the file was changed since, or the outputs were); run "
                               f"{again} first, then mail it")])
    index = published_index(read_manifest(dist))
    try:
        doc = with_photos(convert(release, site, index, now), cache_dir / "photos")  # the images as published
    except ContentError as exc:
        raise Refused(list(exc.problems)) from None
    theme = find_theme(sources, site.theme)
    return letter(doc, environment_for(theme, cache_dir / "templates"), text.decode("utf-8"), pdf, embargoed, again)


def _published(release, dist: Path) -> tuple[Path, dict[str, str], str, str]:
    """Where the public release's PDF and wire text are, from dist/manifest.json, with their listed sha256."""
    entry = next((e for e in read_manifest(dist, MANIFEST).get("releases", []) if isinstance(e, dict)
                  and e.get("source") == release.source and e.get("id") == release.id), None)
    if entry is None or not {"pdf", "txt"} <= set(entry.get("outputs", {})):
        raise Refused([Problem(release.path, 1, "error", f"this release is not published in {dist} (its manifest.json "
                               "does not list it); run press export first, then mail it")])
    outputs = entry["outputs"]
    listing = {o["path"]: o["sha256"] for o in outputs.values()}
    return dist, listing, outputs["pdf"]["path"], outputs["txt"]["path"]


def _press_copy(release, folder: Path) -> tuple[Path, dict[str, str], str, str]:
    """Where the press copy's PDF and wire text are, from the folder's press-copies.json."""
    copy = next((c for c in read_manifest(folder, PRESS_COPIES).get("releases", []) if isinstance(c, dict)
                 and c.get("source") == release.source), None)
    kinds = {f.get("kind"): f["path"] for f in (copy or {}).get("files", []) if isinstance(f, dict) and "path" in f}
    if copy is None or not {"pdf", "txt"} <= set(kinds):
        raise Refused([Problem(release.path, 1, "error", f"{folder} holds no press copy of this release with its PDF; "
                               f"run press export --embargoed {folder} first, then mail it")])
    listing = {f["path"]: f.get("sha256") for f in copy["files"]}
    return folder, listing, kinds["pdf"], kinds["txt"]


def _mail_problems(site_yaml: Path, problems: list[Problem]) -> list[Problem]:
    """The problems of site.yaml's `mail:` section (warnings for an export), as errors: they stop press mail."""
    lines = file_lines(site_yaml)
    start = line_starting(lines, "mail:")
    if start is None:
        return []
    end = next((number for number in range(start + 1, len(lines) + 1)
                if lines[number - 1][:1] not in ("", " ", "\t", "#")), len(lines) + 1)
    return [Problem(p.path, p.line, "error", p.message) for p in problems if start <= p.line < end]
