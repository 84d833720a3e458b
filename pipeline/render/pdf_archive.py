"""Finishes WeasyPrint's PDF for the archive: one file that is both PDF/A-3u and PDF/UA-1.

WeasyPrint writes one conformance claim per file and leaves a few PDF/UA gaps;
this module (the only one that uses pikepdf to write) closes them:
- claims PDF/UA-1 beside PDF/A-3u, with the extension schema PDF/A requires;
- turns running headers, footers and page numbers into artifacts, and so
  decorative images, so that a screen reader does not read them as content;
- gives every link annotation a description and every page a tab order;
- maps a ligature of a right-to-left script (Arabic lam-alef) to its letters as
  text extraction expects them, so that the text comes back in reading order;
- embeds the canonical source (AFRelationship /Source) and a JSON record;
- names this project as producer.
The output depends only on its input: no dates or random ids are added.
"""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import datetime, timezone

import pikepdf
from lxml import etree
from pikepdf import Array, Dictionary, Name

from pipeline.render.printjob import DECORATIVE, Embedded

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
}
UA_EXTENSION = f"""<rdf:Description xmlns:rdf="{NS['rdf']}" rdf:about=""
  xmlns:pdfaExtension="{NS['pdfaExtension']}" xmlns:pdfaSchema="{NS['pdfaSchema']}" xmlns:pdfaProperty="{NS['pdfaProperty']}">
  <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
    <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
    <pdfaSchema:namespaceURI>{NS['pdfuaid']}</pdfaSchema:namespaceURI>
    <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
    <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
      <pdfaProperty:name>part</pdfaProperty:name>
      <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
      <pdfaProperty:category>internal</pdfaProperty:category>
      <pdfaProperty:description>Part of ISO 14289 (PDF/UA) the file conforms to</pdfaProperty:description>
    </rdf:li></rdf:Seq></pdfaSchema:property>
  </rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>"""


def archival(pdf_bytes: bytes, producer: str, files: list[Embedded]) -> bytes:
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        _artifacts_for_content_outside_the_tree(pdf)
        for page in pdf.pages:
            page.obj.Tabs = Name.S  # tab order follows the structure (PDF/UA 7.18.3)
            for annot in page.obj.get("/Annots", []):
                if annot.get("/Subtype") == Name.Link and "/Contents" not in annot:
                    uri = annot.get("/A", {}).get("/URI")
                    annot.Contents = pikepdf.String(str(uri) if uri is not None else "Link")
        _right_to_left_ligatures(pdf)
        _attach(pdf, files)
        pdf.docinfo[Name.Producer] = pikepdf.String(producer)
        _write_xmp(pdf, producer)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, fix_metadata_version=False)
        return out.getvalue()


_MAPPING = re.compile(rb"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]{8,})>")


def _right_to_left_ligatures(pdf: pikepdf.Pdf) -> None:
    """One glyph for several letters of a right-to-left script (Arabic 'لا', 'في') is mapped to them in the order
    they are drawn, right to left, the way text extraction reads a right-to-left line: mapped in reading
    order, as WeasyPrint writes it, the two letters come back swapped ('خالل' for 'خلال')."""
    seen = set()
    for page in pdf.pages:
        for font in page.obj.get("/Resources", {}).get("/Font", {}).values():
            cmap = font.get("/ToUnicode")
            if cmap is None or cmap.objgen in seen:
                continue
            seen.add(cmap.objgen)
            data = cmap.read_bytes()
            fixed = _MAPPING.sub(_drawn_order, data)
            if fixed != data:
                cmap.write(fixed)


def _drawn_order(match: re.Match) -> bytes:
    """Poppler's pdftotext, pdfminer, pypdf and PyMuPDF read a right-to-left ligature's letters in drawn order;
    a letter with its mark (Hebrew 'פּ') is one letter, left as it is."""
    text = bytes.fromhex(match[2].decode()).decode("utf-16-be", "replace")
    if (any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)
            and not any(unicodedata.combining(ch) for ch in text)):
        return b"<%s> <%s>" % (match[1], text[::-1].encode("utf-16-be").hex().upper().encode())
    return match[0]


def _artifacts_for_content_outside_the_tree(pdf: pikepdf.Pdf) -> None:
    """Marked content that no reachable structure element owns becomes an /Artifact.

    WeasyPrint tags running headers and footers (page margin boxes) but leaves
    them out of the structure tree; decorative figures are cut out of the tree
    here. PDF/UA wants both as artifacts, so readers skip them.
    """
    root = pdf.Root.StructTreeRoot
    _drop_decorative_figures(root.K)
    reachable = _reachable(root.K)
    nums = root.ParentTree.Nums
    orphans: dict[int, set[int]] = {}
    for i in range(0, len(nums), 2):
        key, value = int(nums[i]), nums[i + 1]
        if isinstance(value, Array):
            for mcid, element in enumerate(value):
                if isinstance(element, Dictionary) and element.objgen not in reachable:
                    orphans.setdefault(key, set()).add(mcid)
                    value[mcid] = None
    for index, page in enumerate(pdf.pages):
        gone = orphans.get(index)
        if not gone:
            continue
        ops = []
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) == "BDC" and isinstance(operands[1], Dictionary) and int(operands[1].get("/MCID", -1)) in gone:
                ops.append(pikepdf.ContentStreamInstruction([Name.Artifact], pikepdf.Operator("BMC")))
            else:
                ops.append(pikepdf.ContentStreamInstruction(operands, operator))
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))


def _drop_decorative_figures(kids) -> None:
    if not isinstance(kids, Array):
        return
    for i in reversed(range(len(kids))):
        kid = kids[i]
        if not isinstance(kid, Dictionary) or "/S" not in kid:
            continue
        if kid.S == Name.Figure and str(kid.get("/Alt", "")) == DECORATIVE:
            del kids[i]
        elif "/K" in kid:
            _drop_decorative_figures(kid.K)


def _reachable(kids, seen: set | None = None) -> set:
    seen = set() if seen is None else seen
    items = kids if isinstance(kids, Array) else [kids]
    for kid in items:
        if isinstance(kid, Dictionary) and "/S" in kid and kid.objgen not in seen:
            seen.add(kid.objgen)
            if "/K" in kid:
                _reachable(kid.K, seen)
    return seen


def _attach(pdf: pikepdf.Pdf, files: list[Embedded]) -> None:
    """PDF/A-3 associated files, each listed once in the catalog's /AF."""
    specs = []
    for f in files:
        when = _pdf_date(f.modified)
        spec = pikepdf.AttachedFileSpec(
            pdf, f.data, description=f.description, filename=f.name, mime_type=f.mime,
            creation_date=when, mod_date=when, relationship=Name("/" + f.relationship),
        )
        pdf.attachments[f.name] = spec
        specs.append(spec.obj)
    if specs:
        pdf.Root.AF = Array(specs)


def _pdf_date(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("D:%Y%m%d%H%M%SZ")


def _write_xmp(pdf: pikepdf.Pdf, producer: str) -> None:
    """Add the PDF/UA claim and its schema declaration; name the producer; keep the stream unfiltered."""
    tree = etree.fromstring(pdf.Root.Metadata.read_bytes(), etree.XMLParser(remove_blank_text=True)).getroottree()
    rdf = tree.find(".//rdf:RDF", NS)
    for description in rdf.findall("rdf:Description", NS):
        if description.get(f"{{{NS['pdf']}}}Producer") is not None:
            description.set(f"{{{NS['pdf']}}}Producer", producer)
    ua = etree.SubElement(rdf, f"{{{NS['rdf']}}}Description", nsmap={"pdfuaid": NS["pdfuaid"]})
    ua.set(f"{{{NS['rdf']}}}about", "")
    ua.set(f"{{{NS['pdfuaid']}}}part", "1")
    rdf.append(etree.fromstring(UA_EXTENSION))
    data = etree.tostring(tree, encoding="utf-8", xml_declaration=False)
    pdf.Root.Metadata = pdf.make_stream(data, Type=Name.Metadata, Subtype=Name.XML)
