"""Account names in technical text (method ``account_names``, Beam-free).

Issue threads, logs and support tickets carry the writer's account name in places no name recognizer
looks: the home directory in a file path ("/home/jdoe/.config", "C:\\Users\\mvarga\\Desktop"), a shell
prompt ("jdoe@build-01:~$"), and the activity lines of an issue tracker ("kfenn commented 2 days ago",
"orrin-b opened this issue on 3 May", "Approved by tlind"). Each is an ID (like a handle: it identifies an
account holder):

- path: the segment after ``/home/``, ``/Users/``, ``/usr/home/`` or ``C:\\Users\\`` (not system accounts
  such as root, admin, public, shared, default, runner, ubuntu, ec2-user);
- prompt: ``user@host:`` or ``user@host$``/``#`` at a line start (not an e-mail: no dot-suffix host);
- activity: a token opening a line (or after a bullet) before a tracker verb (``VERBS``: commented, opened
  this, closed this, merged, approved these changes, requested changes, added the ... label, self-assigned
  this, mentioned this, pushed, reviewed ...), when it is handle-shaped, a Census first name or a word
  English hardly knows (not "Someone", "He", "This", "admin").
Privacy contract: only adds ID spans.
"""

from __future__ import annotations

import regex

from transforms.detection import lexicon
from transforms.detection.budget import REGEX_TIMEOUT_SECONDS
from transforms.detection.recognizers.handles import handle_shaped
from transforms.record import Span

SCORE = 0.6
RARE_MAX_ZIPF = 3.0
_PATH_RE = regex.compile(
    r"(?i)(?:/(?:usr/)?home/|/Users/|[A-Z]:\\(?:Users|Documents and Settings)\\)([\w.$-]{2,32})(?=[/\\\s'\"),:;]|$)"
)
_PROMPT_RE = regex.compile(r"(?m)^[ \t]*(?:\[)?([a-z_][a-z0-9_.-]{1,31})@([A-Za-z0-9-]{1,40})(?::|[ \t]*[$#%>]|\])")
VERBS = (
    r"commented|opened[ \t]+this|closed[ \t]+this|reopened[ \t]+this|merged[ \t]+(?:commit|\d+[ \t]+commits?|this)|"
    r"approved[ \t]+these[ \t]+changes|requested[ \t]+(?:changes|a[ \t]+review)|added[ \t]+(?:the|a)[ \t]+\S+[ \t]+labels?|"
    r"removed[ \t]+the[ \t]+\S+[ \t]+labels?|self-assigned[ \t]+this|assigned[ \t]+\S+|mentioned[ \t]+this|"
    r"pushed[ \t]+\d+[ \t]+commits?|reviewed|referenced[ \t]+this|changed[ \t]+the[ \t]+title|marked[ \t]+this|"
    r"linked[ \t]+a[ \t]+pull[ \t]+request|deleted[ \t]+(?:a|the)[ \t]+comment"
)
_ACTIVITY_RE = regex.compile(
    rf"(?m)^[ \t>*\u2022-]*@?([\p{{L}}\p{{N}}_][\p{{L}}\p{{N}}_.\-]{{1,38}}[\p{{L}}\p{{N}}_])[ \t]+(?:{VERBS})\b"
)
SYSTEM_ACCOUNTS = frozenset(
    [
        "root",
        "admin",
        "administrator",
        "public",
        "shared",
        "default",
        "runner",
        "ubuntu",
        "ec2-user",
        "user",
        "guest",
        "all users",
        "default user",
        "vagrant",
        "docker",
        "git",
        "www-data",
        "nobody",
        "jenkins",
        "build",
        "bot",
    ]
)


def account_spans(text: str, spans: list[Span], stop: set[str]) -> list[Span]:
    """New ID spans for account names in paths, prompts and tracker activity lines."""
    found: list[tuple[int, int]] = []
    if "/" in text or "\\" in text:
        found += [
            m.span(1)
            for m in _PATH_RE.finditer(text, timeout=REGEX_TIMEOUT_SECONDS)
            if m.group(1).lower() not in SYSTEM_ACCOUNTS
        ]
    if "@" in text:
        for m in _PROMPT_RE.finditer(text, timeout=REGEX_TIMEOUT_SECONDS):
            if m.group(1).lower() not in SYSTEM_ACCOUNTS and "." not in m.group(2):
                found.append(m.span(1))
    for m in _ACTIVITY_RE.finditer(text, timeout=REGEX_TIMEOUT_SECONDS):
        token = m.group(1)
        low = token.lower()
        if low in stop or low in SYSTEM_ACCOUNTS:
            continue
        if handle_shaped(token) or low in lexicon.first_names() or lexicon.zipf(low) < RARE_MAX_ZIPF:
            found.append(m.span(1))
    out: list[Span] = []
    for a, b in found:
        if not any(s.start < b and a < s.end for s in spans + out):
            out.append(Span(a, b, "ID", SCORE))
    return out
