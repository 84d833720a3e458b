"""One message per recipient: the wire text as the plain part, an HTML part made for mail programs, the PDF attached.

The HTML part is the release as the theme's mail.html lays it out: styles written on each element (mail
programs drop style sheets), one centred table as the frame, the key image and the body's images carried
in the message and shown by `cid:` (nothing is loaded from the web, which mail programs block), links
made absolute, nothing that runs.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from lxml import html as lxml_html
from markupsafe import Markup

from pipeline.body.document import Document
from pipeline.build.output import write_bytes
from pipeline.labels import direction, labels, long_date, weekday_date_time
from pipeline.mail.recipients import Recipient
from pipeline.paths import file_href, pdf_name, public_url
from pipeline.render.facts import correction_notes
from pipeline.render.pages import boilerplate_context, type_label

# What each element of the body looks like, written on it: a mail program keeps a style attribute.
STYLES = {
    "p": "margin:0 0 16px 0;",
    "h2": "font-size:21px;line-height:1.3;margin:28px 0 8px 0;",
    "h3": "font-size:18px;line-height:1.3;margin:24px 0 8px 0;",
    "h4": "font-size:16px;line-height:1.3;margin:20px 0 8px 0;",
    "ul": "margin:0 0 16px 0;padding:0 0 0 24px;",
    "ol": "margin:0 0 16px 0;padding:0 0 0 24px;",
    "li": "margin:0 0 6px 0;",
    "blockquote": "margin:0 0 16px 0;padding:0 0 0 14px;border-left:3px solid #8a8a8a;",
    "table": "border-collapse:collapse;margin:0 0 16px 0;",
    "th": "border:1px solid #8a8a8a;padding:6px 8px;text-align:left;vertical-align:top;",
    "td": "border:1px solid #8a8a8a;padding:6px 8px;text-align:left;vertical-align:top;",
    "a": "color:#0b57d0;text-decoration:underline;",
    "img": "display:block;max-width:100%;height:auto;border:0;",
    "figure": "margin:0 0 16px 0;",
    "figcaption": "font-size:14px;color:#4a4a4a;margin:6px 0 0 0;",
    "div": "",
}
FACTBOX = "background:#eef2f7;border-left:4px solid #1f4e8c;padding:12px 16px;margin:0 0 16px 0;"
SCHEMES = ("http", "https", "mailto", "tel")
MAIL_IMAGES = {"image/jpeg", "image/png", "image/gif"}  # what every mail program shows; an SVG or WebP is linked


@dataclass(frozen=True)
class Letter:
    """What every recipient's message of one release holds; only the envelope differs."""

    doc: Document
    subject: str
    text: str  # the plain part: the wire text, and a footer
    html: str  # with cid: images
    images: tuple[tuple[str, bytes, str, str], ...]  # (cid, bytes, media type, file name)
    pdf: bytes
    embargoed: bool

    @property
    def kind(self) -> str:
        return "embargoed" if self.embargoed else "public"

    @property
    def content(self) -> str:
        """What is sent, in short: a release changed after it was sent has another."""
        return hashlib.sha256(self.pdf + self.text.encode()).hexdigest()


def letter(doc: Document, env, text: str, pdf: bytes, embargoed: bool, corrected: bool = False) -> Letter:
    """The release as a letter: its subject (with the embargo first, for a press copy, and 'Updated' for a
    `corrected` version sent again), its two parts, its PDF."""
    r, site = doc.release, doc.site
    l = labels(r.lang)
    notice = l["preview_embargo"].format(when=weekday_date_time(r.embargo, r.lang, site.timezone)) if embargoed else None
    subject = f"{notice}: {r.title}" if notice else r.title
    if corrected and r.version > 1:
        subject = f"{l['updated']}: {subject}"
    subject = " ".join(subject.split())  # a header is one line: a line break typed in the title is a space
    host = _host(site)
    images: dict[str, tuple[str, bytes, str, str]] = {}  # published name -> the part that carries it

    def carried(name: str) -> str | None:
        """The cid: address of one of the release's images, carried in the message; None if it is not shown."""
        path = doc.files.get(name)
        media_type = mimetypes.guess_type(name)[0] if path else None
        if media_type not in MAIL_IMAGES:
            return None
        if name not in images:
            photo = doc.photos.get(name)  # as published: no camera metadata, and 1280 px wide at most, not 20 MB
            if photo and (shown := photo.widest(1280)):
                data, media_type = photo.path(shown.name).read_bytes(), shown.media_type
            else:  # an animation, cleaned; or no raster image at all
                data = photo.path(photo.name).read_bytes() if photo else path.read_bytes()
            images[name] = (f"{hashlib.sha256(data).hexdigest()[:16]}.{r.id}@{host}", data, media_type, name)
        return "cid:" + images[name][0]

    url = public_url(site, r)
    image = None
    if r.image and (src := carried(r.image.src.name)):
        image = {"src": src, "alt": r.image.alt or "", "caption": r.image.caption, "credit": r.image.credit}
    context = {
        "r": r, "site": site, "l": l, "lang": r.lang, "dir": direction(r.lang), "type_label": type_label(r), "url": url, "notice": notice,
        "date_text": long_date(r.date, r.lang, site.timezone), "image": image,
        "body": Markup(mail_body(doc.body_html_absolute, url, carried)),
        "pdf_name": pdf_name(r),
        "attachments": [{"href": url + file_href(a.src.name), "title": a.title} for a in r.attachments],
        "boilerplate": boilerplate_context(site, r),
        "about": l["about"].format(name=site.name),
        "unsubscribe": site.mail.unsubscribe if site.mail else None,
        "corrections": correction_notes(doc),
        "newsroom": doc.site.contacts,
    }
    page = env.get_template("mail.html").render(context)
    return Letter(doc, subject, text + plain_footer(context), page, tuple(images.values()), pdf, embargoed)


def plain_footer(context: dict) -> str:
    """Under the wire text in the plain part: where the release is, why the reader gets it, how to leave the list."""
    l, url, unsubscribe = context["l"], context["url"], context["unsubscribe"]
    where = l["mail_address_after"] if context["notice"] else l["mail_address"]
    lines = ["", "-- ", f"{where} {url}", l["mail_why"].format(name=context["site"].name)]
    if unsubscribe:
        lines.append(f"{l['mail_unsubscribe']}: {unsubscribe.removeprefix('mailto:')}")
    return "\n".join(lines) + "\n"


def mail_body(fragment: str, base: str, carried) -> str:
    """The body's HTML for a mail program: styles on the elements, images by cid:, links absolute, nothing active."""
    if not fragment.strip():
        return ""
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        if element.tag in ("script", "style", "iframe", "object", "embed", "form", "link", "meta"):
            element.drop_tree()
            continue
        factbox = "factbox" in (element.get("class") or "").split()
        for name in list(element.attrib):
            if name.startswith("on") or name in ("style", "class", "id", "srcset", "sizes"):
                del element.attrib[name]
        if element.tag == "a":
            href = urljoin(base, element.get("href", ""))
            if urlsplit(href).scheme in SCHEMES:
                element.set("href", href)
            else:
                element.drop_tag()
                continue
        if element.tag == "img":
            src = element.get("src", "")
            name = unquote(src[len(base):]) if src.startswith(base) else None
            cid = carried(name) if name else None
            if cid is None:  # not one of the release's images that mail programs show: a link to it instead
                href = urljoin(base, src)
                if urlsplit(href).scheme in SCHEMES:
                    link = lxml_html.Element("a", href=href, style=STYLES["a"])
                    link.text = element.get("alt") or href
                else:
                    link = lxml_html.Element("span")
                    link.text = element.get("alt") or ""
                link.tail = element.tail
                element.getparent().replace(element, link)
                continue
            element.set("src", cid)
        style = STYLES.get(element.tag)
        if element is not root and (style or factbox):
            element.set("style", FACTBOX if factbox else style)
    root.attrib.clear()
    return "".join(lxml_html.tostring(child, encoding="unicode") for child in root) if len(root) else (root.text or "")


def message_for(letter: Letter, recipient: Recipient, now: datetime) -> EmailMessage:
    """The message to one recipient."""
    r, site = letter.doc.release, letter.doc.site
    message = EmailMessage()
    message["Subject"] = letter.subject
    message["From"] = site.mail.sender
    message["To"] = Address(display_name=recipient.name, addr_spec=recipient.address)
    if site.mail.reply_to:
        message["Reply-To"] = site.mail.reply_to
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(letter, recipient)
    if site.mail.unsubscribe:
        message["List-Unsubscribe"] = f"<{site.mail.unsubscribe}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(letter.text, cte="quoted-printable")
    message.add_alternative(letter.html, subtype="html", cte="quoted-printable")
    page = message.get_payload()[1]
    for cid, data, media_type, name in letter.images:
        maintype, subtype = media_type.split("/")
        page.add_related(data, maintype, subtype, cid=f"<{cid}>", filename=name, disposition="inline")
    message.add_attachment(letter.pdf, "application", "pdf", filename=pdf_name(r))
    message["Content-Language"] = r.lang  # after the parts are made: making them moves Content-* headers down
    return message


def message_id(letter: Letter, recipient: Recipient) -> str:
    """'<quality-mark.v2.3f1c…@press.halmstad.se>': the same for the same release, version, copy and recipient, so
    that a message sent again after an interruption is known by mail systems as the one sent before."""
    r, site = letter.doc.release, letter.doc.site
    who = hashlib.sha256(recipient.address.lower().encode()).hexdigest()[:16]
    copy = ".embargoed" if letter.embargoed else ""
    return f"<{r.id}.v{r.version}{copy}.{who}@{_host(site)}>"


def _host(site) -> str:
    return urlsplit(site.url).hostname or "localhost"


def sender_address(site) -> str:
    """The envelope's sender: the address of `mail: from`."""
    return parseaddr(site.mail.sender)[1]


def eml_name(recipient: Recipient) -> str:
    return f"{recipient.line:06d}.eml"


def write_eml(folder: Path, name: str, message: EmailMessage) -> Path:
    """One message of a dry run, written whole; for its owner's eyes only, as it holds an address."""
    write_bytes(folder, name, message.as_bytes())
    (folder / name).chmod(0o600)
    return folder / name
