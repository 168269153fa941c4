"""Software and product names read as people or organisations (method ``product_context``, Beam-free).

The small model tags a capitalized product name as PERSON, ORGANIZATION or LOCATION ("Grafana
dashboards", "installed Docker", "using Jira"): the name is unknown to it and stands where a name could.
The words around it say it is a thing that is installed, upgraded or used, not a person or a firm:

- PERSON and LOCATION: a software verb right before it (``INSTALL_VERBS``: install, upgrade(d to),
  deploy, download, configure, migrate(d to), reboot, "logged into" ...) or a use verb (use, using, via;
  not "switched to" or "moved to", which take people, firms and towns as well); a software noun one space
  after it (``SOFTWARE_NOUNS``: dashboard, plugin, API, cluster, repo, database, upgrade, ...; not "plan" or "tier") or a version
  number ("Kibana 8.2"); for PERSON also a noun a person's name never precedes (``THING_NOUNS``: app,
  board, channel, update ...; not "account"); a span that starts with such a verb ("Installed Docker");
- ORGANIZATION: a firm's name is also its product's ("configure the EMC array"), and dropping it would
  stop it from propagating to the firm's other mentions, so only a lone mention followed by a software
  noun or a version is dropped.
Only spans of 1-2 words are judged; a first name or surname of the Census lists is never dropped
("using Anna's notes" keeps Anna), nor a span followed by a possessive ("Okonkwo's notes"); a capitalised
word English hardly knows (Zipf < 3.0, perhaps a surname: "emailed Okafor", "used Zelinski board") is
dropped only with a strong cue (a software verb before it, a software noun or a version after it), never
for "use"/"via" or a thing noun alone.

Privacy contract: only NER-style spans (PERSON, ORGANIZATION, LOCATION) with a software cue are dropped;
a name with a person cue is not affected. Runs before list coordination and propagation, so a dropped
product does not make the other items of its list names.
"""

from __future__ import annotations

import regex

from transforms.detection import lexicon
from transforms.detection.budget import REGEX_TIMEOUT_SECONDS
from transforms.record import Span

LABELS = frozenset({"PERSON", "ORGANIZATION", "LOCATION"})
WEAK_LABELS = frozenset({"PERSON", "LOCATION"})
INSTALL_VERBS = (
    r"install|installed|installing|reinstall|reinstalled|uninstall|uninstalled|upgrade|upgraded|upgrading|"
    r"downgrade|downgraded|deploy|deployed|deploying|download|downloaded|downloading|configure|configured|"
    r"migrate|migrated|migrating|reboot|rebooted|restart|restarted|update|updated|patched|"
    r"logged[ \t]+into|log[ \t]+into|signed[ \t]+into|sign[ \t]+into|launched|opened"
)
SOFTWARE_NOUNS = lexicon.word_set(
    """
    app apps dashboard dashboards plugin plugins extension extensions api apis sdk cli repo repos repository cluster
    clusters container containers instance instances workspace workspaces pipeline pipelines config
    configuration database databases query queries script scripts webhook webhooks widget widgets macro
    macros upgrade upgrades install installation integration integrations ide gui ui server servers docs
    documentation build builds version versions release releases image images license
    licence deployment deployments module modules library libraries package packages node nodes
    """
)
THING_NOUNS = lexicon.word_set(
    """
    board boards page pages channel channels update updates feed feeds
    notification notifications tab tabs window windows subscription subscriptions ticket tickets issue
    issues project projects file files link links login logins profile profiles
    """
)
_INSTALL_BEFORE_RE = regex.compile(rf"(?i)(?<![\p{{L}}])(?:{INSTALL_VERBS})[ \t]+(?:(?:the|my|our|a|an|new)[ \t]+)?$")
_USE_ONLY_RE = regex.compile(r"(?i)(?<![\p{L}])(?:use|uses|used|using|via)[ \t]+$")
_START_RE = regex.compile(rf"(?i)^(?:{INSTALL_VERBS})[ \t]+")
_NEXT_RE = regex.compile(r"^ ([\p{L}]+|v?\d+(?:\.\d+)+|v\d+)")
_POSSESSIVE_RE = regex.compile(r"^['\u2019]s?(?!\p{L})")
RARE_MAX_ZIPF = 3.0  # a capitalised word English hardly knows may be a surname ("Okafor"): strong cues only  # the next word, one space away (not a column gap)
_WORD_RE = regex.compile(r"[\p{L}\p{M}'\u2019-]+")


def product_spans(text: str, spans: list[Span]) -> list[Span]:
    """``spans`` without the NER-style spans that name software or products by their context."""
    return [s for s in spans if not _product(text, s)]


def _product(text: str, s: Span) -> bool:
    if s.label not in LABELS:
        return False
    value = text[s.start : s.end]
    words = _WORD_RE.findall(value, timeout=REGEX_TIMEOUT_SECONDS)
    if not 1 <= len(words) <= 3:
        return False
    start_verb = _START_RE.match(value, timeout=REGEX_TIMEOUT_SECONDS)
    if start_verb is not None and s.label in WEAK_LABELS:
        rest = _WORD_RE.findall(value[start_verb.end() :])
        return bool(rest) and not any(lexicon.is_name_token(w) for w in rest)
    if len(words) > 2 or any(lexicon.is_name_token(w) for w in words):
        return False
    nxt = _NEXT_RE.match(text[s.end : s.end + 30])
    noun = nxt.group(1).lower() if nxt else ""
    software = noun in SOFTWARE_NOUNS or _version(noun)
    if s.label == "ORGANIZATION":  # a firm's name is also its product's: only a lone mention, noun after it
        return software and text.count(value) == 1
    if _POSSESSIVE_RE.match(text[s.end : s.end + 3]):  # "Okonkwo's notes": a person's
        return False
    before = text[max(0, s.start - 40) : s.start]
    if software or _INSTALL_BEFORE_RE.search(before, timeout=REGEX_TIMEOUT_SECONDS):
        return True
    if any(w[0].isupper() and lexicon.zipf(w) < RARE_MAX_ZIPF for w in words):
        return False  # a rare capitalised word: "use"/"via" or a thing noun is too weak a cue to drop it
    return bool(_USE_ONLY_RE.search(before, timeout=REGEX_TIMEOUT_SECONDS)) or (
        s.label == "PERSON" and noun in THING_NOUNS
    )


def _version(token: str) -> bool:
    return bool(token) and (token[0].isdigit() or (token[0] == "v" and token[1:2].isdigit())) and "." in token
