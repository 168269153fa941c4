"""``doc_id``: safe by construction (Beam-free).

Input ids are not trusted to be free of PII (people use e-mail addresses, names and account numbers as
ids). So an id from the input never reaches an output column as it is:

* the parser keeps it only in the transient ``Record.id_raw`` (never written) and gives the record a
  derived id (hash of the source file's sha256 and the record's position) meanwhile;
* ``TokenizeRecords`` replaces ``doc_id`` with a keyed token of the raw id, ``<DOC_ID_0123456789abcdef>``
  (Tink AES-SIV under the scope's keys, like every other token: deterministic, so the same input id
  gives the same ``doc_id`` in every run of the scope and datasets stay joinable) and adds a vault entry,
  so ``redact reveal`` maps the ``doc_id`` back to the input id and purge erases it with the subject;
* quarantine rows get the same keyed token (without a vault entry: the quarantine is sealed anyway).

Records without an input id keep the derived id (it names no one). What leaks: equality (two records
with the same input id share a ``doc_id``), as with every deterministic token.
"""

from __future__ import annotations

from dataclasses import replace

from transforms.keys.scope_keys import ScopeKeys
from transforms.keys.tokens import format_token
from transforms.record import QuarantineItem, Record, VaultEntry

DOC_ID_ENTITY = "DOC_ID"


def keyed_doc_id(keys: ScopeKeys, raw_id: str) -> tuple[str, bytes]:
    """(``<DOC_ID_...>`` token, AES-SIV ciphertext of the raw id) under the scope's keys."""
    pseudonym, ct = keys.tokenize(DOC_ID_ENTITY, raw_id)
    return format_token(DOC_ID_ENTITY, pseudonym), ct


def redact_with_doc_id(redactor, record: Record) -> tuple[Record, list[VaultEntry]]:
    """``redactor.redact_record`` with the input id turned into a keyed ``doc_id`` (plus its vault entry)."""
    if not record.id_raw:
        return redactor.redact_record(replace(record, id_raw=None))
    token, ct = keyed_doc_id(redactor.keys, record.id_raw)
    redacted, entries = redactor.redact_record(replace(record, doc_id=token, id_raw=None))
    entry = VaultEntry(
        token=token,
        entity_type=DOC_ID_ENTITY,
        ciphertext=ct,
        key_scope=redactor.keys.scope,
        key_id=redactor.keys.key_id,
        doc_id=token,
        subject_ref=redacted.subject_ref,
        canary=record.canary,
    )
    return redacted, [*entries, entry]


def sealed_item_doc_id(keys: ScopeKeys, item: QuarantineItem) -> QuarantineItem:
    """A quarantine item whose ``doc_id`` is the keyed token of its input id (when it had one)."""
    if not item.id_raw:
        return item
    return replace(item, doc_id=keyed_doc_id(keys, item.id_raw)[0], id_raw=None)
