"""The Data page's sentiment section: the company scorer's state, training it, and re-scoring stored comments."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from analytics.scorer_accuracy import scorer_line
from analytics.sentiment import COMPANY, DEFAULT_SCORER, SCORERS


@dataclass(frozen=True)
class SentimentAction:
    train: bool
    rescore_with: str | None


def sentiment_section(company: dict | None, stored_scorers: list[str]) -> SentimentAction:
    """What the scorers are now, and the two buttons that change them."""
    st.header("Sentiment scorers")
    used = ", ".join(stored_scorers) or "none yet"
    st.caption(f"Stored comments are scored by: {used}. Every stored comment can be scored again by another "
               "scorer in one step (all or nothing).")
    if company:
        st.markdown(scorer_line(COMPANY, company["figures"], company["trained_at"]))
        if company["stale"]:
            st.warning("Your rated comments changed by more than a quarter since the company scorer was trained: "
                       "imports and re-scores asking for it use the general scorer until you train it again.")
    else:
        st.markdown("**company** – not trained yet. It learns your own vocabulary from the comments your customers "
                    "wrote next to an NPS of 0-6 (negative) or 9-10 (positive), or a CSAT of 1-2 or 5.")
    train_column, pick_column, rescore_column = st.columns([1.3, 1.4, 1], vertical_alignment="bottom")
    train = train_column.button("Train the company scorer", key="data_train_scorer", icon=":material/model_training:",
                                help="About a minute for 300,000 rated comments. Nothing is re-scored until you "
                                     "choose to.")
    choices = [DEFAULT_SCORER, *(name for name in SCORERS if name != DEFAULT_SCORER)] + ([COMPANY] if company else [])
    chosen = pick_column.selectbox("Re-score every stored comment with", choices, key="data_rescore_scorer")
    rescore = rescore_column.button("Re-score", key="data_rescore", help="Scores every distinct comment and ticket "
                                    "text again, in one transaction: on failure nothing changes.")
    return SentimentAction(train, chosen if rescore else None)
