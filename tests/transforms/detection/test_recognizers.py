"""Table-driven tests per recognizer of the packaged recognizers.yaml (positive and negative cases).

Each case runs the recognizer alone (no spaCy) and checks which substrings it reports.
"""

import pytest

from transforms.detection.recognizer_config import load_recognizers_file
from transforms.detection.recognizers.patterns import build

RULES = load_recognizers_file(None)
_cache: dict = {}


def found(name: str, text: str) -> list[str]:
    if name not in _cache:
        _cache[name] = build(next(r for r in RULES.recognizers if r.name == name))
    rec = _cache[name]
    results = rec.analyze(text, rec.supported_entities, None)
    # context-scored recognizers report a low base score that Presidio's context enhancer raises
    floor = 0.3 if rec.context else 0.35
    return [text[r.start : r.end] for r in results if r.score >= floor]


def covers(name: str, text: str, value: str) -> bool:
    return any(value in hit for hit in found(name, text))


CASES = [
    ("NrpLexiconRecognizer", "Three Norwegians and a Buddhist monk", "Norwegians"),
    ("NrpLexiconRecognizer", "a polished finish", None),
    ("ContextIdRecognizer", "your claim number: 7731-5520", "7731-5520"),
    ("ContextIdRecognizer", "the file is ready", None),
    ("ShortDateRecognizer", "discharged on 11/3 at noon", "11/3"),
    ("ShortDateRecognizer", "scored 11/3 on the test", None),
    ("SeparatedSsnRecognizer", "ssn 536_90_4399 given", "536_90_4399"),
    ("SeparatedSsnRecognizer", "version 536.90.12", None),
    ("UsernameRecognizer", "reply to mary_okafor91 please", "mary_okafor91"),
    ("UsernameRecognizer", "call get_value twice", None),
    # (recognizer, text, value expected inside a hit, or None for "nothing found")
    ("AddressRecognizer", "Ship it to 221 Baker Street, London NW1 6XE please.", "221 Baker Street, London NW1 6XE"),
    ("AddressRecognizer", "Adresse: Rue de la Paix 12, Paris", "Rue de la Paix 12"),
    ("AddressRecognizer", "Sie wohnt in der Lindenstraße 5\n10115 Berlin", "Lindenstraße 5\n10115 Berlin"),
    ("AddressRecognizer", "Send it to Suite 400", "Suite 400"),
    ("AddressRecognizer", "PSC 1234, Box 5678\nAPO AE 09876", "APO AE 09876"),
    ("AddressRecognizer", "i live at 12 oak avenue apt 3", "12 oak avenue apt 3"),
    ("AddressRecognizer", "We sold 5 units on Monday.", None),
    ("AddressRecognizer", "Windows 10 and Office 365 are installed.", None),
    ("PostcodeRecognizer", "Postcode: SW1A 1AA", "SW1A 1AA"),
    ("PostcodeRecognizer", "my zip code is 90210", "90210"),
    ("PostcodeRecognizer", "Version 2.3 was released", None),
    ("TitledPersonRecognizer", "Please ask Dr. Amara Okafor about it", "Amara Okafor"),
    ("TitledPersonRecognizer", "Mrs Pemberton called", "Pemberton"),
    ("TitledPersonRecognizer", "Dr. who?", None),
    ("LabelledPersonRecognizer", "Name: Ingrid Vestergaard\nPhone: 555", "Ingrid Vestergaard"),
    ("LabelledPersonRecognizer", "the name is not important", None),
    ("DateOfBirthRecognizer", "She was born on 3/14/1988 in a small town", "3/14/1988"),
    ("DateOfBirthRecognizer", "DOB: 14 March 1988", "14 March 1988"),
    ("DateOfBirthRecognizer", "The meeting is on 3/14/1988", None),
    ("AgeRecognizer", "I just turned 46 last week", "46"),
    ("AgeRecognizer", "a 65-year-old patient", "65"),
    ("AgeRecognizer", "the temperature turned 30 degrees", None),
    ("ContextPhoneRecognizer", "Mobile: 0490 39 07 81", "0490 39 07 81"),
    ("ChecksumCardRecognizer", "card 4111 1111 1111 1111 expires", "4111 1111 1111 1111"),
    ("ChecksumCardRecognizer", "order 4111 1111 1111 1112 shipped", None),  # fails Luhn
    ("ChecksumIbanRecognizer", "IBAN GB82 WEST 1234 5698 7654 32", "GB82 WEST 1234 5698 7654 32"),
    ("ChecksumIbanRecognizer", "code GB00 WEST 1234 5698 7654 32", None),  # bad mod-97
    ("OrganizationRecognizer", "I work for Brightwater Analytics in Leeds", "Brightwater Analytics"),
    ("OrganizationRecognizer", "She founded Kestrel Holdings Ltd in 2001", "Kestrel Holdings Ltd"),
    ("OrganizationRecognizer", "we work for a better world", None),
    ("TimestampRecognizer", "On 2018-02-24 12:45:18, the vote", "2018-02-24 12:45:18"),
    ("SpokenEmailRecognizer", "send it to john at gmail dot com please", "john at gmail dot com"),
    ("SpokenEmailRecognizer", "mail john dot smith at example dot org", "john dot smith at example dot org"),
    ("SpokenEmailRecognizer", "write to jack@gmail dot com", "jack@gmail dot com"),
    ("SpokenEmailRecognizer", "meet me at the station at noon", None),
    ("SpokenNumberRecognizer", "call me on five five five oh one two three", "five five five oh one two three"),
    (
        "SpokenNumberRecognizer",
        "my number is double seven three four five six nine",
        "double seven three four five six nine",
    ),
    ("SpokenNumberRecognizer", "one or two of them", None),
    ("ContextPersonRecognizer", "send an email to enalen about the files", "enalen"),
    ("ContextPersonRecognizer", "did i get any new emails from claire", "claire"),
    ("ContextPersonRecognizer", "remove finlee's bedtime alarm", "finlee"),
    ("ContextPersonRecognizer", "send an email to all my co workers", None),
    ("ContextPersonRecognizer", "call mom", None),
    ("GazetteerPersonRecognizer", "Yesterday Rolando Lettiere arrived", "Rolando Lettiere"),
    ("GazetteerPersonRecognizer", "Agatha B Ottarsdottir wrote back", "Agatha B Ottarsdottir"),
    ("GazetteerPersonRecognizer", "Open Settings And Reset", None),
    # det-probe (more cases in test_probe_forms.py)
    ("HandleRecognizer", "props to @wren_takes_photos", "wren_takes_photos"),
    ("HandleRecognizer", "two coffees @ $4 each", None),
    ("ContextIdFormsRecognizer", "Our ref. LX/24/3310 applies", "LX/24/3310"),
    ("ContextIdFormsRecognizer", "the reference desk", None),
    ("OrdinalDateRecognizer", "served on 21st June 2023", "21st June 2023"),
    ("OrdinalDateRecognizer", "the 21st century", None),
    ("MailTimestampRecognizer", "Date: Mon, 3 Feb 2025 08:00:12 -0500", "Mon, 3 Feb 2025 08:00:12 -0500"),
    ("MailTimestampRecognizer", "at 08:00 sharp", None),
]


@pytest.mark.parametrize(("name", "text", "value"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_recognizer_case(name, text, value):
    hits = found(name, text)
    if value is None:
        assert hits == []
    else:
        assert any(value in h for h in hits), hits


def test_every_packaged_recognizer_has_cases():
    names = {r.name for r in RULES.recognizers}
    assert names - {"MilitaryPostcodeRecognizer"} <= {c[0] for c in CASES}
