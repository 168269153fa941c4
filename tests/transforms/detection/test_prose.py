"""Table-driven tests for the prose methods (``prose.py``): mid-sentence capitals as name evidence and
boundary repair. Strings are written fresh for these tests (invented names and bodies), including the
traps: sentence-initial common words, headings, title-case menus, titles of works, roles after names."""

import pytest

from transforms.config import load_config
from transforms.detection.guards import Guards
from transforms.detection.prose import (
    coordinate,
    defined_acronyms,
    is_prose,
    prose_capitals,
    repair,
    repair_boundaries,
    sentence_bounds,
)
from transforms.detection.recognizer_config import ablated, load_recognizers_file
from transforms.record import Span

RULES = load_recognizers_file(None)
GUARDS = Guards(RULES.guards, RULES.methods)
STOP = GUARDS.stop


def _at(text: str, value: str) -> tuple[int, int]:
    i = text.index(value)
    return i, i + len(value)


@pytest.mark.parametrize(
    ("text", "value", "ok"),
    [
        ("The bill was sent back to the Senate after a long debate in the spring.", "Senate", True),
        ("In the last vote she led Labor to a narrow win over the other side.", "Labor", True),
        ("Voters in the north chose the Green Harvest list over the older parties.", "Green Harvest", True),
        ("Senate rules were changed after a long debate in the spring.", "Senate", False),  # sentence-initial
        ("Account Overview", "Account Overview", False),  # a heading: no prose
        ("Open Settings, Privacy and Security", "Settings", False),  # a title-case menu
        ("For the full story on this band, see Quiet Waters: ten songs we loved", "Quiet Waters", False),  # title
        ("the committee met in the senate building after a long debate today.", "senate", False),  # lowercase
        ("Meanwhile, the Old Mill was sold to a developer in the autumn.", "Old Mill", True),
        ("Vitals: Blood Pressure stable", "Blood Pressure", False),  # field after a colon, no prose
    ],
)
def test_prose_capitals(text, value, ok):
    assert prose_capitals(text, *_at(text, value), STOP) is ok


def test_sentence_bounds_keep_initials_and_titles_inside_the_sentence():
    text = "First sentence ends here. Then Dr. Vale met J. K. Orrin in town. Next one."
    lo, hi = sentence_bounds(text, *_at(text, "Orrin"))
    assert text[lo:hi].strip() == "Then Dr. Vale met J. K. Orrin in town"


@pytest.mark.parametrize(
    ("text", "value", "label", "ok"),
    [
        # common words capitalized mid-sentence in prose: an organisation or a place is kept
        ("He was first elected to the Senate after the war ended in the south.", "Senate", "ORGANIZATION", True),
        (
            "The two men spoke about the Popular Harvest before the vote in May.",
            "Popular Harvest",
            "ORGANIZATION",
            True,
        ),
        # a capitalized role or defined term of legal/business prose is not a name
        ("The appeal of the Applicant was dismissed by the judges in the autumn.", "Applicant", "ORGANIZATION", False),
        ("Payments are due to the Company within thirty days of the invoice date.", "Company", "ORGANIZATION", False),
        # a lone common word taken as a person needs more than capitals
        ("They were singing about the old songs and Tales from the north.", "Tales", "PERSON", False),
        # a UI label stays dropped (the UI-verb guard comes first)
        ("To change the password you can click Settings and then choose a new one.", "Settings", "ORGANIZATION", False),
    ],
)
def test_guard_keeps_prose_capitals(text, value, label, ok):
    s, e = _at(text, value)
    assert GUARDS.keep(value, label, True, value, text[max(0, s - 30) : s], where=(text, s, e)) is ok


def test_prose_capitals_can_be_ablated():
    rules = ablated(RULES, ["prose_caps_evidence"])
    g = Guards(rules.guards, rules.methods)
    text = "He was first elected to the Senate after the war ended in the south."
    s, e = _at(text, "Senate")
    assert not g.keep("Senate", "ORGANIZATION", True, "Senate", text[:s], where=(text, s, e))


@pytest.mark.parametrize(
    ("text", "value", "label", "grown"),
    [
        (
            "Later that year the painter Mirela Ostrova Brandt moved to the coast with her sons.",
            "Mirela Ostrova",
            "PERSON",
            "Mirela Ostrova Brandt",
        ),
        (
            "The old manuscript was given to Pieter van Hoorne by the city in the winter.",
            "Pieter",
            "PERSON",
            "Pieter van Hoorne",
        ),
        (
            "The chronicle says that Tadeo Ruiz III was crowned in the old cathedral.",
            "Tadeo Ruiz",
            "PERSON",
            "Tadeo Ruiz III",
        ),
        (
            "In her letters she praised R. T. Wenlock for his patience with the students.",
            "Wenlock",
            "PERSON",
            "R. T. Wenlock",
        ),
        (
            "He joined the Free Farmers Party of Eastmark before the war and left it in the spring.",
            "Free Farmers Party",
            "ORGANIZATION",
            "Free Farmers Party of Eastmark",
        ),
        (
            "The treaty was signed by the Principality of Varnia and two other states in the east.",
            "Varnia",
            "LOCATION",
            "Principality of Varnia",
        ),
        # traps: a role after a name, a sentence-initial word, a possessive, punctuation, no prose
        (
            "It was the first time a Harvest Party Member had won the seat in the north.",
            "Harvest Party",
            "ORGANIZATION",
            "Harvest Party",
        ),
        (
            "Yesterday Mirela Ostrova came to the house and stayed for the night.",
            "Mirela Ostrova",
            "PERSON",
            "Mirela Ostrova",
        ),
        (
            "She read from Ana Ruiz's Collected Letters to the small crowd in the hall.",
            "Ana Ruiz's",
            "PERSON",
            "Ana Ruiz's",
        ),
        (
            "We met Mirela Ostrova, Brandt and the others at the station in the morning.",
            "Mirela Ostrova",
            "PERSON",
            "Mirela Ostrova",
        ),
        ("Mirela Ostrova Brandt Tower", "Mirela Ostrova", "PERSON", "Mirela Ostrova"),
        (
            "He praised the new President Halvor Dunne in his speech to the crowd today.",
            "Halvor Dunne",
            "PERSON",
            "Halvor Dunne",
        ),
    ],
)
def test_repair_boundaries(text, value, label, grown):
    s, e = _at(text, value)
    out = repair_boundaries(text, [Span(s, e, label, 0.85)], STOP, GUARDS.org_heads, GUARDS.common)
    assert [text[x.start : x.end] for x in out] == [grown]


def test_repair_leaves_other_labels_alone():
    text = "The number 555 0199 was called by the office many times in the week."
    s, e = _at(text, "555 0199")
    span = Span(s, e, "PHONE_NUMBER", 0.7)
    assert repair_boundaries(text, [span], STOP, GUARDS.org_heads, GUARDS.common) == [span]


def _spans(text, *found):
    return [Span(*_at(text, v), label, 0.85) for v, label in found]


@pytest.mark.parametrize(
    ("text", "found", "added"),
    [
        # two detected items of a list make the others the same label (rare words or prose capitals)
        (
            "The pact was signed by Tovren, Hallisk, Orvano and Ale Yaroki in the spring.",
            [("Tovren", "PERSON"), ("Orvano", "PERSON")],
            ["Hallisk", "Ale Yaroki"],
        ),
        (
            "Members came from the Morrow Trust, Quiet Harbour, the Veld Union and the Brisk Alliance last year.",
            [("Morrow Trust", "ORGANIZATION"), ("Veld Union", "ORGANIZATION")],
            ["Quiet Harbour", "Brisk Alliance"],
        ),
        # "X and Y": one detected item is enough for a rare word, with the article left out
        (
            "She wrote to Tovren and the Hallisk Foundation about the grant.",
            [("Tovren", "PERSON")],
            ["Hallisk Foundation"],
        ),
        # traps: one detected item in a longer list; items of common words outside prose; items of another label
        ("Tovren, Hallisk, Orvano and Yaroki came.", [("Tovren", "PERSON")], []),
        ("Bring Forks, Plates, Tovren and Cups", [("Tovren", "PERSON"), ("Cups", "PERSON")], []),
        ("Menu: Open, Save, Tovren and Orvano", [("Tovren", "PERSON"), ("Orvano", "PERSON")], []),
        (
            "The founders were Kivra, Tellen and Vasco.  The idea came later.",
            [("Kivra", "PERSON"), ("Vasco", "PERSON")],
            ["Tellen"],
        ),
    ],
)
def test_coordinate(text, found, added):
    new = coordinate(text, _spans(text, *found), STOP, GUARDS.common)
    assert sorted(text[s.start : s.end] for s in new if text[s.start : s.end] not in {v for v, _ in found}) == sorted(
        added
    )


def test_is_prose():
    assert is_prose("it was sent to the office in the spring", 0, 39)
    assert not is_prose("Account Overview Billing Settings", 0, 33)


@pytest.fixture(scope="module")
def detector():
    from transforms.detection.detector import Detector

    return Detector(load_config(None).detection)


def test_detector_end_to_end(detector):
    text = "In the spring the writer Mirela Ostrova Brandt sent a letter to the Senate about the new law."
    got = {text[s.start : s.end] for s in detector.detect(text)}
    assert "Mirela Ostrova Brandt" in got
    assert any("Senate" in g for g in got)


@pytest.mark.parametrize(
    ("text", "value", "grown"),
    [
        ("Send it to 8812 14 Harbour Road please", "14 Harbour Road", "8812 14 Harbour Road"),
        ("Ship to Lakeview, QX 40217 by Friday", "Lakeview", "Lakeview, QX 40217"),
        ("The office is in Kerava 04200 now", "Kerava", "Kerava 04200"),
        ("She moved to Lisbon 2019 and stayed", "Lisbon", "Lisbon"),  # a year, not a postcode
        ("He paid 300 to Lisbon", "Lisbon", "Lisbon"),  # a number before a bare place name
        ("He visited Lisbon 3 times", "Lisbon", "Lisbon"),
    ],
)
def test_repair_grows_addresses_over_their_numbers(text, value, grown):
    s, e = _at(text, value)
    out = repair(text, [Span(s, e, "LOCATION", 0.7)], STOP, GUARDS.org_heads, GUARDS.common, RULES.methods)
    assert [text[x.start : x.end] for x in out] == [grown]


@pytest.mark.parametrize(
    ("text", "value", "ok"),
    [
        ("The bill was sent back to the Senate after a long debate in the spring.", "Senate", True),
        ("He has long experience in Social Media Planning for small firms.", "Social Media Planning", False),
        ("In the last vote she led Labor to a narrow win over the other side.", "Labor", False),
    ],
)
def test_prose_capitals_for_common_words_needs_the_article_without_a_cue(text, value, ok):
    assert prose_capitals(text, *_at(text, value), STOP, cue=False) is ok


def test_positional_evidence_does_not_propagate():
    text = "Members came from the Morrow Trust, Quiet Harbour, the Veld Union and the Brisk Alliance last year."
    new = coordinate(
        text, _spans(text, ("Morrow Trust", "ORGANIZATION"), ("Veld Union", "ORGANIZATION")), STOP, GUARDS.common
    )
    assert new and all(s.score < RULES.propagation.min_score for s in new)


def test_nrp_grown_over_a_head_noun_becomes_an_organisation():
    text = "Fighters of the Kurdish Zagros Front crossed the river in the night."
    s, e = _at(text, "Kurdish")
    (out,) = repair_boundaries(text, [Span(s, e, "NRP", 0.85)], STOP, GUARDS.org_heads, GUARDS.common)
    assert (text[out.start : out.end], out.label) == ("Kurdish Zagros Front", "ORGANIZATION")


@pytest.mark.parametrize(
    ("text", "name", "label", "found"),
    [
        (
            "The vote split the Crofters Harvest Party ( CRP ) in the north.",
            "Crofters Harvest Party",
            "ORGANIZATION",
            ["CRP"],
        ),
        (
            "Members of the Sozialdemokratische Partei Österreichs (SPÖ) met.",
            "Sozialdemokratische Partei Österreichs",
            "ORGANIZATION",
            ["SPÖ"],
        ),
        ("We met Ana Ruiz (CEO) at noon.", "Ana Ruiz", "PERSON", []),  # a role, not initials
        ("He works for Tellen Bank (Retail) now.", "Tellen Bank", "ORGANIZATION", []),  # one capital: a word
    ],
)
def test_defined_acronyms(text, name, label, found):
    new = defined_acronyms(text, [Span(*_at(text, name), label, 0.85)])
    assert [text[s.start : s.end] for s in new] == found
    assert all(s.label == label and s.score >= RULES.propagation.min_score for s in new)
