from decimal import Decimal

import pytest

from tests.amount_cases import AMOUNT_CASES
from trygghet.amounts import AmountError, format_amount, format_amount_with_unit, parse_amount


@pytest.mark.parametrize(
    ("typed", "kronor"),
    [
        ("1,6", 1_600_000),
        ("1,6 mkr", 1_600_000),
        ("1,6 mnkr", 1_600_000),
        ("1 600 tkr", 1_600_000),
        ("1\u00a0600 tkr", 1_600_000),
        ("1 600 000", 1_600_000),
        ("1600000 kr", 1_600_000),
        ("600 000", 600_000),
        ("1 000", 1_000_000_000),
        ("1.6", 1_600_000),
        ("0,09", 90_000),
        ("0", 0),
        ("5", 5_000_000),
        ("  2,5  MKR ", 2_500_000),
        ("1,5 miljoner kronor", 1_500_000),
        ("250 tusen kronor", 250_000),
    ],
)
def test_parse_reads_what_officials_type(typed, kronor):
    assert parse_amount(typed, default_unit="mkr") == kronor


def test_a_bare_number_is_in_the_default_unit():
    assert parse_amount("1 600", default_unit="tkr") == 1_600_000
    assert parse_amount("1600", default_unit="kr") == 1_600
    assert parse_amount("600 000", default_unit="tkr") == 600_000_000
    assert parse_amount("1 600 000", default_unit="tkr") == 1_600_000


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1,6,0", "”1,6,0” är inte ett belopp"),
        ("abc", "”abc” är inte ett belopp"),
        ("", "Ange ett belopp."),
        ("-1,6", "Beloppet kan inte vara negativt."),
        ("\u22121,6", "Beloppet kan inte vara negativt."),
        ("1,2345678", "För många decimaler: 1,2345678 mkr är inte ett helt antal kronor."),
        ("1,5 kr", "Ören sparas inte: skriv 1 kr."),
        ("1,6 dkr", "Okänd enhet ”dkr”. Använd kr, tkr eller mkr."),
        ("1 60 000", "”1 60 000” är inte ett belopp"),
    ],
)
def test_parse_refuses_with_a_swedish_message(typed, message):
    with pytest.raises(AmountError) as error:
        parse_amount(typed, default_unit="mkr")
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("kronor", "unit", "shown"),
    [
        (1_600_000, "mkr", "1,6"),
        (5_000_000, "mkr", "5,0"),
        (90_000, "mkr", "0,09"),
        (4_290_000, "mkr", "4,29"),
        (0, "mkr", "0,0"),
        (112_100_000, "mnkr", "112,1"),
        (1_600_000, "tkr", "1\u00a0600"),
        (1_234_567, "tkr", "1\u00a0234,567"),
        (1_600_000, "kr", "1\u00a0600\u00a0000"),
        (-200_000, "mkr", "\u22120,2"),
        (-1_600_000, "tkr", "\u22121\u00a0600"),
        (None, "mkr", ""),
    ],
)
def test_format_writes_as_the_documents_do(kronor, unit, shown):
    assert format_amount(kronor, unit) == shown


def test_format_with_unit():
    assert format_amount_with_unit(5_000_000, "mkr") == "5,0\u00a0mkr"


def test_format_and_parse_round_trip_exactly():
    for kronor in [1, 999, 1_000, 123_456_789, 4_290_000]:
        shown = format_amount(kronor, "mkr")
        assert parse_amount(shown + " mkr", default_unit="kr") == kronor
    assert isinstance(parse_amount("1,6", default_unit="mkr"), int)
    assert Decimal(parse_amount("0,09", default_unit="mkr")) == Decimal(90_000)


@pytest.mark.parametrize(("typed", "unit", "kronor"), AMOUNT_CASES)
def test_the_shared_cases(typed, unit, kronor):
    """The cases the browser's running total is tested with too."""
    if kronor is None:
        with pytest.raises(AmountError):
            parse_amount(typed, default_unit=unit)
    else:
        assert parse_amount(typed, default_unit=unit) == kronor


@pytest.mark.parametrize(
    ("typed", "unit", "message"),
    [
        # A sum of kronor with öre, typed where the unit is mkr, was stored as 1,6 million mkr.
        ("1 600 000,50", "mkr", "Ören sparas inte: skriv 1 600 000 kr eller 1,6 mkr."),
        ("1.600.000,50", "mkr", "Ören sparas inte: skriv 1 600 000 kr eller 1,6 mkr."),
        ("1 600 000,50 kr", "mkr", "Ören sparas inte: skriv 1 600 000 kr."),
        # A dot before three digits is a decimal point to some and a thousands separator
        # to others: 1,6 mkr was read where 1 600 was meant.
        ("1.600", "mkr", "Menar du 1,6 mkr eller 1 600 kr?"),
        ("1.600 tkr", "mkr", "Menar du 1,6 tkr eller 1 600 tkr?"),
        # told in the organisation's own spelling of its unit
        ("1.600", "mnkr", "Menar du 1,6 mnkr eller 1 600 kr?"),
        ("12.500", "tkr", "Menar du 12,5 tkr eller 12 500 tkr?"),
        ("999 999 999 999 mkr", "mkr", "inget belopp kan vara mer än 100 000 000 000 kr"),
        ("9223372036854775807", "mkr", "inget belopp kan vara mer än 100 000 000 000 kr"),
    ],
)
def test_a_guess_or_an_impossible_amount_is_refused_with_a_suggestion(typed, unit, message):
    with pytest.raises(AmountError) as error:
        parse_amount(typed, default_unit=unit)
    assert message in str(error.value).replace("\u00a0", " ")
