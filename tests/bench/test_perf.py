"""The benchmark's pieces: a deterministic corpus, stage attribution of profile samples, and a tiny
end-to-end smoke run (no timing assertions: speed is only ever reported, as ratios of one run)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.bench.corpus_loader import BENCH, bench_module
from tests.conftest import REPO


def test_corpus_is_seeded_and_mixed():
    corpus = bench_module("corpus")
    a, b = corpus.generate(50, seed=3), corpus.generate(50, seed=3)
    assert a == b and a != corpus.generate(50, seed=4)
    assert a.n_records() == 50 and a.docs and a.chats
    assert sum("@example." in t for t in a.texts()) > 5


@pytest.mark.parametrize(
    ("frames", "stage"),
    [
        (["main (pipelines/cli.py:10)", "_find_and_load (<frozen importlib._bootstrap>:1)"], "import"),
        (["run (pipelines/run.py:1)", "process (transforms/detect.py:80)", "pipe (spacy/language.py:1)"], "detect"),
        (["run (pipelines/run.py:1)", "publish (pipelines/dataset/manifest.py:197)"], "publish"),
        (["run (pipelines/run.py:1)", "write_manifest (pipelines/dataset/manifest.py:104)"], "manifest"),
        (["_gate (pipelines/gate.py:1)", "scan_many (transforms/gates/ner_scan.py:3)"], "gate"),
        (["run (apache_beam/runners/x.py:1)"], "other"),
        (["main (pipelines/commands/detect.py:5)", "detect_many (transforms/detection/detector.py:9)"], "detect"),
        (["main (pipelines/commands/detect.py:5)", "dumps (json/__init__.py:9)"], "write"),
    ],
)
def test_samples_are_charged_to_the_outermost_stage(frames, stage):
    assert bench_module("stages").classify(frames) == stage


@pytest.mark.slow
def test_smoke_run_writes_a_result(tmp_path):
    cmd = [sys.executable, str(BENCH / "perf.py"), "--docs", "4", "--skip-workers", "--no-profile"]
    done = subprocess.run([*cmd, "--results", str(tmp_path)], cwd=REPO, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    (result,) = tmp_path.glob("perf-*.json")
    report = json.loads(result.read_text())
    assert set(report["results"]) == {"vanilla", "ner_floor", "detect", "run"}
    assert report["corpus"]["records"] == 4
    assert {"run_vs_vanilla", "detect_vs_vanilla"} <= set(report["ratios"])
    assert all(r["peak_rss_mb"] for r in report["results"].values())


@pytest.mark.slow
def test_only_runs_repeat_alternating_and_report_cpu(tmp_path):
    cmd = [sys.executable, str(BENCH / "perf.py"), "--docs", "4", "--no-profile", "--only", "run", "--repeat", "2"]
    done = subprocess.run([*cmd, "--results", str(tmp_path)], cwd=REPO, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    (result,) = tmp_path.glob("perf-*.json")
    run = json.loads(result.read_text())["results"]["run"]
    assert set(json.loads(result.read_text())["results"]) == {"run"}
    assert len(run["wall_s_each"]) == len(run["cpu_s_each"]) == 2
    assert run["cpu_s"] > 0  # the whole tree's CPU seconds (the launcher and its children)


def test_hotspots_count_the_optimized_paths_of_presidio_steps(tmp_path):
    """The optimized detector runs Presidio's analysis (``lean.py``) and pattern loop (``lean_patterns.py``)
    through our own functions: their samples count under Presidio's hot spots, as the upstream ones do."""
    stages = bench_module("stages")
    lean = "LeanAnalyzer.analyze (transforms/detection/lean.py:59)"
    loop = "lean_analyze.<locals>.analyze (transforms/detection/lean_patterns.py:47)"
    upstream = "PatternRecognizer.analyze (presidio_analyzer/pattern_recognizer.py:97)"
    raw = tmp_path / "p.txt"
    raw.write_text(f"main (x.py:1);{lean};{loop} 3\nmain (x.py:1);{upstream} 1\nmain (x.py:1) 4\n")
    shares = stages.hotspots(raw)
    assert shares["presidio analyze"] == 0.375
    assert shares["pattern recognizers"] == 0.5


def test_stage_shares_are_of_the_main_threads_samples_waits_included(tmp_path):
    """Recorded per thread with idle samples (``--idle --threads``): the main thread's samples are the wall
    time, so a stage waiting for a child process still counts; other threads' waits do not."""
    stages = bench_module("stages")
    detect = "_DetectFn.process (transforms/detect.py:80);NerChild._wait (transforms/detection/ner_child.py:170)"
    raw = tmp_path / "p.txt"
    raw.write_text(
        f"thread (1): MainThread;main (x.py:1);{detect} 6\n"
        "thread (1): MainThread;main (x.py:1);_TokenizeFn.process (transforms/tokenize.py:61) 2\n"
        "thread (2): Thread-3 (_feed);_feed (transforms/detection/ner_child.py:120) 40\n"
    )
    assert stages.split(raw) == {"detect": 0.75, "tokenize": 0.25}


def test_scaling_ratios_of_repeated_runs_are_taken_pair_by_pair():
    """The i-th 2-worker run against the i-th one-core run (the same round), and their median; a round
    with a failed run is left out, and a single run has no pairs."""
    perf = bench_module("perf")
    res = {
        "run_inline": {"wall_s_each": [100.0, 120.0, 90.0]},
        "run_2_workers": {"wall_s_each": [50.0, 80.0, 60.0]},
        "run": {"wall_s_each": [70.0]},
    }
    assert perf.paired_ratios(res) == {
        "run_2_workers_vs_run_inline_each": [2.0, 1.5, 1.5],
        "run_2_workers_vs_run_inline_median": 1.5,
    }
    assert perf.paired_ratios({"run_inline": {"wall_s_each": [1.0]}, "run_2_workers": {"wall_s_each": [1.0]}}) == {}
    failed = {"run_inline": {"wall_s_each": [100.0, None, 90.0]}, "run_2_workers": {"wall_s_each": [None, 60.0, 60.0]}}
    assert perf.paired_ratios(failed) == {
        "run_2_workers_vs_run_inline_each": [1.5],
        "run_2_workers_vs_run_inline_median": 1.5,
    }


def test_detect_stage_is_read_against_the_floor_of_its_own_round():
    """Repeated and profiled, each round's detect stage against the floor measured just before it, and
    their median; a round whose stage was not measured is left out, and one round has no pairs."""
    perf = bench_module("perf")
    res = {
        "ner_floor": {"process_s": 30.0, "process_s_each": [30.0, 36.0, 33.0]},
        "run": {"detect_stage_s_each": [40.0, 40.0, None]},
    }
    assert perf.paired_ratios(res) == {
        "run_detect_stage_vs_ner_floor_each": [0.75, 0.9],
        "run_detect_stage_vs_ner_floor_median": 0.82,
    }
    one = {"ner_floor": {"process_s_each": [30.0]}, "run": {"detect_stage_s_each": [40.0]}}
    assert perf.paired_ratios(one) == {}


def test_an_attached_profiler_gets_the_pid_and_its_crash_loses_only_the_profile(tmp_path):
    """The profiler is started with the measured process's pid; when it dies of a signal (py-spy 0.4.2 has
    crashed mid-run), the run still ends normally and reports it, with the profiler's exit status apart."""
    procmon = bench_module("procmon")
    seen, own = tmp_path / "seen", tmp_path / "own"
    target = [
        sys.executable,
        "-c",
        f"import os, time; open({str(own)!r}, 'w').write(str(os.getpid())); time.sleep(0.5)",
    ]
    spy = (
        "import os, resource, sys; resource.setrlimit(resource.RLIMIT_CORE, (0, 0)); "
        f"open({str(seen)!r}, 'w').write(sys.argv[1]); os.kill(os.getpid(), 11)"
    )
    res = procmon.run(target, profiler=lambda pid: [sys.executable, "-c", spy, str(pid)])
    assert res.returncode == 0
    assert res.profiler_rc == -11
    assert seen.read_text() == own.read_text()
    assert procmon.run(target).profiler_rc is None


def test_a_profiler_attaches_by_pid_only_where_yama_allows_it(tmp_path):
    """Under Yama's ``ptrace_scope`` >= 1 only a parent may trace (unless root): py-spy then wraps the run."""
    procmon = bench_module("procmon")
    scope = tmp_path / "ptrace_scope"
    scope.write_text("1\n")
    assert not procmon.can_attach(scope, euid=1000)
    assert procmon.can_attach(scope, euid=0)
    scope.write_text("0\n")
    assert procmon.can_attach(scope, euid=1000)
    assert procmon.can_attach(tmp_path / "absent", euid=1000)


def test_a_failed_last_round_drops_only_its_own_pairs():
    """``derive`` pairs the rounds before a failed last ``run`` (the failed row itself is not tabled)."""
    perf = bench_module("perf")
    report = {
        "corpus": {"records": 10, "mb": 1.0},
        "results": {
            "ner_floor": {"wall_s": 30.0, "process_s": 28.0, "process_s_each": [30.0, 36.0, 33.0], "peak_rss_mb": {}},
            "run": {
                "failed": 1,
                "wall_s": 5.0,
                "wall_s_each": [50.0, 60.0, None],
                "detect_stage_s_each": [40.0, 40.0, None],
            },
            "run_inline": {"wall_s": 90.0, "wall_s_each": [100.0, 90.0, 90.0], "peak_rss_mb": {}},
        },
    }
    derived = perf.derive(report)
    assert "run" not in derived["table"]
    assert derived["ratios"]["run_detect_stage_vs_ner_floor_each"] == [0.75, 0.9]
