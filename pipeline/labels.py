"""Words and dates in the release's language; English where a language has no entry."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import TypeVar
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "type": "Press release",
        "skip": "Skip to content",
        "preview_draft": "Draft – not published",
        "preview_embargo": "Under embargo until {when}",
        "preview_scheduled": "To be published {when}",
        "contacts": "Contact persons",
        "newsroom_contacts": "Contacts",
        "topics": "Topics",
        "regions": "Regions",
        "about": "About {name}",
        "published": "Published",
        "updated": "Updated",
        "attachments": "Attachments",
        "phone": "Phone",
        "email": "Email",
        "releases": "Press releases",
        "feeds": "Subscribe",
        "page": "Page {page} of {pages}",
        "embargo": "Embargoed until {when}",
        "image": "Image",
        "photo": "Photo",
        "topics_path": "topics",
        "regions_path": "regions",
        "page_path": "page",
        "pages": "pages",
        "page_one": "page",
        "pdf_link": "PDF, {pages} {unit}, {size}",
        "downloads": "Downloads",
        "wire_text": "Text for news agencies",
        "for_newsrooms": "for newsroom systems",
        "page_n": "Page {n}",
        "pagination": "Pages",
        "newer": "Newer",
        "older": "Older",
        "languages": "Languages",
        "all_releases": "All press releases",
        "listing_topic": "Topic: {name}",
        "listing_region": "Region: {name}",
    },
    "sv": {
        "type": "Pressmeddelande",
        "skip": "Gå direkt till innehåll",
        "preview_draft": "Utkast – inte publicerat",
        "preview_embargo": "Under embargo till {when}",
        "preview_scheduled": "Publiceras {when}",
        "contacts": "Kontaktpersoner",
        "newsroom_contacts": "Kontakter",
        "topics": "Ämnen",
        "regions": "Regioner",
        "about": "Om {name}",
        "published": "Publicerad",
        "updated": "Uppdaterad",
        "attachments": "Bilagor",
        "phone": "Telefon",
        "email": "E-post",
        "releases": "Pressmeddelanden",
        "feeds": "Prenumerera",
        "page": "Sida {page} av {pages}",
        "embargo": "Får publiceras tidigast {when}",
        "image": "Bild",
        "photo": "Foto",
        "topics_path": "amnen",
        "regions_path": "regioner",
        "page_path": "sida",
        "pages": "sidor",
        "page_one": "sida",
        "pdf_link": "PDF, {pages} {unit}, {size}",
        "downloads": "Ladda ner",
        "wire_text": "Text för nyhetsbyråer",
        "for_newsrooms": "för redaktionssystem",
        "page_n": "Sida {n}",
        "pagination": "Sidor",
        "newer": "Nyare",
        "older": "Äldre",
        "languages": "Språk",
        "all_releases": "Alla pressmeddelanden",
        "listing_topic": "Ämne: {name}",
        "listing_region": "Region: {name}",
    },
    "nb": {
        "type": "Pressemelding",
        "skip": "Gå til hovedinnhold",
        "preview_draft": "Utkast – ikke publisert",
        "preview_embargo": "Under embargo til {when}",
        "preview_scheduled": "Publiseres {when}",
        "contacts": "Kontaktpersoner",
        "newsroom_contacts": "Kontakter",
        "topics": "Emner",
        "regions": "Regioner",
        "about": "Om {name}",
        "published": "Publisert",
        "updated": "Oppdatert",
        "attachments": "Vedlegg",
        "phone": "Telefon",
        "email": "E-post",
        "releases": "Pressemeldinger",
        "feeds": "Abonner",
        "page": "Side {page} av {pages}",
        "embargo": "Sperrefrist til {when}",
        "image": "Bilde",
        "photo": "Foto",
        "topics_path": "emner",
        "regions_path": "regioner",
        "page_path": "side",
        "pages": "sider",
        "page_one": "side",
        "pdf_link": "PDF, {pages} {unit}, {size}",
        "downloads": "Last ned",
        "wire_text": "Tekst for nyhetsbyråer",
        "for_newsrooms": "for redaksjonssystemer",
        "page_n": "Side {n}",
        "pagination": "Sider",
        "newer": "Nyere",
        "older": "Eldre",
        "languages": "Språk",
        "all_releases": "Alle pressemeldinger",
        "listing_topic": "Emne: {name}",
        "listing_region": "Region: {name}",
    },
    "nn": {
        "type": "Pressemelding",
        "skip": "Gå til hovudinnhald",
        "preview_draft": "Utkast – ikkje publisert",
        "preview_embargo": "Under embargo til {when}",
        "preview_scheduled": "Vert publisert {when}",
        "contacts": "Kontaktpersonar",
        "newsroom_contacts": "Kontaktar",
        "topics": "Emne",
        "regions": "Regionar",
        "about": "Om {name}",
        "published": "Publisert",
        "updated": "Oppdatert",
        "attachments": "Vedlegg",
        "phone": "Telefon",
        "email": "E-post",
        "releases": "Pressemeldingar",
        "feeds": "Abonner",
        "page": "Side {page} av {pages}",
        "embargo": "Sperrefrist til {when}",
        "image": "Bilete",
        "photo": "Foto",
        "topics_path": "emne",
        "regions_path": "regionar",
        "page_path": "side",
        "pages": "sider",
        "page_one": "side",
        "pdf_link": "PDF, {pages} {unit}, {size}",
        "downloads": "Last ned",
        "wire_text": "Tekst for nyheitsbyrå",
        "for_newsrooms": "for redaksjonssystem",
        "page_n": "Side {n}",
        "pagination": "Sider",
        "newer": "Nyare",
        "older": "Eldre",
        "languages": "Språk",
        "all_releases": "Alle pressemeldingar",
        "listing_topic": "Emne: {name}",
        "listing_region": "Region: {name}",
    },
    "da": {
        "type": "Pressemeddelelse",
        "skip": "Gå til indhold",
        "preview_draft": "Udkast – ikke offentliggjort",
        "preview_embargo": "Under embargo indtil {when}",
        "preview_scheduled": "Offentliggøres {when}",
        "contacts": "Kontaktpersoner",
        "newsroom_contacts": "Kontakter",
        "topics": "Emner",
        "regions": "Regioner",
        "about": "Om {name}",
        "published": "Offentliggjort",
        "updated": "Opdateret",
        "attachments": "Bilag",
        "phone": "Telefon",
        "email": "E-mail",
        "releases": "Pressemeddelelser",
        "feeds": "Abonnér",
        "page": "Side {page} af {pages}",
        "embargo": "Embargo til {when}",
        "image": "Billede",
        "photo": "Foto",
        "topics_path": "emner",
        "regions_path": "regioner",
        "page_path": "side",
        "pages": "sider",
        "page_one": "side",
        "pdf_link": "PDF, {pages} {unit}, {size}",
        "downloads": "Download",
        "wire_text": "Tekst til nyhedsbureauer",
        "for_newsrooms": "til redaktionssystemer",
        "page_n": "Side {n}",
        "pagination": "Sider",
        "newer": "Nyere",
        "older": "Ældre",
        "languages": "Sprog",
        "all_releases": "Alle pressemeddelelser",
        "listing_topic": "Emne: {name}",
        "listing_region": "Region: {name}",
    },
    "fi": {
        "type": "Tiedote",
        "skip": "Siirry sisältöön",
        "preview_draft": "Luonnos – ei julkaistu",
        "preview_embargo": "Embargo {when} asti",
        "preview_scheduled": "Julkaistaan {when}",
        "contacts": "Yhteyshenkilöt",
        "newsroom_contacts": "Yhteystiedot",
        "topics": "Aiheet",
        "regions": "Alueet",
        "about": "Tietoa: {name}",
        "published": "Julkaistu",
        "updated": "Päivitetty",
        "attachments": "Liitteet",
        "phone": "Puhelin",
        "email": "Sähköposti",
        "releases": "Tiedotteet",
        "feeds": "Tilaa",
        "page": "Sivu {page}/{pages}",
        "embargo": "Julkaisuvapaa aikaisintaan {when}",
        "image": "Kuva",
        "photo": "Kuva",
        "topics_path": "aiheet",
        "regions_path": "alueet",
        "page_path": "sivu",
        "pages": "sivua",
        "page_one": "sivu",
        "pdf_link": "PDF, {pages} {unit}, {size}",
        "downloads": "Lataa",
        "wire_text": "Teksti uutistoimistoille",
        "for_newsrooms": "toimitusjärjestelmille",
        "page_n": "Sivu {n}",
        "pagination": "Sivut",
        "newer": "Uudemmat",
        "older": "Vanhemmat",
        "languages": "Kielet",
        "all_releases": "Kaikki tiedotteet",
        "listing_topic": "Aihe: {name}",
        "listing_region": "Alue: {name}",
    },
}
LABELS["no"] = LABELS["nb"]


def language_candidates(lang: str) -> tuple[str, ...]:
    """Where a text in `lang` is looked for: the exact tag ('en-GB'), then its primary language ('en').

    Every table by language falls back this way; each caller adds its own last resort.
    """
    primary = lang.split("-")[0]
    return (lang, primary) if primary != lang else (lang,)


T = TypeVar("T")


def in_language(table: dict[str, T], lang: str, fallback: str = "en") -> T:
    """`table`'s entry for `lang` (see language_candidates), else its entry for the language `fallback`."""
    for tag in language_candidates(lang):
        if tag in table:
            return table[tag]
    return table[fallback]


def labels(lang: str) -> dict[str, str]:
    """The exact tag, then its primary language, then English."""
    return in_language(LABELS, lang)


def _locale(lang: str) -> str:
    return lang.replace("-", "_")


def long_date(moment: datetime, lang: str, tz: str) -> str:
    """'26 november 2026' / 'November 26, 2026' in the release's language."""
    return format_date(moment.astimezone(ZoneInfo(tz)), "long", locale=babel_locale(lang))


def weekday_date(moment: datetime, lang: str, tz: str) -> str:
    """'torsdag 26 november 2026' / 'Thursday, November 26, 2026'."""
    return format_date(moment.astimezone(ZoneInfo(tz)), "full", locale=babel_locale(lang))


def weekday_date_time(moment: datetime, lang: str, tz: str) -> str:
    """'tisdag 1 december 2026 kl. 10.00' / 'Tuesday, December 1, 2026, 10:00': a moment as a reader says it."""
    local = moment.astimezone(ZoneInfo(tz))
    clocks = {"en": ", {:%H:%M}", "fi": " klo {:%H.%M}", "sv": " kl. {:%H.%M}", "nb": " kl. {:%H.%M}", "nn": " kl. {:%H.%M}",
              "no": " kl. {:%H.%M}", "da": " kl. {:%H.%M}"}
    return weekday_date(moment, lang, tz) + in_language(clocks, lang).format(local)


@cache  # Locale.parse reads locale data: once per tag, not once per date shown
def babel_locale(lang: str) -> str:
    for candidate in map(_locale, language_candidates(lang)):
        try:
            Locale.parse(candidate)
            return candidate
        except (UnknownLocaleError, ValueError):
            continue
    return "en"
