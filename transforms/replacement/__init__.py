"""Replacement modes (token, typed, indexed, surrogate, date_shift) as presidio-anonymizer operators."""
