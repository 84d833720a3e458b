"""Invariants over many generated inputs (Hypothesis)."""

from __future__ import annotations

import hashlib
import posixpath
import re
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.body.checks import normalise_dash_quotes
from pipeline.source.load import default_id, load_release, load_site, release_slug
from pipeline.build.output import UnsafePath, target

# Printable text of any script, as a communicator might type it on one line.
line_text = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\ufeff\x85"),
    min_size=1, max_size=60,
).filter(lambda s: s.strip())


@given(st.text(max_size=80))
def test_release_addresses_are_never_empty_url_safe_and_stay_inside_dist(stem):
    slug = release_slug(stem)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), "a page at dist/2026/index.html or a PDF named '.pdf'"
    dist = Path(tempfile.gettempdir()) / "dist"
    assert target(dist, f"2026/{slug}/index.html").is_relative_to(dist.resolve())


@pytest.mark.parametrize("stem, slug", [
    ("2026-11-20-bibliotekets-öppettider-i-jul", "bibliotekets-oppettider-i-jul"),
    ("2026-12-01-новость", "novost"),
    ("Ærø færge", "aero-faerge"),
    ("新闻发布", "xinwenfabu"),
    ("2026-12-13-🎄-julmarknad", "julmarknad"),
    ("2026-12-13-🎄", "release-" + hashlib.sha256("2026-12-13-🎄".encode()).hexdigest()[:8]),
    ("2026-12-13", "2026-12-13"),
])
def test_addresses_spell_every_script_in_latin_letters(stem, slug):
    assert release_slug(stem) == slug


def test_two_releases_named_with_emoji_alone_get_an_id_and_an_address_each():
    assert default_id("2026-11-27-🔥") != default_id("2026-11-27-💧")
    assert release_slug("2026-11-27-🔥") != release_slug("2026-11-27-💧")
    assert default_id("2026-12-01-новость") == "2026-12-01-novost"


@given(st.lists(st.sampled_from(["..", ".", "a", "b", "/"]), min_size=1, max_size=6))
def test_no_relative_path_escapes_dist(parts):
    dist = Path(tempfile.gettempdir()) / "dist"
    relative = "/".join(parts)
    normal = posixpath.normpath(relative)
    inside = not normal.startswith(("..", "/")) and normal != "."
    try:
        path = target(dist, relative)
    except UnsafePath:
        assert not inside, f"{relative!r} stays inside dist/ and was refused"
        return
    assert inside and path.is_relative_to(dist.resolve()) and path != dist.resolve()


@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40), max_size=8), st.sampled_from(["sv", "en", "fi"]))
def test_dash_quote_normalisation_keeps_every_line(lines, lang):
    markdown = "\n".join(lines)
    out, double_dashes = normalise_dash_quotes(markdown, lang)
    assert out.count("\n") == markdown.count("\n")
    if lang == "en":  # only a '--' at a paragraph's start changes, on the line it reports
        changed = [i for i, (a, b) in enumerate(zip(markdown.split("\n"), out.split("\n"))) if a != b]
        assert changed == double_dashes


def test_a_real_list_is_never_turned_into_quotes():
    markdown = "Intro.\n\n- ett\n- två\n\nSlut.\n\n- Ensam citat, säger hon.\n"
    out, _ = normalise_dash_quotes(markdown, "sv")
    assert "- ett\n- två" in out and "– Ensam citat" in out


@settings(max_examples=60, deadline=None)
@given(
    title=line_text,
    lead=line_text,
    topics=st.lists(line_text, max_size=3, unique_by=str.strip),
    minutes=st.integers(min_value=0, max_value=60 * 24 * 365 * 5),
    offset=st.sampled_from([0, 60, 120, -300]),
)
def test_loading_a_dumped_release_gives_it_back(tmp_path_factory, title, lead, topics, minutes, offset):
    root = tmp_path_factory.mktemp("src") / "sources"
    root.mkdir()
    (root / "site.yaml").write_text("name: X\nurl: https://press.example.org/\nlang: sv\n", "utf-8")
    site, _ = load_site(root / "site.yaml")
    date = datetime(2024, 1, 1, tzinfo=timezone(timedelta(minutes=offset))) + timedelta(minutes=minutes)
    front = {"title": title, "date": date.isoformat(), "lead": lead, "topics": topics}
    path = root / "r.md"
    path.write_text("---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n\nText.\n", "utf-8")
    release, problems = load_release(path, site)
    assert release is not None, [p.message for p in problems.items]
    assert release.title == title.strip()
    assert release.lead == lead.strip()
    assert release.topics == tuple(dict.fromkeys(t.strip() for t in topics))
    assert release.date == date


_ADDRESS_PART = st.text("abcXYZ019_+-.", min_size=1, max_size=12)


@given(_ADDRESS_PART, st.lists(st.text("abz09-", min_size=1, max_size=10), min_size=1, max_size=3),
       st.sampled_from(["se", "org", "com", "a", "123", "test", "local", "museum", "x-y"]))
def test_an_address_is_accepted_only_if_email_validator_accepts_it(local, labels, tld):
    import email_validator

    from pipeline.source.fields import check_email

    address = f"{local}@{'.'.join(labels)}.{tld}"
    try:
        email_validator.validate_email(address, check_deliverability=False)
        valid = True
    except email_validator.EmailNotValidError:
        valid = False
    assert (check_email(address) is None) == valid, address


@pytest.mark.parametrize("address", ["a?subject=Hej&body=x@example.org", "a%3Fsubject=x@example.org", "a#b@example.org",
                                     "a/b@example.org", "anna@example.org?subject=Hej"])
def test_an_address_that_would_add_to_the_message_is_refused(address):
    from pipeline.source.fields import check_email

    assert check_email(address) is not None
