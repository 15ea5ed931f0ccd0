"""Read a news page saved from the web: the article's text, without the site's furniture.

Navigation, banners, cookie notices, adverts, share buttons, related links, sidebars,
forms and footers are dropped, with the standard library's HTML parser; what is left
is the title and one paragraph per block, blank lines between.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterator

from ..errors import ThemeclassError

__all__ = ["html_text"]


_VOID = frozenset("area base br col embed hr img input keygen link meta param source track wbr".split())
#: Never text: dropped wherever they are.
_NEVER_TEXT = frozenset(
    "head title script style noscript template svg math iframe object embed canvas button select "
    "textarea input label dialog".split()
)
#: Page furniture by tag; dropped unless it holds most of the page's paragraphs (ASP.NET
#: wraps whole pages in a <form>, some sites put the article in a <header>-less wrapper).
_FURNITURE_TAGS = frozenset("form nav header footer aside figure figcaption menu".split())
_DROP_ROLES = frozenset(
    "navigation banner contentinfo complementary search dialog alertdialog menu menubar toolbar".split()
)
_DROP_WORDS = re.compile(
    r"(?:^|[\s_-])(?:cookies?|consent|gdpr|banner|ad|ads|advert|adverts|advertisement|sponsor|sponsored|"
    r"promo|share|sharing|social|related|newsletter|subscribe|subscription|comments?|breadcrumbs?|"
    r"nav|navigation|menu|footer|header|masthead|sidebar|popup|modal|outbrain|taboola|recommended|"
    r"more-stories|most-read|trending|tags|byline|skip-link|visually-hidden|sr-only)(?:$|[\s_-])",
    re.IGNORECASE,
)
_BODY_HINTS = re.compile(
    r"article-?body|article__body|story-?body|entry-content|post-content|article-content", re.I
)
_BLOCKS = frozenset(
    "address article blockquote dd div dl dt h1 h2 h3 h4 h5 h6 li main ol p pre section table tbody td th "
    "thead tr ul body html".split()
)
_PARAGRAPHS = frozenset("p li h1 h2 h3 h4 h5 h6 blockquote pre dd dt td th".split())
#: Paragraph-closing: a new one of these closes an open <p> (HTML's implied end tags).
_CLOSES_P = _BLOCKS | frozenset({"hr"})
_MAX_LINK_SHARE = 0.5
#: Deeper elements are flattened into their ancestor, so tree walks never hit the recursion limit.
_MAX_DEPTH = 150


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    parent: _Node | None = None
    children: list[Any] = field(default_factory=list)  # _Node or str

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def link_text(self) -> str:
        if self.tag == "a":
            return self.text()
        return "".join(child.link_text() for child in self.children if isinstance(child, _Node))

    def walk(self) -> Iterator[_Node]:
        yield self
        for child in self.children:
            if isinstance(child, _Node):
                yield from child.walk()


class _TreeBuilder(HTMLParser):
    """A forgiving tag tree: void tags, implied ends of <p>/<li>, stray end tags ignored."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _CLOSES_P:
            self._close_implied(tag)
        node = _Node(tag, {name: value or "" for name, value in attrs}, self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in _VOID and len(self.stack) < _MAX_DEPTH:  # unclosed <font>s nest for ever
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {name: value or "" for name, value in attrs}, self.stack[-1])
        self.stack[-1].children.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def _close_implied(self, tag: str) -> None:
        top = self.stack[-1].tag
        if top == "p" or (tag == "li" and top == "li") or (tag in ("dt", "dd") and top in ("dt", "dd")):
            self.stack.pop()


def html_text(data: bytes, file: Path) -> str:
    """Article text of a news page: title, then one paragraph per block, blank lines between."""
    if not data.strip():
        raise ThemeclassError("empty file", file)
    html = _decode_html(data)
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    root = builder.root
    title = _title(root)
    facts = _page_facts(root)
    _prune(root, _paragraph_weight(root))
    body = _article_root(root)
    paragraphs = _drop_page_furniture([p for p in _paragraphs(body) if p], title, facts)
    if not paragraphs:
        raise ThemeclassError("no article text found in HTML page", file)
    return "\n\n".join(([title] if title else []) + paragraphs) + "\n"


# --- HTML: page furniture that markup does not flag (issue 14)
#
# Trade-press pages put menus, issue archives, subscription offers, bylines and
# picture captions in plain <p>s and <div>s with no telling class, often inside the
# element that holds the article. These are recognised by their text instead:
# captions repeat an image's alt text; bylines and datelines have a fixed shape;
# subscription offers name a price or a subscription; menu items are short lines
# without sentence punctuation that the page repeats (header and footer menus) or
# that trail after the article's last paragraph or lead into its first.

#: Short: at most this many words (menu items, panel headings, kickers).
_MENU_WORDS = 8
_SENTENCE_END = re.compile(r"[.!?:;][’”\"')\]]*$")
_BYLINE = re.compile(
    r"^(?i:by|written by|words by|reporter:?|author:?)\s+[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,3}"
    r"(?:\s*[,|–-]\s*[\w ’'&-]{0,60})?$",
)
_DATELINE = re.compile(
    r"^(?:(?:published|updated|posted|last updated)(?: on)?:?\s+)?(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    r"\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*,?\s+\d{4}"
    r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:am|pm)?)?$",
    re.I,
)
_PRICE = re.compile(r"[£$€]\s?\d")
_SUBSCRIPTION = re.compile(r"subscri|unlimited access|digital access|print and digital|free trial|membership", re.I)


def _page_facts(root: _Node) -> tuple[set[str], Counter]:
    """Before pruning: the page's image alt texts, and how often each short line occurs on the page."""
    alts = {_norm(n.attrs.get("alt", "")) for n in root.walk() if n.tag == "img"}
    alts.discard("")
    lines: Counter = Counter()
    for paragraph in _paragraphs(root):
        for line in paragraph.split("\n"):
            if line and len(line.split()) <= _MENU_WORDS:
                lines[_norm(line)] += 1
    for node in root.walk():
        if node.tag == "a":
            text = _norm(_inline_text(node))
            if text and len(text.split()) <= _MENU_WORDS:
                lines[text] += 1
    return alts, lines


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _menu_like(text: str) -> bool:
    return len(text.split()) <= _MENU_WORDS and not _SENTENCE_END.search(text)


def _drop_page_furniture(paragraphs: list[str], title: str, facts: tuple[set[str], Counter]) -> list[str]:
    """The article's paragraphs without captions, bylines, datelines, offers and menus."""
    alts, counts = facts
    kept = []
    for paragraph in paragraphs:
        norm = _norm(paragraph)
        words = len(paragraph.split())
        if title and norm == _norm(title):
            continue  # the headline again (the title is printed once, first)
        if any(norm == alt or (norm.startswith(alt) and len(norm) <= len(alt) + 60 and len(alt.split()) >= 3) for alt in alts):
            continue  # a picture caption repeating the image's alt text (and a credit)
        if words <= 12 and (_BYLINE.match(paragraph) or _DATELINE.match(paragraph)):
            continue
        if words <= 40 and _PRICE.search(paragraph) and _SUBSCRIPTION.search(paragraph) or words <= 10 and _SUBSCRIPTION.search(paragraph):
            continue  # a subscription offer
        if _menu_like(paragraph) and counts[norm] >= 2:
            continue  # a menu item the page repeats (header, sidebar, footer)
        kept.append(paragraph)
    prose = [i for i, p in enumerate(kept) if not _menu_like(p)]
    if not prose:
        return kept
    # Short unpunctuated lines before the first paragraph (kickers, section labels) or after
    # the last (sidebar panels, share bars, tag lists) head nothing: they are furniture.
    return kept[prose[0] : prose[-1] + 1]


_HTML_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _decode_html(data: bytes) -> str:
    """Decode by BOM, then a ``<meta charset>`` in the first 4 KB, then UTF-8, else cp1252."""
    for bom, codec in _HTML_BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    declared = re.search(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", data[:4096], re.I)
    if declared:
        codec = _codec(declared.group(1).decode("ascii"))
        if codec:
            return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _codec(label: str) -> str | None:
    """Python codec for a declared charset; latin-1 labels mean cp1252 on the web."""
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def _title(root: _Node) -> str:
    """The article's <h1> (else the first one outside navigation and asides), else <title>."""
    headings = [
        node
        for node in root.walk()
        if node.tag == "h1"
        and _clean(_inline_text(node))
        and not any(a.tag in ("nav", "aside", "footer") or _role(a) in _DROP_ROLES for a in _ancestors(node))
    ]
    in_article = [h for h in headings if any(a.tag in ("article", "main") for a in _ancestors(h))]
    titles = [node for node in root.walk() if node.tag == "title"]
    chosen = (in_article or headings or titles or [None])[0]
    return _clean(_inline_text(chosen), keep_lines=False) if chosen else ""


def _role(node: _Node) -> str:
    return node.attrs.get("role", "").lower()


def _ancestors(node: _Node) -> Iterator[_Node]:
    while node.parent is not None:
        node = node.parent
        yield node


def _is_hidden(node: _Node) -> bool:
    attrs = node.attrs
    return (
        node.tag in _NEVER_TEXT
        or "hidden" in attrs
        or attrs.get("aria-hidden", "").lower() == "true"
        or bool(re.search(r"display\s*:\s*none", attrs.get("style", ""), re.I))
    )


def _is_furniture(node: _Node) -> bool:
    """Navigation, banners, adverts, forms, share bars and the like, by tag, role, class or id."""
    if node.tag in _FURNITURE_TAGS or _role(node) in _DROP_ROLES:
        return True
    if node.tag in ("html", "body", "main", "article") or _is_article_body(node):
        return False
    return bool(_DROP_WORDS.search(f"{node.attrs.get('class', '')} {node.attrs.get('id', '')}"))


def _is_article_body(node: _Node) -> bool:
    if node.attrs.get("itemprop", "").lower() == "articlebody":
        return True
    return bool(_BODY_HINTS.search(node.attrs.get("class", "")))


def _prune(node: _Node, page_weight: int) -> None:
    """Remove hidden parts and furniture, and lists or sections that are mostly link text.

    Furniture is kept if it holds half the page's paragraph text: then it is a wrapper
    (a page-wide <form>, a "layout-with-sidebar" div), not furniture.
    """
    kept: list[Any] = []
    for child in node.children:
        if isinstance(child, str):
            kept.append(child)
            continue
        if _is_hidden(child):
            continue
        if _is_furniture(child):
            weight = _paragraph_weight(child)
            if weight == 0 or weight < page_weight / 2:
                continue
        _prune(child, page_weight)
        if not (child.tag in ("ul", "ol", "div", "section", "table", "nav") and _mostly_links(child)):
            kept.append(child)
    node.children = kept


def _mostly_links(node: _Node) -> bool:
    text = _squash(node.text())
    return bool(text) and len(_squash(node.link_text())) > _MAX_LINK_SHARE * len(text)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _article_root(root: _Node) -> _Node:
    """Pick the article: articleBody, a body class, <article>, <main>, else the densest block."""
    nodes = list(root.walk())
    for test in (
        lambda n: n.attrs.get("itemprop", "").lower() == "articlebody",
        _is_article_body,
        lambda n: n.tag == "article",
        lambda n: n.tag == "main" or n.attrs.get("role", "").lower() == "main",
    ):
        found = [n for n in nodes if test(n) and _paragraph_weight(n) > 0]
        if found:
            return max(found, key=_paragraph_weight)
    candidates = [n for n in nodes if n.tag in _BLOCKS]
    return max(candidates, key=_direct_paragraph_weight, default=root)


def _paragraph_weight(node: _Node) -> int:
    """Characters of <p> text under ``node``: where the article is."""
    return sum(len(_squash(n.text())) for n in node.walk() if n.tag == "p")


def _direct_paragraph_weight(node: _Node) -> int:
    return sum(len(_squash(c.text())) for c in node.children if isinstance(c, _Node) and c.tag == "p")


def _paragraphs(node: _Node) -> Iterator[str]:
    """Yield the text of each paragraph-like block in document order; loose text counts too."""
    loose: list[str] = []
    for child in node.children:
        if isinstance(child, str):
            loose.append(_collapse(child))
            continue
        if child.tag == "br":
            loose.append("\n")
            continue
        if child.tag not in _BLOCKS and child.tag not in _PARAGRAPHS:
            loose.append(_inline_text(child))
            continue
        yield _clean("".join(loose))
        loose = []
        if child.tag in _PARAGRAPHS and not _has_block_child(child):
            if not (_mostly_links(child) and child.tag in ("li", "p")):
                yield _clean(_inline_text(child))
        else:
            yield from _paragraphs(child)
    yield _clean("".join(loose))


def _has_block_child(node: _Node) -> bool:
    return any(isinstance(c, _Node) and (c.tag in _BLOCKS or c.tag in _PARAGRAPHS) for c in node.children)


def _inline_text(node: _Node, pre: bool = False) -> str:
    """Text of an element as a browser shows it: source white space collapsed, <br> a new line."""
    pre = pre or node.tag == "pre"
    parts: list[str] = []
    for child in node.children:
        if isinstance(child, str):
            parts.append(child if pre else _collapse(child))
        elif child.tag == "br":
            parts.append("\n")
        else:
            parts.append(_inline_text(child, pre))
    return "".join(parts)


def _collapse(text: str) -> str:
    """HTML white space (not NBSP) is one space."""
    return re.sub(r"[ \t\n\r\f]+", " ", text)


def _clean(text: str, keep_lines: bool = True) -> str:
    """Trim each line and drop empty ones; ``keep_lines=False`` makes one line."""
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return ("\n" if keep_lines else " ").join(line for line in lines if line)
