"""Make third-party libraries that like to phone home work offline.

tldextract (used by Presidio's e-mail recognizer) fetches the Public Suffix List on first use; we
replace its module-level extractor with one that uses only the snapshot bundled in the package.
"""

from __future__ import annotations

import logging

_done = False


def ensure_offline() -> None:
    global _done
    if _done:
        return
    import tldextract

    tldextract.extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.extract
    # Presidio logs at INFO/DEBUG with recognizer internals; keep only warnings (no text is logged there,
    # but quieter is safer and faster).
    logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)
    _done = True
