"""The report as Markdown tables a person can paste into a ticket or an e-mail; labels and formats from the metric
registry, so a heading or a number never reads differently here than on a page."""

from __future__ import annotations

import re
from typing import Any

from analytics.metrics import METRICS

TEXT_COLUMNS = ("stage", "touchpoint", "tier")
TOUCHPOINT_COLUMNS = ["stage", "touchpoint", "n", "nps", "nps_margin", "csat", "ces", "sentiment"]
TIER_COLUMNS = ["tier", "n", "nps", "nps_margin", "active_customers", "orders_per_customer", "average_order_value",
                "repeat_rate", "retention", "redemption_rate"]
SERVICE_METRICS = {"csat": "ticket_csat"}  # service report keys that name another registry metric


def _header(key: str, names: dict[str, str] | None = None) -> str:
    """A column's heading: the registry's label for a metric, ± for a margin, the name for the rest."""
    metric = METRICS.get((names or {}).get(key, key))
    if metric:
        return metric.label
    return "±" if key.endswith("_margin") else f"n ({key[:-2]})" if key.endswith("_n") else key.replace("_", " ")


def _fmt(value: Any, key: str, names: dict[str, str] | None = None) -> str:
    """A value in the registry's format for its metric (margins as the NPS margin, counts with separators)."""
    if value is None:
        return "–"
    metric = METRICS.get((names or {}).get(key, key))
    number_format = metric.number_format if metric else METRICS["nps"].margin_format if key.endswith("_margin") \
        else "{:,}" if isinstance(value, int) else "{}"
    return number_format.format(value)


def _table(rows: list[dict], columns: list[str]) -> list[str]:
    lines = ["| " + " | ".join(_header(k) for k in columns) + " |",
             "| " + " | ".join("---" if k in TEXT_COLUMNS else "--:" for k in columns) + " |"]
    for row in rows:
        cells = [_fmt(row[k], k) + (" (low n)" if k == "touchpoint" and row["low_n"] else "") for k in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _statement(line: dict) -> str:
    """One brief line as a list item, a link where it has a URL (brackets in the text escaped so it stays one)."""
    if not line["url"]:
        return f"- {line['text']}"
    text = re.sub(r"([\\\[\]])", r"\\\1", line["text"])
    return f"- [{text}]({line['url']})"


def brief_block(lines: list[dict], rule: str, hint: str) -> list[str]:
    """The "What changed" section: the statements, then the rule that decides what counts and how to get links."""
    notes = [note for note in (rule, hint) if note]
    return ["## What changed", "", *map(_statement, lines), *(part for note in notes for part in ("", note)), ""]


def to_markdown(report: dict, brief: list[str] | None = None) -> str:
    """The report as Markdown tables a person can paste into a ticket or an e-mail, after the brief if given."""
    o = report["overall"]
    headline = ", ".join(f"{METRICS[k].name} {_fmt(o[k], k)}" + (f" ± {_fmt(o['nps_margin'], 'nps_margin')}"
                                                                  if k == "nps" else "")
                         for k in ("nps", "csat", "ces", "sentiment"))
    lines = [f"# CX report {report['period']['from']} to {report['period']['to']}", "",
             f"{headline} (n = {o['n']}; scorer: {report['sentiment_scorer']})", "", *(brief or []),
             "## By touchpoint", "",
             *_table(report["by_touchpoint"], TOUCHPOINT_COLUMNS), "", "## By tier", "",
             *_table(report["by_tier"], TIER_COLUMNS), "", "## Loyalty, all customers", "",
             *_block(report["loyalty"]), "", "## Service", "", *_block(report["service"], SERVICE_METRICS)]
    return "\n".join(lines) + "\n"


def _block(values: dict, names: dict[str, str] | None = None) -> list[str]:
    """One block of overall figures as a two-column table, labelled and formatted by the registry."""
    return ["| measure | value |", "| --- | --: |", *(f"| {_header(key, names)} | {_fmt(value, key, names)} |"
                                                    for key, value in values.items())]
