"""HTML: visible text only (stdlib ``html.parser``; tolerant of broken markup, no network, no scripts).

Script, style, template, noscript and embedded objects are skipped, as are comments and attribute
values: what is not extracted never reaches the output, so hidden content cannot leak through here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

from transforms.config import InputConfig
from transforms.parsing.common import Item, build_record, decode_text
from transforms.parsing.source import SourceFile

_SKIP = {"script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math", "head"}
_KEEP_IN_HEAD = {"title"}
_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "section", "article", "header", "footer", "nav",
    "aside", "main", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "dd", "dt", "hr", "title",
    "address", "figcaption", "form", "fieldset", "legend", "details", "summary", "option",
}  # fmt: skip
_CELL = {"td", "th"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "source", "track", "wbr", "param"}


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip: list[str] = []  # open skipped elements (a stack, so nesting and bad markup stay bounded)
        self.in_title = False

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _VOID:
            if tag in _BLOCK and not self.skip:
                self.parts.append("\n")
            return
        if tag == "body" and self.skip == ["head"]:  # <head> is often left unclosed
            self.skip.clear()
        if tag in _SKIP and not (tag == "head" and self.skip):
            self.skip.append(tag)
        elif tag in _KEEP_IN_HEAD and self.skip == ["head"]:
            self.in_title = True
        if tag in _BLOCK:
            self.parts.append("\n")
        elif tag in _CELL:
            self.parts.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if self.skip and tag == self.skip[-1]:
            self.skip.pop()
        elif tag in self.skip:  # unclosed inner elements: unwind to the matching one
            del self.skip[self.skip.index(tag) :]
        if tag in _KEEP_IN_HEAD:
            self.in_title = False
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip or self.in_title:
            self.parts.append(data)


def visible_text(markup: str) -> str:
    p = _Visible()
    p.feed(markup)
    p.close()
    text = "".join(p.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r"\s*\n\s*", "\n", text)
    return re.sub(r"(?m)^\| ", "", text).strip()


def parse_html(src: SourceFile, cfg: InputConfig) -> Iterator[Item]:
    text = visible_text(decode_text(src.data))
    yield build_record(src, cfg, content_type="document", text=text, candidates={"source_format": "html"})
