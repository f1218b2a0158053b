"""How well each sentiment scorer reads people, in one line a manager understands, and as a comparison table.

Two yardsticks: held-out human-rated sentences (analytics/models/sentiment.json: the right class out of
negative, neutral and positive, and macro-F1, which weighs the three classes equally), and, once a company
scorer is trained, agreement with the company's own customers' scores (NPS 0-6 negative, 9-10 positive) on
comments none of the scorers learned from. No Streamlit, no SQL.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from analytics.sentiment import COMPANY, FIXED_BANDS, SCORERS


def _share(value: float) -> str:
    return f"{value:.0%}"


def scorer_line(name: str, company: dict | None = None, trained_at: datetime | None = None) -> str:
    """'name: what it is measured on and how well', or a plain name when it was never measured."""
    if name == COMPANY and company:
        when = f" on {trained_at:%d %b %Y}" if trained_at else ""
        others = company.get("agreement", {})
        best = max(others, key=others.get) if others else None
        versus = f"; best other scorer, {best}: {_share(others[best])}" if best else ""
        return (f"**company** – trained{when} on {company['rated_comments']:,} of your rated comments: matches "
                f"the customer's own score on {_share(company['cv_accuracy'])} of comments it did not learn from "
                f"({company['cv_folds']}-fold cross-validation{versus}); macro-F1 "
                f"{company['held_out']['macro_f1']:.2f} on held-out human-rated sentences.")
    figures = SCORERS[name].figures if name in SCORERS else {}
    held = figures.get("held_out")
    if not held:
        return f"**{name}** – not measured."
    line = (f"**{name}** – right class (negative, neutral, positive) for {_share(held['accuracy'])} of "
            f"{held['n']:,} held-out human-rated sentences (macro-F1 {held['macro_f1']:.2f}")
    fixed = figures.get("held_out_fixed_bands")
    if fixed:
        low, high = figures["bands"]
        line += (f"; bands fitted at {low:+.2f} / {high:+.2f}, where the usual ±{FIXED_BANDS[1]} gave "
                 f"{fixed['macro_f1']:.2f}")
    return line + ")."


def comparison(company: dict | None = None) -> pd.DataFrame:
    """Every scorer side by side: held-out accuracy and macro-F1, and agreement with the company's customers."""
    agreement = (company or {}).get("agreement", {})
    rows = [{"scorer": name, "kind": scorer.kind,
             "held_out_accuracy": scorer.figures.get("held_out", {}).get("accuracy"),
             "held_out_macro_f1": scorer.figures.get("held_out", {}).get("macro_f1"),
             "agrees_with_customers": agreement.get(name)} for name, scorer in SCORERS.items()]
    if company:
        rows.append({"scorer": COMPANY, "kind": "learned (yours)",
                     "held_out_accuracy": company["held_out"]["accuracy"],
                     "held_out_macro_f1": company["held_out"]["macro_f1"],
                     "agrees_with_customers": company["cv_accuracy"]})
    return pd.DataFrame(rows)
