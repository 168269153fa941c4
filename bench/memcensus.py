"""What grows with corpus size inside one ``redact run`` process: a census of the suspect structures.

Runs ``redact run`` in this process (the DirectRunner is in-process) on the seeded corpus of
``bench/corpus.py`` and, every ``--every`` seconds, records the RSS and the size of each structure that
may grow with the corpus, found by wrapping their constructors before the run starts (no tracemalloc,
which makes a whole run far too slow):

* ``token_memo``: entries of each ``ScopeKeys`` token memo (``TOKEN_MEMO_SIZE`` at most);
* ``parquet_buffers``: per ``WriteToParquet`` converter (Beam's ``_RowDictionariesToArrowTable``), rows
  waiting as Python objects and bytes of Arrow record batches waiting for a row group;
* ``shuffles``: per local-runner ``GroupingBuffer`` (a GroupByKey's input, held decoded): keys, values and
  the deep size of a sample of values scaled to all of them;
* ``vault_spill``: per vault spill step (``transforms.vault._SpillFn``, the local runners' vault build),
  distinct entries buffered before the next sorted run is written (``SPILL_ENTRIES`` at most);
* ``list_buffers``: encoded bytes handed between the local runner's stages;
* ``memos``: entries of the detector's bounded memos; ``spacy_strings``: spaCy StringStore sizes;
* ``arrow_mb``: bytes held by Arrow's default memory pool.

Extra samples are taken when a shuffle's input is complete (``at: shuffle_read``, the local runner's
grouping table at its fullest), when the pipeline ends and after ``release_pipeline_memory``. The census
itself costs some memory (its samples, a list of the gc's objects every fourth sample). Prints one JSON
line per sample and writes them with the run's summary to ``--out``. Usage:
``nice .venv/bin/python bench/memcensus.py --mb 2 --out /tmp/census-2.json``.
"""

from __future__ import annotations

import argparse
import collections
import gc
import json
import sys
import tempfile
import threading
import time
import weakref
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import corpus as corpus_mod  # noqa: E402

_REGISTRY: dict[str, list] = {
    "scope_keys": [],
    "converters": [],
    "grouping": [],
    "lists": [],
    "memos": [],
    "channels": [],
    "spills": [],
}


_START: list[float] = []
_SAMPLES: list[dict] = []


def _register(cls, name: str) -> None:
    original = cls.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        try:
            _REGISTRY[name].append(weakref.ref(self))
        except TypeError:  # no weak references (__slots__): kept alive, as the run keeps it anyway
            _REGISTRY[name].append(lambda obj=self: obj)

    cls.__init__ = init


def _register_on_call(cls, method: str, name: str) -> None:
    """For objects the runner unpickles (DoFns: no ``__init__`` call): register on first use."""
    original = getattr(cls, method)

    def wrapped(self, *args, **kwargs):
        if not getattr(self, "_census_seen", False):
            self._census_seen = True
            _REGISTRY[name].append(weakref.ref(self))
        return original(self, *args, **kwargs)

    setattr(cls, method, wrapped)


def install() -> None:
    from apache_beam.io import parquetio
    from apache_beam.runners.portability.fn_api_runner import execution
    from apache_beam.runners.worker import data_plane

    from transforms.detection.memo import BoundedMemo
    from transforms.keys.scope_keys import ScopeKeys
    from transforms.vault import _SpillFn

    _register(ScopeKeys, "scope_keys")
    _register_on_call(parquetio._RowDictionariesToArrowTable, "_flush_buffer", "converters")
    _register(execution.GroupingBuffer, "grouping")
    partition = execution.GroupingBuffer.partition

    def partition_and_sample(self, n):  # the shuffle's input complete, just before it is read
        if len(self._table) > 1000 and _START:
            s = {"at": "shuffle_read", **sample(_START[0], with_spacy=False)}
            _SAMPLES.append(s)
            print(json.dumps(s), flush=True)
        return partition(self, n)

    execution.GroupingBuffer.partition = partition_and_sample
    _register(execution.ListBuffer, "lists")
    _register(BoundedMemo, "memos")
    _register(data_plane.InMemoryDataChannel, "channels")
    _register_on_call(_SpillFn, "start_bundle", "spills")


def deep_size(obj, seen: set | None = None) -> int:
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    size = sys.getsizeof(obj)
    if isinstance(obj, dict):
        size += sum(deep_size(k, seen) + deep_size(v, seen) for k, v in obj.items())
    elif isinstance(obj, list | tuple | set | frozenset):
        size += sum(deep_size(v, seen) for v in obj)
    return size


def _rss() -> dict:
    status = Path("/proc/self/status").read_text().splitlines()
    return {
        line.split(":")[0]: round(int(line.split()[1]) / 1024, 1)
        for line in status
        if line.startswith(("VmRSS", "VmHWM"))
    }


def _spacy_strings() -> list[list[int]]:
    """[strings, lexemes] of every spaCy pipeline alive in this process."""
    try:
        from spacy.language import Language
    except ImportError:
        return []
    return [[len(o.vocab.strings), len(o.vocab)] for o in gc.get_objects() if isinstance(o, Language)]


def _live(name: str) -> list:
    return [o for o in (ref() for ref in list(_REGISTRY[name])) if o is not None]


def sample(t0: float, with_spacy: bool) -> dict:
    import pyarrow as pa

    out = {"t": round(time.monotonic() - t0, 1), **_rss(), "arrow_mb": round(pa.total_allocated_bytes() / 1e6, 1)}
    out["token_memo"] = [k._memo.cache_info().currsize for k in _live("scope_keys")]
    out["parquet_buffers"] = [
        {
            "cols": len(c._schema.names),
            "rows_waiting": len(c._buffer[0]),
            "arrow_mb": round(c._record_batches_byte_size / 1e6, 1),
        }
        for c in _live("converters")
        if c._record_batches_byte_size or c._buffer[0]
    ]
    shuffles = []
    for g in _live("grouping"):
        table = dict(g._table)
        if not table:
            continue
        values = sum(len(v) for v in table.values())
        some = [v for vs in list(table.values())[:200] for v in vs]
        per_value = deep_size(some) / max(len(some), 1)  # the values (bytes on the runner side) and a list slot
        per_key = sum(sys.getsizeof(k) + sys.getsizeof(v) for k, v in list(table.items())[:200]) / min(len(table), 200)
        est = values * per_value + len(table) * (per_key + 30)  # + the dict's slot per key
        shuffles.append({"keys": len(table), "values": values, "est_mb": round(est / 1e6, 1)})
    out["shuffles"] = shuffles
    out["vault_spill"] = [len(getattr(f, "buffer", ())) for f in _live("spills")]
    out["list_buffers_mb"] = round(
        sum(sum(len(b) for b in lb._inputs) for lb in _live("lists") if not lb.cleared) / 1e6, 1
    )
    out["channel_mb"] = round(
        sum(len(getattr(e, "data", b"")) for c in _live("channels") for e in list(c._inputs)) / 1e6, 1
    )
    out["memos"] = sorted((len(m) for m in _live("memos") if len(m)), reverse=True)[:6]
    if with_spacy:
        out["spacy_strings"] = _spacy_strings()
        objects = gc.get_objects()
        out["gc_objects"] = len(objects)
        top = collections.Counter(type(o).__name__ for o in objects).most_common(8)
        out["gc_top"] = dict(top)
        del objects
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=2)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--every", type=float, default=15.0)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="redact-census-") as tmp:
        work = Path(tmp)
        corpus = corpus_mod.generate_mb(args.mb, args.seed)
        paths = corpus_mod.write(corpus, work)
        del corpus
        install()
        from pipelines.cli import main as cli_main

        samples = _SAMPLES
        done = threading.Event()
        t0 = time.monotonic()
        _START.append(t0)

        def watch() -> None:
            n = 0
            while not done.wait(args.every):
                n += 1
                try:
                    s = sample(t0, with_spacy=n % 4 == 0)
                except Exception as exc:  # a structure changed under us: note it, keep sampling
                    s = {"t": round(time.monotonic() - t0, 1), "error": repr(exc)}
                samples.append(s)
                print(json.dumps(s), flush=True)

        import pipelines.run as run_mod

        release = run_mod.release_pipeline_memory

        def release_and_sample() -> None:  # the pipeline has finished: its peak and structures, then freed
            for when, fn in (("pipeline_end", lambda: None), ("released", release)):
                fn()
                s = {"at": when, **sample(t0, with_spacy=True)}
                samples.append(s)
                print(json.dumps(s), flush=True)

        run_mod.release_pipeline_memory = release_and_sample
        threading.Thread(target=watch, daemon=True).start()
        argv = ["run", "--input", str(paths["run"]), "--output", str(work / "out")]
        argv += ["--kek-uri", f"local://{work / 'kek.json'}", "--summary-json", str(work / "s.json")]
        rc = cli_main(argv)
        done.set()
        final = sample(t0, with_spacy=True)
        print(json.dumps(final), flush=True)
        summary = json.loads((work / "s.json").read_text()) if (work / "s.json").exists() else {}
    report = {"mb": args.mb, "rc": rc, "counts": summary.get("counts"), "samples": samples, "final": final}
    Path(args.out).write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
