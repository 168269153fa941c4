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


_ROLES = {
    "user": "user",
    "human": "user",
    "customer": "user",
    "caller": "user",
    "client": "user",
    "assistant": "assistant",
    "ai": "assistant",
    "bot": "assistant",
    "agent": "assistant",
    "model": "assistant",
    "gpt": "assistant",
    "system": "system",
    "tool": "tool",
    "function": "tool",
}


def chat_role(speaker: str) -> str:
    """The ``messages[].role`` of a (redacted) speaker label: ``user``/``assistant``/``system``/``tool``
    when the label names such a role (case-insensitive; "customer"/"caller" -> user, "agent"/"bot" ->
    assistant), else the label itself (a speaker's token or surrogate, or a neutral label like ``spk_0``)."""
    label = speaker.strip()
    return _ROLES.get(label.casefold(), label or "unknown")
