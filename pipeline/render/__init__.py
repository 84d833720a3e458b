"""The renderers: a Document (or the press room's list of them) in, Artifacts (bytes and a path) out.

Pages and listings (HTML, through the theme's templates), feeds (feedgen, in feeds.py alone), wire
text, NewsML-G2, ninjs, and the PDF (WeasyPrint, in pdf.py alone, finished as PDF/A and PDF/UA by
pdf_archive.py). What several formats say alike (a release's corrections, its contacts) is decided
once, in facts.py; each format keeps its own markup. A renderer writes nothing: it returns what
build.output writes.
"""
