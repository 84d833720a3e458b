"""Which editorial checks run and where their thresholds lie: `check:` in site.yaml."""

from __future__ import annotations

from dataclasses import dataclass

# Each check by the name site.yaml's `check: {skip: [...]}` gives it.
CHECKS = {
    "readability": "LIX (Swedish, Norwegian, Danish, Finnish) or Flesch reading ease (English) of the body",
    "sentence-length": "sentences longer than sentence_words",
    "officialese": "officialese words, with the plain word to use",
    "title": "a title longer than title_characters, or ending in a full stop",
    "lead-length": "a lead longer than lead_words",
    "capitals": "text written in capitals",
    "alt-text": "alt text that is a file name, starts with 'bild av'/'image of', or is very long",
    "link-text": "link text that says nothing ('klicka här', 'läs mer', a bare address)",
    "table-header": "a table without a header row",
    "contact": "a release without a contact person of its own",
    "topic": "a release without a topic",
    "image-credit": "a key image without a credit",
    "image-size": "a key image narrower than image_width pixels",
    "embargo": "an embargo that has passed, or a date in the future without an embargo",
}


@dataclass(frozen=True, slots=True)
class CheckSettings:
    skip: frozenset[str] = frozenset()
    lix: int = 55  # LIX above this warns (40–50 medium, 50–60 hard, over 60 very hard; official prose is often 50–55)
    flesch: int = 50  # Flesch reading ease below this is hard (50–60 fairly hard, 30–50 difficult)
    sentence_words: int = 30
    title_characters: int = 80
    lead_words: int = 50
    alt_characters: int = 250
    image_width: int = 1200  # pixels, what a newspaper needs of a press photo

    def runs(self, check: str) -> bool:
        return check not in self.skip


# What site.yaml may set, with the range each may take.
SETTABLE = {"lix": (10, 90), "flesch": (0, 100), "sentence_words": (5, 200), "title_characters": (20, 300),
            "lead_words": (10, 500), "alt_characters": (20, 2000), "image_width": (100, 20_000)}
