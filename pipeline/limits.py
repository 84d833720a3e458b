"""How much one release may ask of the machine: far above any real press release, a clear error beyond.

A hostile or broken source (a 20 MB body, a list nested 5,000 deep, a 20,000 × 20,000 pixel
image in a 1 MB file) would otherwise hold every other release back, or take the machine's memory.
A press room may set the limits in site.yaml (`limits:`), e.g. for a longer time on a slow machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

PANDOC_MEGABYTES = 1500  # pandoc's heap, for a batch of bodies
PDF_MEGABYTES = 3000  # a PDF worker's address space


@dataclass(frozen=True, slots=True)
class Limits:
    release_megabytes: int = 2  # a release's source file; a long release is some 20 kB
    file_megabytes: int = 500  # an image or attachment
    image_megapixels: int = 120  # an image's width × height: a 100-megapixel camera's photo fits
    nesting: int = 30  # lists, quotes and notes inside each other
    pandoc_seconds: int = 60  # one pandoc run, for a batch of bodies or, on retry, for one
    pdf_seconds: int = 180  # making one release's PDF

    @property
    def release_bytes(self) -> int:
        return self.release_megabytes * 1_000_000

    @property
    def file_bytes(self) -> int:
        return self.file_megabytes * 1_000_000

    @property
    def image_pixels(self) -> int:
        return self.image_megapixels * 1_000_000


# What site.yaml may set, with the range each may take.
SETTABLE = {
    "release_megabytes": (1, 100), "file_megabytes": (1, 10_000), "image_megapixels": (1, 1000),
    "nesting": (5, 200), "pandoc_seconds": (5, 3600), "pdf_seconds": (10, 3600),
}


@contextmanager
def strict_images() -> Iterator[None]:
    """Pillow set to refuse a truncated image while it reads one of ours: WeasyPrint, once imported in a
    process, makes Pillow accept one silently, with its missing part drawn grey. Every reader of our images
    checks their size against `image_megapixels` before it decodes them."""
    from PIL import Image, ImageFile

    # Nor does Pillow's own bomb guard stop us from reading an image's size: ours says it, from the header alone,
    # before any pixel is decoded.
    before = ImageFile.LOAD_TRUNCATED_IMAGES, Image.MAX_IMAGE_PIXELS
    ImageFile.LOAD_TRUNCATED_IMAGES, Image.MAX_IMAGE_PIXELS = False, None
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES, Image.MAX_IMAGE_PIXELS = before
