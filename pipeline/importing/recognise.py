"""The parts of a press release in a cleaned document: each recognised part leaves the body for its field.

A press release in Word has a shape: a label and a dateline, the headline, a lead set
apart, the text with its quotes, a fact box, the contact persons, the organisation's
boilerplate, and perhaps 'Ämnen: …'. Each part is found by the style Word gave it
when there is one, else by its wording and place; every guess becomes a note that
names what was taken, so that the communicator can check it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from pipeline.body.checks import DASH_QUOTE_LANGS
from pipeline.body.tree import Node, Rewrite, stringify
from pipeline.importing import lines
from pipeline.importing.clean import Cleaned, Unbreak, clean, stringify_lines
from pipeline.importing.read import Document
from pipeline.labels import LABELS

LEAD_STYLES = {"subtitle", "lead", "ingress", "intro", "introduction", "preamble", "standfirst", "summary", "abstract",
               "underrubrik", "inledning", "ingressi", "teaser", "lede"}
_HEADING_MOST = 100  # characters: a bold line longer than this is a sentence, not a heading
_FACT = re.compile(r"^(fakta|fakta\s+om\b|faktaruta|om\s+\S|about\s+\S|bakgrund|background|facts?\b|fact\s+box|kort\s+om|"
                   r"tausta|faktaa|visste\s+du|did\s+you\s+know|bakgrunn|baggrund)", re.I)
_CREDIT = re.compile(r"(?:^|(?<=[.!?]\s))((?:foto|photo|bild|kuva|illustration|grafik|image|fotograf|photographer|"
                     r"kuvaaja|kilde|källa|source)\s*:\s*[^.]+?)\.?$", re.I)
_AUTO_ALT = re.compile(r"\s*(beskrivning|description|beskrivelse|kuvaus)\s+(automatiskt|automatically|automatisk|"
                       r"automaattisesti)\s+\w+\.?\s*$|\s*(automatiskt|automatically|automatisk)\s+(genererad|generated|"
                       r"generert|genereret)\s+\w+\.?\s*$", re.I)
_DASHES = re.compile(r"^(--|[-–—―])\s*(?=[^\W\d_]|[”“\"'«])")
_STOPWORDS = {
    "sv": "och att det är som för med på inte har till av om en ett den vi kommer kan också säger under efter när",
    "en": "the and to of is that for with on are this will have from by says said it at be as",
    "nb": "og at det er som for med på ikke har til av om en et den vi kommer kan også sier etter når",
    "nn": "og at det er som for med på ikkje har til av om ein eit den vi kjem kan òg seier etter når",
    "da": "og at det er som for med på ikke har til af om en et den vi kommer kan også siger efter når",
    "fi": "ja on että se ei ovat oli kun mutta myös sanoo tämä joka jotka mukaan",
}


@dataclass
class Note:
    """A guess or a change the communicator should look at: on the line of a field, or of a piece of the body."""

    severity: str  # "note", "warning" or "error"
    message: str
    field: str | None = None  # a key of the front matter ('title', 'contacts')
    text: str | None = None  # else a piece of the body's text


@dataclass
class Picture:
    """An image of the document: where pandoc keeps it, and what is said of it."""

    media: str
    alt: str
    caption: str | None = None
    credit: str | None = None
    key: bool = False  # the release's key image


@dataclass
class Recognised:
    lang: str
    title: str | None = None
    lead: str | None = None
    type: str | None = None
    place: str | None = None
    moment: lines.Moment | None = None
    embargo: lines.Moment | None = None
    embargo_text: str | None = None  # an embargo line whose time could not be read
    topics: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    contacts: list[lines.Person] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)
    body: list = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def note(self, message: str, field: str | None = None, text: str | None = None, severity: str = "note") -> None:
        self.notes.append(Note(severity, message, field, text))


@dataclass
class Item:
    """A top-level block, with the Word style it had and the number of the block it came from."""

    block: Node
    style: str = ""
    origin: int = 0

    @property
    def text(self) -> str:
        return block_text(self.block)


def block_text(block: Node) -> str:
    kind = block["t"]
    if kind in ("Para", "Plain"):
        return " ".join(stringify(block["c"]).split())
    if kind == "Header":
        return " ".join(stringify(block["c"][2]).split())
    return ""


def recognise(document: Document, site, lang: str | None) -> Recognised:
    """The release in the document: its fields, its body, and the notes that say how they were found."""
    ast = document.ast
    meta = ast.get("meta", {})
    styled = _styled_blocks(ast.get("blocks", []), document)
    cleaned_blocks, cleaned = clean([block for block, _ in styled])
    items = [Item(block, styled[origin][1], origin) for blocks, origin in cleaned_blocks for block in blocks]
    text = " ".join(i.text for i in items)
    found = Recognised(lang or _language(text, site.lang))
    if lang is None and found.lang != site.lang:
        found.note(f"the text reads as {_language_name(found.lang)}, so the release is in '{found.lang}'; give --lang if "
                   "it is not", field="lang")
    _meta_fields(meta, found)
    items = _preamble(items, found)
    items = _closing(items, found, site)
    items = _captions(_headings(items, found))
    _quotes(items, found)
    found.body = Unbreak().blocks([item.block for item in items])
    _pictures(found, document)
    _cleaning_notes(cleaned, document, styled, cleaned_blocks, found)
    return found


# Styles

def _styled_blocks(blocks: list, document: Document) -> list[tuple[Node, str]]:
    """Each top-level block with the name of its paragraph style: from pandoc's custom-style divs (.docx),
    or matched by text with the paragraphs of content.xml (.odt)."""
    out: list[tuple[Node, str]] = []
    for block in blocks:
        if block["t"] == "Div" and (style := dict(block["c"][0][2]).get("custom-style")):
            out += [(child, style) for child in block["c"][1]]
        else:
            out.append((block, ""))
    if document.paragraph_styles:
        cursor = 0
        for i, (block, style) in enumerate(out):
            text = block_text(block)
            if not text:
                continue
            for j in range(cursor, min(cursor + 40, len(document.paragraph_styles))):
                if document.paragraph_styles[j][1] == text:
                    out[i], cursor = (block, document.paragraph_styles[j][0]), j + 1
                    break
    return out


def _meta_fields(meta: dict, found: Recognised) -> None:
    """Word's Title and Subtitle (and Abstract) paragraphs, which pandoc reads as the document's metadata."""
    def text(key: str) -> str | None:
        value = meta.get(key)
        if not value:
            return None
        if value["t"] == "MetaInlines":
            return " ".join(stringify(value["c"]).split()) or None
        if value["t"] == "MetaBlocks":
            return " ".join(" ".join(block_text(b) for b in value["c"]).split()) or None
        return None

    if title := text("title"):
        found.title = title
        found.note("the title is the document's Title paragraph", field="title")
    for key in ("subtitle", "abstract"):
        if (lead := text(key)) and not found.lead:
            found.lead = lead
            found.note(f"the lead is the document's {key.capitalize()} paragraph", field="lead")


# The top: label, dateline, embargo, headline, lead

def _preamble(items: list[Item], found: Recognised) -> list[Item]:
    body: list[Item] = []
    for index, item in enumerate(items):
        text = item.text
        style = item.style.lower()
        if not text and item.block["t"] not in ("Para", "Plain", "Figure"):
            body += items[index:]
            break
        if not text and _picture_only(item.block):
            body.append(item)  # a picture at the top: the key image, found later
            continue
        if not found.type and (label := lines.type_label(text)):
            found.type = label
            found.note(f"'{text}' above the headline is the release's type", field="type")
            continue
        if not found.type and (found.moment is None) and (split := _label_and_dateline(text, found.lang)):
            found.type, (place, moment) = split
            _take_dateline(found, text, place, moment)
            found.note(f"'{found.type}' above the headline is the release's type", field="type")
            continue
        if found.moment is None and (dateline := lines.dateline(text, found.lang)):
            _take_dateline(found, text, *dateline)
            continue
        if lines.embargo_line(text):
            _take_embargo(found, text)
            continue
        if found.title is None and (item.block["t"] == "Header" or style in ("title", "heading 1", "rubrik")):
            found.title = text
            found.note("the title is the document's " + ("Title paragraph" if style == "title" else "first heading"),
                       field="title")
            continue
        if found.title is None and item.block["t"] == "Para" and len(text) <= 200 and not text.endswith((".", ":")):
            found.title = text
            found.note("the title is the document's first line: it has no Title or Heading style; check it is the "
                       "headline", field="title")
            continue
        if found.lead is None and found.title is not None and item.block["t"] == "Para":
            if style in LEAD_STYLES or style.startswith(("ingress", "lead", "intro")):
                found.lead = _lead_text(item, found)
                found.note(f"the lead is the paragraph styled '{item.style}'", field="lead")
                continue
            if _all_of(item.block["c"], "Strong") or _all_of(item.block["c"], "Emph"):
                found.lead = _lead_text(item, found)
                kind = "bold" if _all_of(item.block["c"], "Strong") else "italic"
                found.note(f"the lead is the first paragraph, which is {kind}", field="lead")
                continue
            if item.style and style not in ("normal", "body text", "text body", "brödtext", "default") and not \
                    any(i.style == item.style for i in items[index + 1 : index + 4]):
                found.lead = _lead_text(item, found)
                found.note(f"the lead is the first paragraph, set apart in the style '{item.style}'", field="lead")
                continue
        if found.moment is None and item.block["t"] == "Para" and (prefix := _dateline_prefix(text, found.lang)):
            place, moment, rest = prefix
            _take_dateline(found, text[: len(text) - len(rest)], place, moment)
            _drop_prefix(item.block, len(text) - len(rest))
        body += items[index:]
        break
    for item in body:  # a dateline or an embargo further down, as some templates have them
        if found.moment is None and (dateline := lines.dateline(item.text, found.lang)):
            _take_dateline(found, item.text, *dateline)
            item.block = {"t": "Null"}
        elif found.embargo is None and found.embargo_text is None and lines.embargo_line(item.text):
            _take_embargo(found, item.text)
            item.block = {"t": "Null"}
    if found.title is None:
        found.note("no headline was found: the document has no Title, no heading and no short first line; write it "
                   "as 'title'", field="title", severity="error")
    return [item for item in body if item.block["t"] != "Null"]


def _lead_text(item: Item, found: Recognised) -> str:
    text = item.text
    if found.moment is None and (prefix := _dateline_prefix(text, found.lang)):
        place, moment, rest = prefix
        _take_dateline(found, text[: len(text) - len(rest)], place, moment)
        return rest
    return text


def _label_and_dateline(text: str, lang: str):
    """('Pressmeddelande', (place, moment)) for 'Pressmeddelande 26 november 2026'."""
    for label in sorted(lines.TYPES, key=len, reverse=True):
        if text.casefold().startswith(label + " ") or text.casefold().startswith(label + ","):
            rest = text[len(label):].strip(" ,-–—:|•")
            if dateline := lines.dateline(rest, lang):
                return lines.type_label(text[: len(label)]), dateline
    return None


def _dateline_prefix(text: str, lang: str):
    """(place, moment, the rest) for a paragraph that starts with its dateline: 'Halmstad, 26 november 2026 – Nu …'."""
    match = re.match(r"^(.{4,70}?)\s*(?:[–—-]|:)\s+(?=\S)", text)
    if match and (dateline := lines.dateline(match[1], lang)):
        return (*dateline, text[match.end():])
    return None


def _drop_prefix(block: Node, characters: int) -> None:
    """Remove the first `characters` characters of a paragraph's text (a dateline it starts with)."""
    rest = characters
    inlines = block["c"]
    while inlines and rest > 0:
        first = inlines[0]
        size = len(stringify([first])) if first["t"] != "Space" else 1
        if size <= rest:
            inlines.pop(0)
            rest -= size
        elif first["t"] == "Str":
            first["c"] = first["c"][rest:]
            rest = 0
        else:
            break
    while inlines and inlines[0]["t"] == "Space":
        inlines.pop(0)


def _take_dateline(found: Recognised, text: str, place: str | None, moment: lines.Moment) -> None:
    found.moment = moment
    if place:
        found.place = place
        found.note(f"the place is taken from the dateline '{text.strip()}'", field="place")
    found.note(f"the date is taken from the dateline '{text.strip()}'" + (
        "" if moment.time else "; it gives no time, so the release is public from 00:00 that day: add the time it "
                               "goes out (e.g. T09:00)"), field="date")


def _take_embargo(found: Recognised, text: str) -> None:
    moment = lines.find_moment(text, found.lang)
    if moment is None:
        found.embargo_text = text
        found.note(f"the document says '{text}', but no date and time could be read from it; write the embargo as "
                   "a time, e.g. embargo: 2026-11-26T10:00", field="embargo", severity="error")
        return
    found.embargo = moment[0]
    found.note(f"the embargo is taken from '{text}'" + (
        "" if moment[0].time else "; it gives no time, so it lifts at 00:00 that day: add the time"), field="embargo")


# The end: contacts, boilerplate, topics; fact boxes anywhere

def _closing(items: list[Item], found: Recognised, site) -> list[Item]:
    out: list[Item] = []
    index = 0
    while index < len(items):
        item = items[index]
        text = item.text
        if listed := lines.list_field(text):
            _take_list(found, *listed, text)
            index += 1
            continue
        if (single := _single_cell(item.block)) is not None:
            out += _boxed(single, item, found)
            index += 1
            continue
        heading = _heading_text(item.block)
        if heading is None and lines.contact_heading(text) and item.block["t"] == "Para":
            head, rest = _split_heading(text)
            if rest is not None:  # 'För mer information, kontakta Anna Berg, 035-…' in one paragraph
                _take_contacts(found, [rest, *stringify_lines(item.block["c"])[1:]], text, site)
                index += 1
                continue
        if heading is None:
            out.append(item)
            index += 1
            continue
        end = _section_end(items, index)
        section = items[index + 1 : end]
        if field_name := lines.is_list_heading(heading):
            entries = [e for i in section for e in re.split(r"[,;]\s*|\n", "\n".join(stringify_lines(i.block["c"]))
                                                              if i.block["t"] in ("Para", "Plain") else i.text) if e.strip()]
            if entries:
                _take_list(found, field_name, [e.strip(" .") for e in entries], heading)
            index = end
            continue
        if lines.contact_heading(heading):
            section_lines = [line for i in section for line in _lines_of_block(i.block)]
            if _take_contacts(found, section_lines, heading, site):
                index = end
                continue
        if _is_boilerplate(heading, section, site):
            found.note(f"the closing text '{heading}' is the press room's boilerplate, which every release gets from "
                       "site.yaml; it is left out" + _boilerplate_difference(section, site), field="end")
            index = end
            continue
        if _FACT.match(heading) and section:
            out.append(Item(_factbox(heading, [i.block for i in section]), "", item.origin))
            found.note(f"'{heading}' and the text under it are a fact box", text=f"### {heading}")
            index = end
            continue
        out.append(item)
        index += 1
    # A closing paragraph that is the boilerplate without its heading
    while out and out[-1].block["t"] == "Para" and _is_boilerplate(None, [out[-1]], site):
        found.note("the closing paragraph is the press room's boilerplate, which every release gets from site.yaml; "
                   "it is left out", field="end")
        out.pop()
    return out


def _lines_of_block(block: Node) -> list[str]:
    if block["t"] in ("Para", "Plain"):
        return stringify_lines(block["c"])
    if block["t"] in ("BulletList", "OrderedList"):
        items = block["c"] if block["t"] == "BulletList" else block["c"][1]
        return [line for item in items for b in item for line in _lines_of_block(b)]
    if block["t"] == "Table":
        return [line for row in _rows(block) for cell in row for b in cell for line in _lines_of_block(b)]
    return []


def _rows(table: Node) -> list[list[list]]:
    c = table["c"]
    rows = c[3][1] + [r for body in c[4] for r in body[2] + body[3]] + c[5][1]
    return [[cell[4] for cell in row[1]] for row in rows]


def _single_cell(block: Node) -> list | None:
    """The blocks of a table with one cell (Word's way to draw a box), or None."""
    if block["t"] != "Table":
        return None
    rows = _rows(block)
    return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else None


def _boxed(blocks: list, item: Item, found: Recognised) -> list[Item]:
    """A box drawn as a one-cell table: a fact box when its first line is a heading, else its text."""
    first = blocks[0] if blocks else None
    heading = _heading_text(first) if first else None
    if heading is None and first is not None and first["t"] in ("Para", "Plain") and \
            len(split := stringify_lines(first["c"])) > 1 and len(split[0]) <= _HEADING_MOST:
        heading = split[0]  # 'Fakta' on the box's first line, the text after a line break
        rest = first["c"][next(i for i, x in enumerate(first["c"]) if x["t"] == "LineBreak") + 1:]
        blocks = [{"t": "Para", "c": rest}, *blocks[1:]]
    else:
        blocks = blocks[1:]
    if heading and blocks:
        found.note(f"the box '{heading}' (a table of one cell) is a fact box", text=f"### {heading}")
        return [Item(_factbox(heading, blocks), "", item.origin)]
    found.note("a box (a table of one cell) has no heading, so it is written as plain text", text=block_text(first) if first else None)
    return [Item(b, "", item.origin) for b in ([first] if first else []) + blocks]


def _factbox(heading: str, blocks: list) -> Node:
    inner = []
    for block in blocks:
        if (text := _heading_text(block)) is not None and block["t"] != "Header":
            block = {"t": "Header", "c": [4, ["", [], []], [{"t": "Str", "c": text}]]}
        inner.append(block)
    title = {"t": "Header", "c": [3, ["", [], []], [{"t": "Str", "c": heading}]]}
    return {"t": "Div", "c": [["", ["factbox"], []], [title, *inner]]}


def _heading_text(block: Node) -> str | None:
    """The text of a heading: a Heading style, or a short paragraph all in bold (Word users' heading)."""
    if block["t"] == "Header":
        return block_text(block)
    if block["t"] == "Para" and _all_of(block["c"], "Strong") and not any(i["t"] == "LineBreak" for i in block["c"]):
        text = block_text(block)
        if text and len(text) <= _HEADING_MOST and not text.endswith((".", "!", "?", ",")):
            return text
    return None


def _section_end(items: list[Item], start: int) -> int:
    """Where the section under the heading at `start` ends: at the next heading as high or higher."""
    def level(block: Node) -> int:
        return block["c"][0] if block["t"] == "Header" else 7  # a bold line is below every heading style
    own = level(items[start].block)
    for index in range(start + 1, len(items)):
        block = items[index].block
        if _heading_text(block) is not None and (level(block) <= own or own == 7):
            return index
        if lines.list_field(items[index].text):
            return index
    return len(items)


def _split_heading(text: str) -> tuple[str, str | None]:
    """'För mer information, kontakta Anna Berg, 035-…' -> ('För mer information, kontakta', 'Anna Berg, 035-…')."""
    match = re.match(r"^(.*?(?:kontakta|contact|kontakt|ring|call|yhteyttä|kontakte)\b\s*:?)\s*(.+)$", text, re.I) or \
        re.match(r"^([^:]{3,60}:)\s*(.+)$", text)
    return (match[1], match[2]) if match else (text, None)


def _take_contacts(found: Recognised, section_lines: list[str], heading: str, site) -> bool:
    """The contact persons of a contact block into `contacts`; False when it names none."""
    persons, other = lines.people(section_lines)
    persons = [p for p in persons if p.name]
    if not persons:
        return False
    from email_validator import EmailNotValidError, validate_email

    newsroom = {" ".join(c.name.split()).casefold() for c in site.contacts}
    for person in persons:
        if person.email:
            try:
                validate_email(person.email, check_deliverability=False)
            except EmailNotValidError:
                found.note(f"'{person.email}' under '{heading}' is not an e-mail address, so it is left out; write "
                           f"{person.name}'s address as 'email'", field="contacts", severity="warning")
                person.email = None
        if " ".join(person.name.split()).casefold() in newsroom:
            found.note(f"{person.name} is one of the press room's contacts, shown under every release, so is not "
                       "repeated here", field="contacts")
            continue
        found.contacts.append(person)
        found.note(f"{person.name} is a contact person, from the block '{heading}'" + (
            "" if person.phone or person.email else "; no phone number or e-mail address was found: add one"),
            field="contacts")
    for line in other:
        found.note(f"'{line}' under '{heading}' names no one, so it is left out; put it in the text if it is needed",
                   field="contacts", severity="warning")
    return True


def _take_list(found: Recognised, field_name: str, entries: list[str], text: str) -> None:
    getattr(found, field_name).extend(e for e in entries if e not in getattr(found, field_name))
    found.note(f"the {field_name} are taken from '{text}'", field=field_name)


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


def _similar(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, _plain(a), _plain(b), autojunk=False)
    return matcher.ratio() if matcher.real_quick_ratio() > 0.6 and matcher.quick_ratio() > 0.6 else 0.0


def _boilerplates(site) -> list:
    return [b for b in site.boilerplate.values() if b]


def _is_boilerplate(heading: str | None, section: list[Item], site) -> bool:
    """Whether the block is the press room's boilerplate: its title, 'About <name>', or much the same text."""
    text = " ".join(i.text for i in section)
    for boilerplate in _boilerplates(site):
        if heading and boilerplate.title and _plain(heading) == _plain(boilerplate.title):
            return True
        if text and _similar(text, boilerplate.text) >= 0.8:
            return True
    if heading and site.name and _plain(heading) in {_plain(f"{word} {site.name}") for word in ("om", "about", "om oss")} | {
            _plain(label.get("about", "").format(name=site.name)) for label in LABELS.values() if label.get("about")}:
        return bool(_boilerplates(site))
    return False


def _boilerplate_difference(section: list[Item], site) -> str:
    text = " ".join(i.text for i in section)
    best = max((_similar(text, b.text) for b in _boilerplates(site)), default=0.0)
    return "" if best >= 0.95 else "; its text differs from site.yaml's: if the document's is the newer, update " \
                                   "boilerplate in site.yaml"


# The body

def _headings(items: list[Item], found: Recognised) -> list[Item]:
    """Bold lines on their own become headings; heading levels start at 2, as the title is the page's only 1."""
    for item in items:
        if item.block["t"] == "Para" and (text := _heading_text(item.block)) is not None:
            item.block = {"t": "Header", "c": [7, ["", [], []], item.block["c"][0]["c"]
                                               if len(item.block["c"]) == 1 else [{"t": "Str", "c": text}]]}
            found.note(f"the bold line '{text}' is written as a heading; if it is not one, make it a paragraph",
                       text=text)
    levels = sorted({i.block["c"][0] for i in items if i.block["t"] == "Header"})
    mapping = {level: min(2 + n, 6) for n, level in enumerate(levels)}
    for item in items:
        if item.block["t"] == "Header":
            item.block["c"][0] = mapping[item.block["c"][0]]
    return items


def _captions(items: list[Item]) -> list[Item]:
    """A paragraph in a caption style under an image is its caption (pandoc's .docx reader finds these itself)."""
    out: list[Item] = []
    for item in items:
        previous = out[-1].block if out else None
        if previous is not None and _picture_only(previous) and previous["t"] != "Figure" and \
                re.search(r"caption|bildtext|beskrivning|kuvateksti|illustration", item.style, re.I) and item.text:
            images = [i for i in previous["c"] if i["t"] == "Image"]
            if len(images) == 1 and not images[0]["c"][2][1]:
                images[0]["c"][2][1] = item.text
                continue
        out.append(item)
    return out


def _quotes(items: list[Item], found: Recognised) -> None:
    """A quote opened with '-', '--', '—' or '―' opens with the language's dash, '– ' (pipeline.body reads it)."""
    for item in items:
        block = item.block
        if block["t"] != "Para" or not block["c"] or block["c"][0]["t"] != "Str":
            continue
        first = block["c"][0]["c"]
        text = item.text
        match = _DASHES.match(text)
        if not match or text.startswith("– ") or (found.lang.split("-")[0] not in DASH_QUOTE_LANGS and not _said(text)):
            continue
        opened = match.group(1)
        if first == opened:
            block["c"].pop(0)
            if block["c"] and block["c"][0]["t"] == "Space":
                block["c"].pop(0)
        else:
            block["c"][0]["c"] = first[len(opened):].lstrip()
        block["c"][:0] = [{"t": "Str", "c": "–"}, {"t": "Space"}]
        found.note(f"the quote's opening '{opened}' is written as the dash '–'", text="– " + text[len(match[0]):][:30])


def _said(text: str) -> bool:
    return bool(re.search(r",\s+(says?|said|sa|säger|sier|siger|sanoo|seier)\b", text, re.I))


def _pictures(found: Recognised, document: Document) -> None:
    """Every image of the body in order; the first becomes the key image and leaves the body."""
    pictures: list[Picture] = []

    class Collect(Rewrite):
        def Figure(self, n: Node) -> Node | list:
            caption = " ".join(" ".join(block_text(b) for b in n["c"][1][1]).split())
            images = []

            class Find(Rewrite):
                def Image(self, image: Node) -> Node:
                    images.append(image)
                    return image

            Find().blocks(n["c"][2])
            if len(images) == 1:
                image = images[0]
                image["c"][2][1] = caption
                return self.blocks([{"t": "Para", "c": [image]}])
            return self.blocks(n["c"][2])

        def Image(self, n: Node) -> Node:
            media = n["c"][2][0]
            alt = " ".join(stringify(n["c"][1]).split()) or document.image_texts.get(media, "")
            caption = n["c"][2][1] or None
            picture = Picture(media, alt, caption)
            if caption and (credit := _CREDIT.search(caption)):
                picture.credit = credit[1].strip()
                picture.caption = caption[: credit.start(1)].strip() or None
            pictures.append(picture)
            n["c"][1] = [{"t": "Str", "c": alt}] if alt else []
            n["c"][2] = [media, caption or ""]
            return n

    found.body = Collect().blocks(found.body)
    for picture in pictures:
        if picture.alt and _AUTO_ALT.search(picture.alt):
            picture.alt = _AUTO_ALT.sub("", picture.alt).strip()
            found.note(f"Word wrote the alt text '{picture.alt}' itself; check that it says what the image shows",
                       text=picture.media, severity="warning")
    if not pictures:
        return
    key = pictures[0]
    key.key = True
    found.pictures = pictures

    class Remove(Rewrite):
        done = False

        def Image(self, n: Node) -> Node | list:
            if not self.done and n["c"][2][0] == key.media:
                self.done = True
                return []
            return n

    found.body = [b for b in Remove().blocks(found.body) if not (b["t"] == "Para" and not b["c"])]
    found.note("the first image is the key image, shown at the top; if it belongs in the text, move it back into "
               "the body as ![alt text](file)", field="image")


def _picture_only(block: Node) -> bool:
    if block["t"] == "Figure":
        return True
    return block["t"] in ("Para", "Plain") and any(i["t"] == "Image" for i in block["c"]) and not block_text(block)


def _all_of(inlines: list, kind: str) -> bool:
    """Whether every word of the paragraph is in `kind` (Strong, Emph)."""
    words = [i for i in inlines if i["t"] not in ("Space", "LineBreak")]
    return bool(words) and all(i["t"] == kind for i in words)


def _cleaning_notes(cleaned: Cleaned, document: Document, styled, cleaned_blocks, found: Recognised) -> None:
    texts = {origin: next((block_text(b) for b in blocks if block_text(b)), None) for blocks, origin in cleaned_blocks}
    changes = cleaned.changes + document.changes
    if changes:
        found.note(f"{changes} tracked change{'s' if changes != 1 else ''} in the document {'were' if changes != 1 else 'was'} "
                   "accepted: the text is the document as it reads with every change made", field="title")
    for block, author, comment in cleaned.comments:
        found.note(f"the comment{' by ' + author if author else ''} '{comment}' is left out; act on it here if it still "
                   "matters", text=texts.get(block), field=None if texts.get(block) else "title")
    for author, comment in document.comments:
        found.note(f"the comment{' by ' + author if author else ''} '{comment}' is left out; act on it here if it still "
                   "matters", field="title")
    for block, label, target in cleaned.unlinked:
        found.note(f"the link '{label}' led to '{target[:80]}', which is not a web or e-mail address; it is kept as "
                   "text: link it to a public address if it should be a link", text=texts.get(block), severity="warning")


def _language(text: str, site_lang: str) -> str:
    """The language the text reads as, among those with stop words here; the press room's when unsure."""
    words = re.findall(r"[^\W\d_]+", text.casefold())
    if len(words) < 30:
        return site_lang
    counts = {lang: sum(w in set(stop.split()) for w in words) for lang, stop in _STOPWORDS.items()}
    best = max(counts.values())
    close = [lang for lang, n in counts.items() if n >= 0.85 * best]
    primary = site_lang.split("-")[0]
    if primary in close or best < 5:
        return site_lang
    return max(counts, key=counts.get) if len(close) == 1 else site_lang


def _language_name(lang: str) -> str:
    from babel import Locale

    try:
        return Locale.parse(lang.replace("-", "_")).get_display_name("en")
    except (ValueError, LookupError):
        return lang
