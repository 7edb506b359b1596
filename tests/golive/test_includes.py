from typing import Any

import pytest
from django import forms
from django.template.loader import render_to_string
from django.test.html import parse_html

from golive.charts import Chart, Marker, Series
from golive.forms import QuickSelect


def test_a_chart_renders_its_figures_as_a_table_and_a_data_island():
    chart = Chart(
        dom_id="orders",
        title="Orders per day",
        labels=["2026-03-01", "2026-03-02"],
        series=[Series("Pathology", [12, None]), Series("Radiology", [3, 4])],
        markers=[Marker("2026-03-02", "Order-set change")],
    )

    html = render_to_string("_chart.html", {"chart": chart})

    assert 'data-golive-chart="orders-data"' in html
    assert '<script id="orders-data" type="application/json">' in html
    assert '"markers": [{"at": "2026-03-02", "text": "Order-set change"}]' in html
    assert '<th scope="row" class="nhsuk-table__header">2026-03-01</th>' in html
    assert html.count("nhsuk-table__cell--numeric") == 4
    assert "–" in html  # the missing value is shown as a dash, not "None"


def test_a_series_with_the_wrong_number_of_values_is_refused():
    with pytest.raises(ValueError, match="has 1 values for 2 labels"):
        Chart(dom_id="x", title="X", labels=["a", "b"], series=[Series("s", [1])])


def test_chart_titles_are_escaped_in_the_page_and_the_data_island():
    chart = Chart(dom_id="x", title="<b>X</b>", labels=["</script>"], series=[Series("s", [1])])

    html = render_to_string("_chart.html", {"chart": chart})

    assert "<b>X</b>" not in html
    assert "</script><" not in html.split('type="application/json">')[1].split("</script>")[0]


def test_chart_table_labels_are_escaped_and_figures_shown_as_the_template_showed_them():
    chart = Chart(
        dom_id="x",
        title="X",
        labels=['<img src=x onerror="alert(1)">', "2026-03-02"],
        series=[Series("s", [12.5, None]), Series("t", [3, 0.0])],
    )

    body = str(chart.table_body())

    assert "<img" not in body
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in body
    cells = [part.split("</td>")[0] for part in body.split('numeric">')[1:]]
    assert cells == ["12.5", "3", "–", "0.0"]


def test_the_pagination_include_prints_no_comment_text() -> None:
    html = render_to_string("_pagination.html", {"page": None})

    assert "Needs:" not in html


def test_the_quick_select_draws_the_same_markup_as_djangos_select() -> None:
    choices = [("", "All <areas>"), ("1", 'Ward "7B" & co'), ("Site", [("2", "A"), ("3", "B")])]

    class Filters(forms.Form):
        slow = forms.ChoiceField(choices=choices, required=False, help_text="Pick one")
        quick = forms.ChoiceField(
            choices=choices, required=False, help_text="Pick one", widget=QuickSelect
        )

    form = Filters({"slow": "2", "quick": "2"})
    form.is_valid()

    def drawn(name: str) -> Any:
        html = form[name].as_widget(attrs={"class": "nhsuk-select"})
        return parse_html(html.replace(name, "field"))

    assert drawn("quick") == drawn("slow")
    assert "&lt;areas&gt;" in str(form["quick"])
