"""A new release's source, as `press new` writes it, and the template text a communicator has not replaced yet.

The template holds the press room's defaults, every optional field commented out
with a line that explains it in the release's language, and placeholder text in
the lead, the body and the contact. A placeholder left in a release is an error,
so a half-written release never goes out.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from pipeline.labels import in_language, labels


@dataclass(frozen=True, slots=True)
class Template:
    """What a new release says in one language until the communicator writes it."""

    lead: str
    body: tuple[str, ...]  # paragraphs
    name: str
    role: str
    phone: str
    email: str
    notes: dict[str, str]  # field -> what it is for, shown beside the commented-out field
    examples: dict[str, str]  # field -> an example value


_EXAMPLE_IMAGE = {"src": "bild.jpg", "credit": '"Foto: Förnamn Efternamn"', "attachment": "beslut.pdf"}

TEMPLATES: dict[str, Template] = {
    "sv": Template(
        lead="Skriv ingressen här: en eller två meningar om det viktigaste i nyheten.",
        body=("Skriv brödtexten här. Börja med det viktigaste, förklara sedan bakgrunden och vad som händer härnäst.",
              "– Skriv ett citat här, säger Förnamn Efternamn, titel."),
        name="Förnamn Efternamn", role="Titel och förvaltning", phone="000-000 00 00", email="fornamn.efternamn@example.org",
        notes={
            "type": "etiketten ovanför rubriken", "lang": "språket, om det inte är pressrummets ({site_lang})",
            "place": "orten i datumraden", "topics": "ämnen; vart och ett får en egen sida och egna flöden",
            "regions": "regioner; var och en får en egen sida och egna flöden", "image": "huvudbilden", "src": "filen, bredvid den här",
            "alt": "vad bilden visar, för den som inte ser den", "caption": "bildtext", "credit": "fotograf eller källa",
            "attachments": "bilagor", "title": "länktexten", "embargo": "inte offentligt före den här tiden",
            "draft": "ett utkast publiceras aldrig; ta bort raden när det ska ut", "id": "releasens id; ändra det aldrig när den är publicerad", "boilerplate": "utan pressrummets text om organisationen",
        },
        examples={"place": "Halmstad", "topics": "[Kultur, Utbildning]", "regions": "[Halmstad]",
                  "alt": "Vad bilden visar.", "caption": "Bildtext.", "title": "Beslutet (PDF)", **_EXAMPLE_IMAGE},
    ),
    "en": Template(
        lead="Write the lead here: one or two sentences with the most important news.",
        body=("Write the body here. Start with what matters most, then explain the background and what happens next.",
              "“Write a quote here,” says First Last, title."),
        name="First Last", role="Title and department", phone="+00 000 000 000", email="first.last@example.org",
        notes={
            "type": "the label above the headline", "lang": "the language, if not the press room's ({site_lang})",
            "place": "the town in the dateline", "topics": "topics; each gets its own page and feeds",
            "regions": "regions; each gets its own page and feeds", "image": "the key image", "src": "the file, beside this one",
            "alt": "what the image shows, for those who cannot see it", "caption": "caption", "credit": "photographer or source",
            "attachments": "attachments", "title": "the link text", "embargo": "not public before this time",
            "draft": "a draft is never published; delete the line when it is ready", "id": "the release's id; never change it once it is published", "boilerplate": "without the press room's text about the organisation",
        },
        examples={"place": "Halmstad", "topics": "[Culture, Education]", "regions": "[Halmstad]",
                  "alt": "What the image shows.", "caption": "Caption.", "title": "The decision (PDF)",
                  **_EXAMPLE_IMAGE, "src": "image.jpg", "credit": '"Photo: First Last"', "attachment": "decision.pdf"},
    ),
    "nb": Template(
        lead="Skriv ingressen her: én eller to setninger om det viktigste i nyheten.",
        body=("Skriv brødteksten her. Begynn med det viktigste, forklar så bakgrunnen og hva som skjer videre.",
              "– Skriv et sitat her, sier Fornavn Etternavn, tittel."),
        name="Fornavn Etternavn", role="Tittel og etat", phone="000 00 000", email="fornavn.etternavn@example.org",
        notes={
            "type": "merkelappen over tittelen", "lang": "språket, om det ikke er pressrommets ({site_lang})",
            "place": "stedet i datolinjen", "topics": "emner; hvert får sin egen side og egne strømmer",
            "regions": "regioner; hver får sin egen side og egne strømmer", "image": "hovedbildet", "src": "filen, ved siden av denne",
            "alt": "hva bildet viser, for den som ikke ser det", "caption": "bildetekst", "credit": "fotograf eller kilde",
            "attachments": "vedlegg", "title": "lenketeksten", "embargo": "ikke offentlig før dette tidspunktet",
            "draft": "et utkast publiseres aldri; slett linjen når det skal ut", "id": "meldingens id; endre den aldri når den er publisert", "boilerplate": "uten pressrommets tekst om organisasjonen",
        },
        examples={"place": "Bergen", "topics": "[Kultur, Utdanning]", "regions": "[Vestland]",
                  "alt": "Hva bildet viser.", "caption": "Bildetekst.", "title": "Vedtaket (PDF)",
                  **_EXAMPLE_IMAGE, "src": "bilde.jpg", "credit": '"Foto: Fornavn Etternavn"', "attachment": "vedtak.pdf"},
    ),
    "nn": Template(
        lead="Skriv ingressen her: éi eller to setningar om det viktigaste i nyheita.",
        body=("Skriv brødteksten her. Byrj med det viktigaste, forklar så bakgrunnen og kva som skjer vidare.",
              "– Skriv eit sitat her, seier Fornamn Etternamn, tittel."),
        name="Fornamn Etternamn", role="Tittel og etat", phone="000 00 000", email="fornamn.etternamn@example.org",
        notes={
            "type": "merkelappen over tittelen", "lang": "språket, om det ikkje er pressrommet sitt ({site_lang})",
            "place": "staden i datolinja", "topics": "emne; kvart får si eiga side og eigne straumar",
            "regions": "regionar; kvar får si eiga side og eigne straumar", "image": "hovudbiletet", "src": "fila, ved sida av denne",
            "alt": "kva biletet viser, for den som ikkje ser det", "caption": "bilettekst", "credit": "fotograf eller kjelde",
            "attachments": "vedlegg", "title": "lenkjeteksten", "embargo": "ikkje offentleg før dette tidspunktet",
            "draft": "eit utkast vert aldri publisert; slett lina når det skal ut", "id": "id-en til meldinga; endra han aldri når ho er publisert", "boilerplate": "utan teksten til pressrommet om organisasjonen",
        },
        examples={"place": "Bergen", "topics": "[Kultur, Utdanning]", "regions": "[Vestland]",
                  "alt": "Kva biletet viser.", "caption": "Bilettekst.", "title": "Vedtaket (PDF)",
                  **_EXAMPLE_IMAGE, "src": "bilete.jpg", "credit": '"Foto: Fornamn Etternamn"', "attachment": "vedtak.pdf"},
    ),
    "da": Template(
        lead="Skriv indledningen her: en eller to sætninger om det vigtigste i nyheden.",
        body=("Skriv brødteksten her. Begynd med det vigtigste, forklar så baggrunden og hvad der sker derefter.",
              "– Skriv et citat her, siger Fornavn Efternavn, titel."),
        name="Fornavn Efternavn", role="Titel og forvaltning", phone="00 00 00 00", email="fornavn.efternavn@example.org",
        notes={
            "type": "etiketten over overskriften", "lang": "sproget, hvis det ikke er presserummets ({site_lang})",
            "place": "byen i datolinjen", "topics": "emner; hvert får sin egen side og egne feeds",
            "regions": "regioner; hver får sin egen side og egne feeds", "image": "hovedbilledet", "src": "filen, ved siden af denne",
            "alt": "hvad billedet viser, for den der ikke kan se det", "caption": "billedtekst", "credit": "fotograf eller kilde",
            "attachments": "bilag", "title": "linkteksten", "embargo": "ikke offentlig før dette tidspunkt",
            "draft": "et udkast offentliggøres aldrig; slet linjen, når det skal ud", "id": "meddelelsens id; ændr det aldrig, når den er offentliggjort", "boilerplate": "uden presserummets tekst om organisationen",
        },
        examples={"place": "Aarhus", "topics": "[Kultur, Uddannelse]", "regions": "[Midtjylland]",
                  "alt": "Hvad billedet viser.", "caption": "Billedtekst.", "title": "Beslutningen (PDF)",
                  **_EXAMPLE_IMAGE, "src": "billede.jpg", "credit": '"Foto: Fornavn Efternavn"', "attachment": "beslutning.pdf"},
    ),
    "fi": Template(
        lead="Kirjoita ingressi tähän: yksi tai kaksi virkettä uutisen tärkeimmästä asiasta.",
        body=("Kirjoita leipäteksti tähän. Aloita tärkeimmästä, kerro sitten tausta ja mitä seuraavaksi tapahtuu.",
              "– Kirjoita sitaatti tähän, sanoo Etunimi Sukunimi, titteli."),
        name="Etunimi Sukunimi", role="Titteli ja toimiala", phone="000 000 0000", email="etunimi.sukunimi@example.org",
        notes={
            "type": "otsikon yläpuolella oleva tyyppi", "lang": "kieli, jos se ei ole mediahuoneen ({site_lang})",
            "place": "paikkakunta päiväysrivillä", "topics": "aiheet; kukin saa oman sivun ja syötteet",
            "regions": "alueet; kukin saa oman sivun ja syötteet", "image": "pääkuva", "src": "tiedosto, tämän vieressä",
            "alt": "mitä kuvassa näkyy, niille jotka eivät näe sitä", "caption": "kuvateksti", "credit": "kuvaaja tai lähde",
            "attachments": "liitteet", "title": "linkin teksti", "embargo": "ei julkinen ennen tätä aikaa",
            "draft": "luonnosta ei julkaista koskaan; poista rivi, kun se on valmis", "id": "tiedotteen tunniste; älä muuta sitä julkaisun jälkeen", "boilerplate": "ilman mediahuoneen tekstiä organisaatiosta",
        },
        examples={"place": "Tampere", "topics": "[Kulttuuri, Koulutus]", "regions": "[Pirkanmaa]",
                  "alt": "Mitä kuvassa näkyy.", "caption": "Kuvateksti.", "title": "Päätös (PDF)",
                  **_EXAMPLE_IMAGE, "src": "kuva.jpg", "credit": '"Kuva: Etunimi Sukunimi"', "attachment": "paatos.pdf"},
    ),
}
TEMPLATES["no"] = TEMPLATES["nb"]


def template_for(lang: str) -> Template:
    return in_language(TEMPLATES, lang)


def release_text(title: str, date: datetime, release_id: str, lang: str, site_lang: str, given_lang: bool,
                 topics: tuple[str, ...] = (), embargo: datetime | None = None, draft: bool = False) -> str:
    """The source of a new release: what is known written out, the rest to replace or to uncomment."""
    t = template_for(lang)
    note = {key: text.format(site_lang=site_lang) for key, text in t.notes.items()}
    ex = t.examples
    fields = [("title: " + yaml_value(title), ""), ("date: " + date.isoformat(), ""), ("id: " + release_id, note["id"])]
    if given_lang:
        fields.append(("lang: " + lang, ""))
    fields += [("lead: >-", ""), ("  " + t.lead, "")]
    if topics:
        fields.append(("topics: [" + ", ".join(yaml_value(topic, flow=True) for topic in topics) + "]", note["topics"]))
    if embargo:
        fields.append(("embargo: " + embargo.isoformat(), note["embargo"]))
    if draft:
        fields.append(("draft: true", note["draft"]))
    fields += [("contacts:", ""), ("  - name: " + yaml_value(t.name), ""), ("    role: " + yaml_value(t.role), ""),
               ("    phone: " + yaml_value(t.phone), ""), ("    email: " + t.email, "")]
    optional = [
        ("# type: " + yaml_value(labels(lang)["type"]), note["type"]),
        ("# lang: " + ("en" if lang != "en" else "sv"), note["lang"]) if not given_lang else None,
        ("# place: " + ex["place"], note["place"]),
        ("# topics: " + ex["topics"], note["topics"]) if not topics else None,
        ("# regions: " + ex["regions"], note["regions"]),
        ("# image:", note["image"]),
        ("#   src: " + ex["src"], note["src"]),
        ("#   alt: " + ex["alt"], note["alt"]),
        ("#   caption: " + ex["caption"], note["caption"]),
        ("#   credit: " + ex["credit"], note["credit"]),
        ("# attachments:", note["attachments"]),
        ("#   - src: " + ex["attachment"], note["src"]),
        ("#     title: " + ex["title"], note["title"]),
        ("# embargo: " + (date + timedelta(hours=1)).isoformat(), note["embargo"]) if not embargo else None,
        ("# draft: true", note["draft"]) if not draft else None,
        ("# boilerplate: false", note["boilerplate"]),
    ]
    fields += [field for field in optional if field]
    width = max(len(code) for code, comment in fields if comment and len(code) <= 40) + 2  # a long line is not followed
    lines = [(code.ljust(max(width, len(code) + 2)) + "# " + comment[0].upper() + comment[1:] + "." if comment else code)
             for code, comment in fields]
    return "---\n" + "\n".join(lines) + "\n---\n\n" + "\n\n".join(t.body) + "\n"


def yaml_value(text: str, flow: bool = False) -> str:
    """`text` as a YAML scalar: as it is when YAML reads it back unchanged, else quoted."""
    import yaml

    special = flow and re.search(r"[,\[\]{}]", text)
    try:
        plain = not special and text == text.strip() and yaml.safe_load(f"x: {text}") == {"x": text} and "#" not in text
    except yaml.YAMLError:
        plain = False
    return text if plain else json.dumps(text, ensure_ascii=False)


def ids_in_use(sources: Path) -> set[str]:
    """The ids of every release under `sources`: its `id:` field, else the one its file name gives it."""
    from pipeline.source.load import default_id, release_files, split_front_matter

    used = set()
    for path in release_files(sources):
        try:
            split = split_front_matter(path.read_text("utf-8", "replace"))
        except OSError:
            continue
        given = re.search(r"^id:\s*['\"]?([^'\"\s#]+)", split[0], re.M) if split else None
        used.add(given[1] if given else default_id(path.stem))
    return used


def short_slug(slug: str, most: int = 60) -> str:
    """A slug of at most `most` characters, cut between words."""
    if len(slug) <= most:
        return slug
    return slug[: most + 1].rsplit("-", 1)[0] or slug[:most]


def unique_id(wanted: str, used: set[str]) -> str:
    """`wanted`, or `wanted-2`, `wanted-3`, … when a release has it already."""
    number, candidate = 1, wanted
    while candidate in used:
        number += 1
        candidate = f"{wanted}-{number}"
    return candidate


def write_new(path: Path, text: str) -> None:
    """Write a new release file whole or not at all; FileExistsError when there is one: a release is never
    overwritten. (Written beside it first, then linked into place, which fails if the name is taken.)"""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".new-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(temporary, new_file_mode())  # as the user's other new files, not only the owner's (mkstemp's 0600)
        os.link(temporary, path)
    finally:
        os.unlink(temporary)


def new_file_mode() -> int:
    """The permissions a new file of the user's gets (0o666 less the umask): what a file made by mkstemp, which
    only its owner may read, is given before it takes its place."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def slugs_in_use(sources: Path) -> set[str]:
    """The last part of every release's address: two releases of one year may not share it."""
    from pipeline.source.load import release_files, release_slug

    return {release_slug(path.stem) for path in release_files(sources)}


# What is left of the template in a release: found at export, and by `press check`.

def _plain(text: str) -> str:
    return " ".join(text.split())


def _instruction(text: str) -> str:
    """The opening clause of a placeholder, which tells what to write: 'Skriv brödtexten här'."""
    return re.split(r"[.,:;!?”“\"«»]", text.lstrip("–—“\"« "), maxsplit=1)[0].strip()


_LEAD_MARKS = {mark for t in TEMPLATES.values() for mark in (_plain(t.lead), _instruction(t.lead))}
_BODY_MARKS = {mark for t in TEMPLATES.values() for p in t.body
               for mark in (_instruction(p), *(_plain(s).rstrip(".") for s in p.split(". ")[1:]))} | {
    t.name for t in TEMPLATES.values()}
_CONTACT = {key: {_plain(getattr(t, key)) for t in TEMPLATES.values()} for key in ("name", "role", "phone", "email")}
_EXAMPLES = {key: {_plain(t.examples[key].strip('"')) for t in TEMPLATES.values()} for key in ("alt", "caption", "credit", "title")}
_EXAMPLE_WORDS = {"alt": "the image's alt text", "caption": "the image's caption", "credit": "the image's credit",
                  "title": "the attachment's title"}


def leftover_lead(lead: str | None) -> str | None:
    if lead and any(mark in _plain(lead) for mark in _LEAD_MARKS):
        return "the lead still holds the template's text; write one or two sentences with the most important news"
    return None


def leftover_contact(values: dict[str, str | None]) -> str | None:
    """A contact still holding the template's text, in any of its fields."""
    left = [key for key, value in values.items() if value and _plain(value) in _CONTACT[key]]
    if not left:
        return None
    fields = left[0] if len(left) == 1 else ", ".join(left[:-1]) + " and " + left[-1]
    return (f"the contact still holds the template's text in {fields}; write who answers questions about this "
            "release, or remove the contact")


def leftover_example(key: str, value: str | None) -> str | None:
    """An optional field uncommented with the template's example value still in it."""
    if value and _plain(value) in _EXAMPLES[key]:
        return f"{_EXAMPLE_WORDS[key]} is still the template's example; write your own, or comment the line out again"
    return None


def leftover_body(body: str, first_line: int) -> list[tuple[int, str]]:
    """(line, message) for each line of the body that still holds a piece of the template's text."""
    found = []
    for number, line in enumerate(body.split("\n"), first_line):
        if any(mark in _plain(line) for mark in _BODY_MARKS):
            found.append((number, "the body still holds the template's text; write the release's own text in its place"))
    return found
