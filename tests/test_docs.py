"""The data contract page is generated from the contract registry and must match it."""

from data_access.contracts import DATASETS, render_markdown
from tests.conftest import ROOT


def test_data_contract_doc_is_up_to_date():
    committed = (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    assert committed == render_markdown(), "run: python cli.py contract > docs/data-contract.md"


def test_the_doc_names_every_column_of_every_dataset():
    text = render_markdown()
    for contract in DATASETS.values():
        for column in contract.columns:
            assert f"| `{column.name}` |" in text


def test_metrics_doc_holds_the_registry_as_generated():
    from analytics.metrics import render_markdown as metrics_markdown

    committed = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    start, end = "do not edit between these markers -->\n", "<!-- end of generated part -->"
    generated = committed[committed.index(start) + len(start):committed.index(end)]
    assert generated == metrics_markdown(), "run: python cli.py metrics, and paste it between the markers"
