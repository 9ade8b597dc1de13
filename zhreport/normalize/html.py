"""HTML pages -> visible text, as edits on the source so every offset still points into it.

lxml's HTML parser reads the page (no network, no DTD, comments and processing
instructions dropped); scripts, styles and the head are left out; block elements
become line breaks and each table row becomes one ' | '-separated line, which the
table readers understand. Text nodes are found back in the source in document
order, so the visible text is the source with its markup replaced: offsets of
facts, labels and cells map back exactly.
"""
from __future__ import annotations

import html as html_lib
import re
from itertools import islice

import regex

from .offsets import Edit, apply_edits

_HEAD = 200000  # characters looked at to tell an HTML page
_TAGS = regex.compile(r"<(?:html|body|table|tr|td|th|p|div|br|span|h[1-6]|li|ul|font|strong|tbody)\b", regex.I)
_SKIP = {"script", "style", "head", "title", "noscript", "template", "iframe", "object", "svg"}
_BLOCK = {"p", "div", "br", "tr", "table", "tbody", "thead", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
          "section", "article", "header", "footer", "caption", "dd", "dt", "blockquote", "pre", "hr"}
_CELL = {"td", "th"}
_ROW_LEVEL = ("table", "tr")  # block elements that part lines even inside a cell


def looks_like_html(text: str) -> bool:
    """Three tags of the usual HTML elements in the first 200,000 characters."""
    if text.find("<", 0, _HEAD) < 0:
        return False
    return len(list(islice(_TAGS.finditer(text, 0, _HEAD), 3))) == 3


_SEP_RANK = {" ": 0, " | ": 1, "\n": 2}
_DEEP = 200  # nesting at which the parser may have dropped text (libxml2 stops at 256, or deeper with huge_tree)


def _text_nodes(root) -> tuple[list[tuple[str, str]], str, int]:
    """The visible text as (separator before, text) pairs in document order, the separators
    after the last text, and the deepest nesting met.

    Block elements part lines and cells ' | '; where several separators meet, the strongest
    stays (a line break, then a cell bar, then a space), and each cell after a row's first
    adds its bar. Inside a table cell, block elements (<p>, <div>, <br>) only part words: a
    cell's text stays on its row's line, so a row is one ' | '-separated line however its
    cells wrap.
    """
    from lxml import etree

    nodes: list[tuple[str, str]] = []
    run: list[str] = []  # the separators since the last text
    # lxml's walk keeps the stack in C: a page may nest thousands of elements (deeper than
    # Python's recursion limit), and a Python stack of element proxies cost ~3 µs an element
    walk = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    open_tags: list = []  # per open element: its lower-case tag, or None when its content is skipped
    has_element_child = [True]  # per open element (and above the root): an element child has started
    cells_open = 0  # open <td>/<th> elements
    deepest = 0
    for event, el in walk:
        sep = None
        if event == "start":
            first = not has_element_child[-1]
            has_element_child[-1] = True
            has_element_child.append(False)
            if len(open_tags) >= deepest:
                deepest = len(open_tags) + 1
            tag = el.tag.lower()
            if tag in _SKIP:
                walk.skip_subtree()
                open_tags.append(None)
                continue
            open_tags.append(tag)
            if tag in _BLOCK:
                sep = "\n" if not cells_open or tag in _ROW_LEVEL else " "
            elif tag in _CELL:
                cells_open += 1
                if first:
                    sep = "\n"
                else:
                    run.append(" | ")
            text = el.text
        elif event == "end":
            has_element_child.pop()
            tag = open_tags.pop()
            if tag in _CELL:
                cells_open -= 1
            elif tag in _BLOCK:
                sep = "\n" if not cells_open or tag in _ROW_LEVEL else " "
            text = el.tail
        else:  # a comment or processing instruction (when the parser keeps them): only its tail is text
            if len(open_tags) >= deepest:
                deepest = len(open_tags) + 1
            text = el.tail
        if sep is not None:
            if not run:
                run.append(sep)
            elif sep == "\n" and run[-1] == " | ":  # a row ends after empty cells: their bars stay
                run.append(sep)
            elif _SEP_RANK[sep] > _SEP_RANK[run[-1]]:
                run[-1] = sep
        if text:
            nodes.append((_compose("".join(run)) if run else "", text))
            run = []
    return nodes, "".join(run), deepest


def html_edits(source: str) -> list[Edit] | None:
    """Edits that turn the HTML source into its visible text; None when it cannot be parsed."""
    try:
        from lxml import etree
    except ImportError:
        return None
    # huge_tree: libxml2 otherwise drops everything below 256 nested elements. lxml.etree's parser,
    # not lxml.html's: the same tree, without a Python class lookup for every element
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True,
                              huge_tree=True, recover=True)
    if _XML_DECLARATION.match(source, 0, 50):
        return None  # keep offsets simple: an XML declaration is rare in report pages
    try:
        root = etree.fromstring(source, parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    if root is None:  # an empty document
        return None
    nodes, trailing_sep, deepest = _text_nodes(root)
    if deepest >= _DEEP:  # libxml2 drops what lies deeper than its limit: compare with a flat tag scan
        flat = flat_edits(source)
        if _lost_text(nodes, source, flat):
            return flat  # the parser dropped text (nesting beyond its limit): tags out, text kept
    edits: list[Edit] = []
    cursor = 0
    n = len(source)
    for sep, s in nodes:
        # a text node starts right after a '>' (or at the very start)
        at = -1
        probe = cursor
        window_end = cursor + _WINDOW + len(s)  # bounded: a node not found costs no full scan
        while True:
            k = source.find(s, probe, window_end)
            if k < 0:
                break
            if k == 0 or source[k - 1] == ">" or k == cursor:
                at = k
                break
            probe = k + 1
        if at >= 0 and _markup_only(source, cursor, at):
            edits.append(Edit(cursor, at, sep))
            cursor = at + len(s)
        else:
            # entities in the node: the raw node starts after the markup at the cursor, ends at the next '<'
            start = _MARKUP_RUN.match(source, cursor).end()
            lt = source.find("<", start)
            end = lt if lt >= 0 else n
            if end <= start or html_lib.unescape(source[start:end]).strip() != s.strip():
                return None  # cannot place this text in the source: read the page as plain text
            edits.append(Edit(cursor, start, sep))
            edits.extend(_entity_edits(source, start, end, s))
            cursor = end
    # after the last text: the bars of a last row's empty cells, and one line break
    edits.append(Edit(cursor, n, _ended_row(trailing_sep) if "\n" in trailing_sep else ""))
    return [e for e in edits if e.end > e.start or e.replacement]


_WINDOW = 200000
_XML_DECLARATION = regex.compile(r"\s*<\?xml[^>]*\?>")
_COUNTED = regex.compile(r"[\p{Han}\d]")
# one left-to-right pass: comments, CDATA, declarations, then tags (a '<' that opens no tag is text)
_TOKEN = regex.compile(r"(?s)<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<[!?][^>]*(?:>|\Z)"
                       r"|<(/?)([a-zA-Z][\w:-]*)[^>]*(?:>|\Z)")
_RAW_TEXT = {"script", "style"}  # unclosed, they run to the end of the page


def flat_edits(source: str) -> list[Edit]:
    """Visible text by a flat scan of the tags (no tree, so no nesting limit): block tags
    become line breaks, cells ' | ', scripts, styles and comments go. Entities stay for
    the entity fixer."""
    edits: list[Edit] = []
    pos = 0
    n = len(source)
    while pos < n:
        m = _TOKEN.search(source, pos)
        if m is None:
            break
        closing, name = m.group(1), (m.group(2) or "").lower()
        end = m.end()
        if name in _SKIP and not closing:  # left out as the parser leaves it out
            close = regex.compile(r"</" + name + r"\s*>", regex.I).search(source, end)
            end = close.end() if close else (n if name in _RAW_TEXT else end)
        if name in _BLOCK:
            rep = "\n"
        elif name in _CELL and not closing:
            rep = " | "
        else:
            rep = ""
        if edits and edits[-1].end == m.start():  # adjacent markup: one edit, the stronger separator
            prev = edits.pop()
            rep = prev.replacement if "\n" in prev.replacement or not rep else \
                ("\n" if "\n" in rep else prev.replacement or rep)
            edits.append(Edit(prev.start, end, rep))
        else:
            edits.append(Edit(m.start(), end, rep))
        pos = end
    return [e for e in edits if e.end > e.start]


def _lost_text(nodes: list[tuple[str, str]], source: str, flat: list[Edit]) -> bool:
    """Did the parser drop text the flat scan sees (Han characters and digits, entities decoded)?"""
    parsed = sum(len(_COUNTED.findall(s)) for _sep, s in nodes)
    seen = len(_COUNTED.findall(html_lib.unescape(apply_edits(source, flat))))
    return seen - parsed > seen // 100


_ENTITY = regex.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?")


_ENTITY_RUN = regex.compile(rf"(?:{_ENTITY.pattern})+")
_MAX_NODE_EDITS = 1000  # an entity flood is one edit: bounded memory, offsets only coarser inside it


def _entity_edits(source: str, start: int, end: int, text: str) -> list[Edit]:
    """The raw node source[start:end] turned into its text: one edit per run of entities, so every
    other character keeps its own offset (a fact beside '&lt;' points at itself, not at the whole node)."""
    edits, pos, out = [], start, []
    for m in _ENTITY_RUN.finditer(source, start, end):
        decoded = html_lib.unescape(m.group(0))
        out.append(source[pos:m.start()] + decoded)
        if decoded != m.group(0):
            edits.append(Edit(m.start(), m.end(), decoded))
        pos = m.end()
        if len(edits) > _MAX_NODE_EDITS:
            return [Edit(start, end, text)]
    out.append(source[pos:end])
    if "".join(out) != text:  # the parser's text differs otherwise (white space): the node as one edit
        return [Edit(start, end, text)]
    return edits


def _compose(seps: str) -> str:
    """Separators between two text nodes: the bars of empty cells that ended a row, one line
    break, then the cell bars after it (empty cells that open the next row)."""
    if "\n" in seps:
        return _ended_row(seps) + seps.rsplit("\n", 1)[1]
    return seps


def _ended_row(seps: str) -> str:
    """Of separators holding a line break: the bars of the empty cells that ended the row, and the break."""
    return seps.split("\n", 1)[0].rstrip() + "\n"


# what markup is, written once: scripts and styles with their content, comments and declarations, tags
_SCRIPT = r"<(script|style|noscript|template|title|iframe|object|svg)\b.*?</\1\s*>"
_COMMENT = r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<![^>]*>|<\?[^>]*>"
_TAG = r"<[^>]*>"
_SCRIPTS = regex.compile(rf"(?is){_SCRIPT}")
_COMMENTS = regex.compile(rf"(?s){_COMMENT}")
_ANY_TAG = regex.compile(_TAG)
_MARKUP_RUN = regex.compile(rf"(?is)(?:{_SCRIPT}|{_COMMENT}|{_TAG}|\s)*")  # markup from a position on


# the common case of _markup_only, in one match: plain tags and line breaks ('</td><td>');
# removing scripts and comments from it could only remove whole tags
_PLAIN_TAGS = re.compile(r"(?:<[^<>]*>|[ \t\r\n])*")  # explicit classes: the standard library's re, twice as fast


def _markup_only(source: str, a: int, b: int) -> bool:
    """Is source[a:b] only tags, comments, scripts/styles and whitespace (no text of its own)?"""
    if _PLAIN_TAGS.fullmatch(source, a, b):
        return True
    seg = _SCRIPTS.sub("", source[a:b])
    seg = _COMMENTS.sub("", seg)
    return _ANY_TAG.sub("", seg).strip() == ""
