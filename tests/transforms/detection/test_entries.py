"""Entry-line cues of semi-structured text: place pairs and the organisation that opens an entry.

Strings are written for these tests (fictional employers and small towns), not taken from any corpus."""

import pytest

from transforms.detection.entries import entry_spans, place_pairs
from transforms.detection.recognizer_config import load_recognizers_file
from transforms.record import Span

TITLES = frozenset(w.lower() for w in load_recognizers_file().guards.title_nouns)


def _found(text, spans=()):
    return {(text[s.start : s.end], s.label) for s in entry_spans(text, list(spans), title_nouns=TITLES)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Brindlewick Analytics, Quenford, OH  2014 to 2019", {("Quenford", "LOCATION"), ("OH", "LOCATION")}),
        ("Studied at Harlow Vale, Ontario.", {("Harlow Vale", "LOCATION"), ("Ontario", "LOCATION")}),
        ("Office: Tarnbury, NE 68001", {("Tarnbury", "LOCATION"), ("NE", "LOCATION")}),
        ("Moved to Velmora, CO. Then", {("Velmora", "LOCATION"), ("CO.", "LOCATION")}),
    ],
)
def test_place_pairs_found(text, expected):
    assert expected <= _found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Hello, OK then we start",  # a code word inside prose: the region does not close a field
        "Chest, PA and lateral views were clear",
        "Field Engineer, MA",  # common words are a title, not a town
        "REVIEW OF SYSTEMS, PA",
        "Stack: Oracle, Hadoop, Kafka",  # a list of products, no region
        "Toolchain MS-DOS, AMX, Zephyr",
    ],
)
def test_place_pairs_negative(text):
    assert not _found(text)


def test_person_then_degree_is_not_a_place():
    text = "Signed: Tilda Brennock, MD"
    person = Span(8, 22, "PERSON", 0.85)
    assert not place_pairs(text, [person])


def test_weak_region_needs_exact_detected_location_closing_the_pair():
    text = "Kelvarn Robotics - Ostrava, Moravia -\n\n2015 to 2017"
    moravia = Span(text.index("Moravia"), text.index("Moravia") + 7, "LOCATION", 0.85)
    found = _found(text, [moravia])
    assert ("Ostrava", "LOCATION") in found and ("Kelvarn Robotics", "ORGANIZATION") in found
    # without the NER evidence an unknown second item is not a region
    assert not _found(text)
    # a detected item inside a longer comma list is not a region either
    listed = "Skills  Zorblat, Moravia, Quixel"
    m = Span(listed.index("Moravia"), listed.index("Moravia") + 7, "LOCATION", 0.85)
    assert not _found(listed, [m])


@pytest.mark.parametrize(
    ("text", "org"),
    [
        ("EXPERIENCE  QUARRELL TECHNOLOGIES, Quenford, OH  2001 to 2004", "QUARRELL TECHNOLOGIES"),
        ("Work history\nFenwyck Labs -  Tarnbury, NE -\n\nMay 2012 to Present", "Fenwyck Labs"),
        ("Trellix9, Harlow, TX  Java developer", "Trellix9"),
        ("Ostlund Partners, Inc., Velmora, CO  1999", "Ostlund Partners, Inc."),
        ("2008 | Brackwater College | Dunmore, Alberta | BSc", "Brackwater College"),
    ],
)
def test_entry_heads_found(text, org):
    assert (org, "ORGANIZATION") in _found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Freelance Software Developer  Quenford, OH  2019",  # a job title (role noun)
        "Senior Account Manager, Quenford, OH",
        "CAREER RECORD  Quenford, OH",  # a heading of common words
        "1234 Larchmont Drive, Quenford, OH 44101",  # a street address
        "we worked there and moved to Quenford, OH",  # prose, not a field
    ],
)
def test_entry_heads_negative(text):
    assert not any(label == "ORGANIZATION" for _, label in _found(text))


def test_entry_head_skips_a_detected_person():
    text = "Maribel Ostrander  Quenford, OH  555-0100"
    person = Span(0, 17, "PERSON", 0.85)
    assert not any(label == "ORGANIZATION" for _, label in _found(text, [person]))


def test_switches():
    text = "EXPERIENCE  QUARRELL TECHNOLOGIES, Quenford, OH  2001"
    assert entry_spans(text, [], pairs_on=False, heads_on=False) == []
    only_heads = entry_spans(text, [], pairs_on=False)
    assert {s.label for s in only_heads} == {"ORGANIZATION"}


def test_detector_uses_the_entry_cues_and_leaves_headers():
    from transforms.config import load_config
    from transforms.detection.detector import Detector
    from transforms.detection.recognizer_config import ablated, load_recognizers_file

    text = (
        "Maribel Ostrander\nEXPERIENCE\n\nQUARRELL TECHNOLOGIES, Quenford, OH  2014 to 2019\n"
        "Fenwyck Labs -  Tarnbury, NE -\n\nCAREER RECORD\n\nREVIEW OF SYSTEMS: negative"
    )
    spans = Detector(load_config(None).detection).detect(text)
    covered = {i for s in spans for i in range(s.start, s.end)}

    def hidden(value):
        start = text.index(value)
        return all(i in covered for i in range(start, start + len(value)) if text[i].isalnum())

    for value in ("QUARRELL TECHNOLOGIES", "Quenford", "OH", "Fenwyck Labs", "Tarnbury", "NE"):
        assert hidden(value), value
    for header in ("CAREER RECORD", "REVIEW OF SYSTEMS"):
        start = text.index(header)
        assert not covered & set(range(start, start + len(header))), header
    rules = ablated(load_recognizers_file(None), ["place_pairs", "entry_heads", "caps_org_names"])
    assert not (rules.methods.place_pairs or rules.methods.entry_heads or rules.methods.caps_org_names)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ('Quarrell College  Pittsburgh, PA"', "Pittsburgh"),  # a big city: a frequent word, not a role noun
        ("Intern\n\nFenwyck Labs -  Kurnool, Mizoram -\n\n2015", "Kurnool"),
    ],
)
def test_town_frequency_words_and_regions(text, place):
    assert (place, "LOCATION") in _found(text)


@pytest.mark.parametrize("text", ["Staff Engineer, PA", "Code Review, PA"])
def test_role_and_common_nouns_are_not_towns(text):
    assert not _found(text)


@pytest.mark.parametrize("heading", ["Summary", "Marketing", "Consulting", "EDUCATION"])
def test_heading_words_before_a_place_are_not_organisations(heading):
    text = f"{heading}  Quenford, OH  2001"
    assert not any(label == "ORGANIZATION" for _, label in _found(text))


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Signed: K. Vandermeer-Holt, MD  03/02/2024", None),  # an initial: a name with a credential
        ("PCP: Harriet Brask, MD, Quenford Family Practice", None),  # a first name opens it
        ("Quarrell Labs, Hopkinton, MA  2001 to 2004", "Hopkinton"),  # a town with the same code
        ("Clinic: 12 Elm Rd, Tarnbury, PA 19001", "Tarnbury"),
    ],
)
def test_credential_codes_after_names(text, place):
    found = _found(text)
    if place is None:
        assert not found
    else:
        assert (place, "LOCATION") in found


def test_abbreviations_are_no_weak_pair():
    text = "HEENT: PERRLA, EOMI.\nLUNGS: clear"
    eomi = Span(text.index("EOMI"), text.index("EOMI") + 4, "LOCATION", 0.85)
    assert not _found(text, [eomi])


def test_a_name_span_of_ner_before_a_known_region_is_a_place():
    text = "ADDITIONAL  Quarrell Hardware  Mountain Green, Kentucky    Clerk"
    start = text.index("Mountain Green")
    org = Span(start, start + len("Mountain Green"), "ORGANIZATION", 0.85)
    assert ("Mountain Green", "LOCATION") in _found(text, [org])
    assert ("Mountain Green", "LOCATION") not in _found(text)  # common words alone are no town
