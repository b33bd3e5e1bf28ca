"""An article's Markdown as safe HTML, and as plain text for excerpts. Pure.

markdown-it-py (CommonMark, maintained by the Executable Books project) parses the body with raw
HTML switched off, so any tag an editor types is shown as text; nh3 (the Python binding of the
Rust sanitiser ammonia) then keeps only the tags and attributes listed here — a second fence,
should a parser option or plugin ever let markup through. Links may only go to http(s), mailto
and tel addresses and get rel="noopener noreferrer nofollow". (bleach, the usual choice before,
is deprecated by its maintainers.)
"""

import re

import nh3
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_parser.enable("table")

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "a",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
# No style attribute: the public pages' Content-Security-Policy forbids inline styles.
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
HEADING = re.compile(r"<(/?)h1>")  # the page has its own h1: article headings start at h2


def to_html(body: str) -> SafeString:
    html = HEADING.sub(r"<\1h2>", _parser.render(body or ""))
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)


def to_text(body: str) -> str:
    """The body without markup, whitespace collapsed (for excerpts and search snippets)."""
    return " ".join(strip_tags(_parser.render(body or "")).split())


def excerpt(body: str, length: int = 80) -> str:
    text = to_text(body)
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
