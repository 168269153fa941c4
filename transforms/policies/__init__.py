"""Embedded policy files (package data)."""
