"""Date and nationality columns of tables (``table_cells.table_spans(date_columns=True)``, method
``table_date_columns``). Every string is invented for these tests."""

import pytest

from transforms.detection.cue_forms import cue_spans
from transforms.detection.recognizer_config import MethodsSpec
from transforms.detection.table_cells import table_spans
from transforms.record import Span

MANIFEST = """| # | SURNAME | GIVEN NAMES | DOB | NATIONALITY | EXPIRY |
|---|---|---|---|---|---|
| 1 | OKONJO | ADA MARIE | 14SEP1979 | KENYAN | 03MAR2030 |
| 2 | BRANDT | OLE | 2/11/1960 | DANISH | n/a |"""

LOG = """| Date | Item | Cost |
| 04/05 | Parking | £3.20 |
| 9 Jun | Train | £11.10 |
| total | | 45 |"""

STOCK = """| Item | Date | Qty |
| apples | soon | 3 apples |
| pears | 12 kg | 45 |"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            MANIFEST,
            [
                ("OKONJO", "PERSON"),
                ("ADA MARIE", "PERSON"),
                ("14SEP1979", "DATE_TIME"),
                ("KENYAN", "NRP"),
                ("03MAR2030", "DATE_TIME"),
                ("BRANDT", "PERSON"),
                ("OLE", "PERSON"),
                ("2/11/1960", "DATE_TIME"),
                ("DANISH", "NRP"),
            ],
        ),
        (LOG, [("04/05", "DATE_TIME"), ("9 Jun", "DATE_TIME")]),
        # negatives: a date column whose cells are words, counts and measures
        (STOCK, []),
    ],
)
def test_date_and_nationality_columns(text, expected):
    assert [(text[s.start : s.end], s.label) for s in table_spans(text, [], date_columns=True)] == expected


def test_without_the_switch_only_person_columns_of_singular_headers():
    got = [(MANIFEST[s.start : s.end], s.label) for s in table_spans(MANIFEST, [])]
    assert got == [("OKONJO", "PERSON"), ("BRANDT", "PERSON")]


def test_switch_in_cue_spans():
    on = cue_spans(LOG, [], MethodsSpec(date_time_forms=False), set(), frozenset())
    off = cue_spans(LOG, [], MethodsSpec(date_time_forms=False, table_date_columns=False), set(), frozenset())
    assert [s.label for s in on] == ["DATE_TIME", "DATE_TIME"]
    assert off == []


@pytest.mark.parametrize(
    "text",
    [
        # review counter-examples: a plural of a category header is no category column (invented names)
        "| Date | Sources | Summary |\n|---|---|---|\n| 12/03/2031 | Kwabena Otieno | interview |",
        "| Sources | Notes |\n| Ngozi Adeyemi-Hart | met at the depot |\n| Tomasz Wierzbicki | by phone |",
        "| Channels | Owner |\n| Radio Kestrel | Ifeoma Chukwu |",
        "| Groups | Owner |\n| Velmora Collective | Ifeoma Chukwu |",
        "| Units | Owner |\n| Harlow Renal Team | Ifeoma Chukwu |",
    ],
)
def test_plural_category_headers_keep_names(text):
    row = text.splitlines()[-1]
    cell = row.split("|")[1].strip()
    start = text.rindex(cell)
    ner = Span(start, start + len(cell), "PERSON", 0.85)
    assert ner in table_spans(text, [ner], date_columns=True)


def test_plural_person_header_still_reads_singular():
    text = "| Owners | Status |\n| Oluwaseun Bekele | open |"
    got = [(text[s.start : s.end], s.label) for s in table_spans(text, [], date_columns=True)]
    assert got == [("Oluwaseun Bekele", "PERSON")]
