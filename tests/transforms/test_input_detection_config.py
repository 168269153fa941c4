"""Config edge cases that must raise: chunk overlap below the longest structured value, file size limit."""

from __future__ import annotations

import pytest

from transforms.config import MIN_CHUNK_OVERLAP_CHARS, load_config
from transforms.errors import ConfigError


@pytest.mark.parametrize("overlap", [0, 1, 100, MIN_CHUNK_OVERLAP_CHARS - 1])
def test_chunk_overlap_below_minimum_is_refused(overlap):
    with pytest.raises(ConfigError) as exc:
        load_config(None, **{"detection.chunk_overlap_chars": overlap})
    msg = str(exc.value)
    assert "detection.chunk_overlap_chars" in msg and str(MIN_CHUNK_OVERLAP_CHARS) in msg and "\n" not in msg


def test_chunk_overlap_above_half_the_chunk_is_refused():
    with pytest.raises(ConfigError, match="at most half of chunk_chars"):
        load_config(None, **{"detection.chunk_chars": 1000, "detection.chunk_overlap_chars": 600})


def test_minimum_overlap_covers_the_longest_email():
    assert MIN_CHUNK_OVERLAP_CHARS >= 254  # RFC 5321: the longest e-mail address a recognizer can match
    assert load_config(None, **{"detection.chunk_overlap_chars": MIN_CHUNK_OVERLAP_CHARS})


@pytest.mark.parametrize("value", [0, 100])
def test_max_file_bytes_has_a_floor(value):
    with pytest.raises(ConfigError, match=r"input\.max_file_bytes"):
        load_config(None, **{"input.max_file_bytes": value})
