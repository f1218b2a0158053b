"""One table from every part's results: printed, and written with the machine and versions to results/latest.*."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

TARGETS = {
    "cold": 1.0, "warm": 0.15, "query_ratio": 1.5, "speedup": 5.0, "memory_share": 0.25, "survey_load": 90.0,
    "purchases_load": 30.0, "rss_mb": 600.0, "postgres_cold": 3.0,
}
SECTIONS = ("load", "pages", "queries", "reference", "memory", "sentiment", "reports")
Row = tuple[str, str, str, str, str]  # section, what, measured, target, met


def _met(ok: bool | None) -> str:
    return "—" if ok is None else ("yes" if ok else "**no**")


def _s(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds:.2f} s"


def load_rows(load: dict | None, label: str) -> list[Row]:
    if not load:
        return [(label, "load", "skipped (--skip-load: existing database reused)", "", "—")]
    rows = []
    for d in load["datasets"]:
        measured = f"{_s(d['seconds'])} · {d['rows_per_second']:,.0f} rows/s"
        target, ok = "", None
        if "texts" in d:
            measured += (f" · sentiment {_s(d['sentiment_seconds'])} for {d['texts']:,} texts "
                         f"({d['distinct_texts']:,} distinct)")
        if d["dataset"] == "survey" and label == "load":
            target, ok = f"≤ {TARGETS['survey_load']:.0f} s", d["seconds"] <= TARGETS["survey_load"]
        if d["dataset"] == "purchases" and label == "load":
            target, ok = f"≤ {TARGETS['purchases_load']:.0f} s", d["seconds"] <= TARGETS["purchases_load"]
        rows.append((label, f"{d['dataset']}: {d['rows']:,} rows", measured, target, _met(ok)))
    rows.append((label, f"all {load['total_rows']:,} rows (generation {_s(load['generate_seconds'])} not included)",
                 f"{_s(load['total_seconds'])} · {load['rows_per_second']:,.0f} rows/s", "", "—"))
    extrapolated = load.get("all_distinct_seconds")
    if extrapolated:
        rows.append((label, "survey comments if every one were distinct (default scorer's throughput, one core)",
                     f"≈ {extrapolated:.0f} s for scoring alone", "", "—"))
    return rows


def page_rows(pages: list[dict], label: str = "pages", cold_target: float = TARGETS["cold"],
              warm: bool = True) -> list[Row]:
    rows = []
    for p in pages:
        what = f"{p['page']} · {p['view']} filters"
        if p["errors"]:
            rows.append((label, what, "error: " + "; ".join(p["errors"])[:160], "", "**no**"))
            continue
        measured = f"cold {_s(p['cold_seconds'])}" + (f" · warm {_s(p['warm_seconds'])}" if warm else "")
        target = f"≤ {cold_target:g} s" + (f" · ≤ {TARGETS['warm']:g} s" if warm else "")
        met = _met(p["cold_seconds"] <= cold_target)
        if warm:
            met += " · " + _met(p["warm_seconds"] <= TARGETS["warm"])
        rows.append((label, what, measured, target, met))
    return rows


def query_rows(queries: list[dict], label: str = "queries") -> list[Row]:
    rows = []
    for q in queries:
        rows.append((label, f"{q['page']} · {q['view']}: {q['queries']} reads",
                     f"app {_s(q['app_seconds'])} · one connection {_s(q['one_connection_seconds'])} · "
                     f"raw driver {_s(q['raw_seconds'])}", "", "—"))
    app = sum(q["app_seconds"] for q in queries)
    one = sum(q["one_connection_seconds"] for q in queries)
    raw = sum(q["raw_seconds"] for q in queries)
    if raw:
        rows.append((label, "all pages: app ÷ raw driver (one connection ÷ raw)",
                     f"{app / raw:.2f}× ({one / raw:.2f}×): {_s(app)} vs {_s(raw)}",
                     f"≤ {TARGETS['query_ratio']:g}×", _met(app / raw <= TARGETS["query_ratio"])))
    return rows


def reference_rows(reference: dict) -> list[Row]:
    rows = []
    for kpis, r in reference["kpis"].items():
        app, ref = r["app"], r["pandas"]
        speedup = ref["seconds"] / app["seconds"]
        share = app["added_rss_mb"] / ref["added_rss_mb"]
        rows.append(("reference", f"{kpis.capitalize()} KPIs: app vs all rows in pandas",
                     f"app {_s(app['seconds'])}, +{app['added_rss_mb']:,.0f} MB · pandas {_s(ref['seconds'])} "
                     f"(read {_s(ref['read_seconds'])}, group {_s(ref['compute_seconds'])}), "
                     f"+{ref['added_rss_mb']:,.0f} MB → {speedup:.1f}× faster, {share:.2f} of the memory",
                     f"≥ {TARGETS['speedup']:g}× · ≤ {TARGETS['memory_share']:g}",
                     f"{_met(speedup >= TARGETS['speedup'])} · {_met(share <= TARGETS['memory_share'])}"))
        rows.append(("reference", f"{kpis.capitalize()} KPIs: app cold vs pandas with rows already in memory",
                     f"{ref['compute_seconds'] / app['seconds']:.1f}× ({_s(app['seconds'])} vs "
                     f"{_s(ref['compute_seconds'])})", "", "—"))
        rows.append(("reference", f"{kpis.capitalize()} KPIs: same numbers both ways", "yes" if r["agree"] else
                     "**no**", "yes", _met(r["agree"])))
    return rows


def memory_rows(rss: dict, label: str = "memory") -> list[Row]:
    return [(label, "app process peak RSS while every page is visited (AppTest in one process, both filter sets)",
             f"{rss['peak_mb']:,.0f} MB", f"≤ {TARGETS['rss_mb']:g} MB", _met(rss["peak_mb"] <= TARGETS["rss_mb"]))]


def sentiment_rows(sentiment: dict, company: dict | None = None) -> list[Row]:
    """Three classes on the held-out human-rated split per scorer, against the issue's targets."""
    if sentiment.get("skipped"):
        return [("sentiment", "accuracy", f"skipped: {sentiment['skipped']}", "", "—")]
    rows = []
    n = sum(sentiment["held_out"].values())
    for name, s in sentiment["scorers"].items():
        held = s["held_out"]
        measured = (f"macro-F1 {held['macro_f1']:.3f} · accuracy {held['accuracy']:.3f} · r {held['pearson_r']:.3f}"
                    f" · {s['texts_per_second_one_core']:,.0f} texts/s on one core")
        target, ok = "", None
        if "held_out_fixed_bands" in s:
            fixed = s["held_out_fixed_bands"]["macro_f1"]
            measured += f" · with fixed ±0.05 bands {fixed:.3f}"
            target, ok = "calibrated > fixed ±0.05", held["macro_f1"] > fixed
        if name == "general":
            gain = sentiment["general_gain_over_vader_fixed"]
            measured += f" · {gain:+.3f} over VADER ±0.05"
            target, ok = "≥ +0.10 over VADER ±0.05", gain >= 0.10
        rows.append(("sentiment", f"{name}: 3 classes on {n:,} held-out human-rated sentences", measured, target,
                     _met(ok)))
    if company:
        rows += [
            ("sentiment", f"company scorer: training on {company['rated_comments_read']:,} rated comments "
             f"({company['learned_from']:,} labelled; cross-validation and comparisons included)",
             _s(company["train_seconds"]), "≤ 60 s", _met(company["train_seconds"] <= 60)),
            ("sentiment", f"company scorer: scoring {company['scored']:,} comments",
             f"{company['comments_per_second']:,} comments/s", "≥ 20,000/s",
             _met(company["comments_per_second"] >= 20_000)),
            ("sentiment", "company scorer: model size", f"{company['model_mb']:.1f} MB", "≤ 50 MB",
             _met(company["model_mb"] <= 50)),
            ("sentiment", "company scorer: matches customers' own scores (cross-validated)",
             f"{company['cv_accuracy']:.3f} · others: " + ", ".join(f"{k} {v:.3f}"
                                                                    for k, v in company["agreement"].items()),
             "", "—")]
    return rows


def report_rows(measured: dict | None) -> list[Row]:
    """The one-file HTML and the PDF of the default view, against the issue's targets."""
    rows: list[Row] = []
    for fmt, target in (("html", 5.0), ("pdf", 15.0)):
        got = (measured or {}).get(fmt) or {"skipped": "not measured"}
        if "skipped" in got:
            rows.append(("reports", f"{fmt.upper()} report, default view", f"skipped: {got['skipped']}", "", "—"))
            continue
        rows.append(("reports", f"{fmt.upper()} report, default view ({got['bytes'] / 2**20:.1f} MB)",
                     _s(got["seconds"]), f"≤ {target:g} s", _met(got["seconds"] <= target)))
    return rows


def rows(results: dict) -> list[Row]:
    """Every figure as (section, what, measured, target, met)."""
    out = [*load_rows(results.get("load"), "load"), *page_rows(results["pages"]["pages"]),
           *query_rows(results["pages"]["queries"]), *reference_rows(results["reference"]),
           *memory_rows(results["pages"]["rss"]), *sentiment_rows(results["sentiment"], results.get("company_scorer")),
           *report_rows(results.get("reports"))]
    postgres = results.get("postgres")
    if postgres:
        out += load_rows(postgres.get("load"), "postgres load")
        out += page_rows(postgres["pages"]["pages"], "postgres pages", TARGETS["postgres_cold"], warm=False)
        out += query_rows(postgres["pages"]["queries"], "postgres queries")
    elif "postgres_note" in results:
        out.append(("postgres", "PostgreSQL", results["postgres_note"], "", "—"))
    return out


def table(all_rows: list[Row]) -> str:
    lines = ["| section | what | measured | target | met |", "| --- | --- | --- | --- | --- |"]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in all_rows]
    return "\n".join(lines)


def markdown(results: dict) -> str:
    m = results["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v)
    return "\n".join([
        f"# CX Insight benchmark — scale {results['scale']}", "",
        f"{results['finished']} · {m['cores']} cores, {m['memory_gb']} GB, {m['platform']}, Python {m['python']} · "
        f"load average at start {m['load_average']}, at end {results.get('load_average_end')} · "
        f"{results['repeat']} repetitions per figure (median).", "", f"Versions: {versions}.", "",
        table(rows(results)), "",
        "Pages: AppTest from app.py switched to the page; cold = st.cache_data cleared before the run; default "
        "filters = last 12 months, narrow = tier Gold, last full quarter. Queries: the reads a page ran cold, "
        "replayed as data_access.cache runs them (a connection per read), on one connection, and as the captured "
        "SQL on the driver's own connection. See bench/README.md for what each figure means.", ""])


def write(results: dict, out: Path) -> str:
    """latest.md and latest.json in out; returns the Markdown."""
    results["finished"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    out.mkdir(parents=True, exist_ok=True)
    text = markdown(results)
    (out / "latest.md").write_text(text, encoding="utf-8")
    (out / "latest.json").write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")
    return text
