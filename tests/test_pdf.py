"""The archival PDF: PDF/A-3u and PDF/UA-1 in one file, carrying its own source."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pikepdf
from lxml import html

from conftest import NOW, ROOT, export, png, release, write_tree
from pipeline.verify.pdf_check import Expected, check_pdf, check_with_tools



def releases(dist: Path) -> list[dict]:
    return json.loads((dist / "manifest.json").read_text("utf-8"))["releases"]


def expected_for(dist: Path, entry: dict, sources_root: Path) -> Expected:
    page = html.fromstring((dist / entry["outputs"]["html"]["path"]).read_bytes())
    source = sources_root / entry["source"]
    return Expected(
        title=entry["title"],
        lang=entry["lang"],
        # The PDF is printed from the page without its download links and press photos.
        headings=tuple(int(h.tag[1]) for h in page.xpath(
            "(//h1|//h2|//h3|//h4|//h5|//h6)[not(ancestor::section[@class='downloads' or @class='photos'])]")),
        source_name=source.name,
        source=source.read_bytes(),
    )


def test_every_example_pdf_passes_every_archive_and_accessibility_check(example_dist):
    entries = releases(example_dist)
    assert len(entries) == 3
    for entry in entries:
        path = example_dist / entry["outputs"]["pdf"]["path"]
        failures = check_pdf(path.read_bytes(), expected_for(example_dist, entry, example_dist.parent))
        failures += check_with_tools(path)
        assert failures == [], (entry["id"], failures)


def test_the_checker_catches_what_weasyprint_alone_leaves(project, monkeypatch):
    """Guards the guard: without the archive finishing, the same PDF must fail."""
    import pipeline.render.pdf

    monkeypatch.setattr(pipeline.render.pdf, "archival", lambda data, producer, files: data)
    write_tree(project, {"sources/2026/r.md": release("title: Rubrik\ndate: 2026-11-26\n", "## Del\n\nText.\n")})
    assert export("sources", "--now", NOW, "-q").exit_code == 0
    entry = releases(project / "dist")[0]
    failures = check_pdf((project / "dist/2026/r/r.pdf").read_bytes(), expected_for(project / "dist", entry, project))
    text = "\n".join(failures)
    assert "pdfuaid:part" in text
    assert "belongs to no element of the tree" in text, "page numbers read as content"
    assert "source r.md is not embedded" in text


def test_a_records_manager_can_extract_the_source_byte_for_byte(example_dist):
    seed = next(e for e in releases(example_dist) if e["id"] == "halmstad-2026-quality-mark")
    pdf = example_dist / seed["outputs"]["pdf"]["path"]
    source = ROOT / seed["source"]
    extracted = subprocess.run(
        ["qpdf", f"--show-attachment={source.name}", str(pdf)], capture_output=True, check=True
    ).stdout
    assert extracted == source.read_bytes()
    with pikepdf.open(pdf) as doc:
        record = json.loads(doc.attachments["release.json"].get_file().read_bytes())
        assert [str(a.AFRelationship) for a in doc.Root.AF] == ["/Source", "/Data"]
    assert record["id"] == "halmstad-2026-quality-mark" and record["version"] == 1
    assert record["source"] == seed["source"]


def test_a_corrected_release_records_its_version(example_dist):
    entry = next(e for e in releases(example_dist) if e["id"] == "halmstad-2026-harbour-cycle-route")
    with pikepdf.open(example_dist / entry["outputs"]["pdf"]["path"]) as doc:
        record = json.loads(doc.attachments["release.json"].get_file().read_bytes())
        assert str(doc.docinfo["/ModDate"]).startswith("D:20261009081500")
        assert str(doc.docinfo["/CreationDate"]).startswith("D:20261008103000")
    assert record["version"] == 2 and record["updated"] == "2026-10-09T08:15:00+02:00"


def _normalised(text: str) -> str:
    text = re.sub(r" \((https?|mailto|tel):[^)]*\)", "", " ".join(text.split()))  # printed link targets
    return re.sub(r"[\s\-\u00ad\u2010]", "", text)  # line breaks and hyphenation


def test_pdf_text_reads_in_order_with_every_paragraph(example_dist):
    for entry in releases(example_dist):
        pdf = example_dist / entry["outputs"]["pdf"]["path"]
        text = _normalised(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
        page = html.fromstring((example_dist / entry["outputs"]["html"]["path"]).read_bytes())
        wanted = [page.xpath("//h1")[0].text_content()]
        wanted += [p.text_content() for p in page.xpath("//p[@class='lead'] | //div[@class='body']//p | //div[@class='body']//li")]
        wanted += [p.text_content() for p in page.xpath("//div[@class='contact']/p")]
        position = 0
        for piece in wanted:
            found = text.find(_normalised(piece), position)
            assert found >= 0, (entry["id"], piece[:60])
            position = found


def test_pdf_text_keeps_every_word_whole(example_dist):
    """No hyphen is inserted at line ends: a search of the archive, or a screen reader, meets whole words.

    `pdftotext -raw` does not join hyphenated words again, as many text extractors do not.
    """
    for entry in releases(example_dist):
        pdf = example_dist / entry["outputs"]["pdf"]["path"]
        raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        broken = re.findall(r"\w+-\n\w+", raw)
        page = html.fromstring((example_dist / entry["outputs"]["html"]["path"]).read_bytes())
        body = " ".join(p.text_content() for p in page.xpath("//p[@class='lead'] | //div[@class='body']//p"))
        assert [b for b in broken if b.replace("-\n", "-") not in body] == [], entry["id"]
        words = set(re.findall(r"\w{8,}", body))
        assert words and words <= set(re.findall(r"\w{8,}", raw)), (entry["id"], words - set(re.findall(r"\w{8,}", raw)))


def test_decorative_images_are_artifacts_and_described_ones_are_figures(project):
    write_tree(project, {
        "sources/2026/r.md": release(
            "title: Rubrik\ndate: 2026-11-26\nimage: {src: ram.png, alt: '', decorative: true}\n",
            "Text.\n\n![En blå ruta](bild.png \"Bildtext\")\n",
        ),
        "sources/2026/ram.png": png(),
        "sources/2026/bild.png": png(),
    })
    assert export("sources", "--now", NOW, "-q").exit_code == 0
    data = (project / "dist/2026/r/r.pdf").read_bytes()
    entry = releases(project / "dist")[0]
    assert check_pdf(data, expected_for(project / "dist", entry, project)) == []
    with pikepdf.open(project / "dist/2026/r/r.pdf") as doc:
        figures = []

        def walk(kids):
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    if kid.S == pikepdf.Name.Figure:
                        figures.append(str(kid.Alt))
                    if "/K" in kid:
                        walk(kid.K)

        walk(doc.Root.StructTreeRoot.K)
    assert figures == ["En blå ruta"], "the decorative image is an artifact, not a figure"


def test_an_unreadable_image_fails_the_release_with_its_line(project):
    write_tree(project, {
        "sources/2026/r.md": release("title: Rubrik\ndate: 2026-11-26\nimage: {src: trasig.png, alt: En bild}\n"),
        "sources/2026/trasig.png": b"\x89PNG\r\n\x1a\n this is not a picture",
    })
    run = export("sources", "--now", NOW, "-q", expect=1)
    assert len(run.problems) == 1 and run.problems[0] == ("sources/2026/r.md:4: error: image 'trasig.png' cannot be used: its content is not a "
                                                           "JPEG, PNG, GIF or WebP image; save it again as one")
    assert not (project / "dist/2026").exists()


def test_a_weasyprint_warning_fails_the_release(project, monkeypatch):
    import pipeline.render.pdf

    real = pipeline.render.pdf.weasyprint.HTML

    def with_missing_font(*args, string, **kwargs):
        string = string.replace("</head>", "<style>@font-face { font-family: X; src: url(nofont.woff2); } body { font-family: X; }</style></head>")
        return real(*args, string=string, **kwargs)

    monkeypatch.setattr(pipeline.render.pdf.weasyprint, "HTML", with_missing_font)
    write_tree(project, {"sources/2026/r.md": release("title: Rubrik\ndate: 2026-11-26\n")})
    run = export("sources", "--now", NOW, "-q", expect=1)
    assert run.problems == ["sources/2026/r.md:1: error: the PDF could not be made: Font-face 'X' cannot be loaded; fix the image, font or theme file it names"]
    assert not (project / "dist/2026").exists()


def test_pdf_layout_and_metadata(example_dist):
    seed = example_dist / "2026/halmstad-quality-mark/halmstad-quality-mark.pdf"
    with pikepdf.open(seed) as doc:
        box = [float(x) for x in doc.pages[0].MediaBox]
        assert [round(box[2]), round(box[3])] == [595, 842], "A4"
        info = doc.docinfo
        assert str(info["/Title"]) == "Halmstad har fått utmärkelsen ”Quality Mark”"
        assert str(info["/Author"]) == "Halmstads kommun"
        assert str(info["/Subject"]).startswith("Nu är det klart")
        assert str(info["/Keywords"]) == "Stadsutveckling, Samverkan"
        assert str(info["/Producer"]).startswith("press-pipeline ")
        with doc.open_outline() as outline:
            titles = [item.title for item in outline.root]
        assert titles[0] == "Halmstad har fått utmärkelsen ”Quality Mark”"
    text = subprocess.run(["pdftotext", "-layout", str(seed), "-"], capture_output=True, text=True, check=True).stdout
    first_page = text.split("\f")[0]
    assert first_page.lstrip().startswith("Halmstads kommun – pressrum"), "organisation at the head of page 1"
    assert "Sida 1 av 2" in first_page and "Sida 2 av 2" in text
    english = subprocess.run(
        ["pdftotext", str(example_dist / "2026/harbour-cycle-route/harbour-cycle-route.pdf"), "-"],
        capture_output=True, text=True, check=True,
    ).stdout
    assert "Page 1 of" in english
    library = subprocess.run(
        ["pdftotext", str(example_dist / "2026/bibliotekets-oppettider-jul/bibliotekets-oppettider-jul.pdf"), "-"],
        capture_output=True, text=True, check=True,
    ).stdout
    assert "(https://www.halmstad.se/bibliotek)" in " ".join(library.split()), "link targets visible on paper"


def test_a_broken_theme_stylesheet_fails_every_release(project):
    write_tree(project, {
        "themes/default/static/css/custom.css": "body { colour: red; }\n",
        **{f"sources/2026/r{n}.md": release(f"title: R{n}\ndate: 2026-11-0{n}\n") for n in (1, 2)},
    })
    run = export("sources", "--now", NOW, "-q", "-j", "1", expect=1)
    assert len([p for p in run.problems if "the PDF could not be made" in p and "colour" in p]) == 2, run.problems
