"""Speaker labels are tokenized as PERSON with the same normalization as names inside the text."""

from __future__ import annotations

from transforms.keys import KeysetStore, ScopeKeys
from transforms.known_pii import add_known_spans
from transforms.record import Record, Turn
from transforms.redaction import Redactor


def test_speaker_and_text_mentions_share_one_token(tmp_path, kek_uri):
    keys = ScopeKeys.open(KeysetStore(str(tmp_path / "keys")), "default", kek_uri, create=True)
    rec = Record(
        doc_id="c",
        content_type="transcript",
        turns=[
            Turn("Maria Garcia", "Hello, this is maria  garcia."),
            Turn("MARIA GARCIA", "Maria Garcia's order, said Maria."),
            Turn("agent", "Thanks."),
        ],
        turn_spans=[[], [], []],
    )
    add_known_spans(rec)  # no detector here: the speaker labels alone must be enough
    out, vault = Redactor(keys).redact_record(rec)
    speaker_tok = out.turns[0].speaker
    assert speaker_tok.startswith("<PERSON_") and out.turns[1].speaker == speaker_tok
    assert out.turns[0].text == f"Hello, this is {speaker_tok}."
    assert out.turns[1].text.startswith(f"{speaker_tok}'s order, said <PERSON_")
    assert out.turns[2].speaker == "agent"
    assert "maria" not in out.text.lower()
    assert out.known_pii == []
    assert {v.entity_type for v in vault} == {"PERSON"}
