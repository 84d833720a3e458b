"""The press room's accessibility statement, after the model of Sweden's Agency for Digital Government
(DIGG), made from site.yaml's `accessibility:` section.

A Swedish public body must publish one for its web presence (lagen om tillgänglighet till digital
offentlig service, from the EU's Web Accessibility Directive). Every page links it in its footer, and
every release says how to ask for it in another format. The statement is written in each language the
press room publishes in that has its texts here (Swedish, English); a page in another language links
the press room's (or the English one, if the press room's language has no texts here either).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from pipeline.labels import long_date
from pipeline.render.artifact import Artifact
from pipeline.source.model import Release, Site

if TYPE_CHECKING:  # a no-op export reads where the statement is, and imports no template engine for it
    import jinja2

    from pipeline.render.fonts import FontCoverage

TEXTS = {
    "sv": {
        "folder": "tillganglighet/",
        "title": "Tillgänglighet för {title}",
        "intro": "{name} står bakom den här webbplatsen. Vi vill att så många som möjligt ska kunna använda den. Här "
                 "beskriver vi hur {title} uppfyller lagen om tillgänglighet till digital offentlig service, vilka "
                 "tillgänglighetsproblem vi känner till och hur du kan rapportera brister till oss så att vi kan "
                 "åtgärda dem.",
        "how_accessible": "Hur tillgänglig är webbplatsen?",
        "status_full": "Webbplatsen är helt förenlig med lagen om tillgänglighet till digital offentlig service.",
        "status_partial": "Vi är medvetna om att delar av webbplatsen inte är helt tillgängliga. Se avsnittet om "
                          "innehåll som inte är tillgängligt nedan.",
        "status_none": "Webbplatsen är inte förenlig med lagen om tillgänglighet till digital offentlig service. Se "
                       "avsnittet om innehåll som inte är tillgängligt nedan.",
        "other_format": "Vad kan du göra om du inte kan använda delar av webbplatsen?",
        "other_format_text": "Om du behöver innehåll från {title} i ett annat format, till exempel ett "
                             "pressmeddelande som uppläst text, i punktskrift eller på lättläst svenska, kan du "
                             "kontakta oss:",
        "report": "Rapportera brister i webbplatsens tillgänglighet",
        "report_text": "Vi strävar hela tiden efter att förbättra webbplatsens tillgänglighet. Om du upptäcker problem "
                       "som inte beskrivs på den här sidan, eller om du anser att vi inte uppfyller lagens krav, "
                       "meddela oss på samma sätt så att vi får veta att problemet finns.",
        "enforcement": "Tillsyn",
        "enforcement_text": "{body} har ansvaret för tillsyn över lagen om tillgänglighet till digital offentlig "
                            "service. Om du inte är nöjd med hur vi hanterar dina synpunkter kan du kontakta {body} "
                            "och påtala det.",
        "enforcement_link": "Anmäl bristande tillgänglighet till {body}",
        "technical": "Teknisk information om webbplatsens tillgänglighet",
        "technical_full": "Webbplatsen är helt förenlig med lagen om tillgänglighet till digital offentlig service.",
        "technical_partial": "Webbplatsen är delvis förenlig med lagen om tillgänglighet till digital offentlig "
                             "service, på grund av de brister som beskrivs nedan.",
        "technical_none": "Webbplatsen är inte förenlig med lagen om tillgänglighet till digital offentlig service, "
                          "på grund av de brister som beskrivs nedan.",
        "gaps": "Innehåll som inte är tillgängligt",
        "tested": "Hur vi testat webbplatsen",
        "method_self": "Vi har gjort en självskattning (intern testning) av webbplatsen.",
        "method_external": "Webbplatsen har granskats av en extern part.",
        "assessed": "Den senaste bedömningen gjordes den {date}.",
        "reviewed": "Redogörelsen uppdaterades senast den {date}.",
        "form": "Webbformulär",
        "subject": "Pressmeddelande i ett annat format: {title}",
    },
    "en": {
        "folder": "accessibility/",
        "title": "Accessibility statement for {title}",
        "intro": "{name} is responsible for this website and wants as many people as possible to be able to use it. "
                 "This statement describes how {title} meets the accessibility requirements of Directive (EU) "
                 "2016/2102 and the national law that implements it, the accessibility problems we know of, and how "
                 "to report problems to us so that we can fix them.",
        "how_accessible": "How accessible is this website?",
        "status_full": "This website is fully compliant with the accessibility requirements.",
        "status_partial": "We know that parts of this website are not fully accessible. See the section on content "
                          "that is not accessible below.",
        "status_none": "This website is not compliant with the accessibility requirements. See the section on "
                       "content that is not accessible below.",
        "other_format": "What to do if you cannot use parts of this website",
        "other_format_text": "If you need content from {title} in another format, such as a press release read "
                             "aloud, in braille or in easy-to-read language, contact us:",
        "report": "Reporting accessibility problems",
        "report_text": "We keep improving the accessibility of this website. If you find a problem not described on "
                       "this page, or think we do not meet the requirements, tell us in the same way so that we know "
                       "of it.",
        "enforcement": "Enforcement procedure",
        "enforcement_text": "{body} is responsible for enforcing the accessibility requirements. If you are not "
                            "satisfied with how we handle your report, you can contact {body}.",
        "enforcement_link": "Report an accessibility problem to {body}",
        "technical": "Technical information about this website's accessibility",
        "technical_full": "This website is fully compliant with the accessibility requirements.",
        "technical_partial": "This website is partially compliant with the accessibility requirements, due to the "
                             "non-compliances listed below.",
        "technical_none": "This website is not compliant with the accessibility requirements, due to the "
                          "non-compliances listed below.",
        "gaps": "Content that is not accessible",
        "tested": "How we tested this website",
        "method_self": "We assessed this website ourselves.",
        "method_external": "This website was assessed by an external party.",
        "assessed": "The last assessment was made on {date}.",
        "reviewed": "This statement was last reviewed on {date}.",
        "form": "Web form",
        "subject": "Press release in another format: {title}",
    },
}


def statement_lang(site: Site, lang: str) -> str:
    """The language of the statement a page in `lang` links: its own if the statement has its texts, else the
    press room's, else English."""
    for tag in (lang, site.lang):
        if tag.split("-")[0].lower() in TEXTS:
            return tag.split("-")[0].lower()
    return "en"


def statement_path(site: Site, lang: str) -> str | None:
    """Where the statement a page in `lang` links lives under dist/; None if the press room has none."""
    return TEXTS[statement_lang(site, lang)]["folder"] + "index.html" if site.accessibility else None


def statement_langs(site: Site, langs: set[str]) -> list[str]:
    """The languages the statement is written in: the press room's, and those of its releases that have texts."""
    if not site.accessibility:
        return []
    return sorted({statement_lang(site, site.lang)} | {statement_lang(site, lang) for lang in langs})


def another_format_href(site: Site, release: Release) -> str | None:
    """Where a reader asks for a release in another format: a message to the press room with its title as the
    subject, its web form, or the statement's section that says how."""
    a = site.accessibility
    if a is None:
        return None
    if a.email:
        subject = TEXTS[statement_lang(site, release.lang)]["subject"].format(title=release.title)
        return f"mailto:{quote(a.email, safe='@+')}?subject={quote(subject)}"
    return a.form or None


def render_statement(site: Site, lang: str, env: jinja2.Environment, fonts: FontCoverage | None = None) -> Artifact:
    """The statement in one of the languages of TEXTS."""
    from pipeline.render.pages import chrome, render_with_fonts, tel_href

    a, t = site.accessibility, TEXTS[lang]
    path = t["folder"] + "index.html"
    body = a.enforcement[0]
    context = {
        **chrome(site, path, lang),
        "t": t, "a": a,
        "heading": t["title"].format(title=site.title),
        "intro": t["intro"].format(name=site.name, title=site.title),
        "status": t[f"status_{a.status}"],
        "other_format_text": t["other_format_text"].format(title=site.title),
        "ways": [(label, href, text) for label, href, text in (
            ("email", f"mailto:{quote(a.email, safe='@+')}" if a.email else None, a.email),
            ("phone", tel_href(a.phone) if a.phone else None, a.phone),
            ("form", a.form, a.form)) if href],
        "enforcement_text": t["enforcement_text"].format(body=body),
        "enforcement_link": t["enforcement_link"].format(body=body),
        "technical": t[f"technical_{a.status}"],
        "method": t[f"method_{a.method}"],
        "assessed": t["assessed"].format(date=long_date(a.assessed, lang, site.timezone)),
        "reviewed": t["reviewed"].format(date=long_date(a.reviewed, lang, site.timezone)),
        "canonical": site.url + t["folder"],
        # The gaps are written in the press room's language, which may not be the statement's.
        "gaps_lang": None if site.lang.split("-")[0].lower() == lang else site.lang,
    }
    html = render_with_fonts(env.get_template("accessibility.html"), context, fonts)
    return Artifact(path, html.encode("utf-8"), "html")
