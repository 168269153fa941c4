"""Which Beam runner a ``--runner`` value names, read without importing Beam (the CLI checks options and
the warm-worker server starts before Beam is imported).

Beam resolves a runner name loosely (``apache_beam.runners.runner.create_runner``): any case, the
``Runner`` suffix optional, or a dotted class path. So ``--runner=direct``, ``--runner=directrunner``
and ``--runner=DirectRunner`` are one runner, and every check of "is this the DirectRunner?" must
compare ``runner_key`` values, never the spelling given. Unset means the DirectRunner (Beam's default).
"""

from __future__ import annotations

DIRECT = ("directrunner", "bundlebaseddirectrunner", "switchingdirectrunner")  # the DirectRunner family
# Beam's "DirectRunner" is the switching one: it first tries Prism (downloading it), then the FnApiRunner
TRIES_PRISM_FIRST = ("directrunner", "switchingdirectrunner")
PRISM = "prismrunner"  # Beam's local runner in Go: a binary Beam downloads unless told where it is
PORTABLE = "portablerunner"


def runner_key(runner: str | None) -> str:
    """``DirectRunner``, ``direct``, ``apache_beam.runners.direct.direct_runner.DirectRunner`` ->
    ``directrunner``; ``None`` or empty -> ``directrunner``."""
    name = (runner or "DirectRunner").rsplit(".", 1)[-1].lower()
    return name if name.endswith("runner") else name + "runner"


def is_direct(runner: str | None) -> bool:
    """Does ``--runner`` name the DirectRunner family (in-process, threads or local worker processes)?"""
    return runner_key(runner) in DIRECT


def downloads_prism(runner: str | None, prism_location: str | None) -> bool:
    """Would Beam fetch the Prism binary over the network? The Prism runner does, from GitHub, unless
    ``--prism_location`` names a local binary (a URL there is fetched too)."""
    if runner_key(runner) != PRISM:
        return False
    return not prism_location or prism_location.lower().startswith(("http://", "https://"))
