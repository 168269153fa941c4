"""Call transcripts in the AWS Transcribe output format -> turns with speaker and start/end in ms.

Accepted shapes (first that yields turns wins):
* ``results.audio_segments`` (newer output): one turn per segment, ``speaker_label`` or ``channel_label``;
* ``results.items`` (word level): consecutive words of one speaker form a turn; the speaker comes from the
  item's ``speaker_label``/``channel_label`` or from ``results.speaker_labels.segments`` by start time;
* ``results.transcripts`` only: one turn without a speaker;
* Transcribe Call Analytics: ``Transcript: [{ParticipantRole, Content, BeginOffsetMillis, ...}]``.
Only the extracted text reaches the output; everything else in the job document is dropped, except the
top-level scalar fields offered to the metadata allow-list.
"""

from __future__ import annotations

from transforms import reasons
from transforms.errors import RecordError
from transforms.record import Turn


def is_transcribe(obj: object) -> bool:
    if not isinstance(obj, dict):
        return False
    results = obj.get("results")
    if isinstance(results, dict) and any(k in results for k in ("transcripts", "items", "audio_segments")):
        return True
    return isinstance(obj.get("Transcript"), list) and ("Participants" in obj or "ConversationCharacteristics" in obj)


def transcribe_turns(obj: dict) -> list[Turn]:
    """Turns of a Transcribe document, or ``RecordError(parse.bad_transcript)``."""
    if isinstance(obj.get("Transcript"), list):
        return _analytics(obj["Transcript"])
    results = obj.get("results")
    if not isinstance(results, dict):
        raise RecordError(reasons.PARSE_BAD_TRANSCRIPT)
    for build in (_segments, _items, _transcripts):
        turns = build(results)
        if turns:
            return turns
    raise RecordError(reasons.PARSE_BAD_TRANSCRIPT)


def _ms(value: object) -> int | None:
    try:
        ms = round(float(value) * 1000)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    return ms if 0 <= ms < 2**62 else None


def _int_ms(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**62 else None


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _segments(results: dict) -> list[Turn]:
    segs = results.get("audio_segments")
    if not isinstance(segs, list):
        return []
    turns = []
    for s in segs:
        if not isinstance(s, dict) or not isinstance(s.get("transcript"), str):
            raise RecordError(reasons.PARSE_BAD_TRANSCRIPT)
        speaker = _str(s.get("speaker_label")) or _str(s.get("channel_label"))
        turns.append(Turn(speaker, s["transcript"], _ms(s.get("start_time")), _ms(s.get("end_time"))))
    return turns


def _items(results: dict) -> list[Turn]:
    items = results.get("items")
    if not isinstance(items, list):
        return []
    by_start = _speaker_by_start(results)
    turns: list[Turn] = []
    for it in items:
        if not isinstance(it, dict):
            raise RecordError(reasons.PARSE_BAD_TRANSCRIPT)
        alts = it.get("alternatives")
        if not isinstance(alts, list) or not alts or not isinstance(alts[0], dict):
            raise RecordError(reasons.PARSE_BAD_TRANSCRIPT)
        word = _str(alts[0].get("content"))
        start, end = _ms(it.get("start_time")), _ms(it.get("end_time"))
        if it.get("type") == "punctuation":
            if turns:
                turns[-1].text += word
            continue
        speaker = _str(it.get("speaker_label")) or _str(it.get("channel_label")) or by_start.get(start, "")
        if turns and turns[-1].speaker == speaker:
            turns[-1].text += " " + word
            turns[-1].end_ms = end if end is not None else turns[-1].end_ms
        else:
            turns.append(Turn(speaker, word, start, end))
    return turns


def _speaker_by_start(results: dict) -> dict[int | None, str]:
    out: dict[int | None, str] = {}
    labels = results.get("speaker_labels")
    segments = labels.get("segments") if isinstance(labels, dict) else None
    for seg in segments if isinstance(segments, list) else []:
        for it in seg.get("items", []) if isinstance(seg, dict) else []:
            if isinstance(it, dict):
                out[_ms(it.get("start_time"))] = _str(it.get("speaker_label")) or _str(seg.get("speaker_label"))
    return out


def _transcripts(results: dict) -> list[Turn]:
    ts = results.get("transcripts")
    if not isinstance(ts, list):
        return []
    texts = [t.get("transcript") for t in ts if isinstance(t, dict)]
    if not texts or not all(isinstance(x, str) for x in texts):
        raise RecordError(reasons.PARSE_BAD_TRANSCRIPT)
    return [Turn("", x) for x in texts if x.strip()]


def _analytics(rows: list) -> list[Turn]:
    turns = []
    for r in rows:
        if not isinstance(r, dict) or not isinstance(r.get("Content"), str):
            raise RecordError(reasons.PARSE_BAD_TRANSCRIPT)
        start, end = r.get("BeginOffsetMillis"), r.get("EndOffsetMillis")
        turns.append(
            Turn(
                _str(r.get("ParticipantRole")),
                r["Content"],
                _int_ms(start),
                _int_ms(end),
            )
        )
    return turns
