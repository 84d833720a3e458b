"""Press photos: what is published of a raster image, made once and kept in the build cache.

Every raster image a release publishes (key image, body image, attachment) is published as its
original, cleaned of personal metadata. An image the page shows also gets web renditions, 640, 1280
and 1920 px wide and never wider than the original, in WebP and a fallback: JPEG for a photo, PNG for
a drawing or an image with transparency. The widest fallback is the print rendition the PDF uses:
1920 px is about 290 dpi across the 170 mm of an A4 page's text.

Privacy: a camera writes where and when a photo was taken, the camera's serial number and often its
owner's name, in EXIF, XMP, IPTC and maker data, and an EXIF thumbnail can show what a crop removed.
None of it is published. Renditions are made from the pixels alone; the original keeps only its
pixels, its colour profile and its orientation (turned into the pixels). A JPEG, PNG or WebP original
that needs no turning keeps its compressed pixels byte for byte: only metadata segments are dropped.
The credit, licence and caption (the key image's; the press room's licence for the others) are written
into every file as XMP (IPTC Photo Metadata), so they travel with it.

Pillow is the one library that reads and writes images here.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import struct
import time
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline.limits import strict_images
from pipeline.paths import file_href
from pipeline.render.sitemaps import xml_text
from pipeline.source.model import Site

WIDTHS = (640, 1280, 1920)
VERSION = "1"  # what is made changes with it: the cache then makes every photo again
RASTER = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif", ".webp": "image/webp",
          ".tif": "image/tiff", ".tiff": "image/tiff"}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
ORIENTATION = 0x0112


class PhotoFailed(Exception):
    """An image that cannot be published: the message says why."""


@dataclass(frozen=True, slots=True)
class Rendition:
    name: str  # its published name, beside the page: 'stadskarnan-1280.webp'
    width: int
    height: int
    media_type: str
    bytes: int


@dataclass(frozen=True, slots=True)
class Photo:
    """One raster image as it is published: the cleaned original, and its renditions if the page shows it."""

    name: str  # the original's published name, as the release names it
    width: int  # of the original, upright
    height: int
    media_type: str
    bytes: int  # of the cleaned original
    folder: Path  # in the build cache: the cleaned original and the renditions, under their published names
    renditions: tuple[Rendition, ...] = ()  # narrowest first, each width in WebP then in the fallback

    def path(self, name: str) -> Path:
        return self.folder / name

    @property
    def published(self) -> list[str]:
        """The names of every file published of it: the original, then the renditions."""
        return [self.name, *(r.name for r in self.renditions)]

    @property
    def fallback(self) -> list[Rendition]:
        """The renditions every browser shows (JPEG or PNG), narrowest first."""
        return [r for r in self.renditions if r.media_type != "image/webp"]

    def srcset(self, media_type: str, prefix: str = "") -> str:
        """'hamnen-640.webp 640w, …': the renditions of one type, by address (a comma in a name would split it)."""
        return ", ".join(f"{prefix}{file_href(r.name)} {r.width}w" for r in self.renditions if r.media_type == media_type)

    def widest(self, most: int = WIDTHS[-1]) -> Rendition | None:
        """The widest fallback rendition no wider than `most`: the print rendition by default. None for an image
        without renditions (an animation, or one the page does not show)."""
        fitting = [r for r in self.fallback if r.width <= most] or self.fallback[:1]
        return fitting[-1] if fitting else None


def is_raster(name: str) -> bool:
    return Path(name).suffix.lower() in RASTER


def logo_file(site: Site, cache: Path) -> Path | None:
    """The press room's logo as pages and PDFs show it: a raster one cleaned like any photo, an SVG as it is."""
    logo = site.logo.src if site.logo else None
    if logo is None or not is_raster(logo.name):
        return logo
    cleaned = photo(logo, logo.name, hashlib.sha256(logo.read_bytes()).hexdigest(), Credits(), False, "", cache,
                    site.limits.image_megapixels)
    return cleaned.path(cleaned.name)


def license_link(text: str | None) -> str | None:
    """The address of a licence named in `text`: one written in it, or a Creative Commons licence's deed
    ('CC BY 4.0' -> https://creativecommons.org/licenses/by/4.0/)."""
    if not text:
        return None
    if found := re.search(r"https?://[^\s<>\"]+[^\s<>\".,;:)]", text):
        return found[0]
    if re.search(r"\bCC0\b", text, re.I):
        return "https://creativecommons.org/publicdomain/zero/1.0/"
    if found := re.search(r"\bCC[ -]BY((?:-(?:NC|SA|ND))*)[ -]?(\d\.\d)\b", text, re.I):
        return f"https://creativecommons.org/licenses/by{found[1].lower()}/{found[2]}/"
    return None


@dataclass(frozen=True, slots=True)
class Credits:
    """What is written into the files' metadata."""

    credit: str | None = None
    license: str | None = None
    caption: str | None = None


def photo(source: Path, name: str, sha256: str, credits: Credits, shown: bool, stem: str, cache: Path,
          megapixels: int) -> Photo:
    """The published files of one image, from the cache or made now (PhotoFailed if it cannot be read)."""
    from PIL import __version__ as pillow

    key = hashlib.sha256(json.dumps([VERSION, pillow, sha256, name, stem, shown, asdict(credits)]).encode()).hexdigest()
    folder = cache / key[:40]
    if (known := _cached(folder)) is not None:
        return known
    made = _make(source, name, credits, shown, stem, megapixels)
    scratch = cache / f".{key[:40]}.{os.getpid()}"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    for file_name, data in made.files.items():
        (scratch / file_name).write_bytes(data)
    record = {"name": name, "width": made.width, "height": made.height, "media_type": made.media_type,
              "bytes": len(made.files[name]), "renditions": [asdict(r) for r in made.renditions]}
    (scratch / "photo.json").write_text(json.dumps(record), "utf-8")
    try:
        os.rename(scratch, folder)  # whole or not at all: a crash leaves a scratch folder, never half a photo
    except OSError:
        if _cached(folder) is not None:  # made meanwhile by another process (press serve, press mail): theirs is ours
            shutil.rmtree(scratch, ignore_errors=True)
        else:  # left damaged
            shutil.rmtree(folder, ignore_errors=True)
            os.rename(scratch, folder)
    return Photo(**{**record, "folder": folder, "renditions": made.renditions})


def _cached(folder: Path) -> Photo | None:
    """The photo the cache holds in `folder`, if every file of it is there; its use is marked (see prune)."""
    try:
        known = json.loads((folder / "photo.json").read_text("utf-8"))
        found = Photo(**{**known, "folder": folder, "renditions": tuple(Rendition(**r) for r in known["renditions"])})
        if not all((folder / name).is_file() for name in found.published):
            return None
        os.utime(folder)
        return found
    except (OSError, ValueError, TypeError, KeyError):
        return None


def prune(cache: Path, days: int = 30) -> None:
    """Forget photos no export has used for `days` (an edited caption or credit leaves the old files behind), and
    the scratch folders of makers that were killed."""
    now = time.time()
    try:
        folders = list(os.scandir(cache))
    except OSError:
        return
    for entry in folders:
        try:
            age = now - entry.stat().st_mtime
        except OSError:
            continue
        if age > days * 86400 or (entry.name.startswith(".") and age > 3600):
            shutil.rmtree(entry.path, ignore_errors=True)


@dataclass(slots=True)
class _Made:
    width: int
    height: int
    media_type: str
    files: dict[str, bytes]
    renditions: tuple[Rendition, ...]


def _make(source: Path, name: str, credits: Credits, shown: bool, stem: str, megapixels: int) -> _Made:
    from PIL import Image, ImageOps, UnidentifiedImageError

    data = source.read_bytes()
    try:
        with strict_images(), Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > megapixels * 1_000_000:
                raise PhotoFailed(f"it is {image.width} × {image.height} pixels, more than the {megapixels} megapixels "
                                  "an image may have; make it smaller, or raise 'limits: {image_megapixels: …}' in site.yaml")
            orientation = image.getexif().get(ORIENTATION, 1)
            # A phone's JPEG holding a second picture (MPO: a depth map, a preview) is a JPEG, not an animation,
            # and a TIFF's pages (a scan, a thumbnail) are pages.
            media_type = "image/jpeg" if image.format == "MPO" else Image.MIME.get(image.format or "", "")
            animated = getattr(image, "n_frames", 1) > 1 and media_type in ("image/gif", "image/png", "image/webp")
            xmp = _xmp(credits)
            original = _stripped(data, media_type, xmp) if orientation in (1, None) and not animated else None
            if original is None:
                original = _saved_upright(image, media_type, xmp, animated)
            upright = ImageOps.exif_transpose(image) if not animated else image
            width, height = upright.size
            renditions: dict[str, tuple[Rendition, bytes]] = {}
            if shown and not animated:
                renditions = _renditions(upright, media_type, stem, xmp)
    except PhotoFailed:
        raise
    except UnidentifiedImageError as exc:
        raise PhotoFailed("its content is not a JPEG, PNG, GIF, WebP or TIFF image; save it again as one") from exc
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        why = str(exc).split(" (")[0] or type(exc).__name__
        raise PhotoFailed("the file is incomplete; copy it again from where it came from" if "truncated" in why
                          else f"{why}; save it again as JPEG, PNG, GIF or WebP") from exc
    files = {name: original} | {r.name: b for r, b in renditions.values()}
    return _Made(width, height, media_type, files, tuple(r for r, _ in renditions.values()))


def _renditions(image, media_type: str, stem: str, xmp: bytes) -> dict[str, tuple[Rendition, bytes]]:
    """Each width in WebP and in the fallback, narrowest first."""
    from PIL import Image

    alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    drawing = media_type == "image/gif" or (media_type == "image/png" and _few_colours(image))
    fallback = "image/png" if alpha or drawing else "image/jpeg"
    pixels, icc = _in_rgb(image, alpha)
    pixels.info = {}  # nothing of the original's metadata (Pillow writes a JPEG's comment again)
    out = {}
    for width in sorted({min(w, image.width) for w in WIDTHS}):
        height = max(1, round(image.height * width / image.width))
        scaled = pixels if width == image.width else pixels.resize((width, height), Image.LANCZOS, reducing_gap=3.0)
        for kind in ("image/webp", fallback):
            buffer = io.BytesIO()
            if kind == "image/webp":
                options = {"lossless": True, "method": 4} if drawing else {"quality": 80, "method": 4}
                scaled.save(buffer, "WEBP", xmp=xmp, icc_profile=icc, exact=False, **options)
            elif kind == "image/jpeg":
                scaled.save(buffer, "JPEG", quality=82, optimize=True, progressive=True, xmp=xmp, icc_profile=icc,
                            comment=b"")
            else:
                scaled.save(buffer, "PNG", pnginfo=_png_xmp(xmp), icc_profile=icc)
            rendition_name = f"{stem}-{width}.{EXTENSIONS[kind]}"
            out[rendition_name] = (Rendition(rendition_name, width, height, kind, buffer.tell()), buffer.getvalue())
    return out


def _few_colours(image) -> bool:
    """Whether an image is a drawing (a chart, a logo, an illustration: a few thousand colours at most, kept sharp
    in PNG and lossless WebP) rather than a photo saved as PNG (tens of thousands: JPEG and lossy WebP, a tenth of
    the size). Counted in the pixels as they are: scaling down would blend a drawing's edges into new colours."""
    return image.mode in ("1", "P", "PA") or image.convert("RGB").getcolors(4096) is not None


def _in_rgb(image, alpha: bool):
    """The pixels in RGB(A), and the colour profile they are in: a CMYK photo is turned into sRGB through its own
    profile (a plain conversion shifts its colours), and keeps no profile."""
    from PIL import ImageCms

    icc = image.info.get("icc_profile")
    if image.mode == "CMYK" and icc:
        try:
            cmyk = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(image, cmyk, ImageCms.createProfile("sRGB"), outputMode="RGB"), None
        except (ImageCms.PyCMSError, OSError):
            pass
    return image.convert("RGBA" if alpha else "RGB"), icc if image.mode in ("RGB", "RGBA") else None


def _saved_upright(image, media_type: str, xmp: bytes, animated: bool) -> bytes:
    """The original saved again from its pixels alone, turned upright: for an image whose orientation is only
    said in its metadata, and for formats whose metadata is not dropped byte for byte (GIF, TIFF)."""
    from PIL import ImageOps, JpegImagePlugin

    from PIL import ImageSequence

    buffer = io.BytesIO()
    if animated:  # every frame, with nothing but its timing
        frames = image
        frames.info = {k: v for k, v in image.info.items() if k in ("duration", "loop", "transparency", "background")}
        frames.save(buffer, image.format, save_all=True, comment=b"")
        return buffer.getvalue()
    if media_type == "image/tiff":  # every page, each a copy of its pixels alone: TIFF tags would carry XMP and IPTC
        pages = [page.copy() for page in ImageSequence.Iterator(image)]
        for page in pages:
            page.info = {}
        pages[0].save(buffer, "TIFF", compression="tiff_adobe_deflate", save_all=True, append_images=pages[1:])
        return buffer.getvalue()
    icc = image.info.get("icc_profile")
    upright = ImageOps.exif_transpose(image).copy()
    upright.info = {k: v for k, v in image.info.items() if k in ("transparency", "background")}
    if media_type == "image/jpeg":  # its own quantisation tables: as near the original as a new JPEG comes
        upright.save(buffer, "JPEG", qtables=getattr(image, "quantization", None) or None,
                     subsampling=JpegImagePlugin.get_sampling(image) if image.format in ("JPEG", "MPO") else -1,
                     xmp=xmp, icc_profile=icc, optimize=True, comment=b"")
    elif media_type == "image/png":
        upright.save(buffer, "PNG", pnginfo=_png_xmp(xmp), icc_profile=icc)
    elif media_type == "image/webp":
        lossless = image.info.get("lossless") or getattr(image, "_lossless", False)
        upright.save(buffer, "WEBP", lossless=bool(lossless), quality=92, xmp=xmp, icc_profile=icc)
    else:
        upright.save(buffer, "GIF", comment=b"")
    return buffer.getvalue()


def _stripped(data: bytes, media_type: str, xmp: bytes) -> bytes | None:
    """The file with its metadata dropped and `xmp` put in, its compressed pixels untouched; None for a
    format that is saved again instead."""
    strip = {"image/jpeg": _jpeg_stripped, "image/png": _png_stripped, "image/webp": _webp_stripped}.get(media_type)
    try:
        return strip(data, xmp) if strip else None
    except (ValueError, IndexError, struct.error):  # a structure we do not follow: saved again from its pixels
        return None


def _jpeg_stripped(data: bytes, xmp: bytes) -> bytes:
    """JFIF (APP0), the colour profile (APP2 ICC_PROFILE) and Adobe's colour marker (APP14) are kept; every
    other APPn (EXIF, XMP, IPTC, maker data, multi-picture), every comment, and anything after the image's
    end (a phone's second image) are dropped."""
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    out = [b"\xff\xd8"]
    payload = b"http://ns.adobe.com/xap/1.0/\0" + xmp
    ours = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload if xmp else b""
    i = 2
    while True:
        if data[i] != 0xFF:
            raise ValueError("not a marker")
        marker = data[i + 1]
        if marker == 0xFF:  # fill
            i += 1
            continue
        if marker == 0xD9:
            out.append(b"\xff\xd9")
            return b"".join(out)
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            out.append(data[i:i + 2])
            i += 2
            continue
        end = i + 2 + struct.unpack(">H", data[i + 2:i + 4])[0]
        segment = data[i:end]
        metadata = 0xE0 <= marker <= 0xEF or marker == 0xFE
        if marker == 0xE0 and segment[4:9] == b"JFIF\0":  # its own thumbnail, if any, dropped: 0 × 0
            segment = b"\xff\xe0\x00\x10" + segment[4:16] + b"\x00\x00"
        kept = (marker == 0xE0 and segment[4:9] == b"JFIF\0") or (marker == 0xE2 and segment[4:16] == b"ICC_PROFILE\0") \
            or (marker == 0xEE and segment[4:9] == b"Adobe")
        if ours and marker != 0xE0:  # after JFIF's APP0, which comes first
            out.append(ours)
            ours = b""
        if not metadata or kept:
            out.append(segment)
        i = end
        if marker == 0xDA:  # the scan: its coded data runs to the next marker that is not a restart or stuffing
            j = i
            while True:
                j = data.index(b"\xff", j)
                if data[j + 1] == 0 or 0xD0 <= data[j + 1] <= 0xD7 or data[j + 1] == 0xFF:
                    j += 1
                    continue
                break
            out.append(data[i:j])
            i = j


_PNG_KEPT = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"bKGD", b"pHYs",
             b"cICP", b"acTL", b"fcTL", b"fdAT"}


def _png_stripped(data: bytes, xmp: bytes) -> bytes:
    """The chunks that say how to draw the pixels are kept; text, EXIF, time and private chunks are dropped."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    out, i, placed = [data[:8]], 8, not xmp
    while i < len(data):
        length, kind = struct.unpack(">I4s", data[i:i + 8])
        end = i + 12 + length
        if kind == b"IDAT" and not placed:
            out.append(_png_chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0" + xmp))
            placed = True
        if kind in _PNG_KEPT:
            out.append(data[i:end])
        i = end
        if kind == b"IEND":
            return b"".join(out)
    raise ValueError("no IEND")


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def _webp_stripped(data: bytes, xmp: bytes) -> bytes:
    """The EXIF and XMP chunks are dropped (and their flags); `xmp` is put in where the file has room for it."""
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ValueError("not a WebP")
    chunks, i, end = [], 12, min(len(data), 8 + struct.unpack("<I", data[4:8])[0])
    while i + 8 <= end:  # what follows the RIFF container is no part of the image
        kind, size = struct.unpack("<4sI", data[i:i + 8])
        chunks.append([kind, bytearray(data[i + 8:i + 8 + size])])
        i += 8 + size + (size & 1)
    chunks = [c for c in chunks if c[0] not in (b"EXIF", b"XMP ")]
    if chunks and chunks[0][0] == b"VP8X":
        chunks[0][1][0] &= ~0x0C & 0xFF
        if xmp:
            chunks[0][1][0] |= 0x04
            chunks.append([b"XMP ", bytearray(xmp)])
    body = b"".join(kind + struct.pack("<I", len(payload)) + bytes(payload) + b"\0" * (len(payload) & 1)
                    for kind, payload in chunks)
    return b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + body


def _png_xmp(xmp: bytes):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    if xmp:
        info.add_itxt("XML:com.adobe.xmp", xmp.decode("utf-8"))
    return info


def _xmp(credits: Credits) -> bytes:
    """An XMP packet with the credit line, the licence (its terms and address) and the caption; empty without them."""
    lines = []
    if credits.credit:
        lines.append(f"   <photoshop:Credit>{xml_text(credits.credit)}</photoshop:Credit>")
    if credits.caption:
        lines.append(f'   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{xml_text(credits.caption)}</rdf:li>'
                     "</rdf:Alt></dc:description>")
    if credits.license:
        lines.append(f'   <xmpRights:UsageTerms><rdf:Alt><rdf:li xml:lang="x-default">{xml_text(credits.license)}</rdf:li>'
                     "</rdf:Alt></xmpRights:UsageTerms>")
        if link := license_link(credits.license):
            lines.append(f"   <xmpRights:WebStatement>{xml_text(link)}</xmpRights:WebStatement>")
    if not lines:
        return b""
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            '  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
            ' xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/">\n'
            + "\n".join(lines) + "\n  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n"
            '<?xpacket end="r"?>').encode("utf-8")
