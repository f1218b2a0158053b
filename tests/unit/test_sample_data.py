"""The demo company is deterministic and the bundled CSVs are exactly the generator's output."""

import pandas as pd

from data_access.contracts import DATASETS
from sample_data import generate
from tests.conftest import ROOT


def test_bundled_csvs_are_the_generator_output_at_the_default_seed(tmp_path):
    generate.write_csvs(generate.generate("small", generate.DEFAULT_SEED), tmp_path)
    for name in generate.FRAMES:
        assert (tmp_path / f"{name}.csv").read_bytes() == (ROOT / "sample_data" / f"{name}.csv").read_bytes(), name


def test_every_frame_has_exactly_its_contract_columns():
    frames = generate.generate("small", 7)
    assert set(frames) == set(DATASETS)
    for name, frame in frames.items():
        assert list(frame.columns) == [c.name for c in DATASETS[name].columns]


def test_a_different_seed_gives_different_data_of_the_same_size():
    a, b = generate.generate("small", 1)["survey"], generate.generate("small", 2)["survey"]
    assert len(a) == len(b) == generate.SCALES["small"].responses
    assert not a["nps"].equals(b["nps"])


def test_comments_on_about_a_third_and_varied():
    survey = pd.read_csv(ROOT / "sample_data" / "survey.csv")
    share = survey["comment"].notna().mean()
    assert 0.28 < share < 0.38
    assert survey["comment"].nunique() > 3000
