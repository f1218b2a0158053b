"""The Journey map's path explorer in AppTest: opens on the commonest start, follows the choice, stays readable."""

from __future__ import annotations

from collections import Counter

from tests.pages.conftest import decode, figures

PAGE = "pages/1_Journey_map.py"
TOP = 3  # the next steps each step shows, leaving among them; the rest is one Other node


def sankey_of(at) -> tuple[str, dict]:
    (title, figure), = ((t, f) for t, f in figures(at).items() if t.startswith("Customer paths"))
    return title, figure["data"][0]


def nodes_per_step(sankey: dict) -> Counter:
    return Counter(round(x, 3) for x in decode(sankey["node"]["x"]))


def test_the_path_explorer_opens_on_the_commonest_start_and_follows_the_choice(app_on, demo_url):
    at = app_on(demo_url, PAGE)
    assert not at.exception
    choice = at.selectbox(key="journey_paths_start")
    sizes = [int(option.split("(")[-1].split()[0].replace(",", "")) for option in choice.options]
    assert sizes == sorted(sizes, reverse=True) and choice.index == 0
    title, sankey = sankey_of(at)
    assert title == f"Customer paths from {choice.value}"
    assert sankey["node"]["label"][0] == f"{choice.value}  {sizes[0]:,}"
    assert max(nodes_per_step(sankey).values()) <= TOP + 1
    assert at.text[0].value.startswith("Step 2: ") and choice.value in at.text[0].value

    second = choice.options[1].rsplit(" (", 1)[0]
    at.selectbox(key="journey_paths_start").set_value(second).run()
    assert not at.exception
    title, changed = sankey_of(at)
    assert title == f"Customer paths from {second}"
    assert changed["node"]["label"][0] == f"{second}  {sizes[1]:,}"
    assert changed["node"]["label"] != sankey["node"]["label"]
    assert max(nodes_per_step(changed).values()) <= TOP + 1
    assert f"who started with {second} left the journey" in at.text[0].value

    at.sidebar.multiselect(key="filter_tier").select("Gold").run()  # the room narrows the view: the start holds
    assert not at.exception and sankey_of(at)[0] == f"Customer paths from {second}"
