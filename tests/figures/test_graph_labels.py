"""mlp.figures.graph_labels: node labels in the lecture's notation."""

from mlp.figures.graph_labels import (
    bar_html,
    bar_tex,
    bar_text,
    bar_unicode,
    label_html,
    label_tex,
    label_unicode,
    op_symbol,
)


def test_labels() -> None:
    assert label_tex("w1_12") == "w^{(1)}_{12}"
    assert label_tex("z2") == "z_{2}"
    assert label_tex("L") == "\\mathcal{L}"
    assert label_tex("exp(xy)") == "\\mathrm{exp(xy)}"
    assert label_tex("a{b}") == "\\mathrm{?}"  # nothing unsafe reaches the math parser
    assert label_html("b2_1") == "<i>b</i><sup>(2)</sup><sub>1</sub>"
    assert label_html("a<b") == "a&lt;b"
    assert label_html("L") == "ℒ"
    assert label_unicode("w1_12") == "w⁽¹⁾₁₂"
    assert label_unicode("z2", bar=True) == "z\u0305₂"
    assert label_unicode("L") == "ℒ"


def test_bars() -> None:
    assert bar_text("y") == "bar(y)"
    assert bar_tex("z2") == "\\overline{z_{2}}"
    assert "overline" in bar_html("h1") and "<sub>1</sub>" in bar_html("h1")


def test_unicode_bars_and_operations() -> None:
    assert bar_unicode("z1") == "z\u0305₁"
    assert op_symbol("*") == "×" and op_symbol("exp") == "exp"
