"""WebVTT and SRT transcripts -> turns with speaker and start/end in ms (small, dependency-free parser).

Speakers come from WebVTT voice tags (``<v Maria Garcia>``, ``<v.loud Maria>``; several per cue make
several turns) or from a ``NAME:`` / ``>> NAME:`` / ``- NAME:`` prefix. Other cue markup is removed and
entities are unescaped. NOTE, STYLE and REGION blocks (comments and styling) are not extracted. A cue
text without a timing line is appended to the previous cue, so no caption text is silently lost; a file
with no cue at all is quarantined (``parse.bad_transcript``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from transforms import reasons
from transforms.config import InputConfig
from transforms.errors import RecordError
from transforms.parsing.common import Item, build_record, decode_text
from transforms.parsing.source import SourceFile
from transforms.record import Turn

_TS = r"(?:(\d{1,9}):)?(\d{1,2}):(\d{2})[.,](\d{1,3})"
_TIMING = re.compile(rf"^\s*{_TS}\s*-->\s*{_TS}")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:\s+([^>]*))?>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<\d[\d:.]*>")
_PREFIX = re.compile(
    r"^\s*(?:>>\s*|-\s*)?((?:[A-Z][\w.'-]*)(?:\s+[A-Z][\w.'-]*){0,3}|[A-Z0-9 _.'-]{2,40})\s*:\s+(.*)$", re.S
)
_NON_CUE = ("NOTE", "STYLE", "REGION", "WEBVTT")


def parse_vtt(src: SourceFile, cfg: InputConfig) -> Iterator[Item]:
    yield _record(src, cfg, "vtt")


def parse_srt(src: SourceFile, cfg: InputConfig) -> Iterator[Item]:
    yield _record(src, cfg, "srt")


def _record(src: SourceFile, cfg: InputConfig, fmt: str):
    turns = cue_turns(decode_text(src.data))
    if not turns:
        raise RecordError(reasons.PARSE_BAD_TRANSCRIPT)
    return build_record(src, cfg, content_type="transcript", turns=turns, candidates={"source_format": fmt})


def cue_turns(text: str) -> list[Turn]:
    """Turns from the cues of a VTT or SRT document (both timing syntaxes are accepted)."""
    blocks = re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    cues: list[tuple[int | None, int | None, list[str]]] = []
    for block in blocks:
        lines = [ln for ln in block.split("\n") if ln.strip()]
        if not lines or (lines[0].lstrip().startswith(_NON_CUE) and not _has_timing(lines)):
            continue
        idx = next((i for i, ln in enumerate(lines[:2]) if _TIMING.match(ln)), None)
        if idx is None:
            if cues:  # text that lost its timing line: keep it with the previous cue
                cues[-1][2].extend(lines)
            continue
        m = _TIMING.match(lines[idx])
        cues.append((_ms(m.groups()[:4]), _ms(m.groups()[4:]), lines[idx + 1 :]))
    turns: list[Turn] = []
    for start, end, payload in cues:
        turns.extend(_cue(start, end, payload))
    return turns


def _has_timing(lines: list[str]) -> bool:
    return any(_TIMING.match(ln) for ln in lines[:2])


def _ms(groups) -> int | None:
    h, m, s, frac = groups
    try:
        return ((int(h or 0) * 60 + int(m)) * 60 + int(s)) * 1000 + int(frac.ljust(3, "0"))
    except (TypeError, ValueError):
        return None


def _cue(start: int | None, end: int | None, lines: list[str]) -> list[Turn]:
    raw = "\n".join(lines)
    voices = list(_VOICE.finditer(raw))
    if voices:
        turns = []
        lead = _clean(raw[: voices[0].start()])
        if lead:
            turns.append(Turn("", lead, start, end))
        for i, v in enumerate(voices):
            stop = voices[i + 1].start() if i + 1 < len(voices) else len(raw)
            body = _clean(raw[v.end() : stop])
            if body:
                turns.append(Turn(html.unescape((v.group(1) or "").strip()), body, start, end))
        return turns
    text = _clean(raw)
    if not text:
        return []
    m = _PREFIX.match(text)
    if m and m.group(2).strip():
        return [Turn(m.group(1).strip(), m.group(2).strip(), start, end)]
    return [Turn("", text, start, end)]


def _clean(s: str) -> str:
    return html.unescape(_TAG.sub("", s)).strip()
