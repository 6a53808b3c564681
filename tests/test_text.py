"""The report's words: escaping that leaves plain text readable, and numbers as a reader says them."""

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mcsim.i18n import speaking
from mcsim.inputs.claims import Claim
from mcsim.report.text import condition, count, fixed, md_text, money, number, p_value, percent


@pytest.mark.parametrize("plain", ["break_even_users <= 6e6", "margin per user <= 0", "a < b and c > d",
                                   "AT&T", "snake_case_name", "5 % of 100"])
def test_plain_text_is_left_as_it_is(plain):
    assert md_text(plain) == plain


@pytest.mark.parametrize(("text", "shown"), [
    ("<script>x</script>", "&lt;script>x&lt;/script>"), ("<b>", "&lt;b>"), ("<1@x.org>", "&lt;1@x.org>"),
    ("&lt;", "&amp;lt;"), ("_x_", "\\_x\\_"), ("a_b_", "a_b\\_"), ("*x*", "\\*x\\*"), ("a | b", "a \\| b")])
def test_what_would_act_is_escaped(text, shown):
    assert md_text(text) == shown
    html = markdown.markdown(md_text(text), extensions=["tables"])
    assert "<em>" not in html and "<b>" not in html and "<script>" not in html and "<a " not in html


@pytest.mark.parametrize(("value", "said"), [
    (6e6, "6 million"), (52.5e6, "52.5 million"), (5_411_365, "5.41 million"), (999_960_000, "1 billion"),
    (2.5e9, "2.5 billion"), (42_678, "42,678"), (312.5, "312"), (11.6667, "11.7"), (0, "0"),
    (-4.35e6, "\u22124.35 million"), (float("inf"), "never")])
def test_counts_in_words(value, said):
    assert count(value) == said


def test_more_digits_where_they_are_meant():
    assert count(5_833_333, digits=7) == "5.833333 million"
    assert count(6e6, digits=7) == "6 million"
    assert count(312.5, digits=4) == "312.5"
    assert money(64.8e6, digits=4) == "$64.80 million" and money(0.003818, digits=4) == "$0.003818"


@pytest.mark.parametrize(("value", "said"), [
    (39_962_451, "$40.0 million"), (64.8e6, "$64.8 million"), (540e6, "$540 million"), (12_345.6, "$12,346"),
    (19.5, "$19.5"), (0.003818, "$0.00382"), (0.0000123, "$0.0000123"), (-4.35e6, "\u2212$4.35 million")])
def test_money_in_words(value, said):
    assert money(value) == said


def test_a_negative_number_has_a_minus_sign_and_one_that_reads_as_zero_has_none():
    """U+2212, not a hyphen, in both languages and every format; "-0.0 %" for a share a little below zero was read as
    a negative share."""
    assert [number(-4.2), fixed(-0.25, 2), percent(-0.05), money(-12.5)] == [
        "\u22124.2", "\u22120.25", "\u22125.0 %", "\u2212$12.5"]
    assert [percent(-1e-7), fixed(-0.0001, 2), number(-0.0)] == ["0.0 %", "0.00", "0"]
    with speaking("fr"):
        assert [fixed(-0.25, 2), count(-1234.5)] == ["\u22120,25", "\u22121\u202f234"]


def test_no_e_notation_in_numbers_for_prose():
    for value in (1.5e-7, 3e-4, 1e15, 123456789012.0):
        assert "e" not in count(value).replace("trillion", "").replace("million", "") and "e+" not in money(value)


def test_p_values():
    assert p_value(1.3e-155) == "< 1\u202f×\u202f10⁻¹⁰"
    assert p_value(0.013) == "0.013" and p_value(3.2e-7) == "3.2\u202f×\u202f10⁻⁷"
    assert p_value(float("nan")) == ""


def test_a_power_of_ten_is_written_as_one_in_each_language_and_in_latex():
    """Python's e-notation (7.924e-05) is no way to print a number in a report: the same number in prose, tables and
    LaTeX is 7.924 × 10⁻⁵ (7,924 × 10⁻⁵ in French), its exponent raised in LaTeX."""
    from mcsim.i18n import general, speaking
    from mcsim.report.latex import tex_text

    assert number(7.924e-05) == "7.924\u202f×\u202f10⁻⁵" and general(2.5e-12, 2) == "2.5\u202f×\u202f10⁻¹²"
    assert general(0.002) == "0.002" and general(123.4) == "123.4"  # no power where g writes none
    with speaking("fr"):
        assert number(7.924e-05) == "7,924\u202f×\u202f10⁻⁵"
    assert tex_text(number(7.924e-05)) == r"7.924\,$\times$\,10\textsuperscript{$-$}\textsuperscript{5}"


def test_a_label_that_says_its_unit_is_not_followed_by_it():
    def claim(op, value, users=None):
        return Claim("c", "", "x", op, value, at=users, grid="users" if users is not None else None)

    users = "break-even monthly users"
    assert condition("Break-even monthly users", "users", claim("<=", 6e6)) == f"{users} at most 6 million"
    assert condition("Surplus", "USD per month", claim(">", 0, users=5e7)) == "surplus at 50 million users above $0"
    assert condition("Payback", "months", claim(">=", 18)) == "payback at least 18 months"
    assert condition("GPU hours", "hours", claim("<", 1.5e6)) == "GPU hours below 1.5 million"
    assert condition("Break-even monthly users", "users", Claim("c", "", "x", "between", low=4.5e6, high=7.5e6)) == \
        "break-even monthly users between 4.5 million and 7.5 million"


# --- one rule for numbers in every language ----------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(0, 6), st.booleans())
def test_a_french_number_is_the_english_one_with_french_marks(value, places, grouped):
    """A number is rounded once, the same in every language: French only changes the marks (99.315 to two places
    was 99.31 in English and 99,32 in French, Babel rounding the decimal text where Python rounds the number)."""
    from mcsim.i18n import decimal, speaking

    english = decimal(value, places, grouped=grouped)
    with speaking("fr"):
        french = decimal(value, places, grouped=grouped)
    assert french == english.translate({ord(","): "\u202f", ord("."): ","})


@pytest.mark.parametrize(("value", "digits", "said", "short", "french"), [
    (12_500_000.0, 3, "12.5 million", "12.5 M", "12,5 millions"), (0.0038211, 3, "0.00382", "0.00382", "0,00382"),
    (42_678.0, 3, "42,678", "42.7 k", "42\u202f678"), (1234.5, 3, "1,234", "1.23 k", "1\u202f234"),
    (99.315, 4, "99.31", "99.3", "99,31"), (1e6, 3, "1 million", "1 M", "1 million")])
def test_prose_and_ticks_round_a_number_alike(value, digits, said, short, french):
    """Prose (count) and a figure's ticks (compact) take their significant digits from one rule, the same in
    French (99.315 was 99,32 there)."""
    from mcsim.i18n import speaking
    from mcsim.report.ticks import compact

    assert count(value, digits) == said and compact(value, "", 3) == short
    with speaking("fr"):
        assert count(value, digits) == french


def test_an_input_without_a_label_is_said_in_words():
    """A model of one's own whose priors give no labels reads 'the tokens per user is below ...', not 'the
    tokens_per_user is below ...'; a label given is kept as it is."""
    from types import SimpleNamespace

    from mcsim.report.text import input_label, lower_first, output_label

    assert lower_first(input_label(SimpleNamespace(name="tokens_per_user", label="", label_fr=None))) == \
        "tokens per user"
    assert input_label(SimpleNamespace(name="x", label="Total training cost", label_fr=None)) == "Total training cost"
    assert output_label(SimpleNamespace(name="monthly_profit", label="")) == "Monthly profit"


@pytest.mark.parametrize(("interval", "places"), [
    ((0.4364, 0.4383), 3), ((0.5446, 0.5749), 2), ((0.0644, 0.0653), 4), ((0.5, 0.5), 4), ((0.0, 0.03), 2),
    ((0.2, 0.6), 2)])
def test_an_estimate_is_written_to_the_decimals_its_interval_allows(interval, places):
    """A claim's probability over 4,096 samples was written 0.5598 (0.5446 to 0.5749): two digits surer than it is.
    The decimals follow the interval's width, not where its ends happen to round: 0.0648 (0.0644 to 0.0653), not
    0.06 (0.06 to 0.07)."""
    from mcsim.i18n import interval_places
    from mcsim.report.text import estimate

    assert interval_places(*interval) == places
    p, low, high = estimate(sum(interval) / 2, interval)
    assert len(low.split(".")[1]) == places and len(high.split(".")[1]) == places and len(p.split(".")[1]) == places
    with speaking("fr"):
        assert estimate(0.5598, (0.5446, 0.5749)) == ("0,56", "0,54", "0,57")
