"""Word documents for the import's tests, written with python-docx in Word's own styles (Title, Subtitle,
Heading 1, List Number, Caption), with the parts python-docx has no call for (tracked changes, alt text,
hyperlinks) written as the XML Word writes."""

from __future__ import annotations

import io
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches
from PIL import Image


def png(width: int = 64, height: int = 48, colour=(200, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def jpeg(width: int = 1600, height: int = 1000, colour=(40, 90, 160)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "JPEG", quality=80)
    return out.getvalue()


class Word:
    """A document being written, one call per paragraph."""

    def __init__(self):
        self.document = docx.Document()
        self._changes = 0

    def title(self, text: str) -> Word:
        self.document.add_paragraph(text, style="Title")
        return self

    def subtitle(self, text: str) -> Word:
        self.document.add_paragraph(text, style="Subtitle")
        return self

    def heading(self, text: str, level: int = 1) -> Word:
        self.document.add_heading(text, level=level)
        return self

    def para(self, *runs: str | tuple[str, str], style: str | None = None):
        """A paragraph of runs: 'text', or ('b', 'bold text'), ('i', 'italic'), ('br', '') for Shift+Enter."""
        paragraph = self.document.add_paragraph(style=style)
        for run in runs:
            kind, text = run if isinstance(run, tuple) else ("", run)
            if kind == "br":
                paragraph.add_run().add_break()
                continue
            added = paragraph.add_run(text)
            added.bold = kind == "b" or None
            added.italic = kind == "i" or None
        return paragraph

    def bold(self, text: str) -> Word:
        self.para(("b", text))
        return self

    def items(self, *texts: str, numbered: bool = False) -> Word:
        for text in texts:
            self.document.add_paragraph(text, style="List Number" if numbered else "List Bullet")
        return self

    def table(self, rows: list[list[str]], header: bool = True) -> Word:
        table = self.document.add_table(rows=len(rows), cols=len(rows[0]))
        table.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
        if header:
            properties = table.rows[0]._tr.get_or_add_trPr()
            mark = OxmlElement("w:tblHeader")
            properties.append(mark)
        return self

    def box(self, *lines: str) -> Word:
        """A one-cell table, Word users' fact box: the first line bold."""
        table = self.document.add_table(rows=1, cols=1)
        cell = table.cell(0, 0)
        first = cell.paragraphs[0]
        first.add_run(lines[0]).bold = True
        for line in lines[1:]:
            cell.add_paragraph(line)
        return self

    def picture(self, data: bytes, alt: str | None = None, caption: str | None = None, width: float = 3.0) -> Word:
        self.document.add_picture(io.BytesIO(data), width=Inches(width))
        properties = self.document.paragraphs[-1]._p.xpath(".//wp:docPr")[0]
        properties.set("descr", alt or "")
        if caption:
            self.document.add_paragraph(caption, style="Caption")
        return self

    def link(self, before: str, text: str, url: str, after: str = "") -> Word:
        paragraph = self.document.add_paragraph(before)
        rel = self.document.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), rel)
        run = OxmlElement("w:r")
        shown = OxmlElement("w:t")
        shown.text = text
        run.append(shown)
        link.append(run)
        paragraph._p.append(link)
        paragraph.add_run(after)
        return self

    def changed(self, before: str, inserted: str, deleted: str, after: str) -> Word:
        """A paragraph with a tracked insertion and a tracked deletion, not yet accepted."""
        paragraph = self.document.add_paragraph(before)
        for tag, text_tag, text in (("w:ins", "w:t", inserted), ("w:del", "w:delText", deleted)):
            self._changes += 1
            change = OxmlElement(tag)
            change.set(qn("w:id"), str(100 + self._changes))
            change.set(qn("w:author"), "Anna Berg")
            change.set(qn("w:date"), "2026-11-20T10:00:00Z")
            run = OxmlElement("w:r")
            shown = OxmlElement(text_tag)
            shown.text = text
            shown.set(qn("xml:space"), "preserve")
            run.append(shown)
            change.append(run)
            paragraph._p.append(change)
        paragraph.add_run(after)
        return self

    def comment(self, paragraph_text: str, comment: str, author: str = "Anna Berg") -> Word:
        """A paragraph with a comment on its last word."""
        words = paragraph_text.rsplit(" ", 1)
        paragraph = self.document.add_paragraph(words[0] + " ")
        run = paragraph.add_run(words[1])
        self.document.add_comment(run, text=comment, author=author, initials="AB")
        return self

    def save(self, path: Path) -> Path:
        self.document.save(str(path))
        return path


def seed_as_word() -> Word:
    """The example release (sources/2026/2026-11-26-halmstad-quality-mark.md) as its press office would write it in
    Word: type label, headline, dateline, bold lead, the quote with a hyphen, the fact box under a bold heading,
    the contact persons, topics and regions, and the municipality's boilerplate."""
    w = Word()
    w.para("Pressmeddelande")
    w.title("Halmstad har fått utmärkelsen ”Quality Mark”")
    w.para("Halmstad, 26 november 2026 kl. 09.00")
    w.bold("Nu är det klart att Halmstad fått en förnyad Quality Mark-certifiering – en kvalitetsmärkning för hur "
           "stadens aktörer arbetar tillsammans för en positiv utveckling av stadskärnan. Certifieringen är ett kvitto "
           "på ett bra samverkansarbete mellan Halmstads kommun, Halmstad city och Fastighetsägarna.")
    w.para("Certifikatet, som delas ut av organisation Svenska Stadskärnor, visar att stadens aktörer samarbetar "
           "långsiktigt och strategiskt. Det finns tydliga gemensamma mål som leder till en stabil samverkan med "
           "nyckelaktörer och tillsammans skapas det förutsättningar för en god utveckling av Halmstads centrum.")
    w.para("- Att få bli omcertifierade är en viktig milstolpe i vårt arbete med att utveckla Halmstads centrum. Det ger "
           "oss ännu mer energi, självförtroende och motivation att arbeta vidare. Det är också ett kvitto på hur "
           "viktigt det är med bra samarbete, säger Caroline Bengtsson, cityledare Halmstad City.")
    w.bold("Om Quality Mark (QM)")
    w.para("Svenska Stadskärnor – en paraplyorganisation för kommun, företag och organisationer som arbetar med "
           "utvecklingen av Sveriges städer och orter – står bakom kvalitetsmärkningen Quality Mark. Detta är en "
           "standardiserad märkning för samverkansorganisationer i city. Det grundläggande kravet är att det ska "
           "finnas ett strukturerat samarbete mellan stadskärnans både offentliga och privata aktörer. Att inneha en "
           "certifiering visar att man arbetar långsiktigt och strategiskt.")
    w.para("QM baseras på en europeisk certifiering som tagits fram gemensamt i ett samarbete kallat “TOCEMA Europe” "
           "(Town Center Management Europe). För att kunna föräras titeln “Årets Stadskärna” måste man först bli "
           "certifierad enligt QM.")
    w.para("")
    w.bold("Kontaktpersoner")
    w.para("Caroline Bengtsson, cityledare Halmstad City", ("br", ""), "Telefon: 035-13 73 50", ("br", ""),
           "Epost: caroline.bengtsson2@halmstad.se")
    w.para("Ämnen: Stadsutveckling, Samverkan")
    w.para("Regioner: Halmstad")
    w.bold("Kontakter")
    w.para("Johanna Wisjö", ("br", ""), "kommunikatör teknik-och fastighetsförvaltningen 0729-83 74 88")
    w.bold("Hemstaden, kunskapsstaden och upplevelsestaden")
    w.para("Halmstad är landets 18:e största kommun med över 105 000 invånare. Det fördelaktiga läget på västkusten "
           "gör att företagandet utvecklas, turismen frodas och invånarna trivs och blir fler. Kommunen strävar "
           "tillsammans med sina drygt 9 000 medarbetare efter att utveckla Halmstad som hemstad, kunskapsstad och "
           "upplevelsestad.")
    return w


def as_odt(docx_path: Path, odt_path: Path, alt: str | None = None, comment: tuple[str, str] | None = None,
           deleted: str | None = None) -> Path:
    """The document saved as OpenDocument (pandoc writes it), with what LibreOffice writes and pandoc's writer does
    not: the first image's description (its alt text), a comment (author, text) on the first paragraph of the body,
    and a tracked deletion (deleted text that LibreOffice keeps out of the text)."""
    import re
    import zipfile

    import pypandoc

    pypandoc.convert_file(str(docx_path), "odt", outputfile=str(odt_path))
    with zipfile.ZipFile(odt_path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    content = members["content.xml"].decode("utf-8")
    if alt:
        content = content.replace("</draw:frame>", f"<svg:desc>{alt}</svg:desc></draw:frame>", 1)
    if comment:
        author, text = comment
        content = re.sub(r'(<text:p text:style-name="(?:Text_20_body|First_20_paragraph)">)',
                         rf"\1<office:annotation><dc:creator>{author}</dc:creator><dc:date>2026-11-20T10:00:00</dc:date>"
                         rf"<text:p>{text}</text:p></office:annotation>", content, count=1)
    if deleted:
        content = content.replace(
            "<office:text>", '<office:text><text:tracked-changes><text:changed-region text:id="ct1"><text:deletion>'
            "<office:change-info><dc:creator>Anna Berg</dc:creator><dc:date>2026-11-20T10:00:00</dc:date>"
            f"</office:change-info><text:p>{deleted}</text:p></text:deletion></text:changed-region></text:tracked-changes>", 1)
        content = re.sub(r'(<text:p text:style-name="(?:Text_20_body|First_20_paragraph)">)',
                         r'\1<text:change text:change-id="ct1"/>', content, count=1)
    members["content.xml"] = content.encode("utf-8")
    with zipfile.ZipFile(odt_path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), members.pop("mimetype"), compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return odt_path
