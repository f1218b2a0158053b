"""Text that comes from a URL or from data is shown as text: no link, image or tag it carries is rendered."""

from __future__ import annotations

from datetime import date

from components.editor_state import plain
from components.filters import view_from_params
from components.theme import empty_figure, style


def test_chart_titles_show_names_from_data_as_text():
    fig = style(empty_figure("x"), "<a href='http://evil/'>Home</a> delivery", "region: <img src=x>")
    assert "<a href" not in fig.layout.title.text and "<img" not in fig.layout.title.text
    assert "&lt;a href='http://evil/'&gt;Home&lt;/a&gt; delivery" in fig.layout.title.text


def test_a_link_in_a_url_parameter_is_shown_as_characters():
    view = view_from_params({"period": ["[Click here to re-login](http://evil/)"], "region": ["![i](http://x/)"]},
                            (date(2025, 1, 1), date(2025, 12, 31)), {"regions": ("North",)})
    shown = [plain(notice) for notice in view.notices]
    assert shown[0].startswith("Unknown period '\\[Click here to re-login\\](http://evil/)'")
    assert any("!\\[i\\](http://x/)" in notice for notice in shown)  # no image without its bracket
