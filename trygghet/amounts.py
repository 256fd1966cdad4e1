"""Swedish amounts: parse what officials type, format what they read.

Amounts are stored as integer kronor. Every form, import, table, export and document
goes through this module, so "1,6 mkr", "1 600 tkr" and "1 600 000 kr" mean the same
everywhere and nothing is ever a float.
"""

import re
from decimal import Decimal, InvalidOperation

# Kronor per unit. mkr and mnkr are two spellings of the same unit.
UNIT_FACTORS: dict[str, int] = {"kr": 1, "tkr": 1_000, "mkr": 1_000_000, "mnkr": 1_000_000}

# Spellings officials use for the units, mapped to the unit they mean.
_UNIT_ALIASES = {
    "kr": "kr",
    "kronor": "kr",
    ":-": "kr",
    "sek": "kr",
    "tkr": "tkr",
    "tusen kronor": "tkr",
    "tusen kr": "tkr",
    "mkr": "mkr",
    "mnkr": "mkr",
    "msek": "mkr",
    "miljoner kronor": "mkr",
    "miljoner kr": "mkr",
    "miljoner": "mkr",
}

# Thin, normal and non-breaking spaces group thousands in Swedish.
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_AMOUNT = re.compile(r"^(?P<number>[+-]?[0-9][0-9 ]*(?:[.,][0-9]+)?)\s*(?P<unit>[^\W\d_].*|:-)?$")
_GROUPED = re.compile(r"^[0-9]{1,3}( [0-9]{3})*$")

NBSP = "\u00a0"
# Negative amounts (a difference, what is left of a frame when proposals exceed it) are
# written with the real minus sign, as the page's running total writes them too.
MINUS = "\u2212"

# A bare whole number above this many kronor in the default unit is read as kronor.
BARE_NUMBER_LIMIT = 1_000_000_000


class AmountError(ValueError):
    """A typed amount that cannot be read; the message is Swedish and shown to the user."""


def parse_amount(text: str, *, default_unit: str) -> int:
    """Read an amount as officials type it and return integer kronor.

    A bare number is in `default_unit` (the organisation's unit, or the unit chosen
    for an import file), except that a whole number that would then exceed one
    billion kronor is read as kronor: "1 600 000" and "600 000" typed where the unit
    is mkr mean kronor, never 600 000 mkr.
    """
    # A minus sign pasted from a document is read as the hyphen-minus it means.
    cleaned = _SPACES.sub(" ", (text or "").strip()).replace(MINUS, "-")
    if not cleaned:
        raise AmountError("Ange ett belopp.")
    match = _AMOUNT.match(cleaned)
    if not match:
        raise AmountError(
            f"”{text.strip()}” är inte ett belopp. Skriv till exempel 1,6 eller 1 600 tkr."
        )
    number_text = match.group("number").strip()
    unit_text = (match.group("unit") or "").strip().lower().rstrip(".")

    if unit_text:
        unit = _UNIT_ALIASES.get(unit_text)
        if unit is None:
            raise AmountError(
                f"Okänd enhet ”{match.group('unit').strip()}”. Använd kr, tkr eller mkr."
            )
    else:
        unit = None

    if number_text.startswith("-"):
        raise AmountError("Beloppet kan inte vara negativt.")
    number_text = number_text.lstrip("+")

    integer_part, _, decimal_part = number_text.replace(".", ",").partition(",")
    integer_part = integer_part.strip()
    if " " in integer_part and not _GROUPED.match(integer_part):
        raise AmountError(
            f"”{text.strip()}” är inte ett belopp. Skriv till exempel 1,6 eller 1 600 tkr."
        )
    digits = integer_part.replace(" ", "")

    if unit is None:
        unit = _normal_unit(default_unit)
        if not decimal_part and int(digits) * UNIT_FACTORS[unit] > BARE_NUMBER_LIMIT:
            unit = "kr"

    try:
        value = Decimal(f"{digits}.{decimal_part or '0'}")
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
        raise AmountError(f"”{text.strip()}” är inte ett belopp.") from exc

    kronor = value * UNIT_FACTORS[unit]
    if kronor != kronor.to_integral_value():
        raise AmountError(
            f"För många decimaler: {format_plain(value)} {unit} är inte ett helt antal kronor."
        )
    return int(kronor)


def _normal_unit(unit: str) -> str:
    if unit not in UNIT_FACTORS:
        raise ValueError(f"unknown unit {unit!r}")
    return "mkr" if unit == "mnkr" else unit


def format_plain(value: Decimal) -> str:
    """A Decimal with a decimal comma and no grouping, e.g. for error messages."""
    return format(value.normalize(), "f").replace(".", ",")


def format_amount(kronor: int | None, unit: str, *, min_decimals: int | None = None) -> str:
    """Format kronor in `unit` the way the documents do.

    One decimal for mkr ("1,6", "5,0"), more only when needed ("0,09", "4,29");
    whole numbers for kr and tkr unless more are needed; thousands grouped
    with a non-breaking space ("1 600"); a negative amount with a minus sign ("−0,2").
    """
    if kronor is None:
        return ""
    factor = UNIT_FACTORS[unit]
    if min_decimals is None:
        min_decimals = 1 if factor >= 1_000_000 else 0
    value = Decimal(kronor) / factor
    decimals = min_decimals
    while value != round(value, decimals):
        decimals += 1
    sign = MINUS if value < 0 else ""
    text = f"{abs(value):.{decimals}f}"
    integer_part, _, decimal_part = text.partition(".")
    grouped = f"{int(integer_part):,}".replace(",", NBSP)
    return sign + grouped + ("," + decimal_part if decimal_part else "")


def format_amount_with_unit(kronor: int | None, unit: str) -> str:
    if kronor is None:
        return ""
    return f"{format_amount(kronor, unit)}{NBSP}{unit}"
