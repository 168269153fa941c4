"""Decoding is judged by plausibility: junk that decodes is quarantined, real text in any script passes."""
# ruff: noqa: RUF001  (real CJK punctuation on purpose)

from __future__ import annotations

import codecs
import random

import pytest

from transforms import reasons
from transforms.config import InputConfig
from transforms.parsing.plausible import implausible, utf16_mojibake
from transforms.parsing.registry import parse_source
from transforms.parsing.source import SourceFile
from transforms.record import QuarantineItem, Record

REAL = {
    "zh": "北京市海淀区今天天气很好，我们下午去公园散步吧。明天会下雨，记得带伞。项目进度需要加快，请大家配合。",
    "zh-hant": "臺灣今天天氣很好，我們下午去公園散步吧。明天會下雨，記得帶傘。專案進度需要加快，請大家配合。",
    "ja": "東京は今日晴れています。明日は雨が降るでしょう。会議は午後三時から始まります。資料を準備してください。",
    "ko": "서울은 오늘 맑습니다. 내일은 비가 올 것입니다. 회의는 오후 세 시에 시작합니다. 자료를 준비해 주세요.",
    "ru": "Добрый день! Встреча переносится на четверг, пожалуйста, подтвердите участие до вечера среды.",
    "ar": "مرحبا، تم تأجيل الاجتماع إلى يوم الخميس، يرجى تأكيد الحضور قبل مساء الأربعاء.",
    "hi": "नमस्ते, बैठक गुरुवार तक के लिए स्थगित कर दी गई है, कृपया बुधवार शाम तक पुष्टि करें।",
    "mixed": "The meeting (会议) moves to Thursday; Иван will confirm by Wednesday evening.",
}


def _parse(name: str, data: bytes):
    return list(parse_source(SourceFile(f"/in/{name}", data), InputConfig()))


@pytest.mark.parametrize("lang", sorted(REAL))
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_real_text_in_any_script_passes(lang, encoding):
    (item,) = _parse("note.txt", REAL[lang].encode(encoding))
    assert isinstance(item, Record) and item.text == REAL[lang]


def _junk_cases() -> dict[str, bytes]:
    rng = random.Random(7)
    ascii_text = b"Please call the customer back about the invoice tomorrow morning. " * 4
    # random code units outside the surrogate range: binary junk that decodes as UTF-16 LE
    units = [rng.choice([u for u in range(0x20, 0xFFFE) if not 0xD800 <= u <= 0xDFFF]) for _ in range(1500)]
    junk = b"".join(u.to_bytes(2, "little") for u in units)
    return {
        "8-bit text behind a UTF-16 BOM": codecs.BOM_UTF16_LE + ascii_text,
        "8-bit text behind a UTF-16 BE BOM": codecs.BOM_UTF16_BE + ascii_text,
        "random bytes behind a UTF-16 BOM": codecs.BOM_UTF16_LE + junk,
        "private-use characters": ("Invoice " + "\ue000\ue001\ue002" * 20).encode("utf-8"),
    }


@pytest.mark.parametrize("case", sorted(_junk_cases()))
def test_junk_that_decodes_is_quarantined(case):
    (item,) = _parse("note.txt", _junk_cases()[case])
    assert isinstance(item, QuarantineItem) and item.reason == reasons.PARSE_IMPLAUSIBLE_TEXT


def test_jsonl_line_with_private_use_junk_is_quarantined():
    line = ('{"id": "x", "text": "' + "\ue100\ue101" * 30 + '"}\n').encode()
    (item,) = _parse("a.jsonl", line)
    assert isinstance(item, QuarantineItem) and item.reason == reasons.PARSE_IMPLAUSIBLE_TEXT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain ascii", False),
        ("nul\x00inside", True),
        ("Ελληνικά кириллица עברית ქართული हिन्दी " * 3, True),  # four scripts of 10%+ each: no language
        ("Ελληνικά και λίγα English words", False),
    ],
)
def test_plausibility_rules(text, expected):
    assert implausible(text) is expected


def test_utf16_rule_needs_enough_units():
    assert not utf16_mojibake("短い")
