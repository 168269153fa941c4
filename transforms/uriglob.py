"""Glob patterns over source URIs (Beam-free).

``**`` matches any characters including ``/``; ``*`` and ``?`` do not cross ``/``; ``[abc]`` and
``[!abc]`` are character classes. Matching is case-sensitive and anchored at both ends, so a pattern
for all of a bucket is ``s3://bucket/**`` and one for any local file named ``*.jsonl`` is ``**.jsonl``.
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=256)
def compile_glob(pattern: str) -> re.Pattern[str]:
    out, i, n = [], 0, len(pattern)
    while i < n:
        c = pattern[i]
        if pattern.startswith("**", i):
            i += 2
            if pattern.startswith("/", i) and out and out[-1] == "/":  # "a/**/b" also matches "a/b"
                out[-1] = "(?:/|/.*/)"
                i += 1
            else:
                out.append(".*")
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i + 2 if pattern.startswith("[!", i) else i + 1)
            if j < 0:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : j]
                body = "^" + re.escape(body[1:]) if body.startswith("!") else re.escape(body)
                out.append(f"[{body}]")
                i = j
        else:
            out.append("/" if c == "/" else re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z", re.DOTALL)


def glob_match(pattern: str, uri: str) -> bool:
    return compile_glob(pattern).match(uri) is not None
