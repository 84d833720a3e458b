"""The parts of a press release in a cleaned document: each recognised part leaves the body for its field.

A press release in Word has a shape: a label and a dateline, the headline, a lead set
apart, the text with its quotes, a fact box, the contact persons, the organisation's
boilerplate, and perhaps 'Ämnen: …'. Each part is found by the style Word gave it
when there is one, else by its wording and place; every guess becomes a note that
names what was taken, so that the communicator can check it.
"""

from __future__ import annotations

import difflib
import itertools
import re
from dataclasses import dataclass, field

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
# Words frequent in one of these languages and rare in the others, which look so much alike.
_STOPWORDS = {lang: frozenset(words.split()) for lang, words in {
    "sv": "och är inte för säger också kommer ett till hade när efter mycket där vad blir också från sedan kan",
    "en": "the and is that for with on are this will have from by says said it at be as which",
    "nb": "og ikke sier av hadde etter mye hva bli ble nå fra også kan være mer",
    "nn": "og ikkje seier av hadde etter mykje kva bli vart no frå òg kan vere meir",
    "da": "og ikke siger af havde efter meget hvad blive blev nu fra også kan være mere",
    "fi": "ja on että se ei ovat oli kun mutta myös sanoo tämä joka jotka mukaan",
}.items()}


TOP, END = "top", "end"  # where a note on the document as a whole goes: the file's first line, or its last


@dataclass
class Note:
    """A guess or a change the communicator should look at: on the line of a field, or of a piece of the body."""

    severity: str  # "note", "warning" or "error"
    message: str
    field: str | None = None  # a key of the front matter ('title', 'image.alt'), or TOP or END
    text: str | None = None  # else a piece of the body's text, found first
    checked: bool = False  # press check says it too: said by the import only when the check does not run


@dataclass
class Picture:
    """An image of the document: where pandoc keeps it, and what is said of it."""

    media: str
    alt: str
    caption: str | None = None
    credit: str | None = None
    key: bool = False  # the release's key image
    credit_note: bool = False  # the credit was split off the caption: said in a note where it is written


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
    """A top-level block, with the name of the paragraph style Word gave it."""

    block: Node
    style: str = ""

    @property
    def text(self) -> str:
        return block_text(self.block)


def block_text(block: Node) -> str:
    """A paragraph's or heading's text on one line, without its images' alt texts; its non-breaking spaces
    ('105 000') kept."""
    kind = block["t"]
    if kind in ("Para", "Plain"):
        return _one_line(stringify(block["c"], alt_texts=False))
    if kind == "Header":
        return _one_line(stringify(block["c"][2], alt_texts=False))
    return ""


def _one_line(text: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def recognise(document: Document, site, lang: str | None) -> Recognised:
    """The release in the document: its fields, its body, and the notes that say how they were found."""
    ast = document.ast
    meta = ast.get("meta", {})
    styled = _styled_blocks(ast.get("blocks", []), document)
    cleaned_blocks, cleaned = clean([block for block, _ in styled])
    items = [Item(block, styled[origin][1]) for blocks, origin in cleaned_blocks for block in blocks]
    text = " ".join(i.text for i in items)
    found = Recognised(lang or site.lang)
    if lang is None:
        found.lang = _language(text, site.lang, found.note)
    if lang is None and found.lang != site.lang:
        found.note(f"the text reads as {_language_name(found.lang)}, so the release is in '{found.lang}'; give --lang if "
                   "it is not", field="lang")
    _meta_fields(meta, found)
    if document.header and re.search(r"embargo|spärr|sperre", document.header, re.I):
        # pandoc reads no page header: an embargo there is taken from it, or stops the release until it is written
        embargo = next((m[0] for m in re.finditer(r"(?:under\s+)?(?:embargo|spärr|sperre).{0,100}", document.header, re.I)), "")
        _take_embargo(found, embargo.strip(), "in the page header: ")
    items = _preamble(items, found, site)
    _dated_at_embargo(found)
    items = _closing(items, found, site)
    items = _quotes(_captions(_headings(items, found)), found)
    found.body = Unbreak().blocks([item.block for item in items])
    _pictures(found, document)
    _cleaning_notes(cleaned, document, cleaned_blocks, found)
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
    """Title, Subtitle and Abstract paragraphs that open the document, which pandoc reads as its metadata (further
    down, they are paragraphs with their style, found by _preamble)."""
    def text(key: str) -> str | None:
        value = meta.get(key)
        if not value:
            return None
        if value["t"] == "MetaList":  # authors
            return "; ".join(t for item in value["c"] if (t := text_of(item))) or None
        return text_of(value)

    def text_of(value: dict) -> str | None:
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
    if dated := text("date"):  # Word's Date style: a dateline, an embargo, or a date pandoc took out of the text
        if lines.embargo_line(dated, found.lang):
            _take_embargo(found, dated)
        elif dateline := lines.dateline(dated, found.lang):
            _take_dateline(found, dated, *dateline)
        else:
            found.note(f"the paragraph '{dated}' in the Date style is left out; put it in the text if it is needed",
                       field=TOP, severity="warning")
    if author := text("author"):
        found.note(f"the paragraph '{author}' in the Author style is left out; if it names a contact, add it under "
                   "'contacts'", field=TOP, severity="warning")


# The top: label, dateline, embargo, headline, lead

_GREETING = re.compile(r"^(med\s+)?(vänliga|bästa)\s+hälsningar|^(best|kind)\s+regards|^(yours\s+)?sincerely|"
                       r"^(med\s+)?venn?lig\s+hilsen|^ystävällisin", re.I)
_CLOSING = re.compile(r"^(med\s+)?(vänliga|bästa)\s+hälsningar\W*$|^(best|kind)\s+regards\W*$|^(yours\s+)?sincerely\W*$|"
                      r"^(med\s+)?vennlig\s+hilsen\W*$|^(med\s+)?venlig\s+hilsen\W*$|^ystävällisin\s+terveisin\W*$|"
                      r"^[-–#* ]*(ends?|slut|-?30-?|###)[-–#* ]*$", re.I)
_TOP = 10  # blocks: how far down the headline and what goes above it are looked for
_IMMEDIATE = re.compile(r"^\W*(for\s+immediate\s+release|för\s+omedelbar\s+publicering|fri\s+för\s+publicering)\W*$", re.I)


def _preamble(items: list[Item], found: Recognised, site) -> list[Item]:
    """The top of the document: the headline (Title style, else the first heading or short line), and what stands
    around it: a type label, a dateline, an embargo line, a letterhead, a logo; then the lead."""
    title_at = None
    if found.title is None:
        top = items[:_TOP]
        title_at = next((i for i, item in enumerate(top) if item.text and item.style.lower() == "title"), None)
        if title_at is None:  # a heading above any sentence of text ('Halmstads kommun' / Heading 1 …)
            before_text = list(itertools.takewhile(lambda i: not i.text.endswith((".", "!", "?")), top))
            title_at = next((i for i, item in enumerate(before_text) if item.block["t"] == "Header"), None)
    guessed: str | None = None  # a headline taken for want of a style: a second one below a label shows it was a letterhead
    after_label = False
    body: list[Item] = []
    index = 0
    while index < len(items):
        item = items[index]
        text = item.text
        if title_at is not None and index == title_at:
            found.title = text
            found.note("the title is the document's Title paragraph", field="title")
            index += 1
            continue
        if not text and _picture_only(item.block):
            alt = " ".join(stringify(item.block["c"]).split()) if item.block["t"] in ("Para", "Plain") else ""
            if found.title is None and len(alt.split()) <= 5 and re.search(r"\blogo(typ|type|tyyppi)?\b", alt, re.I):
                found.note(f"the logo above the headline ('{alt}') is left out: the press room's logo is on every page",
                           field=TOP)
            else:
                body.append(item)  # a picture at the top: the key image, found later
            index += 1
            continue
        if not text and item.block["t"] != "Para" and found.title is None and index < _TOP:
            for line in _lines_of_block(item.block):  # a letterhead table may hold the embargo
                if found.embargo is None and found.embargo_text is None and lines.embargo_line(line, found.lang):
                    _take_embargo(found, line, "in a table above the headline: ")
            body.append(item)
            found.note("a table or list above the headline (a letterhead?) is kept at the top of the text; remove it "
                       "if it is no part of the release", text=next(iter(_lines_of_block(item.block)), None),
                       severity="warning")
            index += 1
            continue
        if not text:
            break
        if not found.type and (label := lines.type_label(text)):
            found.type = label
            found.note(f"'{text}' above the headline is the release's type", field="type")
            after_label = guessed is not None
        elif found.moment is None and not found.type and (split := _label_and_dateline(text, found.lang)):
            found.type, (place, moment) = split
            _take_dateline(found, text, place, moment)
            found.note(f"'{found.type}' above the headline is the release's type", field="type")
        elif lines.embargo_line(text, found.lang):
            _take_embargo(found, text)
        elif (found.moment is None or found.place is None) and (dateline := lines.dateline(text, found.lang)) \
                and (found.moment is None or dateline[0]):
            _take_dateline(found, text, *dateline)
        elif _IMMEDIATE.match(text):
            found.note(f"'{text}' is left out: a release with no embargo is published at its date", field=TOP)
        elif title_at is not None and index < title_at:
            _letterhead(found, text, site)
        elif after_label and found.title == guessed and item.block["t"] in ("Para", "Header") and len(text) <= 200 \
                and not text.endswith((".", ":", "!", "?")):
            # 'Halmstads kommun | Förvaltningen' / 'Pressmeddelande' / the headline: the first was a letterhead
            found.notes = [n for n in found.notes if not (n.field == "title" and n.severity == "note")]
            _letterhead(found, guessed, site)
            found.title, guessed, after_label = text, None, False
            found.note("the title is the line under the type label: it has no Title or Heading style; check it is "
                       "the headline", field="title")
        elif found.title is None and item.block["t"] in ("Para", "Header") and len(text) <= 200 \
                and not text.endswith((".", ":")):
            found.title = guessed = text
            found.note("the title is the document's first heading" if item.block["t"] == "Header" else
                       "the title is the document's first line: it has no Title or Heading style; check it is the "
                       "headline", field="title")
        else:
            break
        index += 1
    if index < len(items) and found.title is not None and found.lead is None:
        item = items[index]
        if (lead := _lead(item, items[index + 1 : index + 4], found)) is not None:
            found.lead = lead
            index += 1
        elif item.block["t"] == "Para":
            found.note("no lead was found (no Subtitle or lead style, no first paragraph in bold or italics); if the "
                       "first paragraph is the lead, move it to 'lead:'", text=item.text)
    if found.moment is None and index < len(items) and items[index].block["t"] == "Para" and \
            (prefix := _dateline_prefix(items[index].text, found.lang)):
        place, moment, rest = prefix
        _take_dateline(found, items[index].text[: len(items[index].text) - len(rest)], place, moment)
        _drop_prefix(items[index].block, len(items[index].text) - len(rest))
    body += items[index:]
    for number, item in enumerate(body):  # an embargo line further down; a dateline closing the release
        if found.embargo is None and found.embargo_text is None and lines.embargo_line(item.text, found.lang):
            _take_embargo(found, item.text)
            item.block = {"t": "Null"}
        elif found.moment is None and number >= len(body) - 3 and (dateline := lines.dateline(item.text, found.lang)) \
                and dateline[0]:
            _take_dateline(found, item.text, *dateline)
            item.block = {"t": "Null"}
    if found.title is None:
        found.note("no headline was found: the document has no Title, no heading and no short first line; write it "
                   "as 'title'", field="title", severity="error")
    return [item for item in body if item.block["t"] != "Null"]


def _letterhead(found: Recognised, text: str, site) -> None:
    """A line above the headline that is none of its parts: a letterhead, left out with a warning (unless it is
    the press room's name, which every page shows)."""
    if " ".join(text.split()).casefold() != " ".join(site.name.split()).casefold():
        found.note(f"the line '{text}' above the headline is left out (a letterhead?); put it in the text if it "
                   "belongs to the release", field=TOP, severity="warning")


def _lead(item: Item, following: list[Item], found: Recognised) -> str | None:
    """The paragraph after the headline as the lead, when it is set apart: a lead style, bold or italic, or a style
    of its own; its dateline, if it starts with one, is taken too."""
    if item.block["t"] != "Para":
        return None
    style = item.style.lower()
    if style in LEAD_STYLES or style.startswith(("ingress", "lead", "intro")):
        how = f"the paragraph styled '{item.style}'"
    elif _all_of(item.block["c"], "Strong"):
        how = "the first paragraph, which is bold"
    elif _all_of(item.block["c"], "Emph"):
        how = "the first paragraph, which is italic"
    elif item.style and style not in ("normal", "body text", "text body", "brödtext", "default", "first paragraph") \
            and not any(i.style == item.style for i in following):
        how = f"the first paragraph, set apart in the style '{item.style}'"
    else:
        return None
    found.note(f"the lead is {how}", field="lead")
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
    if found.moment is not None and found.moment.time is not None and moment.time is None and \
            found.moment.day == moment.day:
        moment = found.moment  # 'Pressmeddelande 3 december 2026 kl. 10' above 'Halmstad, 3 december 2026'
    found.notes = [n for n in found.notes if not (n.field == "date" and n.message.startswith("the date is taken"))]
    found.moment = moment
    if place:
        found.place = place
        found.note(f"the place is taken from the dateline '{text.strip()}'", field="place")
    found.note(f"the date is taken from the dateline '{text.strip()}'" + (
        "" if moment.time else "; it gives no time, so the release is public from 00:00 that day: add the time it "
                               "goes out (e.g. T09:00)"), field="date")


def _dated_at_embargo(found: Recognised) -> None:
    """A dateline without a time, on the day the embargo lifts: the release is dated when the embargo lifts, not
    at 00:00 before it."""
    if found.moment and found.moment.time is None and found.embargo and found.embargo.time and \
            found.embargo.day == found.moment.day:
        found.moment = found.embargo
        found.notes = [n for n in found.notes if not (n.field == "date" and n.message.startswith("the date is taken"))]
        found.note("the date is the dateline's day at the time the embargo lifts", field="date")


def _take_embargo(found: Recognised, text: str, where: str = "") -> None:
    """The embargo a line gives; one whose time is not read with certainty is written as the line, which the
    loader refuses, so that the release cannot go out before someone writes the time."""
    moment = lines.find_moment(text, found.lang, time_before=True)
    if moment is None or lines.unread_time(text, moment[1], moment[2]):
        found.embargo_text = text
        found.note(f"{where}the document says '{text}', but no date and time could be read from it with certainty; "
                   "write the embargo as a time, e.g. embargo: 2026-11-26T10:00", field="embargo", severity="error")
        return
    found.embargo = moment[0]
    if moment[0].time is None:
        found.note(f"the embargo is taken from '{text}'{where and ' (' + where.strip(': ') + ')'}, which gives no "
                   "time, so it lifts at 00:00 that day; write the time it lifts", field="embargo", severity="warning")
    else:
        found.note(f"the embargo is taken from '{text}'{where and ' (' + where.strip(': ') + ')'}", field="embargo")


# The end: contacts, boilerplate, topics; fact boxes anywhere

def _closing(items: list[Item], found: Recognised, site) -> list[Item]:
    """Contact persons, topics and regions, the boilerplate, and fact boxes, out of the body into their fields."""
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
            out += _boxed(single, found)
            index += 1
            continue
        if _CLOSING.match(text):  # 'Med vänliga hälsningar' and the signature under it; 'ENDS'
            signature = list(itertools.takewhile(
                lambda i: i.block["t"] == "Para" and len(i.text) <= 80 and not i.text.endswith(".") and not
                lines.contact_heading(i.text) and _section_heading(i) is None, items[index + 1 : index + 4]))
            taken = [i.text for i in signature] if _GREETING.match(text) else []
            shown = " / ".join([text, *taken])
            found.note(f"the closing '{shown}' is left out: a release ends with its text", field=END,
                       severity="note" if not taken else "warning")
            index += 1 + len(taken)
            continue
        heading = _section_heading(item)
        if heading is None:
            opening = lines.contact_opening(text) if item.block["t"] == "Para" else None
            # 'För mer information, kontakta Anna Berg, 035-…': the heading and the contact in one paragraph
            if opening and _take_contacts(found, [[opening[1], *stringify_lines(item.block["c"])[1:]]], opening[0], site):
                index += 1
                continue
            out.append(item)
            index += 1
            continue
        end = _section_end(items, index)
        section = items[index + 1 : end]
        paragraphs = list(itertools.takewhile(lambda i: i.block["t"] in ("Para", "Plain"), section))
        if (field_name := lines.is_list_heading(heading)) and paragraphs and \
                (entries := lines.list_entries(" , ".join(stringify_lines(paragraphs[0].block["c"])))):
            _take_list(found, field_name, entries, heading)
            index += 2
            continue
        if lines.contact_heading(heading):
            taken = list(itertools.takewhile(lambda i: all(map(lines.contact_like, stringify_lines(i.block["c"]))),
                                             paragraphs))
            if taken and _take_contacts(found, [stringify_lines(i.block["c"]) for i in taken], heading, site):
                index += 1 + len(taken)  # what follows the contacts (a photo, a sentence) stays in the text
                continue
        if paragraphs and _is_boilerplate(heading, paragraphs, site):
            found.note(f"the closing text '{heading}' is the press room's boilerplate, which every release gets from "
                       "site.yaml; it is left out" + _boilerplate_difference(paragraphs, site), field=END)
            index += 1 + len(paragraphs)
            continue
        if _FACT.match(heading) and section:
            out.append(Item(_factbox(heading, [i.block for i in section])))
            found.note(f"'{heading}' and the text under it are a fact box", text=f"### {heading}")
            index = end
            continue
        out.append(item)
        index += 1
    # A closing paragraph that is the boilerplate without its heading
    while out and out[-1].block["t"] == "Para" and _is_boilerplate(None, [out[-1]], site):
        found.note("the closing paragraph is the press room's boilerplate, which every release gets from site.yaml; "
                   "it is left out", field=END)
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


def _boxed(blocks: list, found: Recognised) -> list[Item]:
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
        return [Item(_factbox(heading, blocks))]
    found.note("a box (a table of one cell) has no heading, so it is written as plain text", text=block_text(first) if first else None)
    return [Item(b) for b in ([first] if first else []) + blocks]


def _factbox(heading: str, blocks: list) -> Node:
    heading = heading.rstrip(":").strip()
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
    """Where the section under the heading at `start` ends: at the next heading as high or higher, and before
    what is never part of a section: contact persons, 'Ämnen:', a quote, the closing greeting."""
    def level(block: Node) -> int:
        return block["c"][0] if block["t"] == "Header" else 7  # a bold line is below every heading style
    own = level(items[start].block)
    for index in range(start + 1, len(items)):
        item = items[index]
        if (heading := _section_heading(item)) is not None and (level(item.block) <= own or own == 7
                                                                 or lines.contact_heading(heading)):
            return index
        if lines.list_field(item.text) or lines.contact_opening(item.text) or _dash_opened(item) or \
                _CLOSING.match(item.text):
            return index
    return len(items)


def _section_heading(item: Item) -> str | None:
    """The heading of a section: a heading, a bold line, or a line of its own that heads contact persons
    ('Kontakt:', 'För mer information kontakta:'), bold or not."""
    heading = _heading_text(item.block)
    if heading is None and item.block["t"] == "Para" and lines.contact_heading(item.text):
        heading = item.text
    return heading.rstrip(":").strip() if heading is not None else None


def _take_contacts(found: Recognised, paragraphs: list[list[str]], heading: str, site) -> bool:
    """The contact persons of a contact block into `contacts`; False when it names no one by name."""
    persons, other = lines.people(paragraphs)
    if not any(lines.name_like(p.name) for p in persons):
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
        found.note(f"'{line}' under '{heading}' is left out (a contact has one name, role, phone number and e-mail "
                   "address); put it in the text if it is needed", field="contacts", severity="warning")
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
    """A paragraph in a caption style under an image is its caption (pandoc's .docx reader finds these itself), and
    a line 'Foto: …' under an image or its caption is the end of the caption, where the credit is looked for."""
    out: list[Item] = []
    for item in items:
        previous = out[-1].block if out else None
        images = _images_of(previous) if previous is not None and _picture_only(previous) else []
        if len(images) == 1 and item.text:
            title = images[0]["c"][2][1]
            if not title and previous["t"] != "Figure" and \
                    re.search(r"caption|bildtext|beskrivning|kuvateksti|illustration", item.style, re.I):
                images[0]["c"][2][1] = item.text
                continue
            if _CREDIT.fullmatch(item.text.rstrip(".")) and len(item.text.split(":", 1)[1].split()) <= 5:
                if previous["t"] == "Figure" and previous["c"][1][1]:
                    caption = " ".join(block_text(b) for b in previous["c"][1][1])
                    stop = "" if caption.endswith((".", "!", "?")) else "."
                    previous["c"][1][1] = [{"t": "Plain", "c": [{"t": "Str", "c": f"{caption}{stop} {item.text}"}]}]
                else:
                    images[0]["c"][2][1] = f"{title}{'' if not title or title.endswith(('.', '!', '?')) else '.'} {item.text}".strip()
                continue
        out.append(item)
    return out


def _images_of(block: Node) -> list[Node]:
    if block["t"] == "Figure":
        return [i for b in block["c"][2] if b["t"] in ("Para", "Plain") for i in b["c"] if i["t"] == "Image"]
    return [i for i in block.get("c", []) if isinstance(i, dict) and i.get("t") == "Image"]


_SAID = re.compile(r"\b(says?|said|explains?|adds?|säger|sa|sade|berättar|menar|tycker|konstaterar|förklarar|framhåller|"
                   r"sier|forteller|mener|siger|sagde|fortæller|sanoo|kertoo|toteaa|seier|fortel)\b", re.I)


def _quotes(items: list[Item], found: Recognised) -> list[Item]:
    """A quote opened with '-', '--', '—' or '―' opens with the dash '– ' (pipeline.body reads it as the quote);
    paragraphs opened with a dash one after another, none of them saying who speaks, are a list typed by hand."""
    out: list[Item] = []
    index = 0
    while index < len(items):
        run = list(itertools.takewhile(lambda i: _dash_opened(i) is not None, items[index:]))
        if not run:
            out.append(items[index])
            index += 1
            continue
        index += len(run)
        if len(run) > 1 and not any(_SAID.search(i.text) for i in run):
            entries = []
            for item in run:
                _open_with(item.block, _dash_opened(item), [])
                entries.append([{"t": "Plain", "c": item.block["c"]}])
            out.append(Item({"t": "BulletList", "c": entries}))
            found.note(f"{len(run)} paragraphs opened with a dash are written as a list", text=stringify(entries[0][0]["c"]))
            continue
        nordic = found.lang.split("-")[0] in DASH_QUOTE_LANGS
        for item in run:
            opened = _dash_opened(item)
            if opened != "– " and (nordic or _SAID.search(item.text)):
                _open_with(item.block, opened, [{"t": "Str", "c": "–"}, {"t": "Space"}])
                found.note(f"the quote's opening '{opened.strip()}' is written as the dash '–'", text=item.text[:40])
            out.append(item)
    return out


def _dash_opened(item: Item) -> str | None:
    """The dash a paragraph opens with ('-', '-- ', '— '), when text follows it; None for any other paragraph."""
    block = item.block
    if block["t"] != "Para" or not block["c"] or block["c"][0]["t"] != "Str":
        return None
    match = _DASHES.match(item.text)
    return match[0] if match else None


def _open_with(block: Node, opened: str, opening: list) -> None:
    """The paragraph with `opened` (its first characters) replaced by the inlines `opening`."""
    _drop_prefix(block, len(opened.rstrip()))
    block["c"][:0] = opening


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
                picture.credit_note = True
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
    for picture in pictures:
        if picture.credit_note:
            found.note(f"'{picture.credit}' at the end of the caption is the image's credit",
                       field="image.credit" if picture.key else None, text=None if picture.key else picture.media)

    class Remove(Rewrite):
        done = False

        def Image(self, n: Node) -> Node | list:
            if not self.done and n["c"][2][0] == key.media:
                self.done = True
                return []
            return n

        def Link(self, n: Node) -> Node | list:
            n = super().Link(n)
            return n if n["c"][1] else []  # a link around the key image alone goes with it

    found.body = [b for b in Remove().blocks(found.body) if not (b["t"] == "Para" and not b["c"])]
    found.note("the first image is the key image, shown at the top; if it belongs in the text, move it back into "
               "the body as ![alt text](file)", field="image")


def _picture_only(block: Node) -> bool:
    if block["t"] == "Figure":
        return True
    if block["t"] not in ("Para", "Plain") or block_text(block):
        return False
    return any(i["t"] == "Image" or (i["t"] == "Link" and any(x["t"] == "Image" for x in i["c"][1])) for i in block["c"])


def _all_of(inlines: list, kind: str) -> bool:
    """Whether every word of the paragraph is in `kind` (Strong, Emph)."""
    words = [i for i in inlines if i["t"] not in ("Space", "LineBreak", "Note")]  # a footnote's mark is no word
    return bool(words) and all(i["t"] == kind for i in words)


def _cleaning_notes(cleaned: Cleaned, document: Document, cleaned_blocks, found: Recognised) -> None:
    texts = {origin: next((block_text(b) for b in blocks if block_text(b)), None) for blocks, origin in cleaned_blocks}
    if document.text_boxes:
        found.note("the document has text boxes, whose text is read only in part: check that their text is in the "
                   "release, and copy in what is missing", field=TOP, severity="warning")
    if document.changes:
        found.note(f"{document.changes} tracked change{'s' if document.changes != 1 else ''} in the document "
                   f"{'were' if document.changes != 1 else 'was'} accepted: the text reads as with every change made",
                   field=TOP)
    for block, changes in itertools.groupby(cleaned.changes, key=lambda change: change[0]):
        said = [f"{kind} '{text[:60]}'" for _, kind, text in changes if text]
        if said:
            found.note("a tracked change is accepted here: " + "; ".join(said[:4]) + ("; …" if len(said) > 4 else ""),
                       text=texts.get(block), field=TOP)
    for block, author, comment in cleaned.comments:
        found.note(f"the comment{' by ' + author if author else ''} '{comment}' is left out; act on it here if it still "
                   "matters", text=texts.get(block), field=TOP)
    for author, comment in document.comments:
        found.note(f"the comment{' by ' + author if author else ''} '{comment}' is left out; act on it here if it still "
                   "matters", field=TOP)
    for block, label, target in cleaned.unlinked:
        found.note(f"the link '{label}' led to '{target[:80]}', which is not a web or e-mail address; it is kept as "
                   "text: link it to a public address if it should be a link", text=texts.get(block), severity="warning")


def _language(text: str, site_lang: str, found_note) -> str:
    """The language the text reads as, among those with stop words here; the press room's when unsure."""
    words = re.findall(r"[^\W\d_]+", text.casefold())
    if len(words) < 30:
        return site_lang
    counts = {lang: sum(w in _STOPWORDS[lang] for w in words) for lang in _STOPWORDS}
    ranked = sorted(counts, key=counts.get, reverse=True)
    best, second = ranked[0], ranked[1]
    primary = site_lang.split("-")[0]
    if counts[best] < 5 or best == primary or counts[primary] >= 0.8 * counts[best]:
        return site_lang
    if counts[second] >= 0.8 * counts[best]:
        found_note(f"the text reads as {_language_name(best)} or {_language_name(second)}; it is taken to be in the "
                   f"press room's language, '{site_lang}': give --lang {best} or --lang {second}", field="lang")
        return site_lang
    return best


def _language_name(lang: str) -> str:
    from babel import Locale

    try:
        return Locale.parse(lang.replace("-", "_")).get_display_name("en")
    except (ValueError, LookupError):
        return lang
