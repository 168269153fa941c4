"""General forms of unseen text (``cue_forms``): references with a remote cue, frame names, non-Latin
names, separator cuts, phone-shaped NHS matches, the measurement guard.

Every string is invented for these tests (fictional names, codes and numbers), not taken from any corpus
or evaluation set. Positives and negatives side by side."""

import pytest

from transforms.detection.account_names import account_spans
from transforms.detection.acronym_orgs import acronym_spans
from transforms.detection.cue_forms import cue_spans
from transforms.detection.guards import _measurements
from transforms.detection.products import product_spans
from transforms.detection.recognizer_config import MethodsSpec
from transforms.detection.ref_ids import ref_id_spans
from transforms.detection.script_names import script_name_spans
from transforms.detection.signoffs import signoff_spans
from transforms.detection.span_cuts import cut_separators
from transforms.detection.table_cells import field_spans, table_spans
from transforms.record import Span

STOP = {"the", "a", "and", "you", "me", "so", "all", "of", "to", "for", "it", "is", "my"}


def _values(text, spans):
    return sorted((text[s.start : s.end], s.label) for s in spans)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I need help with my order.\nIt is WQ4471-C and still missing.", ["WQ4471-C"]),
        ("Where is my parcel? The label says 7RT2K9905X.", ["7RT2K9905X"]),
        ("The code on my receipt reads PV-3318-ZK.", ["PV-3318-ZK"]),
        ("UT82MQ is my booking, flying tomorrow", ["UT82MQ"]),
        ("Still waiting on the refund for case\n48812093", ["48812093"]),
        # negatives: no record word, a product spec, units, versions, a word with a number, dates, money
        ("The room was 4Z8X cold and we left at 10:45.", []),
        ("I ordered the model XR-2291 and part 4471-AB.", []),
        ("My order needs a 12V adapter and 500GB of space.", []),
        ("Order placed after firmware V2.41 shipped.", []),
        ("Order delayed due to COVID19 again.", []),
        ("Order date 2024-03-14, paid $129000 in total.", []),
        ("The number of people was 2500000 in total.", []),
    ],
)
def test_remote_reference_ids(text, expected):
    assert [text[s.start : s.end] for s in ref_id_spans(text, [])] == expected
    assert all(s.label == "ID" for s in ref_id_spans(text, []))


def test_reference_already_covered_is_not_added():
    text = "Booking reference: ZQ71KM"
    start = text.index("ZQ71KM")
    assert ref_id_spans(text, [Span(start, start + 6, "ID", 0.6)]) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("great stay, thanks, marisol", [("marisol", "PERSON")]),
        ("cheers,\ntobiasz", [("tobiasz", "PERSON")]),
        ("best regards\nkarima", [("karima", "PERSON")]),
        ("ok see you then - dana", [("dana", "PERSON")]),
        ("Thanks again,\nWendeline Ockham", [("Wendeline Ockham", "PERSON")]),
        ("same here\n— brambleway77", [("brambleway77", "ID")]),
        # negatives: a form of address, a common word, a range, a list item, a word that is not a name
        ("thanks all", []),
        ("thanks so much", []),
        ("cheers, team", []),
        ("pages 3 - 5", []),
        ("red - blue", []),
        ("see you then - later", []),
    ],
)
def test_signoff_names(text, expected):
    assert _values(text, signoff_spans(text, [], STOP)) == sorted(expected)


def test_signoff_relabels_a_name_read_as_a_nationality():
    text = "thanks, marisol"
    start = text.index("marisol")
    out = signoff_spans(text, [Span(start, start + 7, "NRP", 0.85)], STOP)
    assert _values(text, out) == [("marisol", "PERSON")]


@pytest.mark.parametrize(
    ("value", "label", "expected"),
    [
        ("Dear Helga Vranken", "ORGANIZATION", ("Helga Vranken", "PERSON")),
        ("Hi Tamsin", "LOCATION", ("Tamsin", "PERSON")),
        ("Dear Customer Services", "ORGANIZATION", ("Dear Customer Services", "ORGANIZATION")),
        ("Dear Helga Vranken", "PERSON", ("Dear Helga Vranken", "PERSON")),  # PERSON: person_bounds trims it
    ],
)
def test_salutation_relabel(value, label, expected):
    text = value + ",\nThank you for writing."
    out = signoff_spans(text, [Span(0, len(value), label, 0.85)], STOP)
    assert _values(text, out) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Contact: محمد بن يوسف", ["محمد بن يوسف"]),
        ("田中一郎さんが来ました。", ["田中一郎"]),
        ("I spoke with 이서연 씨 yesterday about the lease.", ["이서연"]),
        ("We met 王小明 at the station on Friday.", ["王小明"]),
        # negatives: a greeting, a single letter in a formula, text written in another script
        ("The parcel came, спасибо for the help with it.", []),
        ("The angle α was measured twice in the lab.", []),  # noqa: RUF001
        ("Это длинный текст на русском языке без имён.", []),
    ],
)
def test_script_names(text, expected):
    assert [text[s.start : s.end] for s in script_name_spans(text, [])] == expected


def test_script_name_in_brackets_after_a_person():
    text = "Park Ji-woo (박지우) joined."
    out = script_name_spans(text, [Span(0, 11, "PERSON", 0.85)])
    assert _values(text, out) == [("박지우", "PERSON")]


@pytest.mark.parametrize(
    ("text", "value", "label", "expected"),
    [
        ("Reviewer: Osric Lamb - Status: done", "Osric Lamb - Status", "PERSON", ["Osric Lamb"]),
        ("Owner | Priya Venn | Notes: none", "Priya Venn | Notes", "PERSON", ["Priya Venn"]),
        ("Assigned to Tove Lind; Severity: low", "Tove Lind; Severity", "PERSON", ["Tove Lind"]),
        # a name written with a spaced dash, and an organisation of two names, stay whole
        ("Signed by Anne - Marie Holt today", "Anne - Marie Holt", "PERSON", ["Anne - Marie Holt"]),
        ("Filed with Harrow - Quist Partners", "Harrow - Quist Partners", "ORGANIZATION", ["Harrow - Quist Partners"]),
        ("Status: 4471 - Region: North", "4471 - Region", "ID", ["4471 - Region"]),  # not a name label
    ],
)
def test_separator_cuts(text, value, label, expected):
    start = text.index(value)
    out = cut_separators(text, [Span(start, start + len(value), label, 0.85)])
    assert [text[s.start : s.end] for s in out] == expected


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        ("Reach her on (415) 555-0105 today.", "(415) 555-0105", "PHONE_NUMBER"),
        ("Call 415 555 0113 after six.", "415 555 0113", "PHONE_NUMBER"),
        ("NHS number 415 555 0121 is on the form.", "415 555 0121", "UK_NHS"),
        ("Ref 415 555 0121 was quoted.", "415 555 0121", "UK_NHS"),
    ],
)
def test_nhs_phone_labels(text, value, expected):
    start = text.index(value)
    spans = [Span(start, start + len(value), "UK_NHS", 1.0)]
    out = cue_spans(text, spans, MethodsSpec(), STOP, frozenset())
    assert [s.label for s in out if s.start == start] == [expected]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("BP 135/85", True),
        ("Plt 240, BP 135", True),
        ("Alb 3.1", True),
        ("HR 88", True),
        ("Apt 4", False),  # an address unit
        ("Rte 9", False),
        ("Ida Moss", False),
        ("Unit 12, Mill Lane", False),
    ],
)
def test_measure_guard(value, expected):
    assert _measurements(value) is expected


@pytest.mark.parametrize(
    "off",
    [
        "separator_cuts",
        "remote_ref_ids",
        "signoff_names",
        "script_names",
        "nhs_phone_labels",
        "table_columns",
        "field_labels",
    ],
)
def test_each_method_has_a_switch(off):
    texts = {
        "separator_cuts": ("Reviewer: Osric Lamb - Status: done", "Osric Lamb - Status", "PERSON"),
        "remote_ref_ids": ("My order is late.\nIt is WQ4471-C now.", None, None),
        "signoff_names": ("cheers,\ntobiasz", None, None),
        "script_names": ("We met 王小明 at the station on Friday.", None, None),
        "nhs_phone_labels": ("Call (415) 555-0105 today.", "(415) 555-0105", "UK_NHS"),
        "table_columns": ("Name | Team\nIlse Marr | Core\nOdo Brant | Web", None, None),
        "field_labels": ("Customer: petra lind", None, None),
        "account_names": ("kfenn commented 2 days ago", None, None),
    }
    text, value, label = texts[off]
    spans = []
    if value:
        start = text.index(value)
        spans = [Span(start, start + len(value), label, 0.85)]
    on = cue_spans(text, spans, MethodsSpec(), STOP, frozenset())
    off_out = cue_spans(text, spans, MethodsSpec(**{off: False}), STOP, frozenset())
    assert _values(text, on) != _values(text, off_out)
    assert _values(text, off_out) == _values(text, spans) or off != "separator_cuts"


def test_table_columns_add_names_and_ids_and_clear_categories():
    text = "Owner | Role | Ticket | Team\nbeata sorell | QA | HD-20931 | Mobile\nTeodor Ilic | Lead | n/a | Platform"
    ner = [Span(text.index("QA"), text.index("QA") + 2, "LOCATION", 0.85)]
    ner.append(Span(text.index("Mobile"), text.index("Mobile") + 6, "LOCATION", 0.85))
    ner.append(Span(text.index("Owner | Role"), text.index("Owner | Role") + 12, "ORGANIZATION", 0.85))
    out = table_spans(text, ner)
    assert _values(text, out) == sorted([("beata sorell", "PERSON"), ("HD-20931", "ID"), ("Teodor Ilic", "PERSON")])


@pytest.mark.parametrize(
    "text",
    [
        "Item | Qty | Price\nWidget | 2 | 4.50\nGadget | 1 | 9.99",  # no person or ID column
        "Name | Role\nTBD | Lead\n- | QA",  # placeholders
        "Kept a note: rent | bills | food, all paid",  # one line: not a table
        "Notes | Status\ncalled the office | Open\nwaiting | Closed",  # free text is not a name column
    ],
)
def test_table_columns_negatives(text):
    assert table_spans(text, []) == []


def test_markdown_table_with_rule_line():
    text = "| Patient | Ward |\n|---|---|\n| Ilse Marr | 4B |\n| Odo Brant | 2A |"
    assert [text[s.start : s.end] for s in table_spans(text, [])] == ["Ilse Marr", "Odo Brant"]


def test_script_gloss_in_brackets_is_not_a_name():
    text = "The Harbour Siege ( 港口围攻战 ) lasted a month."
    assert script_name_spans(text, []) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<fenlark> did the build pass?\n<orrin_7> yes, all green", [("fenlark", "ID"), ("orrin_7", "ID")]),
        ("[10:02] fenlark: anyone here?\n[10:03] Tobias: yep", [("Tobias", "PERSON"), ("fenlark", "ID")]),
        ("<div> hello\n<p> world", []),  # markup, not a chat log
        ("<fenlark> only one line", []),
    ],
)
def test_chat_log_nicks(text, expected):
    assert _values(text, signoff_spans(text, [], STOP)) == sorted(expected)


@pytest.mark.parametrize(
    ("text", "value", "label", "dropped"),
    [
        ("Our Trelvix dashboards broke overnight.", "Trelvix", "PERSON", True),
        ("We installed Quorbit on every laptop.", "Quorbit", "PERSON", True),
        ("Our Quorbit plugin crashed.", "Quorbit", "ORGANIZATION", True),
        # a firm's name that recurs, or with only a verb cue, stays (it may propagate to the firm's mentions)
        ("We installed Quorbit on every laptop.", "Quorbit", "ORGANIZATION", False),
        ("Our Quorbit plugin crashed. Quorbit replied.", "Quorbit", "ORGANIZATION", False),
        ("Dallas, Texas  Project Manager", "Texas", "LOCATION", False),
        ("Installed Quorbit on the server.", "Installed Quorbit", "PERSON", True),
        ("The team is using Vantro for tickets.", "Vantro", "PERSON", False),  # a rare word: "using" is too weak
        ("Check the Zentrik 4.2 notes.", "Zentrik", "LOCATION", True),
        ("Open the Vantro app and log in.", "Vantro", "PERSON", True),
        # negatives: persons and firms with person or firm cues
        ("I met Vantro at the desk.", "Vantro", "PERSON", False),
        ("We switched to Orvane Energy last year.", "Orvane Energy", "ORGANIZATION", False),
        ("Using Anna Berg's notes we finished.", "Anna Berg", "PERSON", False),
        ("Maria dashboards nothing; Maria called.", "Maria", "PERSON", False),  # a Census first name stays
    ],
)
def test_product_context(text, value, label, dropped):
    start = text.index(value)
    spans = [Span(start, start + len(value), label, 0.85)]
    assert (product_spans(text, spans) == []) is dropped


def test_chat_log_roles_are_not_nicks():
    text = "[00:00:03] AGENT: hello\n[00:00:07] CUSTOMER: hi\n[00:00:09] Nurse: ok"
    assert signoff_spans(text, [], STOP) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I emailed QDRA and the PLMB about the refund.", ["QDRA", "PLMB"]),
        ("He joined the KVF after school.", ["KVF"]),
        ("Got a letter from ZTRC today.", ["ZTRC"]),
        # negatives: a department, a shouted word, a measurement, a line of abbreviations, no contact verb
        ("I emailed HR and IT about it.", []),
        ("She called ASAP twice.", []),
        ("Called GI, hold ACEI, BP 140/90, HR 88, RR 16.", []),
        ("The QDRA report was late.", []),
        ("Joined KVF: 2019", []),
    ],
)
def test_contact_acronyms(text, expected):
    assert [text[s.start : s.end] for s in acronym_spans(text, [])] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Whatsapp me on +44 7700 900481 tonight", ["+44 7700 900481"]),
        ("+353 87 123 4567", ["+353 87 123 4567"]),
        # negatives: signed numbers, scores, decimals, a long id glued to letters
        ("Score was +12 to +15 points.", []),
        ("Temp +3.5 today", []),
        ("ref X07700900123", []),
    ],
)
def test_phone_forms_without_context(text, expected):
    from transforms.detection.recognizer_config import load_recognizers_file
    from transforms.detection.recognizers.patterns import build

    spec = next(r for r in load_recognizers_file(None).recognizers if r.name == "ContextPhoneRecognizer")
    rec = build(spec)
    hits = [r for r in rec.analyze(text, rec.supported_entities, None) if r.score >= 0.5]
    assert [text[r.start : r.end] for r in hits] == expected


@pytest.mark.parametrize(
    "text",
    [
        "DIAGNOSES:\n- Kelvorin\n- anaemia",  # a bullet list item, not a byline
        "Plan\n- NSTEMI",
        "He moved to Chicago last year.",
    ],
)
def test_bullets_and_moves_are_not_frame_names_or_products(text):
    assert signoff_spans(text, [], STOP) == []
    if "Chicago" in text:
        start = text.index("Chicago")
        spans = [Span(start, start + 7, "LOCATION", 0.85)]
        assert product_spans(text, spans) == spans


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Username: tommy", ["tommy"]),  # a first name after an account label is the account name
        ("comment by lark.quiet: +1", ["lark.quiet"]),
        ("Reply from oakmere_9 in the thread", ["oakmere_9"]),
        ("User: admin", []),  # a common word
        ("Reviewed by Margaret", []),  # a capitalised name after a verb cue: NER's job
    ],
)
def test_handle_cues(text, expected):
    from transforms.detection.recognizer_config import load_recognizers_file
    from transforms.detection.recognizers.handles import HandleRecognizer

    spec = next(r for r in load_recognizers_file(None).recognizers if r.name == "HandleRecognizer")
    rec = HandleRecognizer(spec.name, spec.supported_entity, spec.options)
    assert [text[r.start : r.end] for r in rec.analyze(text, ["ID"])] == expected


def test_field_labels():
    text = "Ship to: 14 Alder Row\nStatus: Dispatched\nAllergies: NKDA\nCustomer: petra lind\nContact: Support Team"
    ner = []
    for value, label in (("Ship", "PERSON"), ("Dispatched", "ORGANIZATION"), ("NKDA", "PERSON")):
        start = text.index(value)
        ner.append(Span(start, start + len(value), label, 0.85))
    assert _values(text, field_spans(text, ner)) == [("petra lind", "PERSON")]


def test_field_labels_keep_speakers_and_free_text():
    text = "Dagny: see you at noon\nPlan: discuss the results with Ilse Marr and her GP next week"
    ner = [Span(0, 5, "PERSON", 0.85)]
    start = text.index("Ilse Marr")
    ner.append(Span(start, start + 9, "PERSON", 0.85))
    assert field_spans(text, ner) == ner


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Traceback: File "/home/orrinb/proj/app.py", line 3', ["orrinb"]),
        ("Saved to C:\\Users\\mvarga\\Desktop\\log.txt", ["mvarga"]),
        ("kfenn@build-07:~$ make test", ["kfenn"]),
        ("kfenn commented 2 days ago\nThis still fails.", ["kfenn"]),
        ("- tove_l opened this issue on 3 May", ["tove_l"]),
        ("Brannagh approved these changes", ["Brannagh"]),
        # negatives: system accounts, e-mail addresses, common words and pronouns before a tracker verb
        ("/home/runner/work/app and /Users/Shared/x", []),
        ("write to kfenn@example.com today", []),
        ("Someone commented that it works.", []),
        ("He reviewed the code.", []),
    ],
)
def test_account_names(text, expected):
    assert [text[s.start : s.end] for s in account_spans(text, [], STOP | {"someone", "he"})] == expected


# ---- regressions from the code review of these methods (issue 14): names must keep their spans ----


def _span(text, value, label="PERSON", nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(value, start + 1)
    return Span(start, start + len(value), label, 0.85)


def test_first_row_with_a_name_is_data_not_a_header():
    text = "Maria Lopez | Nurse | Oncology\nTom Baker | Porter | A&E"
    spans = [_span(text, "Maria Lopez"), _span(text, "Tom Baker")]
    out = _values(text, table_spans(text, spans))
    assert ("Maria Lopez", "PERSON") in out and ("Tom Baker", "PERSON") in out
    assert ("Porter", "PERSON") not in out  # "Nurse" did not become a column header


def test_header_row_keeps_a_first_name_span():
    text = "Name | Role\nDana | Nurse\nOwen Hale | Porter"
    spans = [_span(text, "Dana"), _span(text, "Owen Hale")]
    assert ("Dana", "PERSON") in _values(text, table_spans(text, spans))


def test_real_header_row_still_reads_columns():
    text = "Name | Role | Team\nKestra Voll | Lead | Mobile\nbrin osk | QA | Web"
    spans = [_span(text, "Mobile", "LOCATION")]
    out = _values(text, table_spans(text, spans))
    assert ("Mobile", "LOCATION") not in out and ("Kestra Voll", "PERSON") in out


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Source: Jane Smith", "Jane Smith"),
        ("Title: Dr Amara Okafor", "Dr Amara Okafor"),
        ("Shift: Priya Nair", "Priya Nair"),
        ("Status: Ruth Ellery", "Ruth Ellery"),  # a category label, but the value holds a first name
        ("Team: Zorvanek Dulst", "Zorvanek Dulst"),  # capitalised words English hardly knows
    ],
)
def test_field_values_with_names_keep_their_spans(text, value):
    assert (value, "PERSON") in _values(text, field_spans(text, [_span(text, value)]))


@pytest.mark.parametrize(
    ("text", "value"), [("Status: Dispatched", "Dispatched"), ("Allergies: Zoltrevin", "Zoltrevin")]
)
def test_field_category_values_without_names_are_still_dropped(text, value):
    assert field_spans(text, [_span(text, value, "ORGANIZATION")]) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("I emailed Okafor plan details", "Okafor"),
        ("using Okonkwo's notes we finished", "Okonkwo"),
        ("we used Zelinski board for the rota", "Zelinski"),
        ("via Ostrander account we paid", "Ostrander"),
    ],
)
def test_products_keep_rare_surnames(text, value):
    spans = [_span(text, value)]
    assert product_spans(text, spans) == spans


@pytest.mark.parametrize(
    ("text", "value"),
    [("Sara - Will: sounds good", "Will"), ("Ana | Mark: ok", "Mark"), ("Jo; Grant: yes", "Grant")],
)
def test_speaker_first_names_are_not_field_labels(text, value):
    spans = [Span(0, text.index(":"), "PERSON", 0.85)]
    out = [text[s.start : s.end] for s in cut_separators(text, spans)]
    assert any(value in v for v in out)


def test_separator_label_of_common_words_is_still_cut():
    text = "Elin Marsh - Status: open"
    out = [text[s.start : s.end] for s in cut_separators(text, [Span(0, text.index(":"), "PERSON", 0.85)])]
    assert out == ["Elin Marsh"]


@pytest.mark.parametrize(
    ("value", "label", "expected"),
    [
        ("CA 94105", "LOCATION", False),
        ("NY 10001", "ORGANIZATION", False),  # 5 digits: a postcode or ID
        ("TX 750", "ORGANIZATION", False),  # a state code before 3+ digits
        ("Li 42", "PERSON", False),  # a known name
        ("BP 135", "LOCATION", False),  # LOCATION is never a measurement
        ("SE19", "LOCATION", False),  # a postcode district has the same shape
        ("SE19", "ORGANIZATION", True),
        ("BP 135/85", "ORGANIZATION", True),
        ("HR 88", "PERSON", True),
    ],
)
def test_measure_guard_spares_postcodes_places_and_names(value, label, expected):
    assert _measurements(value, label) is expected


def test_signoff_regex_is_linear_on_long_blank_runs():
    text = "thanks" + " " * 50_000 + "x!"
    assert signoff_spans(text, [], STOP) == []  # completes within the regex budget, finds nothing
    text = "thanks," + " " * 20_000 + "\nmaria"
    assert _values(text, signoff_spans(text, [], STOP)) == [("maria", "PERSON")]


def test_cue_form_regex_timeout_fails_closed(monkeypatch):
    from transforms import reasons
    from transforms.detection import cue_forms
    from transforms.errors import RecordError

    def spent(*_args, **_kwargs):
        raise TimeoutError("regex timed out")

    monkeypatch.setattr(cue_forms, "table_spans", spent)
    with pytest.raises(RecordError) as err:
        cue_spans("a | b\nc | d", [], MethodsSpec(), STOP, frozenset())
    assert err.value.reason == reasons.DETECT_REGEX_TIMEOUT
