"""Consent values and the consent rule (Beam-free).

Consent rule (``minimization.consent_rule``):
* ``drop_if_false`` (default): drop when the consent field is present and false-like;
* ``require_true``: keep only records whose consent field is true-like (missing -> dropped);
* ``ignore``: no consent filtering.

A matched retention rule with ``consent: required`` additionally keeps only records whose consent is
true-like (reason ``policy.retention_consent_required``), whatever the consent rule says.
"""

from __future__ import annotations

from transforms import reasons

_TRUE = {"true", "yes", "y", "1", "granted", "opt-in", "opt_in"}
_FALSE = {"false", "no", "n", "0", "denied", "revoked", "opt-out", "opt_out", "withdrawn"}


def consent_value(raw: object) -> bool | None:
    """True/False for recognized values, None when the field is absent or empty.

    Fail closed: a present value we do not recognize ("declined", "off", "no consent") is *not* consent,
    so it reads as False and the default rule drops the record."""
    if isinstance(raw, bool):
        return raw
    if raw is None:
        return None
    s = str(raw).strip().lower()
    if not s:
        return None
    return s in _TRUE


def consent_decision(consent: bool | None, rule: str) -> str | None:
    """A drop reason, or None to keep."""
    if rule == "ignore":
        return None
    if rule == "require_true":
        return None if consent is True else reasons.DROP_NO_CONSENT
    return reasons.DROP_NO_CONSENT if consent is False else None


def policy_consent_decision(consent: bool | None, requirement: str) -> str | None:
    """A drop reason when the matched retention terms require consent and the record lacks it."""
    if requirement == "required" and consent is not True:
        return reasons.DROP_RETENTION_CONSENT
    return None
