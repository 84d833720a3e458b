"""Plain language by the numbers and by word lists: readability, sentences, officialese, empty link texts.

LIX (Björnsson's läsbarhetsindex: words per sentence plus the share of words over six
letters, in per cent) is the measure Swedish, Norwegian and Danish writers are judged
by, and is used for Finnish too; English is measured by Flesch reading ease, with
syllables counted from groups of vowels.
"""

from __future__ import annotations

import re
from functools import cache

from pipeline.labels import language_candidates

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”»’)]*\s+(?=[\"“”«»–—-]?\s*[A-ZÅÄÖÆØÜ0-9])")

LIX_LANGUAGES = {"sv", "nb", "nn", "no", "da", "fi"}
LIX_BANDS = ((30, "very easy"), (40, "easy"), (50, "medium"), (60, "hard"), (1000, "very hard"))
FLESCH_BANDS = ((30, "very hard"), (50, "hard"), (60, "fairly hard"), (70, "plain"), (1000, "easy"))


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph: split after . ! ? … where the next one starts with a capital or a digit."""
    return [s for s in _SENTENCE_END.split(text.strip()) if words(s)]


def lix(text_sentences: list[str]) -> float | None:
    all_words = [w for s in text_sentences for w in words(s)]
    if len(all_words) < 50:  # too little text for the index to mean anything
        return None
    long_words = sum(len(w) > 6 for w in all_words)
    return len(all_words) / len(text_sentences) + 100 * long_words / len(all_words)


def flesch(text_sentences: list[str]) -> float | None:
    all_words = [w for s in text_sentences for w in words(s)]
    if len(all_words) < 50:
        return None
    syllables = sum(_syllables(w) for w in all_words)
    return 206.835 - 1.015 * len(all_words) / len(text_sentences) - 84.6 * syllables / len(all_words)


_VOWELS = re.compile(r"[aeiouy]+")


def _syllables(word: str) -> int:
    word = word.lower()
    groups = len(_VOWELS.findall(word))
    return max(1, groups - (word.endswith("e") and groups > 1 and not word.endswith("le")))


def band(value: float, bands: tuple[tuple[int, str], ...]) -> str:
    return next(name for limit, name in bands if value < limit)


def measure_for(lang: str) -> str | None:
    """'lix', 'flesch', or None when neither fits the language."""
    primary = language_candidates(lang)[-1]
    return "lix" if primary in LIX_LANGUAGES else "flesch" if primary == "en" else None


# Officialese: the stiff word, and the plain one to use. Matched as whole words, in any case.
OFFICIALESE: dict[str, dict[str, str]] = {
    "sv": {
        "skall": "ska", "erhålla": "få", "erhåller": "får", "erhållit": "fått", "tillställes": "skickas",
        "tillställas": "skickas", "åligger": "är skyldig att, ska", "ombesörja": "ordna, se till",
        "ombesörjer": "ordnar, ser till", "därest": "om", "torde": "bör, kan", "emedan": "eftersom", "icke": "inte",
        "beträffande": "om, när det gäller", "tillhandahålla": "ge, erbjuda", "tillhandahåller": "ger, erbjuder",
        "inkomma": "skicka, lämna", "inkommit": "kommit in", "vederbörande": "den det gäller", "såsom": "som",
        "avseende": "om", "ävensom": "och", "erfordras": "behövs", "erforderlig": "nödvändig", "påtala": "säga",
        "tillika": "också", "enär": "eftersom", "vidtaga": "vidta, göra", "tillse": "se till",
    },
    "nb": {
        "herværende": "her", "undertegnede": "jeg", "forøvrig": "ellers", "påse": "sørge for", "iverksette": "sette i gang",
        "foreligge": "finnes", "vedrørende": "om", "hvorvidt": "om", "anmode": "be", "tilstrebe": "prøve",
    },
    "da": {
        "herværende": "her", "undertegnede": "jeg", "vedrørende": "om", "hvorvidt": "om", "fremsende": "sende",
        "iværksætte": "sætte i gang", "foranledige": "sørge for", "tilstræbe": "prøve", "anmode": "bede",
    },
    "fi": {
        "suorittaa": "tehdä", "toimenpide": "teko, keino", "toimenpiteet": "keinot", "kyseinen": "tämä, se",
        "mainittu": "tämä, se", "osalta": "(jätä pois tai kerro suoraan)", "taholta": "(kerro kuka)",
    },
    "en": {
        "utilise": "use", "utilize": "use", "commence": "start, begin", "endeavour": "try", "endeavor": "try",
        "prior to": "before", "in order to": "to", "in accordance with": "under, by", "facilitate": "help, make easier",
        "notwithstanding": "despite", "hereby": "(leave it out)", "aforementioned": "this, these",
        "in respect of": "about", "with regard to": "about", "henceforth": "from now on", "forthwith": "now, at once",
    },
}
OFFICIALESE["no"] = OFFICIALESE["nn"] = OFFICIALESE["nb"]


def officialese_in(text: str, lang: str) -> list[tuple[str, str]]:
    """(word as written, plain word) for each officialese word or phrase in `text`, in the order they come."""
    table, pattern = _officialese(language_candidates(lang)[-1])
    return [(m.group(0), table.get(m.group(0).casefold()) or table[_english_entry(m.group(0), table)])
            for m in pattern.finditer(text)] if table else []


@cache
def _officialese(primary: str) -> tuple[dict[str, str], re.Pattern]:
    """The language's table, and one pattern that finds any of its entries.

    English verbs are listed once and found in every form ('commence', 'commences', 'commenced'); the other
    languages list the forms themselves, as a suffix would find other words ('skall', 'skallig').
    """
    table = OFFICIALESE.get(primary, {})
    if primary == "en":
        forms = [re.escape(w[:-1]) + "e?" if w.endswith("e") else re.escape(w) for w in table]
        ending = "(?:s|es|d|ed|ing)?"
    else:
        forms, ending = [re.escape(w) for w in table], ""
    alternatives = "|".join(sorted(forms, key=len, reverse=True))
    return table, re.compile(rf"(?<![\w-])(?:{alternatives}){ending}(?![\w-])", re.I)


def _english_entry(found: str, table: dict[str, str]) -> str:
    """The entry an inflected English word is a form of ('commenced' -> 'commence')."""
    word = found.casefold()
    return next(k for k in sorted(table, key=len, reverse=True) if word.startswith(k.rstrip("e")))


# Link texts that say nothing of where they lead, in every language the press room writes.
EMPTY_LINK_TEXTS = {
    "här", "klicka här", "läs mer", "mer", "länk", "denna länk", "den här länken", "mer information", "klicka",
    "her", "klikk her", "les mer", "lenke", "klik her", "læs mere", "mere", "link",
    "tästä", "klikkaa tästä", "lue lisää", "linkki", "täällä",
    "here", "click here", "read more", "more", "this link", "link", "click", "more information", "learn more",
}


def says_nothing(link_text: str) -> bool:
    return link_text.strip(" .:!»«”“\"'").casefold() in EMPTY_LINK_TEXTS


def shouted(text: str) -> bool:
    """Whether `text` holds a run written in capitals: three words in a row, or a whole title of two or more."""
    run = 0
    for word in words(text):
        run = run + 1 if len(word) > 1 and word.isupper() else 0
        if run >= 3:
            return True
    letters = [w for w in words(text) if len(w) > 1]
    return len(letters) >= 2 and all(w.isupper() for w in letters)
