"""Runnable pipelines, the ``redact`` CLI and its options."""
