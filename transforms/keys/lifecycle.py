"""Key lifecycle operations on a scope's keyset document (create lives on ``ScopeKeys.create``).

``shred_scope`` is crypto-shredding: both wrapped keysets are removed from the document (a tombstone
with status ``shredded`` stays so tools can say "shredded" instead of "missing"). Every vault
ciphertext of the scope becomes unrecoverable. Copies of the keyset file outside this store (backups,
object versions) are not reached: see SECURITY.md.
"""

from __future__ import annotations

from transforms.keys.store import KeysetStore, now_iso


def shred_scope(store: KeysetStore, scope: str, *, operator: str = "unknown") -> None:
    doc = store.load(scope)
    if doc.status == "shredded":
        return
    doc.daead = None
    doc.aead = None
    doc.status = "shredded"
    doc.history.append({"event": "shredded", "at": now_iso(), "operator": operator})
    store.save(doc)
