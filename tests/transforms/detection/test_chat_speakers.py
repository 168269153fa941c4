"""Speaker names of time-stamped chat and log lines (``chat_speakers``, method ``chat_speakers``). Every
string is invented for these tests."""

import pytest

from transforms.detection.chat_speakers import chat_speaker_spans
from transforms.detection.cue_forms import cue_spans
from transforms.detection.recognizer_config import MethodsSpec
from transforms.record import Span

LOG = """[09:12] Odile (front desk): hi there
[09:13] Customer: my card was declined
[09:14] Odile (front desk): let me check
21/06/2031, 18:40 - Tam Reyes: late again
11/02 08:15 R. Okafor (SRE): link down
11/02 08:20 HelpBot: hello
11/02 08:25 Agent: yes"""


def _names(text, spans=()):
    return [(text[s.start : s.end], s.label) for s in chat_speaker_spans(text, list(spans))]


def test_speakers_of_a_chat_log():
    assert _names(LOG) == [("Odile", "PERSON"), ("Odile", "PERSON"), ("Tam Reyes", "PERSON"), ("R. Okafor", "PERSON")]


@pytest.mark.parametrize(
    "text",
    [
        # one stamped line is no chat log; roles, bots and words are not names; times inside prose
        "[09:12] Odile (front desk): hi there\nthanks",
        "[09:12] Customer: hi\n[09:13] Agent: hello\n[09:14] Member: ok",
        "10:30 Monday: agenda\n11:00 Lunch: canteen",
        "Meeting at 10:30 with Odile: agenda\nWe met at 11:00 with Odile: fine",
    ],
)
def test_not_speakers(text):
    assert _names(text) == []


def test_an_existing_span_is_kept():
    found = Span(8, 13, "PERSON", 0.85)
    assert chat_speaker_spans(LOG, [found])[0] == found
    assert (8, 13) not in [(s.start, s.end) for s in chat_speaker_spans(LOG, [found])[1:]]


def test_switch_in_cue_spans():
    text = "[09:12] Odile (desk): hi\n[09:14] Odile (desk): ok"
    on = cue_spans(text, [], MethodsSpec(), set(), frozenset())
    off = cue_spans(text, [], MethodsSpec(chat_speakers=False), set(), frozenset())
    assert [s.label for s in on] == ["PERSON", "PERSON"]
    assert off == []
