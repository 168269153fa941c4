"""A self-contained HTML page of a gate result, rendered from ``_gate/summary.json``.

Readable offline: inline CSS, no script, no external URL (GE's Data Docs load CSS/JS from public CDNs
and stay optional beside it). Shows the verdict, each metric's value beside its threshold with
pass/fail, every expectation of every suite, the canary ids that were missed or leaked and the files
that were gated.

Privacy contract: renders only what ``summary.json`` holds (names, thresholds, counts, rates, hashes,
canary ids), every string HTML-escaped; never a value from a record.
"""

from __future__ import annotations

import html
import json

REPORT_NAME = "report.html"
_TABLE_METRICS = {"expect_table_row_count_to_be_between": "rows"}  # table-level expectations -> their metric

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:70rem;color:#1d232b;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d6dbe1}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;padding:.3rem .6rem;border-bottom:1px solid #e6e9ed;vertical-align:top}
th{background:#f4f6f8;font-weight:600}td.num{font-variant-numeric:tabular-nums;white-space:nowrap}
.pass{color:#17663a;font-weight:600}.fail{color:#a3141e;font-weight:700}.muted{color:#5f6b7a}
.verdict{display:inline-block;padding:.15rem .6rem;border-radius:.3rem;color:#fff}
.verdict.pass{background:#17663a;color:#fff}.verdict.fail{background:#a3141e;color:#fff}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.92em;word-break:break-all}
"""


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _fmt(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}"
    if value is None:
        return "-"
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _verdict(ok: bool) -> str:
    return '<span class="pass">pass</span>' if ok else '<span class="fail">FAIL</span>'


def _resolve(value, summary: dict):
    """A ``{"$PARAMETER": name}`` threshold -> its configured value (from the summary's thresholds)."""
    if isinstance(value, dict) and "$PARAMETER" in value:
        name = value["$PARAMETER"]
        known = {**summary.get("thresholds", {}), "canaries_expected": summary.get("canaries", {}).get("expected")}
        return known.get(name, name), name
    return value, None


def _threshold(kwargs: dict, summary: dict) -> str:
    """``≤ 0.05 (max_empty_text_fraction)``, ``≥ 0.9``, ``in [true]``, or the expectation's arguments.

    GE returns thresholds resolved; the configured name is found as ``$PARAMETER`` or by the gates
    config's naming rule (``max_<metric>`` / ``min_<metric>``)."""
    parts = []
    thresholds = summary.get("thresholds", {})
    for key, sign in (("min_value", "≥"), ("max_value", "≤")):
        if kwargs.get(key) is not None:
            value, name = _resolve(kwargs[key], summary)
            conventional = f"{key[:3]}_{kwargs.get('column') or 'rows'}"
            if name is None and thresholds.get(conventional) == value:
                name = conventional
            parts.append(f"{sign} {_fmt(value)}" + (f" ({name})" if name else ""))
    if "value_set" in kwargs:
        parts.append(f"in {_fmt(_resolve(kwargs['value_set'], summary)[0])}")
    if not parts:
        rest = {k: _resolve(v, summary)[0] for k, v in kwargs.items() if k != "column"}
        parts.append(", ".join(f"{k} = {_fmt(v)}" for k, v in sorted(rest.items())) or "-")
    return "; ".join(parts)


def metric_rows(summary: dict) -> list[tuple[str, object, str, bool | None]]:
    """(metric, value, threshold, passed) for every metric: thresholds from the expectations on it."""
    metrics = summary.get("metrics", {})
    checks: dict[str, list[tuple[str, bool]]] = {}
    for res in summary.get("suites", {}).values():
        for r in res.get("results", []):
            column = r.get("column") or _TABLE_METRICS.get(r.get("expectation"))
            if column in metrics:
                checks.setdefault(column, []).append((_threshold(r.get("kwargs", {}), summary), r["success"]))
    rows = []
    for name in sorted(metrics):
        found = checks.get(name, [])
        threshold = "; ".join(t for t, _ in found) or "(no threshold)"
        rows.append((name, metrics[name], threshold, all(ok for _, ok in found) if found else None))
    return rows


def render(summary: dict) -> str:
    ok = bool(summary.get("success"))
    ds = summary.get("dataset", {})
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Gate report {_e(summary.get('version', ''))}</title><style>{_CSS}</style></head><body>",
        f"<h1>Gate report: <code>{_e(summary.get('version', ''))}</code></h1>",
        f'<p><span class="verdict {"pass" if ok else "fail"}">{"PASSED" if ok else "FAILED"}</span> '
        f'<span class="muted">gated at {_e(summary.get("gated_at", ""))}; {_e(ds.get("rows", "?"))} rows; '
        f"key scope {_e(ds.get('key_scope', ''))}; run {_e(ds.get('run_id', ''))}</span></p>",
    ]
    ner = summary.get("ner_scan") or {}
    if ner.get("line"):
        out.append(f"<p>{_e(ner['line'])}</p>")
    failed = summary.get("failed", [])
    if failed:
        out.append("<h2>Failed expectations</h2><ul>")
        out += [f"<li><code>{_e(f)}</code></li>" for f in failed]
        out.append("</ul>")
    out.append("<h2>Metrics and thresholds</h2><table><tr><th>metric</th><th>value</th><th>threshold</th>")
    out.append("<th>result</th></tr>")
    for name, value, threshold, passed in metric_rows(summary):
        verdict = _verdict(passed) if passed is not None else '<span class="muted">-</span>'
        out.append(
            f"<tr><td><code>{_e(name)}</code></td><td class='num'>{_e(_fmt(value))}</td>"
            f"<td class='num'>{_e(threshold)}</td><td>{verdict}</td></tr>"
        )
    out.append("</table>")
    for suite, res in sorted(summary.get("suites", {}).items()):
        out.append(f"<h2>Suite <code>{_e(suite)}</code>: {_verdict(bool(res.get('success')))}</h2>")
        if res.get("suite_file"):
            out.append(
                f"<p class='muted'>{_e(res['suite_file'])} sha256 <code>{_e(res.get('suite_sha256'))}</code></p>"
            )
        out.append(
            "<table><tr><th>expectation</th><th>column</th><th>threshold</th><th>observed</th><th>result</th></tr>"
        )
        for r in res.get("results", []):
            observed = {k: v for k, v in (r.get("result") or {}).items()}
            shown = observed.get("observed_value", observed.get("unexpected_count"))
            label = "" if "observed_value" in observed or shown is None else " unexpected"
            out.append(
                f"<tr><td><code>{_e(r.get('expectation'))}</code></td><td><code>{_e(r.get('column') or '')}</code></td>"
                f"<td class='num'>{_e(_threshold(r.get('kwargs', {}), summary))}</td>"
                f"<td class='num'>{_e(_fmt(shown))}{_e(label)}</td><td>{_verdict(bool(r.get('success')))}</td></tr>"
            )
        out.append("</table>")
    can = summary.get("canaries", {})
    out.append(
        f"<h2>Canaries</h2><p>{_e(can.get('expected', 0))} planted; not found: "
        f"{_e(', '.join(can.get('not_found', [])) or 'none')}; leaking: {_e(', '.join(can.get('leaking', [])) or 'none')}</p>"
    )
    out.append("<h2>Files gated</h2><table><tr><th>file</th><th>sha256</th></tr>")
    out += [
        f"<tr><td><code>{_e(f.get('name'))}</code></td><td><code>{_e(f.get('sha256'))}</code></td></tr>"
        for f in ds.get("training_files", [])
    ]
    out.append("</table><p class='muted'>Rendered from _gate/summary.json; the Great Expectations Data Docs ")
    out.append("in _gate/data_docs/ are optional and need network access for their styling.</p></body></html>")
    return "\n".join(out) + "\n"


def write_report(gate_dir: str, summary: dict) -> str:
    """Write ``<gate_dir>/report.html`` atomically; return its path."""
    from transforms import fs

    path = fs.join(gate_dir, REPORT_NAME)
    fs.write_text_atomic(path, render(summary))
    return path
