"""PII detection: Presidio analyzer on a verified spaCy model plus our recognizers (Beam-free)."""
