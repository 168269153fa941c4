"""The one rule for file and folder permissions of every output root, keyed by output kind.

Privacy contract: roots that hold reversible or raw personal data, or key material, or who-did-what
(``vault``, ``quarantine``, ``keys``, ``audit``, the canary vault and run staging) are owner-only:
files 0600, folders 0700, whatever the process umask. Redacted outputs (``training`` with its ``_gate``
report and card, ``canaries``) are owner read-write, group read, nothing for others: 0640 / 0750.

Local filesystems only. On ``s3://`` and ``gs://`` object permissions come from the bucket policy and
IAM (``infra/terraform``); these helpers do nothing there.

Beam's file sinks write temp files and rename them; they create files with the process umask. So the
roots are created with their folder mode *before* a pipeline writes (a 0700 folder hides whatever is
inside it while it is written), and ``apply_tree`` fixes every file and folder after the writers
finished (``chmod`` after finalize).
"""

from __future__ import annotations

import os
from contextlib import suppress
from dataclasses import dataclass

from transforms import fs


@dataclass(frozen=True, slots=True)
class Modes:
    file: int
    dir: int


RESTRICTED = Modes(file=0o600, dir=0o700)
SHARED = Modes(file=0o640, dir=0o750)

# Output kind -> modes. The kinds are the output roots of the on-disk layout (docs/permissions table).
MODES: dict[str, Modes] = {
    "training": SHARED,
    "gate": SHARED,
    "canaries": SHARED,
    "vault": RESTRICTED,
    "quarantine": RESTRICTED,
    "keys": RESTRICTED,
    "audit": RESTRICTED,
    "canary_vault": RESTRICTED,
    "staging": RESTRICTED,
}


def modes_for(kind: str) -> Modes:
    """The modes of an output kind; an unknown kind is a programming error (no silent default)."""
    try:
        return MODES[kind]
    except KeyError:
        raise ValueError(f"unknown output kind {kind!r}; known: {', '.join(sorted(MODES))}") from None


def ensure_dir(path: str, kind: str, root: str | None = None) -> None:
    """Create ``path`` (and missing parents) so that ``root`` and every folder from it down to ``path``
    has the kind's folder mode, independent of the umask (``root`` defaults to ``path``).

    Missing parents above ``root`` are created with the ordinary umask mode (they are not ours)."""
    if fs.is_remote(path):
        return
    mode = modes_for(kind).dir
    target = os.path.abspath(path)
    top = os.path.abspath(root) if root else target
    os.makedirs(os.path.dirname(top), exist_ok=True)
    cur = top
    rel = os.path.relpath(target, top)
    parts = [] if rel == os.curdir else rel.split(os.sep)
    for part in [None, *parts]:
        if part is not None:
            cur = os.path.join(cur, part)
        with suppress(FileExistsError):
            os.mkdir(cur, mode)
        os.chmod(cur, mode)


def apply_tree(root: str, kind: str) -> None:
    """Set the kind's modes on ``root`` and everything below it (symlinks are not followed)."""
    if fs.is_remote(root) or not os.path.isdir(root):
        return
    m = modes_for(kind)
    _chmod(root, m.dir)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            _chmod(os.path.join(dirpath, name), m.dir)
        for name in filenames:
            _chmod(os.path.join(dirpath, name), m.file)


def _chmod(path: str, mode: int) -> None:
    """``chmod`` that skips symlinks and tolerates a file removed meanwhile (a concurrent purge)."""
    with suppress(FileNotFoundError):
        if not os.path.islink(path):
            os.chmod(path, mode)
