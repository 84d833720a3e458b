"""Words and dates in the release's language; English where a language has no entry."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from functools import cache
from typing import TypeVar
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from markupsafe import escape

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
        "press_copies": "Press copies under embargo",
        "press_copies_note": "Not for publication before the time given for each release. Not to be passed on.",
        "image_file": "Image",
        "press_copies_none": "No release is under embargo now.",
        "mail_pdf": "The release is attached as a PDF ({name}).",
        "mail_address": "It is published at",
        "mail_address_after": "Once the embargo lifts, it is published at",
        "mail_why": "You receive this because you are on the press list of {name}.",
        "mail_unsubscribe": "Unsubscribe",
        "photos": "Press photos",
        "photo_original": "Original, {kind}, {width} × {height} pixels, {size}",
        "photo_license": "Licence",
        "statement": "Accessibility statement",
        "another_format": "Ask for this release in another format",
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
        "press_copies": "Presskopior under embargo",
        "press_copies_note": "Får inte publiceras före den tid som anges för varje pressmeddelande. Får inte spridas vidare.",
        "image_file": "Bild",
        "press_copies_none": "Inget pressmeddelande är under embargo nu.",
        "mail_pdf": "Pressmeddelandet finns bifogat som PDF ({name}).",
        "mail_address": "Det är publicerat på",
        "mail_address_after": "När embargot har släppts är det publicerat på",
        "mail_why": "Du får det här eftersom du finns på pressutskickslistan hos {name}.",
        "mail_unsubscribe": "Avsluta prenumerationen",
        "photos": "Pressbilder",
        "photo_original": "Original, {kind}, {width} × {height} pixlar, {size}",
        "photo_license": "Licens",
        "statement": "Tillgänglighetsredogörelse",
        "another_format": "Be om pressmeddelandet i ett annat format",
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

# Languages a Swedish public body also publishes in. A label left out is one we could not give with confidence:
# it is said in English, and a page marks it so (lang="en", dir="ltr"). URL words are left to English.
LABELS |= {
    "ar": {
        "type": "بيان صحفي", "skip": "انتقل إلى المحتوى", "preview_draft": "مسودة – غير منشورة",
        "preview_embargo": "محظور النشر حتى {when}", "preview_scheduled": "يُنشر في {when}",
        "contacts": "جهات الاتصال", "newsroom_contacts": "التواصل الإعلامي", "topics": "المواضيع", "regions": "المناطق",
        "about": "عن {name}", "published": "نُشر في", "updated": "حُدّث في", "attachments": "المرفقات", "phone": "الهاتف",
        "email": "البريد الإلكتروني", "releases": "البيانات الصحفية", "feeds": "اشترك", "page": "الصفحة {page} من {pages}",
        # 'ص', as Arabic abbreviates a count of pages: a plural would change with the number
        "embargo": "يُحظر النشر قبل {when}", "image": "صورة", "photo": "تصوير", "pages": "ص", "page_one": "ص",
        "pdf_link": "PDF، {pages} {unit}، {size}", "downloads": "تنزيل", "wire_text": "نص لوكالات الأنباء",
        "for_newsrooms": "لأنظمة غرف الأخبار", "page_n": "الصفحة {n}", "pagination": "الصفحات", "newer": "الأحدث",
        "older": "الأقدم", "languages": "اللغات", "all_releases": "جميع البيانات الصحفية", "listing_topic": "الموضوع: {name}",
        "listing_region": "المنطقة: {name}",
    },
    "fa": {
        "type": "اطلاعیه‌ی مطبوعاتی", "skip": "رفتن به محتوا", "preview_draft": "پیش‌نویس – منتشر نشده",
        "preview_embargo": "ممنوع‌الانتشار تا {when}", "preview_scheduled": "انتشار در {when}",
        "contacts": "اطلاعات تماس", "newsroom_contacts": "تماس با روابط عمومی", "topics": "موضوع‌ها", "regions": "مناطق",
        "about": "درباره‌ی {name}", "published": "منتشرشده در", "updated": "به‌روزشده در", "attachments": "پیوست‌ها",
        "phone": "تلفن", "email": "ایمیل", "releases": "اطلاعیه‌های مطبوعاتی", "feeds": "اشتراک",
        "page": "صفحه‌ی {page} از {pages}", "embargo": "انتشار پیش از {when} ممنوع است", "image": "تصویر", "photo": "عکس",
        "pages": "صفحه", "page_one": "صفحه", "pdf_link": "PDF، {pages} {unit}، {size}", "downloads": "دریافت",
        "wire_text": "متن برای خبرگزاری‌ها", "for_newsrooms": "برای سامانه‌های تحریریه", "page_n": "صفحه‌ی {n}",
        "pagination": "صفحه‌ها", "newer": "جدیدتر", "older": "قدیمی‌تر", "languages": "زبان‌ها",
        "all_releases": "همه‌ی اطلاعیه‌های مطبوعاتی", "listing_topic": "موضوع: {name}", "listing_region": "منطقه: {name}",
    },
    "uk": {
        "type": "Прес-реліз", "skip": "Перейти до змісту", "preview_draft": "Чернетка – не опубліковано",
        "preview_embargo": "Під ембарго до {when}", "preview_scheduled": "Буде опубліковано {when}",
        "contacts": "Контактні особи", "newsroom_contacts": "Контакти", "topics": "Теми", "regions": "Регіони",
        "about": "Про {name}", "published": "Опубліковано", "updated": "Оновлено", "attachments": "Додатки",
        "phone": "Телефон", "email": "Ел. пошта", "releases": "Прес-релізи", "feeds": "Підписатися",
        "page": "Сторінка {page} з {pages}", "embargo": "Ембарго до {when}", "image": "Зображення", "photo": "Фото",
        "pages": "стор.", "page_one": "стор.", "pdf_link": "PDF, {pages} {unit}, {size}", "downloads": "Завантажити",
        "wire_text": "Текст для інформагентств", "for_newsrooms": "для редакційних систем", "page_n": "Сторінка {n}",
        "pagination": "Сторінки", "newer": "Новіші", "older": "Старіші", "languages": "Мови",
        "all_releases": "Усі прес-релізи", "listing_topic": "Тема: {name}", "listing_region": "Регіон: {name}",
    },
    "so": {
        "type": "Warsaxaafadeed", "skip": "U gudub nuxurka", "preview_draft": "Qabyo – lama daabicin",
        "contacts": "Dadka la xiriiro", "newsroom_contacts": "Xiriirka", "topics": "Mawduucyada", "regions": "Gobollada",
        "about": "Ku saabsan {name}", "published": "La daabacay", "updated": "La cusboonaysiiyay",
        "attachments": "Lifaaqyada", "phone": "Telefoon", "email": "Iimayl", "releases": "Warsaxaafadeedyada",
        "page": "Bogga {page} ee {pages}", "image": "Sawir", "photo": "Sawir", "pages": "bog", "page_one": "bog",
        "pdf_link": "PDF, {pages} {unit}, {size}", "downloads": "Soo dejiso", "page_n": "Bogga {n}", "pagination": "Bogag",
        "newer": "Kuwa cusub", "older": "Kuwa hore", "languages": "Luqadaha",
        "all_releases": "Dhammaan warsaxaafadeedyada", "listing_topic": "Mawduuc: {name}", "listing_region": "Gobol: {name}",
    },
    "ti": {
        "type": "ጋዜጣዊ መግለጺ", "phone": "ተሌፎን", "email": "ኢመይል", "releases": "ጋዜጣዊ መግለጺታት",
        "page": "ገጽ {page} ካብ {pages}", "image": "ስእሊ", "photo": "ስእሊ", "pages": "ገጻት", "page_one": "ገጽ",
        "pdf_link": "PDF፣ {pages} {unit}፣ {size}", "page_n": "ገጽ {n}", "languages": "ቋንቋታት",
    },
    "se": {
        "type": "Preassadieđáhus", "contacts": "Oktavuođaolbmot", "newsroom_contacts": "Oktavuohta", "topics": "Fáttát",
        "regions": "Guovllut", "about": "{name} birra", "published": "Almmuhuvvon", "updated": "Ođasmahttojuvvon",
        "attachments": "Mielddusat", "phone": "Telefovdna", "email": "E-poasta", "releases": "Preassadieđáhusat",
        "page": "Siidu {page}/{pages}", "image": "Govva", "photo": "Govva", "pages": "siiddu", "page_one": "siidu",
        "pdf_link": "PDF, {pages} {unit}, {size}", "page_n": "Siidu {n}", "pagination": "Siiddut", "newer": "Ođđasat",
        "older": "Boarrásat", "languages": "Gielat", "all_releases": "Buot preassadieđáhusat",
        "listing_topic": "Fáddá: {name}", "listing_region": "Guovlu: {name}",
    },
    "yi": {
        "type": "פּרעסע־מעלדונג", "contacts": "קאָנטאַקט־פּערזאָנען", "newsroom_contacts": "קאָנטאַקט", "topics": "טעמעס",
        "about": "וועגן {name}", "published": "פֿאַרעפֿנטלעכט", "updated": "דערהיינטיקט", "phone": "טעלעפֿאָן",
        "email": "בליצפּאָסט", "releases": "פּרעסע־מעלדונגען", "page": "זייַט {page} פֿון {pages}", "image": "בילד",
        "photo": "פֿאָטאָ", "pages": "זייַטן", "page_one": "זייַט", "pdf_link": "PDF, {pages} {unit}, {size}",
        "page_n": "זייַט {n}", "pagination": "זייַטן", "newer": "נייַערע", "older": "עלטערע", "languages": "שפּראַכן",
        "all_releases": "אַלע פּרעסע־מעלדונגען", "listing_topic": "טעמע: {name}",
    },
}


class English(str):
    """A label a language has no word for here: said in English, and marked so on a page, where it is isolated
    left to right, so that a screen reader says it in English and a right-to-left page keeps its order."""

    __slots__ = ()

    def __html__(self) -> str:
        return f'<span lang="en" dir="ltr">{escape(str(self))}</span>'

    def format(self, *args, **kwargs) -> English:
        return English(str.format(self, *args, **kwargs))


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
    """The exact tag, then its primary language, then English; a word the language has no entry for is English."""
    return _complete(next((tag for tag in language_candidates(lang) if tag in LABELS), None))


@cache
def _complete(tag: str | None) -> dict[str, str]:
    own = LABELS[tag] if tag else {}  # a language with no labels at all: every word in English, marked so
    return {key: own[key] if key in own else English(text) for key, text in LABELS["en"].items()}


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
    clock = next((clocks[tag] for tag in language_candidates(lang) if tag in clocks), None)
    if clock is None:  # the time as the language's own data writes it
        return weekday_date(moment, lang, tz) + " " + format_time(local, "short", locale=babel_locale(lang))
    return weekday_date(moment, lang, tz) + clock.format(local)


# Letters a language sorts as letters of their own: "zåäö" puts å, ä and ö after z, in that order; then letters it
# sorts as another ("æ" as "ä" in Swedish). Every other letter sorts as its base letter ('é' as 'e'), the accent
# and the case deciding only a tie.
ALPHABETS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "sv": (("zåäö",), {"æ": "ä", "ø": "ö", "ü": "y"}),
    "fi": (("zåäö",), {"æ": "ä", "ø": "ö", "ü": "y"}),
    "da": (("zæøå",), {"ä": "æ", "ö": "ø"}),
    "nb": (("zæøå",), {"ä": "æ", "ö": "ø"}),
    "nn": (("zæøå",), {"ä": "æ", "ö": "ø"}),
    "se": (("cč", "dđ", "nŋ", "sš", "tŧ", "zž"), {}),
    "uk": (("гґ", "еє", "иіїй"), {}),
}
ALPHABETS["no"] = ALPHABETS["nb"]


def collation_key(text: str, lang: str) -> tuple:
    """What `text` sorts by in `lang`: Swedish puts å, ä, ö after z, Danish and Norwegian æ, ø, å, Ukrainian ґ
    after г; ties are settled by accents, then case."""
    tag = next((tag for tag in language_candidates(lang) if tag in ALPHABETS), None)
    return _collation(text, tag)


@cache
def _collation(text: str, tag: str | None) -> tuple:
    runs, same = ALPHABETS[tag] if tag else ((), {})
    rank = {letter: (run[0], n) for run in runs for n, letter in enumerate(run[1:], 1)}
    primary = []
    for ch in unicodedata.normalize("NFC", text.casefold()):
        ch = same.get(ch, ch)
        if ch in rank:
            primary.append(rank[ch])
        else:
            base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c)) or ch
            primary += [(b, 0) for b in base]
    return tuple(primary), unicodedata.normalize("NFD", text.casefold()), text


# Scripts as Unicode names their letters, and as a reader calls them.
SCRIPT_NAMES = {"LATIN": "Latin", "CYRILLIC": "Cyrillic", "GREEK": "Greek", "ARABIC": "Arabic", "HEBREW": "Hebrew",
                "ETHIOPIC": "Ethiopic", "CJK": "Chinese", "HIRAGANA": "Japanese", "KATAKANA": "Japanese",
                "HANGUL": "Korean", "THAI": "Thai", "DEVANAGARI": "Devanagari", "ARMENIAN": "Armenian", "GEORGIAN": "Georgian"}


def main_script(text: str) -> str:
    """The script most of the letters of `text` are written in ('Latin', 'Arabic', 'Cyrillic', …)."""
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            word = unicodedata.name(ch, "").split(" ")[0]
            counts[word] = counts.get(word, 0) + 1
    if not counts:
        return "Latin"
    word = max(sorted(counts), key=counts.__getitem__)
    return SCRIPT_NAMES.get(word, word.title())


RIGHT_TO_LEFT_SCRIPTS = {"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg", "Mand", "Samr", "Mend"}


@cache
def direction(lang: str) -> str:
    """'rtl' for a language written right to left (Arabic, Persian, Urdu, Hebrew, Yiddish, …), else 'ltr'; a tag's
    script, when it names one, decides ('ku-Arab' is right to left, 'ku' left to right)."""
    parts = lang.split("-")
    script = next((p.title() for p in parts[1:] if len(p) == 4 and p.isalpha()), None)
    if script:
        return "rtl" if script in RIGHT_TO_LEFT_SCRIPTS else "ltr"
    return Locale.parse(babel_locale(lang)).text_direction


@cache  # Locale.parse reads locale data: once per tag, not once per date shown
def babel_locale(lang: str) -> str:
    for candidate in map(_locale, language_candidates(lang)):
        try:
            Locale.parse(candidate)
            return candidate
        except (UnknownLocaleError, ValueError):
            continue
    return "en"
