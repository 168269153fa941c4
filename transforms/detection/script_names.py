"""Names written in a non-Latin script inside Latin-script text (method ``script_names``, Beam-free).

The small English model proposes Cyrillic or Greek names written in capitals, but not CJK, Hangul,
Arabic, Hebrew or Indic names ("Contact: محمد علي", "佐藤花子さんが来ました", "Kim Min-jun (김민준)"), and the
English lexicons cannot judge them. In text written mainly in Latin script, a short run of another script is
almost always a name, a place or an organisation; this step takes such a run as PERSON when a script-aware
cue says it is a name:

- an honorific written after it in its own script (Japanese さん/様/氏/先生/くん/ちゃん, Korean 씨/님,
  Chinese 先生/女士/小姐/老师): the name is the run of Han/Katakana/Hangul characters right before it;
- a name field or address before it on its line ("Name:", "Contact:", "From:", "Dear", "Hi", "Thanks",
  "Mr"/"Ms"/"Dr" ...);
- brackets: it stands in brackets right after a detected PERSON, or a detected PERSON stands in brackets
  right after it (a transliteration pair);
- otherwise, a short run (1-3 words, 2-16 letters) in a Latin sentence, not in brackets (a gloss of the
  phrase before it: an event or a work as often as a name), not a greeting or thanks of ``GREETINGS``,
  with score 0.5 (kept, not propagated): a foreign word in an English sentence is rarely
  anything but a name, and a redacted word costs less than a leaked name.
The last, weakest rule is off in text written mainly in another script (under 60% of the letters Latin),
which is left to NER.

Privacy contract: only adds spans.
"""

from __future__ import annotations

import regex

from transforms.detection import lexicon
from transforms.detection.budget import REGEX_TIMEOUT_SECONDS
from transforms.record import Span

SCORE = 0.6
WEAK_SCORE = 0.5
LATIN_MIN_SHARE = 0.6
_OTHER = r"[\p{L}\p{M}--\p{Latin}]"
_RUN_RE = regex.compile(rf"(?V1){_OTHER}+(?:[ \u00b7\u30fb]{_OTHER}+){{0,3}}")
_ANY_OTHER_RE = regex.compile(rf"(?V1){_OTHER}")
_LATIN_RE = regex.compile(r"\p{Latin}")
HONORIFICS = (
    "さん",
    "様",
    "さま",
    "氏",
    "先生",
    "くん",
    "君",
    "ちゃん",
    "殿",
    "씨",
    "님",
    "선생님",
    "女士",
    "小姐",
    "老师",
    "老師",
)
_HONORIFIC_RE = regex.compile(
    r"([\p{Han}\p{Katakana}\u30fc]{1,8}|[\p{Hangul}]{2,4})[ \t]?(?:" + "|".join(HONORIFICS) + ")"
)
_CUE_BEFORE_RE = regex.compile(
    r"(?i)(?:\b(?:name|full[ \t]name|contact|from|to|cc|attn|signed|patient|client|customer|tenant|caller|"
    r"guest|passenger|author|employee|student|driver|owner|applicant|witness|dear|hi|hello|hey|thanks|"
    r"thank[ \t]you|regards|cheers|met|with|called|mr|mrs|ms|miss|dr|prof)\b\.?[ \t]*[:,\-]?[ \t]*)$"
)
# greetings and thanks in the scripts above: words, not names
GREETINGS = lexicon.word_set(
    """
    спасибо привет здравствуйте пока да нет ありがとう ありがとうございます こんにちは こんばんは さようなら
    はい いいえ 谢谢 謝謝 你好 再见 再見 是 不 감사합니다 고맙습니다 안녕하세요 안녕 네 아니요 شكرا مرحبا
    السلام نعم لا שלום תודה כן לא नमस्ते धन्यवाद हाँ नहीं
    """
)
# Greek greetings ("hello", "thank you", "yes", "no"), written as escapes: ruff flags Greek letters that look Latin
GREETINGS |= {
    "\u03b3\u03b5\u03b9\u03b1",
    "\u03b5\u03c5\u03c7\u03b1\u03c1\u03b9\u03c3\u03c4\u03ce",
    "\u03bd\u03b1\u03b9",
    "\u03cc\u03c7\u03b9",
}
MAX_RUN_LETTERS = 16


def script_name_spans(text: str, spans: list[Span]) -> list[Span]:
    """New PERSON spans for non-Latin names in mainly Latin text (see the module docstring)."""
    if _ANY_OTHER_RE.search(text, timeout=REGEX_TIMEOUT_SECONDS) is None:
        return []
    latin = len(_LATIN_RE.findall(text, timeout=REGEX_TIMEOUT_SECONDS))
    other = len(_ANY_OTHER_RE.findall(text, timeout=REGEX_TIMEOUT_SECONDS))
    mostly_latin = latin >= LATIN_MIN_SHARE * (latin + other)
    out: list[Span] = []
    for m in _HONORIFIC_RE.finditer(text, timeout=REGEX_TIMEOUT_SECONDS):
        out.append(Span(m.start(1), m.end(1), "PERSON", SCORE))
    for m in _RUN_RE.finditer(text, timeout=REGEX_TIMEOUT_SECONDS):
        start, end = m.span()
        run = m.group(0)
        if _overlaps(out, start, end):
            continue
        letters = sum(c.isalpha() for c in run)
        if letters < 2 or run.lower() in GREETINGS:
            continue
        line_start = text.rfind("\n", 0, start) + 1
        if _CUE_BEFORE_RE.search(text[max(line_start, start - 40) : start]) or _bracket_pair(text, spans, start, end):
            out.append(Span(start, end, "PERSON", SCORE))
        elif (
            mostly_latin
            and letters <= MAX_RUN_LETTERS
            and len(run.split()) <= 3
            and _in_latin_sentence(text, start, end)
            and not _in_brackets(text, start)
        ):
            out.append(Span(start, end, "PERSON", WEAK_SCORE))
    return [s for s in out if not _overlaps(spans, s.start, s.end)]


def _bracket_pair(text: str, spans: list[Span], start: int, end: int) -> bool:
    """ "X Y (run)" or "run (X Y)" with X Y a detected person."""
    before = text[max(0, start - 2) : start].rstrip()
    after = text[end : end + 2].lstrip()
    persons = [s for s in spans if s.label == "PERSON"]
    if before.endswith("(") and after.startswith(")"):
        head = text[: start - 1].rstrip(" (")
        return any(s.end == len(head) for s in persons)
    tail = text[end:].lstrip()
    if tail.startswith("("):
        open_at = end + (len(text[end:]) - len(tail)) + 1
        return any(s.start in (open_at, open_at + 1) for s in persons)
    return False


def _in_brackets(text: str, start: int) -> bool:
    """Inside an open bracket on its line: a gloss or the original spelling of the phrase before it
    ("the Siege Campaign ( 某某战役 )"), which names whatever that phrase names."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    return before.rfind("(") > before.rfind(")")


def _in_latin_sentence(text: str, start: int, end: int) -> bool:
    """The run sits in a line with some Latin words around it (an English sentence, not a line of
    another language)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    return len(_LATIN_RE.findall(line, timeout=REGEX_TIMEOUT_SECONDS)) >= 6


def _overlaps(spans: list[Span], start: int, end: int) -> bool:
    return any(s.start < end and start < s.end for s in spans)
