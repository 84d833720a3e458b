"""Whether an SVG file from the sources is safe to serve from the press room's own address.

An SVG is a document, not a picture: opened on its own it may run scripts, load other
files and call trackers, with the press room's origin. It is published only if every
element is drawing (an allow-list), no attribute is an event handler, every reference
stays inside the file (`#id`) or is an ordinary web link, its CSS loads nothing, and its
DOCTYPE, if any, declares nothing (entities a browser would expand into markup). Editors' inert
metadata (Inkscape, Illustrator, RDF) is allowed. What passes is published unchanged.
"""

from __future__ import annotations

import re

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"

DRAWING = frozenset("""
svg g defs symbol use title desc metadata switch view a style
path rect circle ellipse line polyline polygon text tspan textPath image marker pattern
linearGradient radialGradient stop clipPath mask filter
feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting
feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR
feGaussianBlur feImage feMerge feMergeNode feMorphology feOffset fePointLight
feSpecularLighting feSpotLight feTile feTurbulence
""".split())

# Namespaces whose elements and attributes browsers ignore: what drawing programs leave behind.
INERT = (
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://creativecommons.org/ns#",
    "http://web.resource.org/cc/",
    "http://purl.org/dc/elements/1.1/",
    "http://ns.adobe.com/",
    "http://www.bohemiancoding.com/sketch/ns",
    "http://www.serif.com/",
)

# What in CSS may load or run something besides url(): image-set("…") takes a plain string.
# The DOCTYPE drawing programs write (Illustrator's default): it names SVG 1.1 and declares nothing.
_PLAIN_DOCTYPE = re.compile(rb'<!DOCTYPE\s+svg(\s+PUBLIC\s+"[^"<>\[\]]*"\s+"[^"<>\[\]]*")?\s*>')
_CSS_DANGER = re.compile(r"@import|image-set\s*\(|src\s*\(|expression\s*\(|javascript:|-moz-binding|behavior\s*:|\\", re.I)
_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.I)
_IMAGE_DATA = re.compile(r"data:image/(png|jpeg|gif|webp);base64,", re.I)


def svg_problem(data: bytes) -> str | None:
    """What makes the SVG unsafe to publish, in a few words, or None if it is only drawing."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        return f"it is not a well-formed SVG file ({str(exc).split(' (')[0]})"
    tree = root.getroottree()
    if tree.docinfo.doctype and not (data.count(b"<!DOCTYPE") == 1 and _PLAIN_DOCTYPE.search(data)):
        return "its DOCTYPE declares entities or attributes, which a browser expands into the drawing"
    if root.tag != f"{{{SVG}}}svg":
        return "its outermost element is not <svg>"
    around = [*root.itersiblings(preceding=True), *root.itersiblings()]
    for node in [*around, *root.iter()]:
        if isinstance(node, etree._ProcessingInstruction):
            return f"it holds the instruction <?{node.target}?>, which may load a stylesheet"
        if isinstance(node, etree._Entity):
            return f"it uses the entity &{node.name};"
        if not isinstance(node.tag, str):
            continue
        namespace, name = _split(node.tag)
        if namespace == SVG and name not in DRAWING:
            return f"it holds a <{name}> element, which is not drawing (scripts, embedded pages and animation are refused)"
        if namespace != SVG and not namespace.startswith(INERT):
            return f"it holds a <{name}> element from {namespace or 'no namespace'}, which a browser may run or show as a page"
        if name == "style":
            if len(node):  # a browser reads the text around child elements as the style sheet too
                return "its <style> holds elements; a style sheet is text only"
            if message := _css_problem("".join(node.itertext())):
                return f"its <style> {message}"
        for key, value in node.attrib.items():
            if message := _attribute_problem(name, key, value):
                return f"<{name}> {message}"
    return None


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _attribute_problem(element: str, key: str, value: str) -> str | None:
    namespace, name = _split(key)
    if namespace == XML and name not in ("space", "lang"):
        return f"has the attribute xml:{name}, which may change where references lead"
    if namespace and namespace not in (XLINK, XML) and not namespace.startswith(INERT):
        return f"has the attribute {name} from {namespace}"
    if name.lower().startswith("on"):
        return f"has the event handler {name}, which runs a script"
    if name == "href":
        target = value.strip()
        if target.startswith("#"):
            return None
        if element == "a" and re.match(r"(https?|mailto):", target, re.I):
            return None
        if element in ("image", "feImage") and _IMAGE_DATA.match(target):
            return None
        return f"refers to '{target[:60]}', outside the file; only references to the file's own parts (#id) are allowed"
    if name == "style" or "url(" in value.lower():
        if message := _css_problem(value):
            return f"has the attribute {name}, which {message}"
    return None


def _css_problem(css: str) -> str | None:
    if match := _CSS_DANGER.search(css):
        return f"holds '{match[0]}', which may load or run something"
    for target in _URL.findall(css):
        if not target.startswith("#"):
            return f"loads '{target[:60]}'; only the file's own parts (url(#id)) may be used"
    return None
