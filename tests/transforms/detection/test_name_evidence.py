"""Table-driven tests for ``name_evidence.py``: names NER never proposes, accepted only on evidence.
Strings are written fresh for these tests (invented names and bodies), with the traps: clinical
definitions and units, offices, events, common words capitalized by position, lowercase doubles."""

import pytest

from transforms.detection import lexicon
from transforms.detection.guards import Guards
from transforms.detection.name_evidence import (
    article_org_names,
    defined_names,
    evidence_spans,
    first_name_pairs,
    subject_surnames,
)
from transforms.detection.recognizer_config import ablated, load_recognizers_file
from transforms.record import Span

RULES = load_recognizers_file(None)
GUARDS = Guards(RULES.guards, RULES.methods)
STOP = GUARDS.stop
HEADS = {h for h in GUARDS.org_heads if h.lower() not in GUARDS.roles}


def _values(text: str, spans: list[Span]) -> set[tuple[str, str]]:
    return {(text[s.start : s.end], s.label) for s in spans}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a head noun
            "Last year the Quiet Harbour Growers Union ( QHGU ) signed the deal with the port.",
            {("Quiet Harbour Growers Union", "ORGANIZATION"), ("QHGU", "ORGANIZATION")},
        ),
        (  # words English hardly knows; a lowercase word inside, connectors skipped
            "Farmers in the valley backed the Liga andino de Kowalczyk (LAK) in the spring vote.",
            {("Liga andino de Kowalczyk", "ORGANIZATION"), ("LAK", "ORGANIZATION")},
        ),
        ("She was moved to the Intensive Care Unit (ICU) after the fall on the stairs.", set()),  # clinical unit
        ("There is a history of Transient Ischemic Attack (TIA) in the past year.", set()),  # clinical term
        ("He served as Chair of the Harbour Trust (CHT) for the northern port.", set()),  # an office
        ("The old Green Reform Union (XYZ) met in the hall on the square.", set()),  # initials do not match
        ("Known chronic kidney disease (CKD) was noted on the last visit to the ward.", set()),  # lowercase
        ("The clinic uses Quiet Review Rounds (QRR) for each of the new patients.", set()),  # common, no head
    ],
)
def test_defined_names(text, expected):
    assert _values(text, defined_names(text, [], HEADS)) == expected


def test_defined_names_keep_the_label_of_an_overlapping_name():
    text = "The talks included the Ostrava Kowalczyk Trading (OKT) delegation from the coast."
    i = text.index("Ostrava Kowalczyk")
    found = defined_names(text, [Span(i, i + len("Ostrava Kowalczyk"), "PERSON", 0.85)], HEADS)
    assert ("OKT", "PERSON") in _values(text, found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kowalczyk was elected to the council in the spring of that year.", {"Kowalczyk"}),
        ("In 2011 , Halvorsen published a second book on the river trade.", {"Halvorsen"}),
        ("After the vote Sandoval resigned from the board of the water company.", {"Sandoval"}),
        ("Grant was awarded to the school for the new library wing.", set()),  # a common word first
        ("Cooper was asked to fix the barrels, as the cooper in town was away.", set()),  # lowercase double
        ("Lisinopril was increased to 20 mg daily by the renal team.", set()),  # a drug: no name lexicon
        ("Then Anna Kowalczyk was elected to the council in the spring.", set()),  # inside a name run
        ("Kowalczyk Street is closed to all traffic until the end of the month.", set()),  # no verb after
        ("Kowalczyk reviewed", set()),  # not running prose
    ],
)
def test_subject_surnames(text, expected):
    assert {text[s.start : s.end] for s in subject_surnames(text, [], STOP)} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The prize went to the poet Mirela Brannagh for her second collection of verse.", {"Mirela Brannagh"}),
        ("Her letters to Ragnhild Quenby were kept in a box in the attic for years.", {"Ragnhild Quenby"}),
        ("Mirela Brannagh won the prize for her second collection of verse.", set()),  # sentence-initial
        ("She moved to the Ragnhild Room on the third floor of the west wing.", set()),  # a common word after
        ("The delegates from Ragnhild Union arrived late to the meeting.", set()),  # a head noun after
        ("We asked Will Quenby about the deadline in the morning.", set()),  # "Will": a common word first
    ],
)
def test_first_name_pairs(text, expected):
    found = first_name_pairs(text, [], STOP, GUARDS.org_heads, GUARDS.common)
    assert {text[s.start : s.end] for s in found} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The grant was paid by the Lakeside Growers Union before the harvest began.", {"Lakeside Growers Union"}),
        ("She later chaired the Society for Quiet Waters in the capital city.", {"Society for Quiet Waters"}),
        ("Members of the Farmers and Millers Association met in the hall today.", {"Farmers and Millers Association"}),
        ("Talks between the Harbour Workers Union and Castlebay went on all night.", {"Harbour Workers Union"}),
        ("She was reviewed by the Cardiology Service and sent home the same day.", set()),  # a unit
        ("The appeal was dismissed by the Court of Appeal after a short hearing.", set()),  # a role head
        ("Many soldiers died in the War of the Northern Coalition during the winter.", set()),  # an event
        ("Notes for the Lakeside Growers Union", set()),  # not running prose
    ],
)
def test_article_org_names(text, expected):
    assert {text[s.start : s.end] for s in article_org_names(text, HEADS)} == expected


@pytest.mark.parametrize("method", ["defined_names", "subject_surnames", "first_name_pairs", "article_org_names"])
def test_each_method_can_be_ablated(method):
    text = (
        "Halvorsen was elected in the spring. The poet Mirela Brannagh wrote to the Lakeside Growers Union "
        "and the Liga andino de Kowalczyk (LAK) about the harbour."
    )
    on = evidence_spans(text, [], STOP, GUARDS.org_heads, GUARDS.roles, GUARDS.common, RULES.methods)
    off_rules = ablated(RULES, [method])
    off = evidence_spans(text, [], STOP, GUARDS.org_heads, GUARDS.roles, GUARDS.common, off_rules.methods)
    assert len(off) < len(on)


def test_faker_lexicon_is_latin_script_and_case_folded():
    names = lexicon.faker_names()
    assert "halvorsen" in names and "mirela" in lexicon.faker_first_names()
    assert all(n == n.casefold() for n in list(names)[:500])


@pytest.mark.parametrize(
    ("text", "value", "label", "kept"),
    [  # prose_org_runs: an NER ORGANIZATION of common capitalized words mid-sentence, no article before it
        (
            "Last spring the mayor left to join Popular Harvest before the vote.",
            "Popular Harvest",
            "ORGANIZATION",
            True,
        ),
        (
            "In the end she wrote for Popular Harvest (1961) and two other films.",
            "Popular Harvest",
            "ORGANIZATION",
            False,
        ),
        ("He read every issue of Popular Harvest as a boy in the north.", "Popular Harvest", "ORGANIZATION", False),
        ("He sold ads to the magazine , Popular Harvest , for a few years.", "Popular Harvest", "ORGANIZATION", False),
        ("The ferries from Estonia and Latvia were late again this week.", "Estonia and Latvia", "ORGANIZATION", False),
        (
            "In two seats the vote moved from Harvest to Reform at the last election.",
            "Harvest to Reform",
            "ORGANIZATION",
            False,
        ),
        ("Last spring the mayor left to join Harvest before the vote.", "Harvest", "ORGANIZATION", False),  # one word
    ],
)
def test_prose_org_runs(text, value, label, kept):
    s = text.index(value)
    e = s + len(value)
    assert GUARDS.keep(value, label, True, value, text[max(0, s - 30) : s], where=(text, s, e)) is kept
    off = Guards(RULES.guards, ablated(RULES, ["prose_org_runs"]).methods)
    assert off.keep(value, label, True, value, text[max(0, s - 30) : s], where=(text, s, e)) is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [  # a word no name list knows needs a verb only a person does
        ("Zwierzchowski resigned from the board after the long dispute.", {"Zwierzchowski"}),
        ("Zwierzchowski was elected to the council in the spring of that year.", {"Zwierzchowski"}),
        ("Zwierzchowski later ran for the council in the northern ward.", {"Zwierzchowski"}),
        ("Zorvatinex was started at a low dose and the rash improved.", set()),  # a drug
        ("Zorvatinex was increased to twice daily by the renal team.", set()),  # a drug
        ("Zorvatinex reduced the swelling within two days of the start.", set()),  # not a person's verb
    ],
)
def test_subject_surnames_rare_words_need_an_agent_verb(text, expected):
    assert {text[s.start : s.end] for s in subject_surnames(text, [], STOP)} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [  # plural party-member nouns head party names like "Party" does
        ("Polls showed the Northland Greens ahead in the three coastal seats.", {"Northland Greens"}),
        ("He left the Coastal Democrats after the vote on the budget.", {"Coastal Democrats"}),
        ("She thanked the Greens for their help with the new park.", set()),  # one word: not a name run
    ],
)
def test_party_member_plurals_are_organisation_heads(text, expected):
    assert {text[s.start : s.end] for s in article_org_names(text, HEADS)} == expected


def test_list_label_ties_are_decided_the_same_way_on_every_run():
    from transforms.detection.prose import coordinate

    text = "The talks brought together Orvell Brannagh, Tessaly Group, Mirela Quenby, Kestrow Union and Harl."
    spans = []
    for value, label in [
        ("Orvell Brannagh", "PERSON"),
        ("Tessaly Group", "ORGANIZATION"),
        ("Mirela Quenby", "PERSON"),
        ("Kestrow Union", "ORGANIZATION"),
    ]:
        i = text.index(value)
        spans.append(Span(i, i + len(value), label, 0.85))
    first = coordinate(text, spans, STOP, GUARDS.common)
    assert first == coordinate(text, list(reversed(spans)), STOP, GUARDS.common)
    assert "Harl" in {text[s.start : s.end] for s in first}


def test_list_items_may_hold_on():
    from transforms.detection.prose import coordinate

    text = "She sat on the boards of Varrow Trust, Council on Quiet Waters and Tessaly Union for years."
    spans = []
    for value in ("Varrow Trust", "Tessaly Union"):
        i = text.index(value)
        spans.append(Span(i, i + len(value), "ORGANIZATION", 0.85))
    found = {text[s.start : s.end] for s in coordinate(text, spans, STOP, GUARDS.common)}
    assert "Council on Quiet Waters" in found
