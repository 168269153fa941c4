"""Which speaker labels are generic roles (kept) and which are names (PII, tokenized as PERSON)."""

from __future__ import annotations

import re

GENERIC_SPEAKERS = re.compile(
    r"^(user|assistant|system|tool|function|human|ai|bot|agent|customer|caller|callee|operator|"
    r"interviewer|interviewee|moderator|speaker|spk|ch|channel|unknown)[ _-]?\d*$",
    re.IGNORECASE,
)


def is_named_speaker(label: str) -> bool:
    """True for a non-empty label that is not a generic role ("user", "agent", "spk_0", ...)."""
    label = label.strip()
    return bool(label) and not GENERIC_SPEAKERS.match(label)
