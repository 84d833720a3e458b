"""Stage 1: read `site.yaml` and release files into the frozen model, collecting every problem."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from functools import cache
from pathlib import Path
from email.utils import formataddr, parseaddr
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from pipeline.source.check_settings import CHECKS, CheckSettings
from pipeline.source.check_settings import SETTABLE as CHECK_SETTABLE
from pipeline.source.fields import Fields, check_email, check_lang, closest, compose
from pipeline.source.moments import parse_moment
from pipeline.limits import SETTABLE, Limits
from pipeline.source.model import (
    Accessibility,
    Attachment,
    Boilerplate,
    Contact,
    Correction,
    Image,
    MailSettings,
    Release,
    Site,
)
from pipeline.labels import main_script
from pipeline.problems import Problems
from pipeline.source.template import leftover_body, leftover_contact, leftover_example, leftover_lead

SITE_KEYS = ["name", "url", "lang", "title", "description", "timezone", "logo", "theme", "boilerplate", "contacts", "feeds",
             "wire", "limits", "check", "mail", "images", "accessibility"]
FEEDS_KEYS = ["size"]
MAIL_KEYS = ["from", "reply_to", "unsubscribe"]
WIRE_KEYS = ["width", "ascii"]
RELEASE_KEYS = [
    "title", "date", "type", "lang", "place", "lead", "topics", "regions", "contacts", "image",
    "attachments", "embargo", "id", "updated", "corrections", "draft", "boilerplate",
]
CONTACT_KEYS = ["name", "role", "phone", "email"]
IMAGE_KEYS = ["src", "alt", "caption", "credit", "decorative", "license"]
IMAGES_KEYS = ["license"]
ACCESSIBILITY_KEYS = ["email", "phone", "form", "status", "gaps", "assessed", "method", "updated", "enforcement"]
# Sweden's enforcement body for the law on accessibility to digital public service (DOS-lagen), and where to report
DIGG = ("Myndigheten för digital förvaltning (DIGG)",
        "https://www.digg.se/analys-och-uppfoljning/lagen-om-tillganglighet-till-digital-offentlig-service-dos-lagen/"
        "anmal-bristande-tillganglighet")
ATTACHMENT_KEYS = ["src", "title"]
CORRECTION_KEYS = ["date", "text"]
BOILERPLATE_KEYS = ["title", "text"]

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")


def read_text(path: Path, problems: Problems) -> str | None:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.error(1, f"the file is not UTF-8 text (byte {exc.start}); save it with UTF-8 encoding")
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def load_site(path: Path) -> tuple[Site | None, Problems]:
    problems = Problems(path)
    if not path.is_file():
        problems.error(1, "the press room settings file is missing; create site.yaml with at least name, url and lang")
        return None, problems
    text = read_text(path, problems)
    node = compose(text, problems, 1) if text is not None else None
    if node is None:
        if text is not None and not problems.items:
            problems.error(1, "site.yaml is empty; give at least name, url and lang")
        return None, problems
    f = Fields(node, problems, 1, "", SITE_KEYS)
    if not f.ok:
        return None, problems
    root = path.parent
    name = f.text("name", required=True, hint="the organisation's name, e.g. 'name: Halmstads kommun'")
    url = f.text("url", required=True, hint="the public address of the press room, e.g. 'url: https://press.example.org/'")
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problems.error(f.line("url"), f"url '{url}' is not an absolute web address; write it as https://press.example.org/")
            url = None
        elif not url.endswith("/"):
            url += "/"
    lang = _lang(f, "lang", required=True)
    timezone = f.text("timezone") or "Europe/Stockholm"
    tz = _zone(f, timezone)
    limits = _limits(f)
    logo = None
    if (lf := f.mapping("logo", IMAGE_KEYS)) is not None:
        logo = _image(lf, root, root, problems, limits)
    template_left: list[tuple[int, str]] = []
    contacts = tuple(c for c in (_contact(cf, problems, template_left) for cf in f.mappings("contacts", CONTACT_KEYS)) if c)
    for line, message in template_left:
        problems.error(line, message)
    boilerplate = _site_boilerplate(f, problems)
    title = f.text("title") or name
    theme = f.text("theme") or "default"
    feeds = f.mapping("feeds", FEEDS_KEYS)
    feed_size = feeds.number("size", 50, 1, 1000) if feeds else 50
    wire = f.mapping("wire", WIRE_KEYS)
    wire_width = wire.number("width", 0, 40, 200) or None if wire else None
    wire_ascii = wire.flag("ascii", False) if wire else False
    if not _ID.match(theme):
        problems.error(f.line("theme"), f"theme '{theme}' must be a folder name under themes/, such as 'default'")
    mail = _mail_settings(f, problems)
    images = f.mapping("images", IMAGES_KEYS)
    accessibility, faulty = _accessibility(f, problems, lang, tz) if tz else (None, False)
    if problems.has_errors or tz is None:
        return None, problems
    site = Site(
        path=path, root=root, name=name, url=url, lang=lang, title=title,
        description=f.text("description"), timezone=timezone, logo=logo, theme=theme,
        boilerplate=boilerplate, contacts=contacts, feed_size=feed_size, wire_width=wire_width, wire_ascii=wire_ascii,
        limits=limits, check=_check_settings(f), mail=mail, image_license=images.text("license") if images else None,
        accessibility=accessibility, accessibility_faulty=faulty,
    )
    return site, problems


def _mail_settings(f: Fields, problems: Problems) -> MailSettings | None:
    """site.yaml's `mail:` section: who the messages of press mail come from, where replies and unsubscriptions go.

    Its problems are warnings: they stop press mail, never an export.
    """
    given = f.mapping("mail", MAIL_KEYS)
    if given is None:
        return None
    addresses = {}
    for key, example in (("from", "Halmstads kommun <press@halmstad.se>"), ("reply_to", "press@halmstad.se")):
        value = given.text(key)
        if value is None:
            if key == "from":
                problems.warning(f.line("mail"), f"'mail:' has no 'from'; add who the messages come from, e.g. "
                                 f"'from: {example}', for press mail to send")
            continue
        name, address = parseaddr(value)
        if not address or (why := check_email(address)) or "\n" in value or "\r" in value:
            problems.warning(given.line(key), f"'mail: {key}' has '{value}', which is not an address a message can carry "
                           f"({why or 'no address'}); write it as '{example}' for press mail to send")
            continue
        addresses[key] = formataddr((name, address)) if name else address
    unsubscribe = given.text("unsubscribe")
    if unsubscribe is not None:
        scheme = urlsplit(unsubscribe).scheme
        address = unsubscribe.removeprefix("mailto:") if scheme == "mailto" else unsubscribe
        if any(ord(c) < 32 for c in unsubscribe):  # a line break would end the header it goes in
            scheme = "unreadable"
        if scheme == "https" and urlsplit(unsubscribe).netloc or scheme in ("mailto", "") and not check_email(address.split("?")[0]):
            unsubscribe = unsubscribe if scheme == "https" else f"mailto:{address}"
        else:
            problems.warning(given.line("unsubscribe"), f"'mail: unsubscribe' has '{unsubscribe}'; give the address that "
                           "takes unsubscriptions, e.g. 'unsubscribe: mailto:press+avregistrera@halmstad.se', or an "
                           "https:// page")
            unsubscribe = None
    if "from" not in addresses:
        return None
    return MailSettings(addresses["from"], addresses.get("reply_to"), unsubscribe)


def _accessibility(f: Fields, problems: Problems, lang: str | None, tz) -> tuple[Accessibility | None, bool]:
    """site.yaml's `accessibility:` section, for the accessibility statement, and whether it has mistakes. These
    are warnings: the export then keeps the statement it last published (build/export.py) and says what to mend."""
    until = "; until it is mended, the statement stays as last published (none, if it never was)"
    node = f.raw("accessibility")
    if node is not None and not isinstance(node, yaml.MappingNode) and str(node.value or "").strip():
        problems.warning(f.line("accessibility"), "'accessibility:' must be a mapping of 'key: value' lines, as in "
                                                  f"the example of SOURCE-FORMAT.md §2{until}")
        return None, True
    given = f.mapping("accessibility", ACCESSIBILITY_KEYS)
    if given is None:
        return None, False
    missing = []
    status = given.text("status")
    if status not in ("full", "partial", "none"):
        missing.append((given.line("status") if status else f.line("accessibility"),
                        f"'accessibility: status' is {repr(status) if status else 'missing'}; say how far the press room "
                        "meets the law: 'full', 'partial' (give the known gaps under 'gaps:') or 'none'"))
    method = given.text("method") or "self"
    if method not in ("self", "external"):
        missing.append((given.line("method"), f"'accessibility: method' is '{method}'; write 'self' for your own "
                        "assessment or 'external' for one made by others"))
    dates = {}
    for key in ("assessed", "updated"):
        text = given.text(key)
        dates[key] = parse_moment(text, tz) if text else None
        if text and dates[key] is None:
            missing.append((given.line(key), f"'accessibility: {key}' has '{text}', which is not a valid date; "
                            "write it as 2026-11-15"))
        elif key == "assessed" and not text:
            missing.append((f.line("accessibility"), "'accessibility:' has no 'assessed'; give the date of the last "
                            "assessment, e.g. 'assessed: 2026-11-15'"))
    email, phone, form = given.text("email"), given.text("phone"), given.text("form")
    if email and (why := check_email(email)):
        missing.append((given.line("email"), f"'accessibility: email' has '{email}', which is not an address ({why})"))
        email = None
    if form and (urlsplit(form).scheme not in ("http", "https") or not urlsplit(form).netloc):
        missing.append((given.line("form"), f"'accessibility: form' has '{form}'; give the https:// address of the form"))
        form = None
    if not (email or phone or form):
        missing.append((f.line("accessibility"), "'accessibility:' says nowhere to report a problem or ask for another "
                        "format; add 'email:', 'phone:' or 'form:'"))
    enforcement = DIGG if (lang or "").split("-")[0] == "sv" else ("", "")
    if (body := given.mapping("enforcement", ["name", "url"])) is not None:
        enforcement = (body.text("name") or "", body.text("url") or "")
        if enforcement[1] and (urlsplit(enforcement[1]).scheme not in ("http", "https") or not urlsplit(enforcement[1]).netloc):
            missing.append((body.line("url"), f"'accessibility: enforcement: url' has '{enforcement[1]}'; give the "
                            "https:// address where readers report to that body"))
            enforcement = (enforcement[0], "https://…")
    if status == "full" and given.texts("gaps"):
        missing.append((given.line("gaps"), "'accessibility: status' is 'full' but 'gaps:' lists content that is not "
                        "accessible; say 'partial', or remove the gaps that are mended"))
    if status in ("partial", "none") and not given.texts("gaps"):
        missing.append((given.line("status"), f"'accessibility: status' is '{status}' but 'gaps:' lists no content that "
                        "is not accessible; list it, one line each, as the law asks"))
    if not all(enforcement):
        missing.append((given.line("enforcement") if body else f.line("accessibility"),
                        "'accessibility:' names no body that enforces the law where you are; add "
                        "'enforcement: {name: …, url: https://…}'"))
    for line, message in missing:
        problems.warning(line, message + until)
    if missing or given.problems.has_errors:
        return None, True
    return Accessibility(status=status, assessed=dates["assessed"], method=method, email=email, phone=phone, form=form,
                         gaps=given.texts("gaps"), updated=dates["updated"], enforcement=enforcement), False


def _check_settings(f: Fields) -> CheckSettings:
    """Which editorial checks `press check` runs, and their thresholds; the defaults for the rest."""
    given = f.mapping("check", ["skip", *CHECK_SETTABLE])
    if given is None:
        return CheckSettings()
    skip = given.texts("skip")
    for name in skip:
        if name not in CHECKS:
            hint = closest(name, list(CHECKS))
            fix = f"did you mean '{hint}'?" if hint else f"the checks are: {', '.join(CHECKS)}"
            given.problems.warning(given.line("skip"), f"'check.skip' names no check '{name}'; {fix}")
    defaults = CheckSettings()
    return CheckSettings(skip=frozenset(skip), **{key: given.number(key, getattr(defaults, key), low, high)
                                                  for key, (low, high) in CHECK_SETTABLE.items()})


def _limits(f: Fields) -> Limits:
    """The press room's own limits, each within its range; the defaults for the rest."""
    given = f.mapping("limits", list(SETTABLE))
    if given is None:
        return Limits()
    defaults = Limits()
    return Limits(**{key: given.number(key, getattr(defaults, key), low, high) for key, (low, high) in SETTABLE.items()})


def _site_boilerplate(f: Fields, problems: Problems) -> dict[str, Boilerplate]:
    """One {title, text} for every language, or one per language tag: {sv: {...}, en: {...}}."""
    node = f.raw("boilerplate")
    if node is None or not f.has("boilerplate"):
        return {}
    keys = [str(k.value) for k, _ in node.value] if isinstance(node, yaml.MappingNode) else []
    by_language = keys and not set(keys) & set(BOILERPLATE_KEYS) and all(check_lang(k) is None for k in keys)
    if not by_language:
        one = f.mapping("boilerplate", BOILERPLATE_KEYS)
        b = _boilerplate(one) if one else None
        return {"": b} if b else {}
    languages = f.mapping("boilerplate", keys)
    out = {}
    for key in keys:
        sub = languages.mapping(key, BOILERPLATE_KEYS) if languages else None
        if sub and (b := _boilerplate(sub)):
            out[key] = b
    return out


def _boilerplate(f: Fields) -> Boilerplate | None:
    text = f.text("text", required=True, hint="the text about the organisation")
    return Boilerplate(title=f.text("title"), text=text) if text else None


def load_release(path: Path, site: Site, preview: bool = False) -> tuple[Release | None, Problems]:
    """The release in `path`, or None, and its problems. In a `preview` (press serve), what is left of the template
    is said but stops nothing: the author sees the release as it is being written."""
    problems = Problems(path)
    root = site.root
    try:
        if not path.resolve().is_relative_to(root.resolve()):
            problems.error(1, "this file is a link to a place outside the sources folder; copy the file into sources/ instead")
            return None, problems
        if (size := path.stat().st_size) > site.limits.release_bytes:  # before reading it: it may be any size
            problems.error(1, f"the file is {size / 1e6:.1f} MB, more than the {site.limits.release_megabytes} MB a release "
                              "may be; move long material into an attachment")
            return None, problems
        raw = path.read_bytes()
    except (OSError, RuntimeError) as exc:  # a folder named *.md, a link to nothing or to itself, no permission
        why = getattr(exc, "strerror", None) or "a link that leads to itself"
        problems.error(1, f"this release cannot be read ({why}); make it a readable text file, or remove it")
        return None, problems
    text = read_text(path, problems)
    if text is None:
        return None, problems
    split = split_front_matter(text)
    if split is None and text.split("\n", 1)[0].rstrip() == "---":
        problems.error(1, "the front matter starting here is never closed with '---'; add a '---' line after the last field")
        return None, problems
    if split is None:
        problems.error(1, "the front matter is missing; start the file with a '---' line, the fields, and another '---' line")
        return None, problems
    front, body, body_line = split
    node = compose(front, problems, 2)
    if node is None:
        if not problems.items:
            problems.error(1, "the front matter is empty; give at least title and date")
        return None, _with_body_leftovers(problems, body, body_line)
    f = Fields(node, problems, 2, "", RELEASE_KEYS)
    if not f.ok:
        return None, _with_body_leftovers(problems, body, body_line)
    tz = ZoneInfo(site.timezone)
    title = f.text("title", required=True, hint="'title: <the headline>'")
    date = f.moment("date", tz, required=True)
    named = _DATE_PREFIX.match(path.stem)
    if date and named and date.astimezone(tz).date().isoformat() != named[0][:10]:
        problems.warning(
            f.line("date"),
            f"'date' is {date.astimezone(tz).date().isoformat()} but the file name says {named[0][:10]}; "
            f"correct the one that is wrong (the release is published under {date.year}/)",
        )
    lang = _lang(f, "lang") or site.lang
    release_id = f.text("id") or default_id(path.stem)
    if not _ID.match(release_id):
        problems.error(f.line("id"), f"id '{release_id}' may hold only the letters a–z and A–Z, digits, '.', '_' and '-'; "
                                     "e.g. 'halmstad-2026-quality-mark'")
    slug = release_slug(path.stem)
    image = None
    if (imf := f.mapping("image", IMAGE_KEYS)) is not None:
        image = _image(imf, path.parent, root, problems, site.limits)
    from pipeline.paths import own_file_names  # paths reads slugify from here

    own = own_file_names(slug)
    if image and image.src.name in own:
        problems.error(imf.line("src"), own_name_problem(image.src.name))
    attachments = []
    attachment_titles = []
    leftovers: list[tuple[int, str]] = []  # what is left of press new's template: (line, message)
    for af in f.mappings("attachments", ATTACHMENT_KEYS):
        src = _file(af, "src", path.parent, root, problems, "attachment", site.limits)
        if src and src.name in own:
            problems.error(af.line("src"), own_name_problem(src.name))
        title_a = af.text("title", required=True, hint="a title for the link, e.g. 'title: Beslutet (PDF)'")
        attachment_titles.append((af.line("title"), title_a))
        if src and title_a:
            attachments.append(Attachment(src=src, title=title_a))
    corrections = []
    for number, cf in enumerate(f.mappings("corrections", CORRECTION_KEYS), 1):
        cdate = cf.moment("date", tz, required=True)
        ctext = cf.text("text", required=True, hint="what was corrected")
        if cdate and date and cdate < date:
            problems.error(cf.line("date"), f"correction {number} is dated before the release itself ('date'); "
                                            "give the time the correction was made")
        if cdate and ctext:
            corrections.append(Correction(date=cdate, text=ctext))
    updated = f.moment("updated", tz)
    if updated and not corrections:
        problems.warning(f.line("updated"), "'updated' is given without a 'corrections' entry; say what changed under 'corrections:'")
    if updated and date and updated < date:
        problems.error(f.line("updated"), "'updated' is earlier than 'date'; give the time of the last correction")
    embargo = f.moment("embargo", tz)
    lead = f.text("lead")
    if message := leftover_lead(lead):
        leftovers.append((f.line("lead"), message))
    contacts = tuple(c for c in (_contact(cf, problems, leftovers) for cf in f.mappings("contacts", CONTACT_KEYS)) if c)
    if image and imf is not None:
        leftovers += [(imf.line(key), m) for key in ("alt", "caption", "credit")
                      if (m := leftover_example(key, getattr(image, key)))]
    leftovers += [(line, m) for line, title_a in attachment_titles if (m := leftover_example("title", title_a))]
    release = Release(
        path=path, source=source_path(path, root), id=release_id, slug=slug, title=title or "",
        date=date, lang=lang, type=f.text("type"), place=f.text("place"), lead=lead,
        topics=f.texts("topics"), regions=f.texts("regions"), contacts=contacts, image=image,
        attachments=tuple(attachments), embargo=embargo, updated=updated,
        corrections=tuple(sorted(corrections, key=lambda c: c.date)),
        draft=f.flag("draft", False), boilerplate=f.flag("boilerplate", True),
        body=body, body_line=body_line, source_bytes=raw,
    )
    if site.wire_ascii and (script := main_script(release.title + release.body)) != "Latin":
        problems.warning(f.line("lang") if f.has("lang") else f.line("title"),
                         f"site.yaml asks for wire text in ASCII ('wire: ascii: true'), but this release is written in "
                         f"{script} script, which has no ASCII spelling: its wire text keeps its letters (UTF-8); send "
                         "it to agencies that take UTF-8, or give site.yaml 'ascii: false'")
    for line, message in sorted(leftovers) + leftover_body(body, body_line):
        # A draft is being written: what is left of the template is said, and stops it only once it is not a draft.
        if release.draft:
            problems.warning(line, message + "; it is a draft, so nothing is published yet")
        elif preview:
            problems.warning(line, message + "; an export would refuse it")
        else:
            problems.error(line, message)
    return (None if problems.has_errors else release), problems


def _with_body_leftovers(problems: Problems, body: str, first_line: int) -> Problems:
    """The problems, and after them one for each paragraph of the template left in the body."""
    for line, message in leftover_body(body, first_line):
        problems.error(line, message)
    return problems


def release_files(sources: Path) -> list[Path]:
    """Every Markdown file under sources/, in a stable order; hidden folders are left out."""
    return sorted(
        p for p in sources.rglob("*.md")
        if not any(part.startswith(".") for part in p.relative_to(sources).parts)
    )


def own_name_problem(name: str) -> str:
    return f"the file '{name}' has the name of one this release publishes itself (its PDF or wire text); rename the file"


def body_of(path: Path, max_bytes: int = Limits().release_bytes) -> tuple[str, int] | None:
    """The body of a release and the line it starts on, whatever its front matter holds; None if there is none."""
    try:
        if path.stat().st_size > max_bytes:
            return None
        text = path.read_bytes().decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError, RuntimeError):
        return None
    split = split_front_matter(text)
    return (split[1], split[2]) if split else None


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, line where the body starts) or None when there is no front matter."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n".join(lines[1:i]) + "\n", "\n".join(lines[i + 1 :]), i + 2
    return None


@cache  # listings slugify every topic of every release
def slugify(text: str) -> str:
    """ASCII, lower case, words joined by '-': safe in a URL and a file name on any system; may be empty.

    Letters of every script are written in Latin letters (anyascii: 'новость' -> 'novost', 'blåbær' ->
    'blabaer'), as a reader would spell them; symbols and emoji are left out.
    """
    from anyascii import anyascii

    letters = "".join(ch for ch in text if not unicodedata.category(ch).startswith("S"))
    return re.sub(r"[^a-z0-9]+", "-", anyascii(letters).lower()).strip("-")


def release_slug(stem: str) -> str:
    """The last part of a release's address, from its file name without the date; never empty.

    A name of emoji or signs alone has no letters to spell: it gets a code made from the name, so that
    two such releases of one day still get an address each.
    """
    rest = _DATE_PREFIX.sub("", stem)
    return slugify(rest or stem) or "release-" + hashlib.sha256(stem.encode()).hexdigest()[:8]


def default_id(stem: str) -> str:
    """A release's id when it gives none: its file name, in Latin letters if written in another script."""
    if _ID.match(stem):
        return stem
    dated = _DATE_PREFIX.match(stem)
    return (dated[0] if dated else "") + release_slug(stem)


def source_path(path: Path, root: Path) -> str:
    """'sources/2026/x.md': a file under the sources folder as the manifest names it."""
    return (Path(root.name) / path.relative_to(root)).as_posix()


def _lang(f: Fields, key: str, required: bool = False) -> str | None:
    tag = f.text(key, required=required, hint="a language tag such as 'sv' or 'en'")
    if tag is None:
        return None
    if (msg := check_lang(tag)) is not None:
        f.problems.error(f.line(key), msg)
        return None
    return tag


def _zone(f: Fields, name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        f.problems.error(f.line("timezone"), f"timezone '{name}' is not a known IANA time zone; use e.g. Europe/Stockholm")
        return None


def _contact(f: Fields, problems: Problems, leftovers: list[tuple[int, str]]) -> Contact | None:
    name = f.text("name", required=True, hint="the contact's name")
    email = f.text("email")
    if email and (msg := check_email(email)):
        problems.error(f.line("email"), msg)
        email = None
    contact = Contact(name=name, role=f.text("role"), phone=f.text("phone"), email=email) if name else None
    values = {key: getattr(contact, key) for key in CONTACT_KEYS} if contact else {}
    if message := leftover_contact(values):
        leftovers.append((min(f.line(key) for key, value in values.items() if value), message))
    return contact


def _image(f: Fields, base: Path, root: Path, problems: Problems, limits: Limits) -> Image | None:
    src = _file(f, "src", base, root, problems, "image", limits)
    decorative = f.flag("decorative", False)
    alt = f.text("alt")
    where = f"{f.where}.alt" if f.where else "alt"
    if alt is None and not decorative:
        problems.error(f.line0, f"'{where}' is missing: describe the image for people who cannot see it (or set 'decorative: true' and alt: \"\")")
    elif not alt and not decorative:
        owner = {"image": "the key image", "logo": "the logo"}.get(f.where, "the image")
        problems.error(f.line("alt"), f"the alt text of {owner} ('{where}') is empty: describe the image for people who "
                                      "cannot see it, or set 'decorative: true' if it shows nothing a reader needs")
    if src is None or (not alt and not decorative):
        return None
    return Image(src=src, alt=alt or "", caption=f.text("caption"), credit=f.text("credit"), decorative=decorative,
                 license=f.text("license"))


def _file(f: Fields, key: str, base: Path, root: Path, problems: Problems, what: str, limits: Limits) -> Path | None:
    ref = f.text(key, required=True, hint=f"the {what}'s file name, relative to this file")
    if ref is None:
        return None
    path, message = resolve_inside(ref, base, root, what, limits.file_bytes)
    if message:
        problems.error(f.line(key), message)
    return path


# What a release may publish from the press room's address. Never a web page, script, style
# sheet, source or setting: served from there, it would run as the press room (or leak a draft).
IMAGE_TYPES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg"}
FILE_TYPES = IMAGE_TYPES | {
    ".pdf", ".txt", ".csv", ".rtf", ".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods", ".ppt", ".pptx", ".odp",
    ".tif", ".tiff", ".zip", ".mp3", ".mp4",
}
_UNSAFE_NAME = re.compile(r'[\\:*?"<>|#%\x00-\x1f\x7f]')  # what Windows refuses in a name, and what a URL reads
_SERVER_RUNS = {".php", ".phtml", ".cgi", ".pl", ".py", ".asp", ".aspx", ".jsp", ".shtml", ".html", ".htm", ".svg", ".js"}
_IMAGE_NAMES = "JPEG, PNG, GIF, WebP or SVG"
_FILE_NAMES = "PDF, Word, Excel, PowerPoint, OpenDocument, RTF, CSV, plain text, ZIP, MP3, MP4 and images"


def resolve_inside(ref: str, base: Path, root: Path, what: str,
                   max_bytes: int = Limits().file_bytes) -> tuple[Path | None, str | None]:
    """Resolve a referenced file a release publishes; refuse remote URLs, anything outside the sources
    folder, hidden files, file types that are not published, and SVG files that are not only drawing."""
    scheme = urlsplit(ref).scheme.lower()
    if scheme in ("http", "https", "ftp"):
        return None, f"{what} '{ref}' is a remote address; nothing is fetched from the network, so copy the file into sources/ and give its path"
    if scheme and not re.match(r"^[A-Za-z]:[\\/]", ref):
        return None, f"{what} '{ref[:60]}' is a '{scheme}:' address, not a file; put the file in sources/ and give its path"
    try:
        target = (base / ref).resolve()
        written = Path(os.path.normpath(base.resolve() / ref))
    except (OSError, ValueError, RuntimeError):  # a NUL byte; a loop of links (RuntimeError before Python 3.13)
        return None, f"{what} {ref[:60]!r} is not a file name that can exist; check the name"
    root = root.resolve()
    if not target.is_relative_to(root):
        return None, f"{what} '{ref}' is outside the sources folder; copy the file into sources/ and give its path relative to this file"
    if target != written:  # its outputs would follow the link's target, which can change without the release knowing
        return None, f"{what} '{ref}' is a symbolic link; copy the file it leads to into its place"
    if any(part.startswith(".") for part in target.relative_to(root).parts):
        return None, f"{what} '{ref}' is a hidden file (its name or folder starts with '.'), which is never published; rename it"
    if target.is_dir():
        return None, f"{what} '{ref}' is a folder, not a file; give the path of a file in it"
    if target.exists() and not target.is_file():
        return None, f"{what} '{ref}' is not a plain file (a pipe or a device); give the path of a file"
    if not target.is_file():
        return None, f"{what} '{ref}' does not exist; check the file name (paths are relative to this file)"
    if odd := sorted(set(_UNSAFE_NAME.findall(target.relative_to(root).as_posix()))):
        shown = " ".join(repr(c) if c.isprintable() else f"U+{ord(c):04X}" for c in odd)
        return None, (f"{what} '{ref[:60]}' has {shown} in its name, which other computers and web addresses cannot "
                      "keep; rename the file with letters, digits, spaces, '-', '_' and '.'")
    if (size := target.stat().st_size) > max_bytes:
        return None, (f"{what} '{ref[:60]}' is {size / 1e6:.0f} MB, more than the {max_bytes // 1_000_000} MB a file "
                      "may be; make it smaller, or link to where it is kept")
    if served := [s for s in target.suffixes[:-1] if s.lower() in _SERVER_RUNS]:
        return None, (f"{what} '{ref[:60]}' has '{served[0]}' inside its name, which some web servers run as a "
                      "program whatever the name ends with; rename the file")
    suffix = target.suffix.lower()
    image = what == "image"
    if suffix not in (IMAGE_TYPES if image else FILE_TYPES):
        kind = f"a '{suffix}' file" if suffix else "a file without a type (no '.pdf', '.jpg'…)"
        allowed = f"an image must be {_IMAGE_NAMES}" if image else f"a release may publish {_FILE_NAMES}"
        if suffix == ".md":
            allowed += "; to link to another release, link to its source in the body: [title](2026-11-20-other.md)"
        return None, f"{what} '{ref}' is {kind}, which is never published: {allowed}"
    if suffix == ".svg":
        from pipeline.source.svg import svg_problem

        try:
            message = svg_problem(target.read_bytes())
        except OSError as exc:
            message = f"it cannot be read ({exc.strerror})"
        if message:
            return None, (f"{what} '{ref}' is not published: {message}; save it again from the drawing program "
                          "as plain SVG, or as PNG")
    return target, None
