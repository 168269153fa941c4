"""Table-driven tests for the last-step span forms (det-forms): numbers re-routed by cue
(``number_routes``, method ``numeric_rerouting``) and person-span boundaries (``person_bounds``, method
``person_boundaries``). Every string is invented for these tests; positives and negatives side by side:
ranges, ratios, clock times, measurements and bare numbers stay readable, names stay whole."""

import re

import pytest

from transforms.detection import lexicon
from transforms.detection.forms import reshape_spans
from transforms.detection.metrics import GOLD_LABELS
from transforms.detection.number_routes import route_numbers
from transforms.detection.person_bounds import trim_persons
from transforms.detection.recognizer_config import MethodsSpec
from transforms.record import Span


def _routed(text: str, spans: list[Span] | None = None) -> list[tuple[str, str]]:
    before = len(spans or [])
    return [(text[s.start : s.end], s.label) for s in route_numbers(text, list(spans or []))[before:]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ages after an age cue
        ("Tomasz, aged 17, was cautioned.", [("17", "AGE")]),
        ("Age: 52\nSex: F", [("52", "AGE")]),
        ("my niece turned 9 last week", [("9", "AGE")]),
        ("be honest, you're 15 and you think you know it all", [("15", "AGE")]),
        ("she's 11 now", [("11", "AGE")]),
        ("I'm 27.", [("27", "AGE")]),
        ("A/P: 71F with new confusion", [("71", "AGE")]),
        ("Seen today: a 58M presenting with chest pain", [("58", "AGE")]),
        # not ages: units, times, ranges, decimals, percentages, out-of-range numbers
        ("he's 5 minutes late again", []),
        ("I'm 100 percent sure", []),
        ("we were 3 goals down", []),
        ("aged 12-14 only", []),
        ("age 2.5 kg of cheese", []),
        ("she is 180 cm tall", []),
        ("I'm 6 foot 2", []),
        ("they were 4:30 late", []),
        ("the app passed 5M users, with 16M downloads", []),
        ("file size 12M with images", []),
        # short IDs after an identifier cue
        ("PC Yardley, collar number 5318, attended.", [("5318", "ID")]),
        ("Staff badge 2207 was used at the door", [("2207", "ID")]),
        ("the card ending 6613 was declined", [("6613", "ID")]),
        ("account ending in 48", [("48", "ID")]),
        ("Sort code: 40-18-92, account held since May", [("40-18-92", "ID")]),
        ("Member no. 7731 renewed online", [("7731", "ID")]),
        ("last four digits are 3904.", [("3904", "ID")]),
        # not IDs: no cue, a year after a cue without a connector, quantities
        ("badge photo taken in 2019", []),
        ("member since 2021", []),
        ("member 2020 cohort", []),
        ("staff of 40 people", []),
        ("room 214 is on the left", []),
        # ordinal days with a date context
        ("Booked online for the 9th at 10:20", [("the 9th", "DATE_TIME")]),
        ("rent is due on the 1st.", [("the 1st", "DATE_TIME")]),
        ("they had it down for the 11th.", [("the 11th", "DATE_TIME")]),
        ("I'll be away until the 23rd, then back", [("the 23rd", "DATE_TIME")]),
        ("from the 2nd to the 6th of next month", [("the 2nd", "DATE_TIME"), ("the 6th", "DATE_TIME")]),
        # not dates: floors, centuries, counts, days beyond 31, no date preposition
        ("the office is on the 3rd floor", []),
        ("art from the 19th century", []),
        ("failed for the 2nd time", []),
        ("on the 45th day", []),
        ("she came the 4th", []),
        # never PII without a cue: measurements, ratios, clock times, bare numbers
        ("BP 135/85, HR 72, temp 37.9", []),
        ("pain 6/10 at 14:20, dose 2-3 tablets", []),
        ("batch of 250, ratio 3:1", []),
    ],
)
def test_route_numbers(text, expected):
    assert _routed(text) == expected


@pytest.mark.parametrize(
    ("text", "person", "expected"),
    [
        ("Witness Halvard Ekstrom (41) gave evidence", "Halvard Ekstrom", [("41", "AGE")]),
        ("Mirela Voss, 38, of Harbour Lane", "Mirela Voss", [("38", "AGE")]),
        ("Mirela Voss (2019) argues", "Mirela Voss", []),  # a citation year, not an age
        ("Mirela Voss (page 4)", "Mirela Voss", []),
        ("Mirela Voss, 38 Harbour Lane", "Mirela Voss", []),  # an address number
    ],
)
def test_ages_after_a_person(text, person, expected):
    start = text.index(person)
    assert _routed(text, [Span(start, start + len(person), "PERSON", 0.85)]) == expected


def test_covered_numbers_are_not_added_twice():
    text = "collar number 5318"
    assert _routed(text, [Span(0, len(text), "ID", 0.7)]) == []


def test_routed_labels_are_canonical():
    text = "aged 30, badge 4410, on the 5th."
    assert {s.label for s in route_numbers(text, [])} <= GOLD_LABELS


def _trimmed(text: str, value: str) -> list[str]:
    start = text.index(value)
    return [text[s.start : s.end] for s in trim_persons(text, [Span(start, start + len(value), "PERSON", 0.85)])]


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        # honorifics, ranks and roles before the name
        ("stopped by Officer Renata Kulik at noon", "Officer Renata Kulik", ["Renata Kulik"]),
        ("Cllr Ottoline Barnes moved the motion", "Cllr Ottoline Barnes", ["Ottoline Barnes"]),
        ("DC Farrant took the statement", "DC Farrant", ["Farrant"]),
        ("Det. Sgt. Imre Lakatos attended", "Det. Sgt. Imre Lakatos", ["Imre Lakatos"]),
        ("Police Constable Wren Adair", "Police Constable Wren Adair", ["Wren Adair"]),
        ("seen by Dr. Osei-Bonsu today", "Dr. Osei-Bonsu", ["Osei-Bonsu"]),
        ("Mrs Tambling phoned", "Mrs Tambling", ["Tambling"]),
        ("Treasurer Agnes Pilbeam reported", "Treasurer Agnes Pilbeam", ["Agnes Pilbeam"]),
        ("Daughter Ysolde visited", "Daughter Ysolde", ["Ysolde"]),
        # salutations and requests NER sweeps into a sentence-initial name
        ("Ring Ottoline on Friday", "Ring Ottoline", ["Ottoline"]),
        ("Email Corwin Hale the form", "Email Corwin Hale", ["Corwin Hale"]),
        ("Dear Ines Marquand, thank you", "Dear Ines Marquand", ["Ines Marquand"]),
        ("Thanks Wren, see you", "Thanks Wren", ["Wren"]),
        ("Call Support today", "Call Support", ["Call Support"]),  # a common word after it: not a name, kept
        ("Will Pilbeam join?", "Will Pilbeam", ["Will Pilbeam"]),  # not a lead-in: a first name
        # field labels and next lines
        ("Name: Corwin Hale\nDOB: unknown", "Name: Corwin Hale", ["Corwin Hale"]),
        ("Reported by: Ines Marquand", "Reported by: Ines Marquand", ["Ines Marquand"]),
        ("Dagny: Thorsby called", "Dagny: Thorsby", ["Dagny: Thorsby"]),  # a speaker name is not a field label
        ("Tenant: Lowri Pugh\nLandlord", "Lowri Pugh\nLandlord", ["Lowri Pugh", "Landlord"]),
        ("Signed Bram Okafor\nWitness: none", "Bram Okafor\nWitness", ["Bram Okafor"]),
        # names stay whole: name-forming titles, surnames that are title words, lone titles
        ("a poem by Sir Aldous Penhallow", "Sir Aldous Penhallow", ["Sir Aldous Penhallow"]),
        ("Queen Isolde of Varnia", "Queen Isolde", ["Queen Isolde"]),
        ("the minister Harold Major said", "Harold Major", ["Harold Major"]),
        ("Later, Major said no.", "Major", ["Major"]),  # a lone surname, not a title before a name
        ("taught by Miss Quellwater", "Miss Quellwater", ["Quellwater"]),  # a rare word reads as a surname
        ("she won Miss Galaxy twice", "Miss Galaxy", ["Miss Galaxy"]),  # a title of a thing
        ("the envoy met Miss Portugal", "Miss Portugal", ["Miss Portugal"]),
        ("met DI Rosslyn", "DI Rosslyn", ["Rosslyn"]),
        # a title word that is also a first name is cut only in title form (full stop, before a title)
        ("Maj. Pellow waved", "Maj. Pellow", ["Pellow"]),
        ("Major General Pellow waved", "Major General Pellow", ["General Pellow"]),
        ("Di Rosslyn phoned", "Di Rosslyn", ["Di Rosslyn"]),  # "Di" is a first name, only "DI" a rank
        ("Petra Lindqvist signed", "Petra Lindqvist", ["Petra Lindqvist"]),
    ],
)
def test_trim_persons(text, value, expected):
    assert _trimmed(text, value) == expected


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        # a speaker label cut off at a line break is a name: kept as its own span
        ("Wilma Strand\nOrvild: I saw him leave", "Wilma Strand\nOrvild", ["Wilma Strand", "Orvild"]),
        ("Corliss Vane\nTamsin Oakhurst: yes", "Corliss Vane\nTamsin Oakhurst", ["Corliss Vane", "Tamsin Oakhurst"]),
        # title words that are first names stay unless written as titles
        ("Justice Ebele Ranfurly ruled", "Justice Ebele Ranfurly", ["Justice Ebele Ranfurly"]),
        ("Major Pellow waved", "Major Pellow", ["Major Pellow"]),
        ("Nana Osabutey arrived", "Nana Osabutey", ["Nana Osabutey"]),
    ],
)
def test_trim_never_makes_a_name_readable(text, value, expected):
    assert _trimmed(text, value) == expected
    start = text.index(value)
    kept = trim_persons(text, [Span(start, start + len(value), "PERSON", 0.85)])
    for m in re.finditer(r"[A-Z][a-z]+", value):
        word, pos = m.group(0), start + m.start()
        if lexicon.is_name_token(word) or lexicon.zipf(word) < 3.5:  # a name token of the original span
            assert any(s.start <= pos < s.end for s in kept), word


def test_lone_first_name_title_before_a_name_is_kept():
    text = "Major Pellow waved"  # "Major" propagated alone: it may be the first name, so it stays a span
    assert [text[s.start : s.end] for s in trim_persons(text, [Span(0, 5, "PERSON", 0.6)])] == ["Major"]


def test_lone_title_before_a_name_is_dropped():
    text = "Officer Renata Kulik and Officer Kulik"
    spans = [Span(0, 7, "PERSON", 0.6), Span(8, 20, "PERSON", 0.85)]
    assert [text[s.start : s.end] for s in trim_persons(text, spans)] == ["Renata Kulik"]


def test_other_labels_are_untouched():
    text = "Dr Ruthven Clinic"
    spans = [Span(0, len(text), "ORGANIZATION", 0.8)]
    assert trim_persons(text, spans) == spans


@pytest.mark.parametrize(("off", "expected"), [((), 2), (("person_boundaries",), 2), (("numeric_rerouting",), 1)])
def test_methods_switch(off, expected):
    text = "Cllr Ottoline Barnes, aged 61"
    methods = MethodsSpec(**{name: False for name in off})
    out = reshape_spans(text, [Span(0, 20, "PERSON", 0.85)], methods)
    first = text[out[0].start : out[0].end]
    assert first == ("Cllr Ottoline Barnes" if "person_boundaries" in off else "Ottoline Barnes")
    assert len(out) == expected
