"""Retention policy: matching table, validation at construction, default policy, consent requirement."""

from __future__ import annotations

from pathlib import Path

import pytest

from transforms import reasons
from transforms.errors import ConfigError
from transforms.minimize import minimize_decision
from transforms.parsing.source import public_uri
from transforms.record import Record, Retention
from transforms.retention import RetentionPolicy, default_policy, load_policy, parse_policy
from transforms.uriglob import glob_match

POLICY = {
    "policy_id": "acme",
    "version": "3",
    "category_field": "category",
    "default": {"retention": "P2Y"},
    "rules": [
        {"id": "hold", "match": {"category": "litigation"}, "retention": "P1D", "legal_hold": True},
        {"id": "eu-s3", "match": {"source": ["s3://eu-bucket/**"]}, "retention": "P90D", "category": "eu"},
        {"id": "helpdesk-chat", "match": {"source": "**/helpdesk/**", "content_type": "chat"}, "retention": "P30D"},
        {"id": "chat", "match": {"content_type": ["chat"]}, "retention": "P6M"},
        {"id": "mkt", "match": {"category": ["marketing", "promo"]}, "consent": "required", "retention": "forever"},
    ],
}


def _record(content_type="document", category=None, source_rules=(), consent=None) -> Record:
    meta = {"category": category} if category else {}
    return Record("d1", content_type, metadata=meta, retention=Retention(consent=consent, source_rules=source_rules))


@pytest.fixture
def policy() -> RetentionPolicy:
    return parse_policy(POLICY, "test")


@pytest.mark.parametrize(
    ("uri", "content_type", "category", "rule", "label", "expires"),
    [
        ("/data/x.jsonl", "document", None, "default", "document", "2026-01-10T00:00:00Z"),
        ("/data/x.jsonl", "document", "litigation", "hold", "litigation", "2024-01-11T00:00:00Z"),
        ("s3://eu-bucket/a/b.jsonl", "document", None, "eu-s3", "eu", "2024-04-09T00:00:00Z"),
        ("s3://eu-bucket/a/b.jsonl", "chat", "litigation", "hold", "litigation", "2024-01-11T00:00:00Z"),  # order
        ("s3://us-bucket/a/b.jsonl", "document", None, "default", "document", "2026-01-10T00:00:00Z"),
        ("/srv/helpdesk/2024/c.jsonl", "chat", None, "helpdesk-chat", "chat", "2024-02-09T00:00:00Z"),
        ("/srv/helpdesk/2024/c.jsonl", "document", None, "default", "document", "2026-01-10T00:00:00Z"),  # AND
        ("/srv/other/c.jsonl", "chat", None, "chat", "chat", "2024-07-10T00:00:00Z"),
        ("/srv/other/c.jsonl", "document", "promo", "mkt", "promo", None),  # forever
        ("/srv/other/c.jsonl", "document", "unknown-cat", "default", "document", "2026-01-10T00:00:00Z"),
    ],
)
def test_policy_matching_table(policy, uri, content_type, category, rule, label, expires):
    rec = _record(content_type, category, policy.source_rule_ids(uri))
    assert policy.terms_for(rec)[0] == rule
    ret = policy.retention_for(rec, "2024-01-10T00:00:00Z")
    assert (ret.policy_id, ret.policy_version, ret.category, ret.expires_at) == ("acme", "3", label, expires)
    assert ret.legal_hold is (rule == "hold")


def test_source_rules_are_evaluated_on_the_raw_uri_only(policy):
    raw = "/srv/helpdesk/jane_doe/chat.jsonl"
    assert policy.source_rule_ids(raw) == ("helpdesk-chat",)
    hashed = public_uri(raw)
    assert "helpdesk" not in hashed and "jane_doe" not in hashed
    assert policy.source_rule_ids(hashed) == ()  # the hashed URI can no longer match: matching happens first


@pytest.mark.parametrize(
    ("pattern", "uri", "ok"),
    [
        ("s3://b/**", "s3://b/x/y.json", True),
        ("s3://b/*", "s3://b/x/y.json", False),
        ("s3://b/*/y.json", "s3://b/x/y.json", True),
        ("**.jsonl", "/a/b/c.jsonl", True),
        ("/a/**/c.jsonl", "/a/c.jsonl", True),
        ("/a/**/c.jsonl", "/a/b/d/c.jsonl", True),
        ("/a/?.txt", "/a/b.txt", True),
        ("/a/?.txt", "/a/bb.txt", False),
        ("/a/[bc].txt", "/a/c.txt", True),
        ("/a/[!bc].txt", "/a/c.txt", False),
        ("/A/b.txt", "/a/b.txt", False),  # case-sensitive
        ("/a/b.txt", "/a/b.txt.bak", False),  # anchored
    ],
)
def test_uri_glob(pattern, uri, ok):
    assert glob_match(pattern, uri) is ok


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda p: p.update(extra=1), "extra"),
        (lambda p: p["rules"][0].update(retention="one year"), "rules.0.retention"),
        (lambda p: p["rules"][1].update(match={}), "rules.1.match"),
        (lambda p: p["rules"].append({**p["rules"][0]}), "(root)"),  # duplicate id
        (lambda p: p["rules"][0].update(consent="maybe"), "rules.0.consent"),
        (lambda p: p.pop("version"), "version"),
        (lambda p: p["rules"][0].update(category="has spaces"), "rules.0.category"),
    ],
)
def test_invalid_policy_fails_at_construction(mutate, where):
    import copy

    data = copy.deepcopy(POLICY)
    mutate(data)
    with pytest.raises(ConfigError, match="invalid retention policy"):
        parse_policy(data, "test")


def test_policy_file_errors(tmp_path: Path):
    with pytest.raises(ConfigError, match="not found"):
        load_policy(str(tmp_path / "missing.yaml"))
    bad = tmp_path / "bad.yaml"
    bad.write_text("policy_id: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_policy(str(bad))
    good = tmp_path / "good.yaml"
    good.write_text(
        "policy_id: p\nversion: '1'\nrules:\n  - id: r\n    match: {content_type: chat}\n    retention: P1M\n"
    )
    assert load_policy(str(good)).rules[0].retention == "P1M"


def test_default_policy_is_documented_and_applies():
    p = default_policy()
    assert (p.policy_id, p.version, p.default.retention, p.rules) == ("default", "1", "P365D", [])
    ret = p.retention_for(_record("chat"), "2024-02-29T00:00:00Z")
    assert ret.expires_at == "2025-02-28T00:00:00Z" and not ret.legal_hold and ret.category == "chat"


@pytest.mark.parametrize(
    ("category", "consent", "rule", "expected"),
    [
        ("marketing", True, "drop_if_false", None),
        ("marketing", None, "drop_if_false", reasons.DROP_RETENTION_CONSENT),  # the policy requires consent
        ("marketing", False, "drop_if_false", reasons.DROP_NO_CONSENT),  # minimization wins the reason
        ("marketing", None, "ignore", reasons.DROP_RETENTION_CONSENT),  # ignore does not bypass the policy
        (None, None, "drop_if_false", None),
        (None, None, "require_true", reasons.DROP_NO_CONSENT),
    ],
)
def test_consent_requirement_of_matched_rule_drops(policy, category, consent, rule, expected):
    assert minimize_decision(_record("document", category, consent=consent), rule, policy) == expected


@pytest.mark.parametrize(
    ("policy_name", "uri", "expected"),
    [
        ("hash", "/exports/jane_doe/chat.jsonl", "file://sha256-"),
        ("hash", "s3://bucket/jane_doe/a.json", "s3://bucket/sha256-"),
        ("scheme_bucket", "s3://bucket/jane_doe/a.json", "s3://bucket/"),
        ("scheme_bucket", "/exports/jane_doe/chat.jsonl", "file://"),
        ("keep", "/exports/public/chat.jsonl", "/exports/public/chat.jsonl"),
    ],
)
def test_uri_policies(policy_name, uri, expected):
    out = public_uri(uri, policy_name)
    assert out.startswith(expected)
    if policy_name != "keep":
        assert "jane_doe" not in out
    if policy_name == "scheme_bucket":
        assert out == expected
