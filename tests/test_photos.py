"""Press photos as a journalist and a photographer's subject meet them: sizes for every screen, an original to
download with its credit and licence, and nothing of where or with what camera a photo was taken."""

from __future__ import annotations

import io
import json
import re
import subprocess

import feedparser
import pytest
from lxml import html
from PIL import Image

from conftest import SITE, export, press, release, write_tree

NOW = "2026-11-26T12:00:00+01:00"
GPS_IFD, ORIENTATION, MAKE = 0x8825, 0x0112, 0x010F


def camera_photo(width: int, height: int, orientation: int = 1, quality: int = 90, noisy: bool = False) -> bytes:
    """A JPEG as a phone writes it: where it was taken (GPS), the camera, its owner, a comment, and the
    orientation in EXIF rather than in the pixels (6: turn 90° clockwise to show it)."""
    base = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    if noisy:  # as costly to compress as a real photo
        base = Image.blend(base, Image.effect_noise((width, height), 60).convert("RGB"), 0.5)
    exif = Image.Exif()
    exif[MAKE] = "Telefonmärket"
    exif[0x0110] = "Modell X"
    exif[0x013B] = "Ägarens Namn"
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (56.0, 40.0, 12.5), 3: "E", 4: (12.0, 51.0, 30.0)})
    out = io.BytesIO()
    base.save(out, "JPEG", quality=quality, exif=exif, comment=b"Kvarteret Bryggan 7")
    return out.getvalue()


def drawing_with_text() -> bytes:
    """A PNG whose text chunks name its author and a place."""
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Ägarens Namn")
    info.add_text("Location", "Kvarteret Bryggan 7")
    out = io.BytesIO()
    Image.new("RGB", (900, 600), (0, 82, 143)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


PHOTO_RELEASE = release(
    "title: Ny bro över Nissan\ndate: 2026-11-26T09:00:00+01:00\nlead: En bro för gående.\n"
    "image: {src: bro.jpg, alt: Bron en vinterdag, caption: Den nya bron., credit: 'Foto: Anna Berg', license: CC BY 4.0}\n",
    "Bron öppnar i dag.\n\n![Karta över bron](karta.png \"Kartan\")\n\nHär är [originalbilden](bro.jpg).\n",
)
PRIVATE = [b"Telefonm\xc3\xa4rket", "Telefonmärket".encode("utf-16-be"), b"Modell X", b"Kvarteret Bryggan", "Ägarens".encode(),
           b"GPS"]


@pytest.fixture(scope="module")
def photo_room(tmp_path_factory):
    folder = tmp_path_factory.mktemp("photos")
    write_tree(folder, {
        "sources/site.yaml": SITE + "images:\n  license: Fri att använda i redaktionellt sammanhang med angiven fotograf\n",
        "sources/2026/2026-11-26-bro.md": PHOTO_RELEASE,
        "sources/2026/bro.jpg": camera_photo(4000, 3000, orientation=6),
        "sources/2026/karta.png": drawing_with_text(),
    })
    export(f"{folder}/sources", "-o", f"{folder}/dist", "--now", NOW, "-q")
    return folder / "dist"


def published_images(dist):
    return [p for p in dist.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp", ".gif")]


def xmp_of(path) -> str:
    with Image.open(path) as image:
        xmp = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp") or b""
    return xmp.decode("utf-8") if isinstance(xmp, bytes) else xmp


def test_renditions_in_every_size_and_format_never_wider_than_the_original(photo_room):
    folder = photo_room / "2026/bro"
    sizes = {}
    for path in sorted(p for p in folder.glob("*-*.*") if p.suffix in (".webp", ".jpg", ".png")):
        with Image.open(path) as image:
            sizes[path.name] = (image.format, image.size)
    # The photo stands upright (3000 × 4000 once turned); the drawing is 900 px wide: no rendition is wider.
    assert sizes == {
        "bro-640.webp": ("WEBP", (640, 853)), "bro-640.jpg": ("JPEG", (640, 853)),
        "bro-1280.webp": ("WEBP", (1280, 1707)), "bro-1280.jpg": ("JPEG", (1280, 1707)),
        "bro-1920.webp": ("WEBP", (1920, 2560)), "bro-1920.jpg": ("JPEG", (1920, 2560)),
        "karta-640.webp": ("WEBP", (640, 427)), "karta-640.png": ("PNG", (640, 427)),
        "karta-900.webp": ("WEBP", (900, 600)), "karta-900.png": ("PNG", (900, 600)),
    }
    page = html.fromstring((folder / "index.html").read_bytes())
    key = page.xpath("//figure[@class='key-image']//picture")[0]
    assert key.xpath("./source/@type") == ["image/webp"]
    assert key.xpath("./source/@srcset")[0] == "bro-640.webp 640w, bro-1280.webp 1280w, bro-1920.webp 1920w"
    img = key.xpath(".//img")[0]  # (lxml nests it in the <source>, which it does not know is void)
    assert img.get("srcset") == "bro-640.jpg 640w, bro-1280.jpg 1280w, bro-1920.jpg 1920w" and img.get("sizes")
    assert (img.get("width"), img.get("height")) == ("1280", "1707"), "the browser keeps the room before it loads"
    body = page.xpath("//div[@class='body']//picture//img")[0]
    assert body.get("srcset") == "karta-640.png 640w, karta-900.png 900w" and body.get("alt") == "Karta över bron"


def test_no_published_image_says_where_or_with_what_it_was_taken(photo_room):
    images = published_images(photo_room)
    assert len(images) == 12  # the two originals and ten renditions
    for path in images:
        data = path.read_bytes()
        with Image.open(path) as image:
            exif = image.getexif()
            assert not exif.get_ifd(GPS_IFD) and MAKE not in exif and ORIENTATION not in exif, path.name
            assert not any(k in image.info for k in ("comment", "Author", "Location")), (path.name, image.info.keys())
        assert not any(secret in data for secret in PRIVATE), path.name
    original = photo_room / "2026/bro/bro.jpg"
    with Image.open(original) as image:
        assert image.size == (3000, 4000), "the orientation is turned into the pixels, as the camera meant it"


def test_credit_and_licence_travel_in_every_rendition(photo_room):
    for path in (photo_room / "2026/bro").glob("bro*.[jw]*[gp]"):  # bro.jpg, bro-640.webp, …
        xmp = xmp_of(path)
        assert "<photoshop:Credit>Foto: Anna Berg</photoshop:Credit>" in xmp, path.name
        assert "CC BY 4.0" in xmp and "https://creativecommons.org/licenses/by/4.0/" in xmp, path.name
        assert "Den nya bron." in xmp, path.name
    assert "Fri att använda i redaktionellt sammanhang" in xmp_of(photo_room / "2026/bro/karta-900.png"), \
        "an image without a licence of its own has the press room's"


def test_the_page_offers_each_original_with_its_size_credit_and_licence(photo_room):
    page = html.fromstring((photo_room / "2026/bro/index.html").read_bytes())
    items = page.xpath("//section[@class='photos']//li")
    assert len(items) == 2
    key = re.sub(r"[ \n]+", " ", items[0].text_content()).strip()
    size = (photo_room / "2026/bro/bro.jpg").stat().st_size
    assert key.startswith(f"Den nya bron. Original, JPEG, 3\u00a0000 × 4\u00a0000 pixlar, {round(size / 1000)} kB"), key
    assert "Foto: Anna Berg" in key
    link = items[0].xpath(".//a[@download]")[0]
    assert link.get("href") == "bro.jpg" and link.get("type") == "image/jpeg"
    assert items[0].xpath(".//a[@rel='license']/@href") == ["https://creativecommons.org/licenses/by/4.0/"]
    assert "Fri att använda" in items[1].text_content()


def test_the_pdf_prints_the_print_rendition_not_a_20_megabyte_original(tmp_path):
    photo = camera_photo(6000, 4000, quality=97, noisy=True)
    assert len(photo) > 15_000_000
    write_tree(tmp_path, {
        "sources/site.yaml": SITE,
        "sources/2026/2026-11-26-bro.md": release("title: Bron\ndate: 2026-11-26\nimage: {src: bro.jpg, alt: Bron}\n"),
        "sources/2026/bro.jpg": photo,
    })
    export(f"{tmp_path}/sources", "-o", f"{tmp_path}/dist", "--now", NOW, "-q")
    pdf = tmp_path / "dist/2026/bro/bro.pdf"
    assert pdf.stat().st_size < 3_000_000, pdf.stat().st_size
    listed = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    widths = {int(line.split()[3]) for line in listed.splitlines()[2:] if line.split()[2] == "image"}
    assert widths == {1920}, listed


def test_listings_show_the_key_image_and_feeds_enclose_a_rendition(photo_room):
    index = html.fromstring((photo_room / "index.html").read_bytes())
    thumb = index.xpath("//ol[@class='release-list']/li//img")[0]
    assert thumb.get("src") == "2026/bro/bro-640.jpg" and thumb.get("alt") == ""
    assert "2026/bro/bro-1920.jpg 1920w" in thumb.get("srcset")
    feed = feedparser.parse((photo_room / "feed.rss").read_bytes())
    enclosure = feed.entries[0].enclosures[0]
    assert enclosure.href == "https://press.example.org/2026/bro/bro-1280.jpg"
    assert int(enclosure.length) == (photo_room / "2026/bro/bro-1280.jpg").stat().st_size
    manifest = json.loads((photo_room / "manifest.json").read_text("utf-8"))
    og = html.fromstring((photo_room / "2026/bro/index.html").read_bytes()).xpath("//meta[@property='og:image']/@content")
    assert og == ["https://press.example.org/2026/bro/bro-1280.jpg"]
    assert manifest["releases"][0]["image"]["renditions"][-1]["path"] == "2026/bro/bro-1920.jpg"


def test_an_upright_jpeg_keeps_its_compressed_pixels_byte_for_byte(tmp_path):
    photo = camera_photo(1000, 700)
    write_tree(tmp_path, {
        "sources/site.yaml": SITE,
        "sources/2026/2026-11-26-bro.md": release("title: Bron\ndate: 2026-11-26\nimage: {src: bro.jpg, alt: Bron}\n"),
        "sources/2026/bro.jpg": photo,
    })
    export(f"{tmp_path}/sources", "-o", f"{tmp_path}/dist", "--now", NOW, "-q")
    published = (tmp_path / "dist/2026/bro/bro.jpg").read_bytes()

    def scan(data: bytes) -> bytes:  # from the start of the scan: the coded pixels
        return data[data.index(b"\xff\xda"):]

    assert scan(published) == scan(photo) and len(published) < len(photo)
    assert not any(secret in published for secret in PRIVATE)


def test_a_broken_photo_fails_its_release_alone_with_one_message(project):
    write_tree(project, {
        "sources/2026/2026-11-26-bro.md": release("title: Bron\ndate: 2026-11-26\nimage: {src: bro.jpg, alt: Bron}\n"),
        "sources/2026/bro.jpg": camera_photo(800, 600)[:4000],
        "sources/2026/2026-11-26-annan.md": release("title: Annan\ndate: 2026-11-26\n"),
    })
    run = export("sources", "--now", NOW, expect=1)
    assert len(run.problems) == 1, run.stderr
    assert run.problems[0] == ("sources/2026/2026-11-26-bro.md:4: error: image 'bro.jpg' cannot be used: the file is "
                               "incomplete; copy it again from where it came from"), run.problems
    assert (project / "dist/2026/annan/index.html").is_file() and not (project / "dist/2026/bro").exists()
    assert "Traceback" not in run.stderr


def test_press_verify_accepts_what_was_published(photo_room):
    press("verify", str(photo_room), "-q")


def test_press_verify_finds_an_image_that_tells_where_it_was_taken(photo_room, tmp_path):
    import hashlib
    import shutil

    copy = tmp_path / "dist"
    shutil.copytree(photo_room, copy)
    leaked = camera_photo(640, 853)
    (copy / "2026/bro/bro-640.jpg").write_bytes(leaked)  # as if written by something else than the export
    manifest = (copy / "manifest.json").read_text("utf-8")
    old = hashlib.sha256((photo_room / "2026/bro/bro-640.jpg").read_bytes()).hexdigest()
    (copy / "manifest.json").write_text(manifest.replace(old, hashlib.sha256(leaked).hexdigest()), "utf-8")
    run = press("verify", str(copy), expect=1)
    assert [line.split(f"{copy.name}/", 1)[1] for line in run.stdout.splitlines()] == [
        "2026/bro/bro-640.jpg: the image tells where it was taken (GPS) and the camera, its owner or the "
        "time it was taken (EXIF) and a comment, IPTC data or a second picture, which the export never publishes; "
        "export again, and report it if it persists"]


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (120, 80), colour).convert("P") for colour in ("red", "green", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=200, loop=0, comment=b"Kvarteret Bryggan 7")
    return out.getvalue()


def tiff_pages_with_xmp() -> bytes:
    """A two-page TIFF (a scan and its thumbnail) whose tags say where it was made."""
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>56,40.2N</exif:GPSLatitude></x:xmpmeta>'
    pages = [Image.new("RGB", (300, 200), "white"), Image.new("RGB", (60, 40), "white")]
    out = io.BytesIO()
    pages[0].save(out, "TIFF", save_all=True, append_images=pages[1:], tiffinfo={700: xmp, 305: "Ägarens Namn"})
    return out.getvalue()


def test_every_kind_of_image_is_published_clean_and_a_page_shows_each(tmp_path):
    """An animation as key image (shown as it is, no sizes), a TIFF attachment of two pages, a name with a space
    and a comma, and a JPEG logo: nothing of what they carried is published, in dist/ or in the PDF."""
    write_tree(tmp_path, {
        "sources/site.yaml": SITE + "logo: {src: media/logo.jpg, alt: Testkommunen}\n",
        "sources/media/logo.jpg": camera_photo(96, 96),
        "sources/2026/2026-11-26-bro.md": release(
            "title: Bron\ndate: 2026-11-26\nimage: {src: bro.gif, alt: Bron blinkar}\n"
            "attachments: [{src: skanning.tif, title: Skanningen}]\n",
            "![Bron i kväll](Bron i kväll, 2.jpg)\n"),
        "sources/2026/bro.gif": animated_gif(),
        "sources/2026/skanning.tif": tiff_pages_with_xmp(),
        "sources/2026/Bron i kväll, 2.jpg": camera_photo(800, 600, orientation=3),
    })
    export(f"{tmp_path}/sources", "-o", f"{tmp_path}/dist", "--now", NOW, "-q")
    dist = tmp_path / "dist"
    with Image.open(dist / "2026/bro/bro.gif") as gif:
        assert gif.n_frames == 3 and "comment" not in gif.info
    with Image.open(dist / "2026/bro/skanning.tif") as tif:
        assert tif.n_frames == 2 and 700 not in tif.tag_v2 and 305 not in tif.tag_v2
    page = html.fromstring((dist / "2026/bro/index.html").read_bytes())
    assert page.xpath("//figure[@class='key-image']/img/@src") == ["bro.gif"]
    body = page.xpath("//div[@class='body']//picture//img")[0]
    assert body.get("srcset").startswith("Bron%20i%20kv%C3%A4ll%2C%202-640.jpg 640w, ")
    for path in published_images(dist) + [dist / "2026/bro/skanning.tif"]:
        data = path.read_bytes()
        assert not any(secret in data for secret in PRIVATE) and b"GPSLatitude" not in data, path.name
    assert not any(secret in (dist / "2026/bro/bro.pdf").read_bytes() for secret in PRIVATE), "the logo in the PDF"
    assert press("verify", str(dist), "-q").exit_code == 0


def test_a_logo_that_cannot_be_read_is_said_once_and_stops_nothing_silently(project):
    write_tree(project, {
        "sources/site.yaml": SITE + "logo: {src: logo.png, alt: Testkommunen}\n",
        "sources/logo.png": b"\x89PNG\r\n\x1a\n not really",
        "sources/2026/2026-11-26-bro.md": release("title: Bron\ndate: 2026-11-26\n"),
    })
    run = export("sources", "--now", NOW, expect=1)
    assert run.problems == ["sources/site.yaml:4: error: the logo 'logo.png' cannot be used: its content is not a "
                            "JPEG, PNG, GIF or WebP image; save it again as one"], run.stderr
    assert "Traceback" not in run.stderr
