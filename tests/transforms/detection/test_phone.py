"""``WindowedPhoneRecognizer`` finds exactly what Presidio's ``PhoneRecognizer`` finds (differential test).

Old path: Presidio's recognizer, or its loop over plain ``PhoneNumberMatcher`` objects when a smaller try
budget is tested. New path: the shared scan, the digit bounds and the remembered outcomes. Texts are
generated from a fixed seed: random digit and separator runs, example numbers of many regions in every
format, numbers glued to letters, currency and percent signs, dates, time stamps, ranges and ratios, and
repeats of the same values in new surroundings (so remembered outcomes are reused).
"""

from __future__ import annotations

import random

import pytest

from transforms.detection.recognizer_config import load_recognizers_file

OTHER_REGIONS = ["RU", "KR", "TR", "AR", "CL", "CO", "EG", "NG", "KE", "AE", "SA", "TH", "VN", "PH", "ID", "UA"]
WORDS = ["call", "tel", "ref", "on", "order", "Raum", "page", "fax", "x", "ext.", "from", "to", "at", "by"]
GLUE = ["", " ", "  ", "\n", ", ", ": ", "(", ")", "$", "€", "%", "abc", "Z", "é", "-", "/", ".", ":30", ":5"]


def _regions():
    return load_recognizers_file(None).predefined.params["PhoneRecognizer"]["supported_regions"]


def _examples(regions) -> list[str]:
    import phonenumbers
    from phonenumbers import PhoneNumberFormat as F
    from phonenumbers import PhoneNumberType as T

    out = []
    for region in regions:
        for kind in (T.FIXED_LINE, T.MOBILE, T.TOLL_FREE):
            n = phonenumbers.example_number_for_type(region, kind)
            if n is not None:
                out += [phonenumbers.format_number(n, f) for f in (F.NATIONAL, F.INTERNATIONAL, F.E164, F.RFC3966)]
    return out


def _texts(seed: int, count: int, regions) -> list[str]:
    rng = random.Random(seed)
    examples = _examples([*regions, *OTHER_REGIONS])

    def digits(n: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(n))

    def noise() -> str:
        return "".join(rng.choice("0123456789  -./()+x") for _ in range(rng.randint(3, 24)))

    def mutate(number: str) -> str:  # change one digit: valid numbers become near misses
        spots = [i for i, c in enumerate(number) if c.isdigit()]
        i = rng.choice(spots)
        return number[:i] + rng.choice("0123456789") + number[i + 1 :]

    forms = [
        lambda: rng.choice(examples),
        lambda: mutate(rng.choice(examples)),
        lambda: "00" + rng.choice(examples).lstrip("+"),
        lambda: "011 " + rng.choice(examples).lstrip("+"),
        noise,
        lambda: digits(rng.randint(2, 20)),
        lambda: f"{digits(3)}-{digits(3)}-{digits(4)}",
        lambda: f"({digits(3)}) {digits(3)} {digits(4)}",
        lambda: f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{rng.choice(['24', '2024', '1999'])}",
        lambda: f"2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)} 1{rng.randint(0, 9)}",
        lambda: f"{digits(rng.randint(1, 5))}-{digits(rng.randint(1, 5))} ({digits(4)})",  # page ranges
        lambda: f"{rng.randint(1, 99)}:{rng.randint(1, 99)}",  # ratios
        lambda: f"{digits(4)} {digits(4)} {digits(4)} {digits(4)}",
        lambda: f"{digits(3)}/{digits(3)}-{digits(4)}/{digits(3)}",
        lambda: f"{rng.choice(examples)} / {rng.choice(examples)}",
        lambda: f"{rng.choice(examples)} ext. {digits(3)}",
        lambda: (
            rng.choice(["1", "44", "49", "61", "1 1", "440", "4400"])
            + rng.choice(["", " ", "0", "1"])
            + mutate(rng.choice(examples)).lstrip("+")
        ),
    ]
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 6)):
            parts += [rng.choice(GLUE), rng.choice(WORDS), rng.choice(GLUE), rng.choice(forms)(), rng.choice(GLUE)]
        texts.append("".join(parts))
    return texts + [t.replace(" ", "  ") for t in texts[:40]] + texts[:40]  # the same values again


def _seen(results):
    return [(r.start, r.end, r.score, r.analysis_explanation.textual_explanation) for r in results]


@pytest.fixture(scope="module")
def regions():
    return _regions()


def test_same_results_as_presidio(regions):
    from presidio_analyzer.predefined_recognizers import PhoneRecognizer

    from transforms.detection.phone import windowed_phone_class

    plain = PhoneRecognizer(supported_regions=regions, leniency=1)
    fast = windowed_phone_class()(supported_regions=regions, leniency=1)
    texts = _texts(3, 400, regions)
    found = 0
    for text in texts:
        expected = _seen(plain.analyze(text, ["PHONE_NUMBER"]))
        assert _seen(fast.analyze(text, ["PHONE_NUMBER"])) == expected, text
        found += len(expected)
    assert found > 100  # the generated texts really hold numbers


@pytest.mark.parametrize("leniency", [0, 2])
def test_same_results_at_other_leniencies(regions, leniency):
    from presidio_analyzer.predefined_recognizers import PhoneRecognizer

    from transforms.detection.phone import windowed_phone_class

    some = regions[:8]
    plain = PhoneRecognizer(supported_regions=some, leniency=leniency)
    fast = windowed_phone_class()(supported_regions=some, leniency=leniency)
    for text in _texts(5, 120, some):
        assert _seen(fast.analyze(text, ["PHONE_NUMBER"])) == _seen(plain.analyze(text, ["PHONE_NUMBER"])), text


@pytest.mark.parametrize("budget", [1, 2, 3, 5, 8])
def test_try_budget_stops_where_the_plain_matcher_stops(regions, budget, monkeypatch):
    """With a small budget of failed candidates, remembered outcomes must not carry a scan further (or
    less far) than the plain matcher goes: Presidio's recognizer over ``PhoneNumberMatcher(max_tries=...)``."""
    import phonenumbers
    from presidio_analyzer.predefined_recognizers import PhoneRecognizer

    from transforms.detection.phone import windowed_phone_class

    fast = windowed_phone_class()(supported_regions=regions, leniency=1, max_tries=budget)
    matcher = phonenumbers.PhoneNumberMatcher
    monkeypatch.setattr(
        phonenumbers, "PhoneNumberMatcher", lambda text, region, leniency: matcher(text, region, leniency, budget)
    )
    plain = PhoneRecognizer(supported_regions=regions, leniency=1)
    texts = _texts(9, 80, regions)
    texts += [" ".join(texts[i : i + 6]) for i in range(0, 60, 6)]  # many candidates per text
    found = 0
    for text in texts + texts:  # the second round reuses what the first remembered
        expected = _seen(plain.analyze(text, ["PHONE_NUMBER"]))
        assert _seen(fast.analyze(text, ["PHONE_NUMBER"])) == expected, text
        found += len(expected)
    assert found > 0


def test_memo_is_bounded():
    from transforms.detection.memo import BoundedMemo  # the phone recognizer's memo

    memo = BoundedMemo(3)
    for i in range(10):
        memo.put(i, [i])
    assert len(memo.data) <= 3
    assert memo.get(9) == [9]


def _plus_texts(seed: int, count: int) -> list[str]:
    """Candidates with plus signs where the default region may or may not matter: known and unknown
    country codes, doubled and full-width pluses, a plus after digits or inside brackets, extensions,
    invalid numbers whose inner parts are numbers of some region."""
    rng = random.Random(seed)

    def digits(n: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(n))

    forms = [
        lambda: f"+{digits(rng.randint(2, 14))}",
        lambda: (
            f"+{rng.choice(['1', '44', '49', '33', '91', '61', '0', '999', '86'])} {digits(3)} {digits(3)} {digits(4)}"
        ),
        lambda: f"++44 {digits(4)} {digits(6)}",
        lambda: f"\uff0b1 {digits(3)}-{digits(3)}-{digits(4)}",
        lambda: f"(+{rng.randint(1, 99)}) {digits(2)} {digits(4)} {digits(4)}",
        lambda: f"{digits(3)}+{digits(3)} {digits(4)}",
        lambda: f"+1 {digits(3)}-{digits(3)}-{digits(4)} x{digits(3)}",
        lambda: f"+1 {rng.choice(['202', '415', '604', '416'])} 555 0{digits(3)} / {digits(3)} {digits(3)} {digits(4)}",
        lambda: f"+{digits(1)} ({digits(3)}) {digits(3)}-{digits(4)}",
    ]
    texts = []
    for _ in range(count):
        parts = [rng.choice(GLUE) + rng.choice(WORDS) + rng.choice(GLUE) + rng.choice(forms)() for _ in range(3)]
        texts.append(" ".join(parts))
    return texts + texts[:30]


@pytest.mark.parametrize("leniency", [1, 0, 2])
def test_plus_candidates_parsed_once_match_presidio(regions, leniency):
    """A number with a leading plus is parsed once for all regions (leniency VALID/POSSIBLE): the same
    results as Presidio's per-region loop, also where the region does matter (unknown codes, inner parts)."""
    from presidio_analyzer.predefined_recognizers import PhoneRecognizer

    from transforms.detection.phone import windowed_phone_class

    plain = PhoneRecognizer(supported_regions=regions, leniency=leniency)
    fast = windowed_phone_class()(supported_regions=regions, leniency=leniency)
    found = 0
    for text in _plus_texts(11, 150):
        expected = _seen(plain.analyze(text, ["PHONE_NUMBER"]))
        assert _seen(fast.analyze(text, ["PHONE_NUMBER"])) == expected, text
        found += len(expected)
    assert found > 20


def test_shape_check_refuses_only_what_parsing_refuses(regions):
    """``phone_shapes.cannot_be_valid`` is a necessary condition: whenever it refuses a candidate for a
    region, the plain matcher's ``_parse_and_verify`` (parse + VALID verification) finds no number in it."""
    import phonenumbers
    from phonenumbers import Leniency, PhoneNumberMatcher

    from transforms.detection.phone_shapes import cannot_be_valid, shape_checks

    every = [*regions, *OTHER_REGIONS]
    checks = shape_checks(every)
    assert set(regions) - checks.keys() <= {"BR", "JP"}  # only regions with a national-prefix transform rule
    rng = random.Random(11)

    def digits(n: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(n))

    candidates = []
    for region in every:  # valid numbers of every region, dialled nationally, with the code, via the IDD
        for kind in range(11):
            n = phonenumbers.example_number_for_type(region, kind)
            if n is not None:
                national = phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.NATIONAL)
                e164 = phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164)[1:]
                candidates += [national, e164, "00" + e164, "011 " + e164, national.replace(" ", "-")]
                code, digits_only = str(n.country_code), "".join(c for c in national if c.isdigit())
                for prefix in ("0", "1", "00", "11", "01", "10", "8", "06", "0 0", "1 1"):  # code, then prefixes
                    candidates += [f"{code} {prefix} {national}", f"{code}{prefix}{digits_only}", prefix + e164]
    for _ in range(3000):
        shape = rng.choice(["run", "groups", "date", "zero"])
        if shape == "run":
            candidates.append(digits(rng.randint(2, 20)))
        elif shape == "groups":
            candidates.append(rng.choice(" -./").join(digits(rng.randint(1, 5)) for _ in range(rng.randint(2, 5))))
        elif shape == "date":
            candidates.append(f"{rng.randint(1, 31)}/{rng.randint(1, 12)}/{rng.randint(1900, 2099)}")
        else:
            candidates.append(
                f"({rng.choice(['0', '00', '01', '1'])}{digits(rng.randint(1, 4))}) {digits(rng.randint(3, 9))}"
            )
    refused = kept = 0
    for region, check in checks.items():
        for candidate in candidates:
            if cannot_be_valid(candidate, check):
                refused += 1
                matcher = PhoneNumberMatcher(candidate, region, leniency=Leniency.VALID)
                assert matcher._parse_and_verify(candidate, 0) is None, (region, candidate)
            else:
                kept += 1
    assert refused > 10_000 and kept > 10_000  # the check decides often, and leaves many to the parser
