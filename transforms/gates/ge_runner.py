"""Run the versioned Great Expectations suites on the gate frames and render Data Docs.

Real GE 1.x: an ephemeral context (nothing persisted but the Data Docs site we configure, no
analytics), a pandas data source with one dataframe asset per frame, a ``ValidationDefinition`` per
suite (each run on its own frame), then ``build_data_docs`` once for the whole site. Result format is ``SUMMARY`` with
``partial_unexpected_count: 0`` and no unexpected rows, so GE records counts, never values; the JSON
we keep is additionally reduced to an allow-list of count fields (``scrub_result``).
"""

from __future__ import annotations

import json
import logging
import os
import sys
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


def preload_ge() -> None:
    """Import Great Expectations now (a few seconds), e.g. while another process works."""
    import great_expectations  # noqa: F401


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


def validate(frames: dict[str, pd.DataFrame], suites: dict[str, dict], params: dict, docs_dir: str) -> dict:
    """Validate each frame against the suite of the same asset; Data Docs go to ``docs_dir``.

    Returns ``{suite_name: scrubbed result}``. Every asset with a suite must have a frame.
    """
    import great_expectations as gx
    from great_expectations.core.expectation_suite import ExpectationSuite

    missing = sorted(set(suites) - set(frames))
    if missing:
        raise ConfigError(f"no gate frame for expectation suite asset(s): {', '.join(missing)}")
    ctx = _context(docs_dir)
    source = ctx.data_sources.add_pandas("redact")
    definitions = []
    for asset, suite_json in suites.items():
        suite = ctx.suites.add(ExpectationSuite(**_suite_kwargs(suite_json)))
        batch_def = source.add_dataframe_asset(asset).add_batch_definition_whole_dataframe(asset)
        definitions.append(
            ctx.validation_definitions.add(gx.ValidationDefinition(name=asset, data=batch_def, suite=suite))
        )
    out = {}
    for vd in definitions:
        # A Checkpoint run takes one dataframe for all definitions; each frame differs, so run each
        # definition (results land in the context's validation store) and render the site once.
        result = vd.run(
            batch_parameters={"dataframe": frames[vd.data.data_asset.name]},
            expectation_parameters=params,
            result_format=RESULT_FORMAT,
        )
        out[vd.suite.name] = scrub_validation(result.to_json_dict())
    ctx.build_data_docs(site_names=[SITE])
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
