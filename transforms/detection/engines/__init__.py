"""Pluggable NER engines: extra token-classification models whose hits join the default spaCy NER."""
