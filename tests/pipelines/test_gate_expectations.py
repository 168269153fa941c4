"""Every expectation of the gate fails on a crafted bad version and passes on the good one.

Each case mutates a good dataset (Parquet written with the contract schemas) and names exactly the
expectations that must fail; the test asserts the gate's failed list equals that set.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from pipelines.gate import gate_version
from tests.pipelines import gate_data as D
from transforms.config import load_config
from transforms.schemas import TRAINING_SCHEMA, VAULT_SCHEMA

T, V, C, M = "redact.training", "redact.vault", "redact.canaries", "redact.gate_metrics"


def _set(path: str, value) -> Callable[[D.Crafted], None]:
    """Set a (dotted) field of the first training row."""

    def mutate(c: D.Crafted) -> None:
        node = c.rows[0]
        *parents, leaf = path.split(".")
        for p in parents:
            node = node[p]
        node[leaf] = value

    return mutate


def _text(text: str) -> Callable[[D.Crafted], None]:
    return _set("text", text)


def _dup_doc_id(c):
    c.rows[1]["doc_id"] = c.rows[0]["doc_id"]


def _no_rows(c):
    c.rows = []


def _drop_field(name: str):
    def mutate(c):
        c.training_schema = pa.schema([f for f in TRAINING_SCHEMA if f.name != name])
        for r in c.rows:
            r.pop(name)

    return mutate


def _legal_hold_as_string(c):
    ret = TRAINING_SCHEMA.field("retention").type
    fields = [pa.field("legal_hold", pa.string()) if f.name == "legal_hold" else f for f in ret]
    idx = TRAINING_SCHEMA.get_field_index("retention")
    c.training_schema = TRAINING_SCHEMA.set(idx, pa.field("retention", pa.struct(fields), nullable=False))
    for r in c.rows:
        r["retention"]["legal_hold"] = "no"


def _ingested_at_null(c):
    lin = TRAINING_SCHEMA.field("lineage").type
    fields = [pa.field("ingested_at", f.type) if f.name == "ingested_at" else f for f in lin]
    idx = TRAINING_SCHEMA.get_field_index("lineage")
    c.training_schema = TRAINING_SCHEMA.set(idx, pa.field("lineage", pa.struct(fields), nullable=False))
    c.rows[0]["lineage"]["ingested_at"] = None


def _expires_as_string(value: str):
    def mutate(c):
        ret = TRAINING_SCHEMA.field("retention").type
        fields = [pa.field("expires_at", pa.string()) if f.name == "expires_at" else f for f in ret]
        idx = TRAINING_SCHEMA.get_field_index("retention")
        c.training_schema = TRAINING_SCHEMA.set(idx, pa.field("retention", pa.struct(fields), nullable=False))
        for r in c.rows:
            r["retention"]["expires_at"] = "2099-01-01T00:00:00Z"
        c.rows[0]["retention"]["expires_at"] = value

    return mutate


def _vault(mutator):
    """Mutate the vault; ``v[0]`` is a PERSON entry used by the training rows (canary entries follow)."""

    def mutate(c):
        c.vault = sorted(c.auto_vault(), key=lambda e: not e["token"].startswith("<PERSON_"))
        mutator(c.vault)

    return mutate


def _vault_extra_column(c):
    c.vault_schema = VAULT_SCHEMA.append(pa.field("plaintext", pa.string()))
    c.vault = [{**r, "plaintext": "x"} for r in c.auto_vault()]


def _vault_null_token(c):
    c.vault_schema = VAULT_SCHEMA.set(0, pa.field("token", pa.string(), nullable=True))
    c.vault = [*c.auto_vault(), {**D.vault_row(D.tok("PERSON", 77)), "token": None}]


def _other_scope_dir(c):
    path = Path(c.layout.vault_dir("tenant-b", c.version)) / "part-0.parquet"
    D._write(path, [D.vault_row(D.tok("PERSON", 1), c.version, "tenant-b")], VAULT_SCHEMA)


def _canary_missing(c):
    c.canaries = c.canaries[1:]


def _canary_leak_name(c):
    c.canaries[0]["text"] = c.canaries[0]["text"].replace(D.tok("CANARY", 5000), "Emily Carter")


def _canary_leak_email(c):
    c.canaries[0]["text"] = c.canaries[0]["text"].replace(D.tok("CANARY", 5001), "e.carter@example.com")


def _canary_unresolved(c):
    c.vault = [v for v in c.auto_vault() if v["token"] != D.tok("CANARY", 5000)]


def _empty_text(c):
    c.rows[0]["text"] = ""


def _ner_everywhere(c):
    for r in c.rows[:5]:
        r["text"] = "Yesterday John Smith flew from Berlin to Paris with Maria Lopez."


def _duplicates(c):
    c.rows[1]["text"] = c.rows[0]["text"]


CASES: list[tuple[str, Callable, dict, set[str]]] = [
    ("doc_id_unique", _dup_doc_id, {}, {f"{M}: expect_column_values_to_be_between(doc_id_duplicates)"}),
    (
        "content_type",
        _set("content_type", "spreadsheet"),
        {},
        {f"{T}: expect_column_values_to_be_in_set(content_type)"},
    ),
    ("min_rows", _no_rows, {}, {f"{M}: expect_column_values_to_be_between(rows)"}),
    ("run_id_missing", _set("lineage.run_id", ""), {}, {f"{T}: expect_column_values_to_not_be_null(lineage_run_id)"}),
    *[
        (f"{f}_missing", _set(f"lineage.{f}", ""), {}, {f"{T}: expect_column_values_to_not_be_null(lineage_{f})"})
        for f in ("source_record", "pipeline_version", "detector_config_sha256")
    ],
    (
        "ingested_at_missing",  # the typed schema refuses a null here: only a file off the schema has one
        _ingested_at_null,
        {},
        {
            f"{T}: expect_column_values_to_not_be_null(lineage_ingested_at)",
            f"{M}: expect_column_values_to_be_in_set(training_schema_ok)",
        },
    ),
    *[
        (
            f"nlp_model_{f}_missing",
            _set(f"lineage.nlp_model.{f}", ""),
            {},
            {f"{T}: expect_column_values_to_not_be_null(lineage_nlp_model_{f})"},
        )
        for f in ("name", "version")
    ],
    (
        "source_uri_missing",
        _set("lineage.source_uri", ""),
        {},
        {f"{T}: expect_column_values_to_not_be_null(lineage_source_uri)"},
    ),
    (
        "source_sha_missing",
        _set("lineage.source_sha256", ""),
        {},
        {f"{T}: expect_column_values_to_not_be_null(lineage_source_sha256)"},
    ),
    (
        "key_scope_missing",
        _set("lineage.key_scope", ""),
        {},
        {f"{T}: expect_column_values_to_not_be_null(lineage_key_scope)"},
    ),
    ("key_id_missing", _set("lineage.key_id", ""), {}, {f"{T}: expect_column_values_to_not_be_null(lineage_key_id)"}),
    (
        "category_missing",
        _set("retention.category", ""),
        {},
        {f"{T}: expect_column_values_to_not_be_null(retention_category)"},
    ),
    (
        "model_sha_missing",
        _set("lineage.nlp_model.sha256", ""),
        {},
        {f"{T}: expect_column_values_to_not_be_null(lineage_nlp_model_sha256)"},
    ),
    (
        "run_id_foreign",
        _set("lineage.run_id", "someotherrun"),
        {},
        {f"{T}: expect_column_values_to_be_in_set(lineage_run_id)"},
    ),
    (
        "key_scope_foreign",
        _set("lineage.key_scope", "tenant-b"),
        {},
        {f"{T}: expect_column_values_to_be_in_set(lineage_key_scope)"},
    ),
    ("key_id_foreign", _set("lineage.key_id", "999"), {}, {f"{T}: expect_column_values_to_be_in_set(lineage_key_id)"}),
    (
        "source_uri_raw_path",
        _set("lineage.source_uri", "file:///exports/someone/chat.jsonl"),
        {},
        {f"{T}: expect_column_values_to_match_regex(lineage_source_uri)"},
    ),
    (
        "source_sha_bad",
        _set("lineage.source_sha256", "xyz"),
        {},
        {f"{T}: expect_column_values_to_match_regex(lineage_source_sha256)"},
    ),
    (
        "no_policy",
        _set("retention.policy_id", ""),
        {},
        {f"{T}: expect_column_values_to_not_be_null(retention_policy_id)"},
    ),
    (
        "no_policy_version",
        _set("retention.policy_version", " "),
        {},
        {f"{T}: expect_column_values_to_not_be_null(retention_policy_version)"},
    ),
    (
        "expired",
        _set("retention.expires_at", datetime(2001, 1, 1, tzinfo=UTC)),
        {},
        {f"{T}: expect_column_values_to_be_between(retention_expires_epoch)"},
    ),
    (
        "expiry_unparseable",  # only possible in a file that is not typed as the schema says
        _expires_as_string("next year"),
        {},
        {
            f"{T}: expect_column_values_to_be_between(retention_expires_epoch)",
            f"{M}: expect_column_values_to_be_in_set(training_schema_ok)",
        },
    ),
    (
        "residual_email",
        _text("Write to jane.roe@example.org for a refund please."),
        {},
        {f"{T}: expect_column_values_to_be_between(residual_email)"},
    ),
    (
        "residual_phone",
        _text("Call the customer back on (312) 555-0199 tomorrow."),
        {},
        {f"{T}: expect_column_values_to_be_between(residual_phone)"},
    ),
    (
        "residual_card",
        _text("Refund to card 4012 8888 8888 1881 has been approved."),
        {},
        {f"{T}: expect_column_values_to_be_between(residual_credit_card)"},
    ),
    (
        "residual_iban",
        _text("Payout goes to DE89 3704 0044 0532 0130 00 as agreed."),
        {},
        {f"{T}: expect_column_values_to_be_between(residual_iban)"},
    ),
    (
        "residual_ssn",
        _text("The form lists 536-90-4417 as the number on file."),
        {},
        {f"{T}: expect_column_values_to_be_between(residual_ssn)"},
    ),
    (
        "residual_ipv4",
        _text("Login failed from 203.0.113.77 three times in a row."),
        {},
        {f"{T}: expect_column_values_to_be_between(residual_ip)"},
    ),
    (
        "residual_ipv6",
        _text("Login failed from 2001:db8::ff00:42:8329 three times."),
        {},
        {f"{T}: expect_column_values_to_be_between(residual_ip)"},
    ),
    (
        "residual_in_metadata",
        _set("metadata", [{"key": "source", "value": "ops@example.com"}]),
        {},
        {f"{T}: expect_column_values_to_be_between(residual_email)"},
    ),
    (
        "token_unresolved",
        _vault(lambda v: v.pop(0)),
        {},
        {f"{T}: expect_column_values_to_be_between(tokens_unresolved)"},
    ),
    (
        "token_malformed",
        _text("Order for <PERSON_12AB> was shipped on time and arrived."),
        {},
        {f"{T}: expect_column_values_to_be_between(tokens_malformed)"},
    ),
    (
        "subject_raw",
        _set("subject_ref", "cust-1001"),
        {},
        {f"{T}: expect_column_values_to_be_in_set(subject_ref_valid)"},
    ),
    (
        "schema_missing_field",
        _drop_field("retention"),
        {},
        {
            f"{T}: expect_table_columns_to_match_ordered_list()",
            f"{M}: expect_column_values_to_be_in_set(training_schema_ok)",
            # every expectation on a retention column fails too: the column is gone
            f"{T}: expect_column_values_to_be_of_type(retention_legal_hold)",
            f"{T}: expect_column_values_to_not_be_null(retention_legal_hold)",
            f"{T}: expect_column_values_to_not_be_null(retention_policy_id)",
            f"{T}: expect_column_values_to_not_be_null(retention_policy_version)",
            f"{T}: expect_column_values_to_not_be_null(retention_category)",
            f"{T}: expect_column_values_to_be_between(retention_expires_epoch)",
        },
    ),
    (
        "schema_wrong_type",
        _legal_hold_as_string,
        {},
        {
            f"{T}: expect_column_values_to_be_of_type(retention_legal_hold)",
            f"{M}: expect_column_values_to_be_in_set(training_schema_ok)",
        },
    ),
    (
        "vault_token_format",
        _vault(lambda v: v[0].update(token="<PERSON_XYZ>")),
        {},
        {
            f"{V}: expect_column_values_to_match_regex(token)",
            f"{V}: expect_column_values_to_be_in_set(type_matches_token)",
            f"{T}: expect_column_values_to_be_between(tokens_unresolved)",
        },
    ),
    (
        "vault_null_token",
        _vault_null_token,
        {},
        {
            f"{V}: expect_column_values_to_not_be_null(token)",
            f"{V}: expect_column_values_to_be_in_set(type_matches_token)",
            f"{M}: expect_column_values_to_be_in_set(vault_schema_ok)",
        },
    ),
    (
        "vault_token_dup",
        _vault(lambda v: v.append(dict(v[0]))),
        {},
        {f"{M}: expect_column_values_to_be_between(vault_token_duplicates)"},
    ),
    (
        "vault_type_mismatch",
        _vault(lambda v: v[0].update(entity_type="EMAIL_ADDRESS")),
        {},
        {f"{V}: expect_column_values_to_be_in_set(type_matches_token)"},
    ),
    (
        "vault_foreign_scope",
        _vault(lambda v: v[0].update(key_scope="tenant-b")),
        {},
        {f"{V}: expect_column_values_to_be_in_set(key_scope)"},
    ),
    (
        "vault_foreign_key",
        _vault(lambda v: v[0].update(key_id="42")),
        {},
        {f"{V}: expect_column_values_to_be_in_set(key_id)"},
    ),
    (
        "vault_other_version",
        _vault(lambda v: v[0].update(dataset_version="v1")),
        {},
        {f"{V}: expect_column_values_to_be_in_set(dataset_version)"},
    ),
    (
        "vault_short_ciphertext",
        _vault(lambda v: v[0].update(ciphertext=b"\x01")),
        {},
        {f"{V}: expect_column_values_to_be_between(ciphertext_bytes)"},
    ),
    (
        "vault_no_doc_refs",
        _vault(lambda v: v[0].update(doc_ids=[])),
        {},
        {f"{V}: expect_column_values_to_be_between(doc_refs)"},
    ),
    (
        "vault_schema",
        _vault_extra_column,
        {},
        {f"{M}: expect_column_values_to_be_in_set(vault_schema_ok)"},
    ),
    # residual PII outside text/metadata (issue 10 item 2): ids and every other string column are scanned
    (
        "pii_doc_id",
        _set("doc_id", "ines.varga@postbox-example.com"),
        {},
        {f"{T}: expect_column_values_to_be_between(residual_other_columns)"},
    ),
    (
        "pii_source_record",
        _set("lineage.source_record", "ssn 212/09/4471"),
        {},
        {f"{T}: expect_column_values_to_be_between(residual_other_columns)"},
    ),
    (
        "pii_vault_doc_ref",
        _vault(lambda v: v[0].update(doc_ids=["4012_8888_8888_1881"])),
        {},
        {f"{M}: expect_column_values_to_be_in_set(clear_columns_pii_free)"},
    ),
    ("vault_other_scope_dir", _other_scope_dir, {}, {f"{M}: expect_column_values_to_be_in_set(vault_single_scope)"}),
    (
        "canary_missing",
        _canary_missing,
        {},
        {f"{C}: expect_column_values_to_be_in_set(found)", f"{M}: expect_column_values_to_be_between(canary_recall)"},
    ),
    ("canary_leak_name", _canary_leak_name, {}, {f"{M}: expect_column_values_to_be_between(canary_recall)"}),
    (
        "canary_leak_email",
        _canary_leak_email,
        {},
        {
            f"{M}: expect_column_values_to_be_between(canary_recall)",
            f"{C}: expect_column_values_to_be_between(residual_structured)",
        },
    ),
    ("canary_unresolved", _canary_unresolved, {}, {f"{C}: expect_column_values_to_be_between(tokens_unresolved)"}),
    (
        "empty_text",
        _empty_text,
        {},
        {
            f"{M}: expect_column_values_to_be_between(empty_text_fraction)",
            f"{M}: expect_column_values_to_be_between(short_text_fraction)",
        },
    ),
    (
        "short_texts",
        lambda c: None,
        {"min_text_chars": 80},
        {f"{M}: expect_column_values_to_be_between(short_text_fraction)"},
    ),
    (
        "ner_residual",
        _ner_everywhere,
        {},
        {
            f"{M}: expect_column_values_to_be_between(ner_record_fraction)",
            f"{M}: expect_column_values_to_be_between(ner_char_fraction)",
        },
    ),
    (
        "duplicates",
        _duplicates,
        {"max_duplicate_fraction": 0.0},
        {f"{M}: expect_column_values_to_be_between(duplicate_fraction)"},
    ),
]


def _gate(tmp_path, mutate=None, gates=None, after_write=None) -> dict:
    crafted = D.Crafted(tmp_path / "out")
    if mutate:
        mutate(crafted)
    crafted.write()
    if after_write:
        after_write(crafted)
    cfg = load_config(None, **{f"gates.{k}": v for k, v in (gates or {}).items()})
    return gate_version(crafted.layout, crafted.version, crafted.manifest(), cfg)


def test_good_dataset_passes_every_suite(tmp_path):
    result = _gate(tmp_path)
    assert result["failed"] == []
    assert result["success"] is True
    assert set(result["suites"]) == {T, V, C, M}


@pytest.mark.parametrize(("name", "mutate", "gates", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_dataset_fails_exactly_its_expectations(tmp_path, name, mutate, gates, expected):
    result = _gate(tmp_path, mutate, gates)
    assert result["success"] is False
    assert set(result["failed"]) == expected


def test_an_empty_file_without_a_field_still_fails_the_columns_check(tmp_path):
    def mutate(c):
        _no_rows(c)
        _drop_field("subject_ref")(c)

    failed = set(_gate(tmp_path, mutate)["failed"])
    assert f"{T}: expect_table_columns_to_match_ordered_list()" in failed
    assert f"{M}: expect_column_values_to_be_between(rows)" in failed


def test_files_changed_after_manifest_fail(tmp_path):
    def tamper(c):
        extra = Path(c.layout.data_dir("training", c.version)) / "part-extra.parquet"
        D._write(extra, [D.training_row(99, c.rows[0]["text"])], TRAINING_SCHEMA)

    result = _gate(tmp_path, after_write=tamper)
    assert set(result["failed"]) == {f"{M}: expect_column_values_to_be_in_set(files_match_manifest)"}


def test_every_suite_expectation_is_exercised():
    """Guard: a new expectation in expectations/*.json needs a failing case above."""
    import json

    from transforms.gates.ge_runner import REPO_EXPECTATIONS

    covered = {e for _, _, _, exp in CASES for e in exp} | {
        f"{M}: expect_column_values_to_be_in_set(files_match_manifest)",
    }
    declared = set()
    for path in REPO_EXPECTATIONS.glob("*.json"):
        suite = json.loads(path.read_text())
        for e in suite["expectations"]:
            declared.add(f"{suite['name']}: {e['type']}({e['kwargs'].get('column') or ''})")
    uncovered = declared - covered
    # Tautological by construction of the frames (always one row per configured canary / fixed columns):
    uncovered -= {
        f"{C}: expect_table_row_count_to_equal()",
        f"{V}: expect_table_columns_to_match_set()",
        f"{T}: expect_column_values_to_not_be_null(doc_id_sha256)",
        f"{T}: expect_column_values_to_be_of_type(text_chars)",
    }
    assert not uncovered, sorted(uncovered)
