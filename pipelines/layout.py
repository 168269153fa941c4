"""Compatibility alias: the layout now lives in ``pipelines/dataset.py`` (the one owner of the dataset on disk)."""

from pipelines.dataset import CURRENT_NAME, MANIFEST_NAME, Layout

__all__ = ["CURRENT_NAME", "MANIFEST_NAME", "Layout"]
