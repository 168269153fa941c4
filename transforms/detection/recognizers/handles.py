"""Usernames and account handles: ``@handle`` in running text, ``u/name``, and handles after a user cue.

Privacy contract: a handle identifies an account holder as surely as a name does, so every form found
here is reported (default entity ``ID``, ``orig_label`` USERNAME in the probe gold; configure
``supported_entity: PERSON`` to redact handles as names instead). @mentions of brand or organisation
accounts are reported too: telling a brand account from a person's needs a list of brands we do not have,
and a leaked personal handle costs more than a redacted brand name.

A first name glued to a surname with trailing digits (``ninaberglund84``, ``NinaBerglund84``) is one too
(``first_last87`` with a separator is ``UsernameRecognizer``'s, labelled PERSON).

Not handles (negative cases): e-mail addresses (``a@b.com``: the ``@`` follows a word character),
``@`` used as "at" before a number, price or time (``meet @ 5``, ``2 @ $3.99``, ``@5pm``), code decorators
and annotations (an ``@name`` opening a line that is followed by a ``def``/``class``/declaration line, or
directly followed by ``(``), and subreddit names (``r/...``, a community, not a person).

Spans cover the name, not the ``@`` or ``u/`` (a replacement reads ``@<token>``). Once a handle is
found, its bare form (``nick_k`` after ``@nick_k``) is marked wherever else it occurs in
the same text, when it is shaped like a handle (a digit, ``_`` or ``.`` inside) so common words are not.
"""

from __future__ import annotations

from typing import ClassVar

import regex

from transforms.detection import lexicon
from transforms.detection.recognizers.base import CodeRecognizer, finditer

_AT_RE = regex.compile(r"(?<![\w@.+\-/])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,38}[A-Za-z0-9_])?)(?![\w@]|\.\w|\()")
_REDDIT_RE = regex.compile(r"(?<![\w/])/?u/([A-Za-z0-9_-]{3,20})\b(?!/)")
# "@5", "@5pm", "@3.99", "@10am", "@2x": a number, price or time after "at"
_AT_NUMBER_RE = regex.compile(r"\d+(?:[.:,]\d+)*(?:am|pm|h|hrs?|k|m|x|ea|each|p|ish)?", regex.IGNORECASE)
_CODE_NEXT_RE = regex.compile(
    r"^[ \t]*(?:@|def |async def |class |public |private |protected |static |final |abstract |fun |function |"
    r"export |override |func |interface |void |int |String )"
)
# a cue that introduces an account name; the name follows after ":", "by" or a space
_CUE_RE = regex.compile(
    r"\b(?:user(?:[ \t]?name)?|handle|screen[ \t]?name|nick(?:name)?|login|gamertag|account[ \t]name|"
    r"(?:posted|reviewed|submitted|asked|answered|written|commented|replied|shared|uploaded|edited|quoted)[ \t]+by|"
    r"(?:reply|comment|post|message|review|answer)[ \t]+(?:from|by))\b(?:[ \t]*[:=][ \t]*|[ \t]+)",
    regex.IGNORECASE,
)
_TOKEN_RE = regex.compile(r"@?([\p{L}\p{N}_][\p{L}\p{N}_.\-]{1,38}[\p{L}\p{N}_])(?![\p{L}\p{N}_@]|\.\w)")
# "ninaberglund84": letters then 2-4 digits, not inside an e-mail address, host name or path
_GLUED_RE = regex.compile(r"(?<![\w@./-])([a-z]{6,24}|[A-Z][a-z]{2,11}[A-Z][a-z]{2,12})(\d{2,4})(?![\w@]|\.\w)")
# a label cue ("user:", "username:") accepts any token; a verb cue ("posted by") only a handle-shaped one
_LABEL_CUE_RE = regex.compile(r"[:=][ \t]*$")


def handle_shaped(token: str) -> bool:
    """A digit, ``_`` or an inner ``.``/``-`` between letters, or camelCase: not a plain word or name."""
    if regex.search(r"\d|_", token):
        return regex.search(r"\p{L}", token) is not None
    if regex.search(r"\p{L}[.\-]\p{L}", token):
        return True
    return regex.search(r"\p{Ll}\p{Lu}", token) is not None


class HandleRecognizer(CodeRecognizer):
    """@handles, ``u/name`` and cue-introduced handles (see the module docstring for what is not one)."""

    KIND: ClassVar = "handle"

    def __init__(self, name, entity, options, context=None) -> None:
        super().__init__(name, entity, options, context)
        self.score = options.get("score", 0.7)
        self.cue_score = options.get("cue_score", 0.6)
        self.rare = options.get("rare_max_zipf", 3.0)
        self.repeat = options.get("repeat", True)

    def analyze(self, text, entities, nlp_artifacts=None):
        found: dict[tuple[int, int], float] = {}
        for m in finditer(_AT_RE, text, self.name):
            if self._at_ok(text, m):
                found[(m.start(1), m.end(1))] = self.score
        for m in finditer(_REDDIT_RE, text, self.name):
            found[(m.start(1), m.end(1))] = self.score
        for m in finditer(_GLUED_RE, text, self.name):
            if self._glued_name(m.group(1)):
                found.setdefault((m.start(), m.end()), self.cue_score)
        for m in finditer(_CUE_RE, text, self.name):
            tok = _TOKEN_RE.match(text, m.end())
            if tok is None:
                continue
            value = tok.group(1)
            labelled = _LABEL_CUE_RE.search(m.group(0)) is not None or tok.group(0).startswith("@")
            named = labelled and value.lower() in lexicon.first_names()  # "Username: tommy"
            if handle_shaped(value) or named or ((labelled or value.islower()) and self._rare_word(value)):
                found.setdefault((tok.start(1), tok.end(1)), self.cue_score)
        if self.repeat and found:
            self._repeats(text, found)
        return [self.result(s, e, score) for (s, e), score in sorted(found.items())]

    def _at_ok(self, text: str, m: regex.Match) -> bool:
        name = m.group(1)
        if _AT_NUMBER_RE.fullmatch(name):
            return False
        line_start = text.rfind("\n", 0, m.start()) + 1
        if text[line_start : m.start()].strip() == "":  # "@name" opening a line: a decorator if code follows
            line_end = text.find("\n", m.end())
            rest = text[m.end() : line_end if line_end >= 0 else len(text)].strip()
            nxt_end = text.find("\n", line_end + 1) if line_end >= 0 else -1
            nxt = text[line_end + 1 : nxt_end if nxt_end >= 0 else len(text)] if line_end >= 0 else ""
            if (not rest or rest.startswith("(")) and _CODE_NEXT_RE.match(nxt):
                return False
        return True

    @staticmethod
    def _glued_name(letters: str) -> bool:
        """A Census first name glued to a Census surname, 3+ letters each ("ninaberglund")."""
        low = letters.lower()
        return any(low[:i] in lexicon.first_names() and low[i:] in lexicon.surnames() for i in range(3, len(low) - 2))

    def _rare_word(self, value: str) -> bool:
        return regex.fullmatch(r"[\p{L}\p{N}_.\-]+", value) is not None and lexicon.zipf(value) < self.rare

    def _repeats(self, text: str, found: dict[tuple[int, int], float]) -> None:
        bare = {text[s:e] for s, e in found}
        for value in bare:
            if not handle_shaped(value):
                continue
            pattern = regex.compile(r"(?<![\w@./])" + regex.escape(value) + r"(?![\w@]|\.\w)")
            for m in finditer(pattern, text, self.name):
                if not any(s <= m.start() < e for s, e in found):
                    found[(m.start(), m.end())] = self.cue_score
