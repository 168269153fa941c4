"""Stand-ins for ``ner_check`` that ``NerJob``'s child runs (``ner_check.CHILD_SCAN``) in the tests.

The child is a fresh interpreter, so a stand-in is named by ``module:function`` and reports through
files in the directory given as its first text (written whole, then renamed: a reader never sees half).
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

MODULE = __name__
FORK = multiprocessing.get_context("fork")


def _report(texts: list[str], name: str, value: str) -> None:
    out = Path(texts[0])
    (out / f".{name}").write_text(value)
    (out / f".{name}").rename(out / name)


def _worker(texts: list[str]) -> None:
    """A worker as spaCy's ``n_process`` starts one (a forked process), and another kind of descendant."""
    worker = FORK.Process(target=time.sleep, args=(120,), daemon=False)
    worker.start()
    _report(texts, "worker", str(worker.pid))


def stuck(texts, _cfg, _seed, _n_process):
    """Starts a worker and a helper process, then never returns."""
    helper = subprocess.Popen(["sleep", "120"])
    _worker(texts)
    helper.wait()


def dies(texts, _cfg, _seed, _n_process):
    """Starts a worker holding the result pipe, then dies without a word (as under the OOM killer)."""
    _worker(texts)
    os._exit(1)


def raises_with_text(texts, _cfg, _seed, _n_process):
    raise ValueError(texts[-1])


def inherited(texts, _cfg, _seed, n_process):
    """What the child holds: native modules it did not import itself, and whether it can fork workers."""
    _worker(texts)
    return sorted(m for m in ("grpc", "apache_beam", "pyarrow") if m in sys.modules), n_process


def surroundings(texts, _cfg, _seed, _n_process):
    """What the child sees around it: a credential variable of the driver's, the working directory on its
    import path, and where its ``transforms`` package comes from."""
    import transforms

    cwd_on_path = any(p in ("", os.getcwd()) for p in sys.path)
    return "REDACT_TEST_SECRET" in os.environ, cwd_on_path, transforms.__file__


def warm_with_worker(_spec):
    """A warm-up that leaves a worker running in the child's group (as a model load's helper might)."""
    FORK.Process(target=time.sleep, args=(120,), daemon=False).start()


def warm_raises_with_text(_spec):
    raise ValueError("Maria Lopez")


_warm_priority: list[int] = []  # the warm-up's nice value, for the scan of the same child to report


def _nice() -> int:
    import threading

    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())  # Linux: per thread


def warm_notes_priority(_spec):
    _warm_priority.append(_nice())


def priorities(_texts, _cfg, _seed, _n_process):
    """The warm-up's nice value and the scan's."""
    return _warm_priority[0], _nice()
