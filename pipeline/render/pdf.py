"""The only module that imports WeasyPrint: the release page, through the print stylesheet, to PDF."""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import os
from pathlib import Path
from urllib.parse import unquote

import pikepdf
import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from pipeline import __version__
from pipeline.render.artifact import Artifact
from pipeline.render.fonts import signature as _signature
from pipeline.render.pdf_archive import archival
from pipeline.render.printjob import NO_SYSTEM_FONTS, Embedded, content
from pipeline.problems import ContentError, Problem

LOGGER = logging.getLogger("weasyprint")
PRODUCER = f"press-pipeline {__version__} (WeasyPrint {weasyprint.__version__}, pikepdf {pikepdf.__version__})"
# Performance advice about the font subsetter, not a problem with the output.
_HARMLESS = ("Using fontTools instead of HarfBuzz-Subset",)


class AllowListFetcher(URLFetcher):
    """Serves exactly the files the page needs, by public URL; refuses everything else.

    The page is rendered with its public URL as base, so links in the PDF are the
    published addresses, and no request can reach a file or host outside this list.
    """

    def __init__(self, files: dict[str, Path | bytes]):
        super().__init__()
        self.files = files

    def fetch(self, url, headers=None):
        file = self.files.get(url.split("#")[0])
        if file is None:
            raise ValueError(f"refused: {url} is not a file of this release or theme")
        name = file.name if isinstance(file, Path) else unquote(url.split("#")[0].rsplit("/", 1)[-1])
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=content(file), headers={"Content-Type": mime})


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        message = record.getMessage()
        if not message.startswith(_HARMLESS):
            self.messages.append(message)


_THEMES: dict[tuple, tuple] = {}


def _theme_styles(stylesheets: tuple[str, ...], theme_files: dict[str, Path | bytes], font_list: str = ""):
    """The theme's print stylesheets and fonts, parsed and loaded once per process, not once per PDF.

    Known by what the files hold, not only their names: a long-lived process (a preview, a library
    caller) prints with the stylesheets as they are now. The stylesheets' text is compared; the
    fonts, which can be large, by size and time of change (or, carried in the job, by their digest). A page
    in another script loads its fonts besides: a few such sets are kept, so that releases in two languages
    do not take turns loading.
    """
    texts = {url: content(theme_files[url]) for url in stylesheets}
    key = (tuple(texts.items()), font_list, tuple(sorted((url, _known_by(file)) for url, file in theme_files.items()
                                              if url.rsplit(".", 1)[-1].lower() in _FONT_SUFFIXES)))
    if key not in _THEMES:
        if len(_THEMES) >= 4:
            del _THEMES[next(iter(_THEMES))]
        # Warnings about the theme (a bad property, a font that will not load) belong to every PDF
        # made with it, not only to the first one a process renders.
        collect = _Collect()
        LOGGER.addHandler(collect)
        try:
            fonts = _font_configuration()
            fetcher = AllowListFetcher(theme_files)
            sheets = []
            for url in stylesheets:
                sheets.append(weasyprint.CSS(string=texts[url].decode("utf-8"), base_url=url, url_fetcher=fetcher,
                                             font_config=fonts))
                if url.endswith("/css/site.css") and font_list:  # the theme's rules, then its own (custom.css)
                    sheets.append(weasyprint.CSS(string=font_list, url_fetcher=fetcher, font_config=fonts))
        finally:
            LOGGER.removeHandler(collect)
        _THEMES[key] = (fonts, sheets, tuple(collect.messages))
    return _THEMES[key]


_FONT_SUFFIXES = {"ttf", "otf", "woff", "woff2", "ttc"}


def _known_by(file: Path | bytes) -> tuple:
    return ("sha256", hashlib.sha256(file).digest()) if isinstance(file, bytes) else _signature(file)


def _font_configuration() -> FontConfiguration:
    """WeasyPrint's font configuration, made from an empty Fontconfig one: only @font-face fonts are in it."""
    before = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(NO_SYSTEM_FONTS)  # read once, as the configuration is made
    try:
        return FontConfiguration()
    finally:
        if before is None:
            del os.environ["FONTCONFIG_FILE"]
        else:
            os.environ["FONTCONFIG_FILE"] = before


def render_pdf(
    html: str, base_url: str, files: dict[str, Path | bytes], path: str, source: Path, embedded: list[Embedded],
    stylesheets: tuple[str, ...], theme_files: dict[str, Path | bytes], font_list: str = "",
) -> tuple[Artifact, int]:
    """Render one release page to (PDF, number of pages); any WeasyPrint warning (a missing image or font) fails it.

    `files` maps the public URLs the page may load to files (or their bytes); `stylesheets` are the public URLs
    of the theme's print stylesheets, which the printable page does not link, among `theme_files`; `font_list`
    names the fonts of the page's scripts.
    """
    fonts, sheets, theme_warnings = _theme_styles(stylesheets, theme_files, font_list)
    collect = _Collect()
    collect.messages += theme_warnings
    LOGGER.addHandler(collect)
    try:
        options = {"pdf_variant": "pdf/a-3u", "pdf_tags": True}
        html_doc = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=AllowListFetcher(files))
        document = html_doc.render(stylesheets=sheets, font_config=fonts, **options)
        data = document.write_pdf(**options)
    finally:
        LOGGER.removeHandler(collect)
    if collect.messages:
        raise ContentError(
            [Problem(source, 1, "error", f"the PDF could not be made: {m}; fix the image, font or theme file it names") for m in collect.messages]
        )
    return Artifact(path, archival(data, PRODUCER, embedded), "pdf"), len(document.pages)
