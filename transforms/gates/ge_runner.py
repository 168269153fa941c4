"""Run the versioned Great Expectations suites on the gate frames and render Data Docs.

Real GE 1.x: an ephemeral context (nothing persisted but the Data Docs site we configure, no
analytics), a pandas data source with one dataframe asset per frame, a ``ValidationDefinition`` per
suite (run on each chunk of its asset's frames, the chunks' results merged), then ``build_data_docs``
once for the whole site. Result format is ``SUMMARY`` with
``partial_unexpected_count: 0`` and no unexpected rows, so GE records counts, never values; the JSON
we keep is additionally reduced to an allow-list of count fields (``scrub_result``).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import pandas as pd

from transforms.errors import ConfigError

RESULT_FORMAT = {
    "result_format": "SUMMARY",
    "partial_unexpected_count": 0,
    "include_unexpected_rows": False,
    "return_unexpected_index_query": False,
}
SITE = "redact_gate"
REPO_EXPECTATIONS = Path(__file__).resolve().parents[2] / "expectations"
INSTALLED_EXPECTATIONS = Path(sys.prefix) / "share" / "redact" / "expectations"  # pyproject data-files


def default_expectations_dir() -> Path:
    """``$REDACT_EXPECTATIONS_DIR``, else the repo's ``expectations/``, else the installed copy."""
    env = os.environ.get("REDACT_EXPECTATIONS_DIR")
    if env:
        return Path(env)
    return REPO_EXPECTATIONS if REPO_EXPECTATIONS.is_dir() else INSTALLED_EXPECTATIONS


_COUNT_KEYS = (
    "element_count",
    "missing_count",
    "missing_percent",
    "unexpected_count",
    "unexpected_percent",
    "unexpected_percent_total",
    "unexpected_percent_nonmissing",
)
_NAME_OBSERVATIONS = (
    "expect_table_columns_to_match_set",
    "expect_table_columns_to_match_ordered_list",
    "expect_column_values_to_be_of_type",
)


def load_suites(directory: str | None) -> dict[str, dict]:
    """Suite JSON files by asset name (``meta.asset``). Missing or malformed files are config errors."""
    root = Path(directory) if directory else default_expectations_dir()
    suites = {}
    for path in sorted(root.glob("*.json")):
        try:
            data = json.loads(path.read_text())
            suites[data["meta"]["asset"]] = data
        except (ValueError, KeyError, TypeError):
            raise ConfigError(f"expectation suite {path} is not a valid suite file (needs meta.asset)") from None
    if not suites:
        raise ConfigError(f"no expectation suites found in {root}")
    return suites


def _context(docs_dir: str):
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    ctx = gx.get_context(mode="ephemeral", project_config=config)
    ctx.add_data_docs_site(
        site_name=SITE,
        site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": docs_dir},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    return ctx


def validate(
    sources: Mapping[str, Callable[[], Iterable[pd.DataFrame]]],
    suites: dict[str, dict],
    params: dict,
    docs_dir: str,
    chunk_rows: int,
) -> dict:
    """Validate each asset's frames against the suite of the same asset; Data Docs go to ``docs_dir``.

    ``sources``: per asset, a function returning its frames (at least one, maybe empty). They are called
    and read in this order, so one may depend on what an earlier one accumulated while it was read; an
    asset without a suite is read all the same. A suite that is ``chunk_safe`` is validated on chunks of
    about ``chunk_rows`` rows (whole frames joined until they reach it) and the chunks' results merged
    (``merge_results``): memory holds a chunk or two, not the asset. Any other suite is validated once, on all
    of its frames joined. Returns ``{suite_name: scrubbed result}`` in the suites' order; every asset with
    a suite must have a source."""
    import great_expectations as gx
    from great_expectations.core.expectation_suite import ExpectationSuite

    missing = sorted(set(suites) - set(sources))
    if missing:
        raise ConfigError(f"no gate frame for expectation suite asset(s): {', '.join(missing)}")
    ctx = _context(docs_dir)
    data = ctx.data_sources.add_pandas("redact")
    definitions = {}
    for asset, suite_json in suites.items():
        suite = ctx.suites.add(ExpectationSuite(**_suite_kwargs(suite_json)))
        batch_def = data.add_dataframe_asset(asset).add_batch_definition_whole_dataframe(asset)
        definitions[asset] = ctx.validation_definitions.add(
            gx.ValidationDefinition(name=asset, data=batch_def, suite=suite)
        )
    out = {}
    for asset, source in sources.items():
        frames = source()
        vd = definitions.get(asset)
        if vd is None:
            for _ in frames:  # read all the same: a later source may need what this one accumulates
                pass
            continue
        chunks = chunked(frames, chunk_rows) if chunk_safe(suites[asset]) else [_joined(list(frames))]
        # A Checkpoint run takes one dataframe for all definitions; each frame differs, so run each
        # definition (results land in the context's validation store) and render the site once.
        results, dtypes = [], []
        for chunk in chunks:
            dtypes.append({str(c): str(t) for c, t in chunk.dtypes.items()})
            run = vd.run(
                batch_parameters={"dataframe": chunk}, expectation_parameters=params, result_format=RESULT_FORMAT
            )
            results.append(scrub_validation(run.to_json_dict()))
            del chunk, run  # the next chunk is built while nothing holds this one
        out[asset] = merge_results(results, dtypes)
    ctx.build_data_docs(site_names=[SITE])
    return {definitions[asset].suite.name: out[asset] for asset in suites}


# Expectations whose verdict over a table is the verdict over any split of its rows (each row passes or
# fails on its own, or only the column names are checked): validated chunk by chunk, their counts summed.
# The type checks too, with a condition: GE checks a column's type once unless it is ``object``, and a
# chunk's column type can differ from the whole table's (an all-null chunk is ``object``), so where the
# chunks' types of a column differ the merged type check fails (``merge_results``). Uniqueness, row
# counts and aggregates need the whole table.
CHUNK_SAFE = frozenset(
    {
        "expect_column_to_exist",
        "expect_table_columns_to_match_ordered_list",
        "expect_table_columns_to_match_set",
        "expect_column_values_to_be_of_type",
        "expect_column_values_to_be_in_type_list",
        "expect_column_values_to_be_null",
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_not_be_in_set",
        "expect_column_values_to_be_between",
        "expect_column_values_to_match_regex",
        "expect_column_values_to_not_match_regex",
        "expect_column_values_to_match_regex_list",
        "expect_column_values_to_not_match_regex_list",
        "expect_column_value_lengths_to_be_between",
        "expect_column_value_lengths_to_equal",
    }
)


def chunk_safe(suite_json: dict) -> bool:
    """Only ``CHUNK_SAFE`` expectations, none with ``mostly`` below 1 (a share of the whole table)."""
    return all(
        e.get("type") in CHUNK_SAFE and (e.get("kwargs") or {}).get("mostly", 1) == 1
        for e in suite_json.get("expectations", [])
    )


def chunked(frames: Iterable[pd.DataFrame], rows: int) -> Iterator[pd.DataFrame]:
    """Consecutive frames joined into chunks of at least ``rows`` rows (the last may be smaller); at
    least one chunk, empty when every frame is (its columns: theirs, ``_joined``)."""
    held: list[pd.DataFrame] = []
    size, sent = 0, False
    for frame in frames:
        held.append(frame)
        size += len(frame)
        del frame
        if size >= rows:
            size, sent = 0, True
            yield _joined(_take(held))  # nothing here holds the frames while the chunk is validated
    if held and (size or not sent):
        yield _joined(_take(held))
    elif not sent:
        yield pd.DataFrame()


def _take(frames: list[pd.DataFrame]) -> list[pd.DataFrame]:
    taken = frames[:]
    frames.clear()
    return taken


def _joined(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """One frame of ``frames``' rows. Frames without rows are left out when others have rows: pandas
    would give every column of the join the type ``object`` (an empty frame's columns have no type)."""
    with_rows = [f for f in frames if len(f)] or frames
    return with_rows[0] if len(with_rows) == 1 else pd.concat(with_rows, ignore_index=True)


_TYPE_CHECKS = ("expect_column_values_to_be_of_type", "expect_column_values_to_be_in_type_list")


def merge_results(results: list[dict], dtypes: list[dict[str, str]] | None = None) -> dict:
    """One suite's scrubbed results over chunks of its table -> the result over the whole table: an
    expectation succeeds when it did on every chunk; counts are summed and GE's percentages recomputed
    from them; an observed value (column names, a type) is the first failing chunk's, else the first's.
    ``dtypes``: each chunk's column types; a type check of a column whose type differs between chunks
    fails (fail closed: the whole table's type is not any chunk's), observing the types seen."""
    if len(results) == 1:
        return results[0]
    merged = []
    for per_chunk in zip(*(sorted(r["results"], key=_identity) for r in results), strict=True):
        first = per_chunk[0]
        if any(_identity(r) != _identity(first) for r in per_chunk):
            raise ValueError("chunk results of one suite list different expectations")
        failing = [r for r in per_chunk if not r["success"]]
        result = _merged_counts([r["result"] for r in per_chunk])
        shown = (failing or per_chunk)[0]["result"]
        if "observed_value" in shown:
            result["observed_value"] = shown["observed_value"]
        seen = sorted({d[first["column"]] for d in dtypes or [] if first["column"] in d})
        mixed = first["expectation"] in _TYPE_CHECKS and len(seen) > 1
        if mixed:
            result = {"observed_value": seen}
        merged.append(
            {
                **first,
                "success": not failing and not mixed,
                "result": result,
                "raised_exception": any(r["raised_exception"] for r in per_chunk),
            }
        )
    order: dict[str, list[int]] = {}
    for i, r in enumerate(results[0]["results"]):
        order.setdefault(_identity(r), []).append(i)
    at = {key: iter(positions) for key, positions in order.items()}
    merged.sort(key=lambda r: next(at[_identity(r)]))  # as one chunk's result lists them (sort calls once each)
    passed = sum(r["success"] for r in merged)
    return {
        "success": all(r["success"] for r in results) and passed == len(merged),
        "statistics": {
            "evaluated_expectations": len(merged),
            "successful_expectations": passed,
            "unsuccessful_expectations": len(merged) - passed,
            "success_percent": passed / len(merged) * 100 if merged else None,
        },
        "results": merged,
    }


def _identity(result: dict) -> str:
    """What pairs an expectation's results across chunks (GE's own order of results is not the suite's)."""
    return json.dumps([result["expectation"], result["kwargs"]], sort_keys=True, default=str)


def _merged_counts(results: list[dict]) -> dict:
    """GE's map-expectation counts (``_format_map_output``) over the union of the chunks."""
    if not all("element_count" in r for r in results):
        return {}
    out: dict = {"element_count": sum(r["element_count"] for r in results)}
    for key in ("unexpected_count", "missing_count"):
        if all(r.get(key) is not None for r in results):
            out[key] = sum(r[key] for r in results)
    n, bad, missing = out["element_count"], out.get("unexpected_count"), out.get("missing_count")
    if bad is None:
        return out
    total = bad / n * 100 if n else None
    if missing is None:
        out["unexpected_percent"] = total
        return out
    nonnull = n - missing
    out["missing_percent"] = missing / n * 100 if n else None
    out["unexpected_percent_total"] = total
    out["unexpected_percent_nonmissing"] = out["unexpected_percent"] = bad / nonnull * 100 if nonnull else None
    return out


def _suite_kwargs(suite_json: dict) -> dict:
    return {k: suite_json[k] for k in ("name", "expectations", "meta") if k in suite_json}


def scrub_validation(vr: dict) -> dict:
    """Keep what a reviewer needs (which expectation, pass/fail, counts); drop anything value-shaped."""
    results = []
    for r in vr.get("results", []):
        cfg = r.get("expectation_config") or {}
        kwargs = {k: v for k, v in (cfg.get("kwargs") or {}).items() if k != "batch_id"}
        results.append(
            {
                "expectation": cfg.get("type"),
                "column": kwargs.get("column"),
                "kwargs": kwargs,
                "notes": (cfg.get("meta") or {}).get("notes"),
                "success": bool(r.get("success")),
                "result": scrub_result(cfg.get("type", ""), r.get("result") or {}),
                "raised_exception": bool((r.get("exception_info") or {}).get("raised_exception")),
            }
        )
    return {
        "success": bool(vr.get("success")),
        "statistics": vr.get("statistics", {}),
        "results": results,
    }


def scrub_result(expectation: str, result: dict) -> dict:
    out = {k: result[k] for k in _COUNT_KEYS if k in result}
    if "observed_value" in result:
        v = result["observed_value"]
        if (
            v is None
            or isinstance(v, bool | int | float)
            or (
                expectation in _NAME_OBSERVATIONS
                and (isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v)))
            )
        ):
            out["observed_value"] = v
    return out
