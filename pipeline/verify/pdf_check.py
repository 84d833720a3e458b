"""Checks a release PDF for what PDF/A-3u and PDF/UA-1 require and a machine can see.

veraPDF cannot be installed here, so these checks stand in for it (see the README
for what they cover and what remains for a person to check). `check_pdf` returns
one line per failure; an empty list means every check passed.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from lxml import etree
from pikepdf import Array, Dictionary, Name

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
}
TEXT_OPERATORS = {"Tj", "TJ", "'", '"'}


@dataclass(frozen=True, slots=True)
class Expected:
    title: str
    lang: str
    headings: tuple[int, ...] | None = None  # levels in the page's order, e.g. (1, 2, 2)
    source_name: str | None = None
    source: bytes | None = None  # the canonical Markdown, byte for byte


def check_pdf(data: bytes, expected: Expected) -> list[str]:
    failures: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root
        xmp = _xmp(pdf, failures)
        if xmp is not None:
            _check_xmp(xmp, failures)
            titles = xmp.xpath("//dc:title/rdf:Alt/rdf:li/text()", namespaces=NS)
            if [str(pdf.docinfo.get("/Title", ""))] != titles:
                failures.append(f"Info /Title {str(pdf.docinfo.get('/Title'))!r} differs from XMP dc:title {titles}")
        if str(pdf.docinfo.get("/Title", "")) != expected.title:
            failures.append(f"title is {str(pdf.docinfo.get('/Title'))!r}, expected {expected.title!r}")
        if "press-pipeline" not in str(pdf.docinfo.get("/Producer", "")):
            failures.append("the producer does not name press-pipeline")
        if str(root.get("/Lang", "")) != expected.lang:
            failures.append(f"/Lang is {str(root.get('/Lang'))!r}, expected {expected.lang!r}")
        if root.get("/MarkInfo", {}).get("/Marked") is not True:
            failures.append("/MarkInfo /Marked is not true")
        if root.get("/ViewerPreferences", {}).get("/DisplayDocTitle") is not True:
            failures.append("/ViewerPreferences /DisplayDocTitle is not true")
        _check_output_intent(root, failures)
        _check_fonts(pdf, failures)
        _check_structure(pdf, expected, failures)
        _check_marked_content(pdf, failures)
        _check_annotations(pdf, failures)
        _check_associated_files(pdf, expected, failures)
        if expected.headings and "/Outlines" not in root:
            failures.append("no bookmarks (outline) although the document has headings")
    return failures


def check_with_tools(path: Path) -> list[str]:
    """qpdf --check and pdffonts (poppler), where they are installed; a missing tool is a failure."""
    failures = []
    for tool in ("qpdf", "pdffonts"):
        if shutil.which(tool) is None:
            failures.append(f"{tool} is not installed")
    if failures:
        return failures
    qpdf = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    if qpdf.returncode != 0 or "No syntax or stream encoding errors found" not in qpdf.stdout:
        failures.append(f"qpdf --check: {qpdf.stdout.strip()} {qpdf.stderr.strip()}")
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout.splitlines()[2:]
    for line in fonts:
        # columns: name type encoding emb sub uni object ID
        flags = line.split()[-5:-2]
        if flags != ["yes", "yes", "yes"]:
            failures.append(f"pdffonts: font not embedded with a ToUnicode map: {line.strip()}")
    if not fonts:
        failures.append("pdffonts lists no fonts")
    return failures


def _xmp(pdf: pikepdf.Pdf, failures: list[str]):
    metadata = pdf.Root.get("/Metadata")
    if metadata is None:
        failures.append("no XMP metadata stream")
        return None
    if "/Filter" in metadata:
        failures.append("the XMP metadata stream is compressed (PDF/A wants it readable as it is)")
    try:
        return etree.fromstring(metadata.read_bytes())
    except etree.XMLSyntaxError as exc:
        failures.append(f"XMP metadata is not well-formed XML: {exc}")
        return None


def _attr(xmp, name: str) -> list[str]:
    prefix, local = name.split(":")
    values = xmp.xpath(f"//rdf:Description/@{prefix}:{local} | //rdf:Description/{prefix}:{local}/text()", namespaces=NS)
    return [str(v) for v in values]


def _check_xmp(xmp, failures: list[str]) -> None:
    for name, value in (("pdfaid:part", "3"), ("pdfaid:conformance", "U"), ("pdfuaid:part", "1")):
        if _attr(xmp, name) != [value]:
            failures.append(f"XMP {name} is {_attr(xmp, name)}, expected ['{value}']")
    declared = xmp.xpath(
        "//pdfaSchema:namespaceURI[text()='http://www.aiim.org/pdfua/ns/id/']/..//pdfaProperty:name/text()", namespaces=NS
    )
    if "part" not in declared:
        failures.append("XMP lacks the PDF/A extension schema declaring pdfuaid:part")


def _check_output_intent(root, failures: list[str]) -> None:
    intents = [i for i in root.get("/OutputIntents", []) if i.get("/S") == Name.GTS_PDFA1]
    if len(intents) != 1:
        failures.append(f"{len(intents)} GTS_PDFA1 output intents, expected 1")
        return
    profile = intents[0].get("/DestOutputProfile")
    if profile is None or int(profile.get("/N", 0)) != 3:
        failures.append("the output intent has no RGB (sRGB) ICC profile")


def _fonts(pdf: pikepdf.Pdf):
    seen = set()
    for page in pdf.pages:
        for font in page.Resources.get("/Font", {}).values():
            for f in [font] + list(font.get("/DescendantFonts", [])):
                if f.objgen not in seen:
                    seen.add(f.objgen)
                    yield font, f


def _check_fonts(pdf: pikepdf.Pdf, failures: list[str]) -> None:
    for top, font in _fonts(pdf):
        if font.get("/Subtype") == Name.Type0:
            if "/ToUnicode" not in font:
                failures.append(f"font {font.get('/BaseFont')} has no ToUnicode map")
            continue
        descriptor = font.get("/FontDescriptor")
        if descriptor is None or not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            failures.append(f"font {font.get('/BaseFont')} is not embedded")
        if "/ToUnicode" not in top:
            failures.append(f"font {top.get('/BaseFont')} has no ToUnicode map")


def _elements(kids):
    """Structure elements in reading order."""
    for kid in kids if isinstance(kids, Array) else [kids]:
        if isinstance(kid, Dictionary) and "/S" in kid:
            yield kid
            if "/K" in kid:
                yield from _elements(kid.K)


def _check_structure(pdf: pikepdf.Pdf, expected: Expected, failures: list[str]) -> None:
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None or "/K" not in tree:
        failures.append("no structure tree")
        return
    elements = list(_elements(tree.K))
    if len(elements) < 2:
        failures.append("the structure tree is empty")
    levels = tuple(int(str(e.S)[2]) for e in elements if re.fullmatch(r"/H[1-6]", str(e.S)))
    if levels[:1] != (1,) or any(b - a > 1 for a, b in zip(levels, levels[1:])):
        failures.append(f"heading tags {levels} skip a level or do not start with H1")
    if expected.headings is not None and levels != expected.headings:
        failures.append(f"heading tags {levels} differ from the page's headings {expected.headings}")
    for e in elements:
        if e.S == Name.Figure and not str(e.get("/Alt", "")).strip():
            failures.append("a figure has no /Alt text")
        if e.S == Name.Table and not any(x.S == Name.TH for x in _elements(e.K)):
            failures.append("a table has no header cells (TH)")


def _check_marked_content(pdf: pikepdf.Pdf, failures: list[str]) -> None:
    """Every piece of text is either tagged content owned by the tree, or an artifact."""
    tree = pdf.Root.StructTreeRoot
    reachable = {e.objgen for e in _elements(tree.K)}
    nums = tree.ParentTree.Nums
    owners = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for index, page in enumerate(pdf.pages):
        stack: list[str] = []  # "artifact", "mcid:N" or "other"
        mapping = owners.get(int(page.obj.get("/StructParents", index)))
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op in ("BDC", "BMC"):
                props = operands[1] if op == "BDC" and len(operands) > 1 else None
                if operands[0] == Name.Artifact:
                    stack.append("artifact")
                elif isinstance(props, Dictionary) and "/MCID" in props:
                    stack.append(f"mcid:{int(props.MCID)}")
                else:
                    stack.append("other")
            elif op == "EMC" and stack:
                stack.pop()
            elif op in TEXT_OPERATORS:
                if "artifact" in stack:
                    continue
                mcids = [int(s[5:]) for s in stack if s.startswith("mcid:")]
                if not mcids:
                    failures.append(f"page {index + 1}: text outside tagged content and not an artifact")
                    break
                owner = mapping[mcids[-1]] if mapping is not None and mcids[-1] < len(mapping) else None
                if owner is None or not isinstance(owner, Dictionary) or owner.objgen not in reachable:
                    failures.append(f"page {index + 1}: text of MCID {mcids[-1]} belongs to no element of the tree")
                    break


def _check_annotations(pdf: pikepdf.Pdf, failures: list[str]) -> None:
    for index, page in enumerate(pdf.pages):
        annots = page.obj.get("/Annots", [])
        if annots and page.obj.get("/Tabs") != Name.S:
            failures.append(f"page {index + 1}: annotations but no /Tabs /S")
        for annot in annots:
            if annot.get("/Subtype") == Name.Link:
                if not str(annot.get("/Contents", "")).strip():
                    failures.append(f"page {index + 1}: a link without /Contents description")
                if "/StructParent" not in annot:
                    failures.append(f"page {index + 1}: a link that is not in the structure tree")
            if int(annot.get("/F", 0)) & 4 == 0:
                failures.append(f"page {index + 1}: an annotation without the print flag")


def _check_associated_files(pdf: pikepdf.Pdf, expected: Expected, failures: list[str]) -> None:
    af = list(pdf.Root.get("/AF", []))
    if len({a.objgen for a in af}) != len(af):
        failures.append("the catalog /AF lists a file twice")
    names = {str(f.get("/UF", f.get("/F", ""))): f for f in af}
    for name, spec in names.items():
        if "/AFRelationship" not in spec:
            failures.append(f"associated file {name} has no /AFRelationship")
    if set(pdf.attachments) != set(names):
        failures.append(f"embedded files {sorted(pdf.attachments)} differ from the /AF list {sorted(names)}")
    if expected.source is None:
        return
    spec = names.get(expected.source_name or "")
    if spec is None:
        failures.append(f"the source {expected.source_name} is not embedded")
        return
    stream = spec.EF.F
    if spec.get("/AFRelationship") != Name.Source:
        failures.append("the source is not marked AFRelationship /Source")
    if str(stream.get("/Subtype", "")) != "/text/markdown":
        failures.append(f"the source has MIME type {stream.get('/Subtype')}, expected text/markdown")
    if stream.read_bytes() != expected.source:
        failures.append("the embedded source differs from the file in sources/")
    record = names.get("release.json")
    if record is None:
        failures.append("release.json is not embedded")
        return
    data = json.loads(record.EF.F.read_bytes())
    if data.get("sha256") != hashlib.sha256(expected.source).hexdigest():
        failures.append("release.json's sha256 does not match the source")


def embedded(data: bytes, name: str) -> bytes | None:
    """The bytes of the file `name` the PDF carries as its source (AFRelationship /Source), or None."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for spec in pdf.Root.get("/AF", []):
            if str(spec.get("/UF", spec.get("/F", ""))) == name and spec.get("/AFRelationship") == Name.Source:
                return spec.EF.F.read_bytes()
    return None
