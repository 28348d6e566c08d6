"""The server-drawn charts' geometry: labels that stay apart on a phone."""

from dashboard.charts import MAX_XTICKS, Series, bar_chart


def test_bar_chart_labels_at_most_seven_ending_on_the_latest():
    labels = [f"w{i}" for i in range(13)]
    chart = bar_chart(labels, [Series("产生", "raised", [float(i) for i in range(13)])])
    shown = [t["label"] for t in chart["xticks"]]
    assert len(shown) <= MAX_XTICKS and shown[-1] == "w12" and shown == ["w0", "w2", "w4", "w6", "w8", "w10", "w12"]
    assert len(chart["bars"]) == 12  # every non-zero bar is drawn, labelled or not


def test_few_bars_keep_every_label():
    chart = bar_chart(["一月", "二月", "三月"], [Series("红", "red", [1.0, 2.0, 3.0])], stacked=True)
    assert [t["label"] for t in chart["xticks"]] == ["一月", "二月", "三月"]
