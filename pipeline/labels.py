"""Words and dates in the release's language; English where a language has no entry."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "type": "Press release", "skip": "Skip to content", "contacts": "Contact persons",
        "newsroom_contacts": "Contacts", "topics": "Topics", "regions": "Regions", "about": "About {name}",
        "published": "Published", "updated": "Updated", "attachments": "Attachments", "pdf": "PDF",
        "phone": "Phone", "email": "Email", "releases": "Press releases", "feeds": "Subscribe",
        "correction": "Correction", "page": "Page {page} of {pages}", "embargo": "Embargoed until {when}",
        "image": "Image", "photo": "Photo", "home": "Press room",
    },
    "sv": {
        "type": "Pressmeddelande", "skip": "Gå direkt till innehåll", "contacts": "Kontaktpersoner",
        "newsroom_contacts": "Kontakter", "topics": "Ämnen", "regions": "Regioner", "about": "Om {name}",
        "published": "Publicerad", "updated": "Uppdaterad", "attachments": "Bilagor", "pdf": "PDF",
        "phone": "Telefon", "email": "E-post", "releases": "Pressmeddelanden", "feeds": "Prenumerera",
        "correction": "Rättelse", "page": "Sida {page} av {pages}",
        "embargo": "Får publiceras tidigast {when}", "image": "Bild", "photo": "Foto", "home": "Pressrum",
    },
    "nb": {
        "type": "Pressemelding", "skip": "Gå til hovedinnhold", "contacts": "Kontaktpersoner",
        "newsroom_contacts": "Kontakter", "topics": "Emner", "regions": "Regioner", "about": "Om {name}",
        "published": "Publisert", "updated": "Oppdatert", "attachments": "Vedlegg", "pdf": "PDF",
        "phone": "Telefon", "email": "E-post", "releases": "Pressemeldinger", "feeds": "Abonner",
        "correction": "Rettelse", "page": "Side {page} av {pages}", "embargo": "Sperrefrist til {when}",
        "image": "Bilde", "photo": "Foto", "home": "Presserom",
    },
    "nn": {
        "type": "Pressemelding", "skip": "Gå til hovudinnhald", "contacts": "Kontaktpersonar",
        "newsroom_contacts": "Kontaktar", "topics": "Emne", "regions": "Regionar", "about": "Om {name}",
        "published": "Publisert", "updated": "Oppdatert", "attachments": "Vedlegg", "pdf": "PDF",
        "phone": "Telefon", "email": "E-post", "releases": "Pressemeldingar", "feeds": "Abonner",
        "correction": "Retting", "page": "Side {page} av {pages}", "embargo": "Sperrefrist til {when}",
        "image": "Bilete", "photo": "Foto", "home": "Presserom",
    },
    "da": {
        "type": "Pressemeddelelse", "skip": "Gå til indhold", "contacts": "Kontaktpersoner",
        "newsroom_contacts": "Kontakter", "topics": "Emner", "regions": "Regioner", "about": "Om {name}",
        "published": "Offentliggjort", "updated": "Opdateret", "attachments": "Bilag", "pdf": "PDF",
        "phone": "Telefon", "email": "E-mail", "releases": "Pressemeddelelser", "feeds": "Abonnér",
        "correction": "Rettelse", "page": "Side {page} af {pages}", "embargo": "Embargo til {when}",
        "image": "Billede", "photo": "Foto", "home": "Presserum",
    },
    "fi": {
        "type": "Tiedote", "skip": "Siirry sisältöön", "contacts": "Yhteyshenkilöt",
        "newsroom_contacts": "Yhteystiedot", "topics": "Aiheet", "regions": "Alueet", "about": "Tietoa: {name}",
        "published": "Julkaistu", "updated": "Päivitetty", "attachments": "Liitteet", "pdf": "PDF",
        "phone": "Puhelin", "email": "Sähköposti", "releases": "Tiedotteet", "feeds": "Tilaa",
        "correction": "Korjaus", "page": "Sivu {page}/{pages}", "embargo": "Julkaisuvapaa aikaisintaan {when}",
        "image": "Kuva", "photo": "Kuva", "home": "Mediahuone",
    },
}
LABELS["no"] = LABELS["nb"]


def labels(lang: str) -> dict[str, str]:
    """The exact tag, then its primary language, then English."""
    return LABELS.get(lang) or LABELS.get(lang.split("-")[0]) or LABELS["en"]


def _locale(lang: str) -> str:
    return lang.replace("-", "_")


def long_date(moment: datetime, lang: str, tz: str) -> str:
    """'26 november 2026' / 'November 26, 2026' in the release's language."""
    return format_date(moment.astimezone(ZoneInfo(tz)), "long", locale=babel_locale(lang))


def weekday_date(moment: datetime, lang: str, tz: str) -> str:
    """'torsdag 26 november 2026' / 'Thursday, November 26, 2026'."""
    return format_date(moment.astimezone(ZoneInfo(tz)), "full", locale=babel_locale(lang))


def clock(moment: datetime, lang: str, tz: str) -> str:
    return format_time(moment.astimezone(ZoneInfo(tz)), "short", locale=babel_locale(lang))


def babel_locale(lang: str) -> str:
    for candidate in (_locale(lang), lang.split("-")[0]):
        try:
            Locale.parse(candidate)
            return candidate
        except (UnknownLocaleError, ValueError):
            continue
    return "en"
