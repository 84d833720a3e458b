"""Plain text for wire services, rendered from the checked AST (pandoc's plain writer drops URLs)."""

from __future__ import annotations

import re
import textwrap
import unicodedata
from datetime import datetime
from functools import cache
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from babel import Locale

from pipeline.body.document import Document
from pipeline.labels import in_language, labels, main_script, weekday_date
from pipeline.render.facts import contacts_of, correction_notes, name_and_role, ways_to_reach
from pipeline.source.model import Contact
from pipeline.paths import file_href, public_url
from pipeline.body.tree import Fold, stringify

AP_MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
# Wire conventions by language; a language without an entry takes English's.
WIRE = {
    "en": {"contact": "Media contact", "table": "The full table: {url}", "quote": "“{}”", "clock": None},
    "sv": {"contact": "Kontakt", "table": "Hela tabellen: {url}", "quote": "”{}”", "clock": "kl."},
    "nb": {"contact": "Kontakt", "table": "Hele tabellen: {url}", "quote": "«{}»", "clock": "kl."},
    "nn": {"contact": "Kontakt", "table": "Heile tabellen: {url}", "quote": "«{}»", "clock": "kl."},
    "da": {"contact": "Kontakt", "table": "Hele tabellen: {url}", "quote": "»{}«", "clock": "kl."},
    "fi": {"contact": "Lisätietoja", "table": "Koko taulukko: {url}", "quote": "”{}”", "clock": "klo"},
}
WIRE["no"] = WIRE["nb"]
# Folding for legacy systems that take ASCII only (wire.ascii: true).
ASCII = str.maketrans({
    "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'", "‹": "'", "›": "'",
    "–": "-", "—": "--", "‐": "-", "‑": "-", "−": "-", "…": "...", "•": "*", "\u00a0": " ", "\u202f": " ",
    "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "ß": "ss", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th",
    "Þ": "Th", "ð": "d", "Ð": "D", "×": "x", "€": "EUR", "£": "GBP", "°": " deg",
})


def wire(lang: str) -> dict:
    """The exact tag, then its primary language, then English."""
    return in_language(WIRE, lang)


def fold_ascii(text: str) -> str:
    """å→a, ä→a, ö→o, ”→", –→- …, other scripts in Latin letters (новость → novost'); symbols become '?'."""
    from anyascii import anyascii

    out = []
    for ch in text.translate(ASCII):
        if ch.isascii():
            out.append(ch)
        elif unicodedata.category(ch).startswith("S"):  # an emoji's name is no help on a wire
            out.append("?")
        else:
            out.append(anyascii(ch) or ("" if unicodedata.combining(ch) else "?"))
    return "".join(out)


def wrap(text: str, width: int) -> str:
    """Hard-wrap every line at `width` without splitting a word or a URL; list items keep a hanging indent."""
    out = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        marker = re.match(r"^(\s*(?:• |\* |\d+\. ))", line)  # list items; a quote's dash is no marker
        indent = " " * len(marker[1]) if marker else ""
        out += textwrap.wrap(
            line, width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False,
        ) or [""]
    return "\n".join(out)


def text_of(doc: Document, now: datetime) -> str:
    """The wire text itself: one paragraph per line, unless the press room asks for a width or ASCII."""
    r, site = doc.release, doc.site
    l = labels(r.lang)
    w = wire(r.lang)
    english = r.lang.split("-")[0] == "en"
    url = public_url(site, r)
    embargoed = bool(r.embargo and r.embargo > now)
    out: list[str] = []
    if english:
        out.append((r.type or "Press release").upper())
        out.append(f"EMBARGOED UNTIL {ap_time(r.embargo, site.timezone)}" if embargoed else "FOR IMMEDIATE RELEASE")
    else:
        out.append((r.type or l["type"]).upper())
        out.append(f"{site.name}, {weekday_date(r.date, r.lang, site.timezone)}")
        if embargoed:
            out.append("EMBARGO: " + l["embargo"].format(when=local_time(r.embargo, r.lang, site.timezone)))
    out += ["", r.title]
    for c in correction_notes(doc):
        out.append(f"{c.label} {c.date}: {c.text}")
    out.append("")
    writer = _Writer(r.lang, url)
    first = [r.lead] if r.lead else []
    body = writer.blocks(doc.blocks)
    if english:
        dateline = ap_dateline(r.place, r.date, site.timezone)
        if first:
            first[0] = f"{dateline} {first[0]}"
        elif body:
            body[0] = f"{dateline} {body[0]}"
    out += _paragraphs(first)
    if r.image:
        out += _paragraphs([_image_line(r.image.caption, r.image.credit, l) + "\n" + url + file_href(r.image.src.name)])
    out += _paragraphs(body)
    if r.attachments:
        out += _paragraphs([l["attachments"] + ":\n" + "\n".join(f"{a.title} ({url}{file_href(a.src.name)})" for a in r.attachments)])
    people = contacts_of(doc, newsroom=True)
    contacts = [_contacts(people, l)] if people else []
    about = _about(doc, l)
    if english:
        out += ["###", ""] + _paragraphs(about) + _paragraphs([w["contact"] + "\n" + c for c in contacts])
    else:
        out += _paragraphs([w["contact"] + "\n" + c for c in contacts]) + _paragraphs(about)
    text = unicodedata.normalize("NFC", "\n".join(out).strip("\n") + "\n")
    if site.wire_ascii and main_script(r.title + r.body) == "Latin":  # another script has no ASCII spelling: kept
        text = fold_ascii(text)
    if site.wire_width:
        text = wrap(text, site.wire_width)
    return text


def _paragraphs(items: list[str]) -> list[str]:
    out = []
    for item in items:
        out += [item, ""]
    return out


def _about(doc: Document, l: dict) -> list[str]:
    r, site = doc.release, doc.site
    bp = site.boilerplate_for(r.lang)[1] if r.boilerplate else None
    if not bp:
        return []
    heading = l["about"].format(name=site.name)
    lines = [p.strip() for p in bp.text.split("\n") if p.strip()]
    prefix = heading.split(" ")[0].lower()
    if bp.title and bp.title.lower().startswith(prefix):
        heading = bp.title
    elif bp.title:
        lines.insert(0, bp.title)
    return [heading + "\n" + "\n".join(lines)]


def _contacts(contacts: tuple[Contact, ...], l: dict) -> str:
    blocks = []
    for c in contacts:
        lines = [name_and_role(c)] + [f"{l[kind]}: {value}" for kind, value in ways_to_reach(c)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _image_line(caption: str | None, credit: str | None, l: dict) -> str:
    parts = [f"{l['image']}: {caption}" if caption else f"{l['image']}:"]
    if credit:
        parts.append(credit if ":" in credit else f"{l['photo']}: {credit}")
    return " ".join(parts)


@cache
def country_name(timezone: str) -> str | None:
    """The English name of the country of an IANA zone ('Europe/Stockholm' -> 'Sweden')."""
    import importlib.resources

    try:
        table = importlib.resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text()
    except (FileNotFoundError, ModuleNotFoundError):
        return None
    for line in table.splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and fields[2] == timezone:
            return Locale("en").territories.get(fields[0])
    return None


def ap_date(moment: datetime, timezone: str) -> str:
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{AP_MONTHS[local.month - 1]} {local.day}, {local.year}"


def ap_dateline(place: str | None, moment: datetime, timezone: str) -> str:
    """'HALMSTAD, Sweden, Nov. 26, 2026 --' (AP style)."""
    where = []
    if place:
        where.append(place.upper())
        if country := country_name(timezone):
            where.append(country)
    return ", ".join(where + [ap_date(moment, timezone)]) + " --"


def ap_time(moment: datetime, timezone: str) -> str:
    local = moment.astimezone(ZoneInfo(timezone))
    hour = local.hour % 12 or 12
    clock = f"{hour}" + (f":{local.minute:02d}" if local.minute else "") + (" a.m." if local.hour < 12 else " p.m.")
    weekday = Locale("en").days["format"]["wide"][local.weekday()]
    return f"{clock} {local.tzname()}, {weekday}, {ap_date(moment, timezone)}"


def local_time(moment: datetime, lang: str, timezone: str) -> str:
    """'torsdag 26 november 2026 kl. 10.00' in Nordic languages; the weekday and date alone elsewhere."""
    local = moment.astimezone(ZoneInfo(timezone))
    clock = wire(lang)["clock"]
    time = f" {clock} {local.hour:02d}.{local.minute:02d}" if clock else f", {local.hour:02d}:{local.minute:02d}"
    return weekday_date(moment, lang, timezone) + time


class _Writer(Fold):
    """Pandoc AST blocks to wire paragraphs (each a string, lines joined by newlines); one rule per node kind."""

    def __init__(self, lang: str, url: str):
        self.lang = lang
        self.url = url
        self.l = labels(lang)

    def blocks(self, blocks: list, depth: int = 0) -> list[str]:
        out: list[str] = []
        for block in blocks:
            out += self.block(block, depth)
        return out

    def Para(self, n, depth): return [self.inlines(n["c"])]
    Plain = Para
    def Header(self, n, depth): return [self.inlines(n["c"][2])]
    def BulletList(self, n, depth): return ["\n".join(self.item("• ", item, depth) for item in n["c"])]

    def OrderedList(self, n, depth):
        start = n["c"][0][0]
        return ["\n".join(self.item(f"{start + i}. ", item, depth) for i, item in enumerate(n["c"][1]))]

    def BlockQuote(self, n, depth): return [wire(self.lang)["quote"].format(p) for p in self.blocks(n["c"], depth)]

    def Div(self, n, depth):
        inner = self.blocks(n["c"][1], depth)
        return ["\n".join(inner)] if "factbox" in n["c"][0][1] and inner else inner

    def Figure(self, n, depth):
        image = _first_image(n["c"][2])
        caption = " ".join(self.blocks(n["c"][1][1]))
        line = f"{self.l['image']}: {caption or (stringify(image['c'][1]) if image else '')}"
        return [line + (f"\n{self.url}{image['c'][2][0]}" if image else "")]

    def Table(self, n, depth): return [self.table(n["c"])]
    def CodeBlock(self, n, depth): return [n["c"][1]]
    def LineBlock(self, n, depth): return ["\n".join(self.inlines(line) for line in n["c"])]

    def DefinitionList(self, n, depth):
        return [f"{self.inlines(term)}: " + " ".join(" ".join(self.blocks(d)) for d in defs) for term, defs in n["c"]]

    def RawBlock(self, n, depth): return []  # refused by the body checker; never text
    def HorizontalRule(self, n, depth): return []

    def item(self, marker: str, blocks: list, depth: int) -> str:
        parts = self.blocks(blocks, depth + 1)
        indent = "  " * depth
        return indent + marker + ("\n" + indent + "  ").join(" ".join(parts).split("\n"))

    def table(self, c: list) -> str:
        head = [self._cell(cell) for row in c[3][1] for cell in row[1]]
        rows = [[self._cell(cell) for cell in row[1]] for body in c[4] for row in body[2] + body[3]]
        rows += [[self._cell(cell) for cell in row[1]] for row in c[5][1]]
        caption = " ".join(self.blocks(c[1][1]))
        lines = [caption] if caption else []
        for row in rows:
            if len(row) == 2:
                lines.append(f"{row[0]}: {row[1]}")
            else:
                pairs = [f"{h}: {v}" if h else v for h, v in zip(head or [""] * len(row), row)]
                lines.append("; ".join(pairs))
        lines.append(wire(self.lang)["table"].format(url=self.url))
        return "\n".join(lines)

    def _cell(self, cell: list) -> str:
        return " ".join(self.blocks(cell[4]))

    def inlines(self, inlines: list) -> str:
        return "".join(self.inline(i) for i in inlines)

    def Str(self, n): return n["c"]
    def Space(self, n): return " "
    SoftBreak = Space
    def LineBreak(self, n): return "\n"
    def _inner(self, n): return self.inlines(n["c"])
    Emph = Strong = Strikeout = Superscript = Subscript = SmallCaps = Underline = _inner
    def _second(self, n): return self.inlines(n["c"][1])
    Span = Cite = _second
    def Quoted(self, n): return wire(self.lang)["quote"].format(self.inlines(n["c"][1]))
    def Code(self, n): return n["c"][1]
    Math = Code
    def RawInline(self, n): return ""  # refused by the body checker; never text
    def Image(self, n): return stringify(n["c"][1])
    def Link(self, n): return self.link(self.inlines(n["c"][1]), n["c"][2][0])
    def Note(self, n): return " (" + " ".join(self.blocks(n["c"])) + ")"

    def link(self, text: str, target: str) -> str:
        shown = target.removeprefix("mailto:").removeprefix("tel:")
        if "://" not in target and not target.startswith(("mailto:", "tel:", "#")):
            shown = target = urljoin(self.url, target)  # '../../2026/other/' for a link to another release
        if target.startswith("#") or text.strip() == shown:
            return text
        return f"{text} ({shown})"


def _first_image(blocks: list) -> dict | None:
    for block in blocks:
        for inline in block.get("c", []) if block["t"] in ("Plain", "Para") else []:
            if inline["t"] == "Image":
                return inline
    return None
