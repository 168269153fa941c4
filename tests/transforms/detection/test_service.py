"""DetectionService: input offsets, and a failed record is reported as an error, never as "no spans"."""

from transforms import reasons
from transforms.config import load_config
from transforms.detection.service import DetectionService
from transforms.errors import RecordError
from transforms.record import Span


class _FakeDetector:
    """Finds the canonical word "John"; fails on texts containing "boom"."""

    overlapped = False  # no NER child

    def detect_many(self, texts):
        out = []
        for t in texts:
            if "boom" in t:
                out.append(RecordError(reasons.DETECT_REGEX_TIMEOUT, "timed out"))
            else:
                i = t.find("John")
                out.append([Span(i, i + 4, "PERSON", 0.9)] if i >= 0 else [])
        return out


def test_spans_map_to_input_offsets_and_failures_are_errors():
    svc = DetectionService(load_config(None), detector=_FakeDetector())
    items = [("a", "Hi Jo\u200bhn!"), ("b", "boom"), ("c", "nobody")]
    got = {d.doc_id: d for d in svc.detect_texts(items, batch_size=2)}
    a = got["a"].spans[0]
    assert "Hi Jo\u200bhn!"[a.start : a.end] == "Jo\u200bhn"
    assert got["b"].spans is None and got["b"].error == reasons.DETECT_REGEX_TIMEOUT
    assert got["c"].spans == [] and got["c"].error is None
