"""Swedish amounts: parse what officials type, format what they read.

Amounts are stored as integer kronor. Every form, import, table, export and document
goes through this module, so "1,6 mkr", "1 600 tkr" and "1 600 000 kr" mean the same
everywhere and nothing is ever a float.
"""

import re
from decimal import Decimal

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
_AMOUNT = re.compile(r"^(?P<number>[+-]?[0-9][0-9 .]*(?:,[0-9]+)?)\s*(?P<unit>[^\W\d_].*|:-)?$")
# Thousands grouped by spaces ("1 600 000") or, as some spreadsheets write, by dots.
_GROUPED = {
    " ": re.compile(r"^[0-9]{1,3}( [0-9]{3})*$"),
    ".": re.compile(r"^[0-9]{1,3}(\.[0-9]{3})*$"),
}
# "1.600" is 1,6 or 1 600 depending on the writer; the group must not start with 0.
_DOT_GROUP = re.compile(r"^[1-9][0-9]{0,2}\.[0-9]{3}$")

NBSP = "\u00a0"
# Negative amounts (a difference, what is left of a frame when proposals exceed it) are
# written with the real minus sign, as the page's running total writes them too.
MINUS = "\u2212"

# A bare whole number above this many kronor in the default unit is read as kronor.
BARE_NUMBER_LIMIT = 1_000_000_000
# No single amount a municipality types is larger (100 miljarder kr): this keeps every sum
# of amounts far inside a 64-bit integer, on SQLite and PostgreSQL alike.
AMOUNT_CEILING = 100_000_000_000


# An amount more than this many times the frame it is part of is a mistyped unit, not a plan.
FRAME_MULTIPLE_LIMIT = 10


class AmountError(ValueError):
    """A typed amount that cannot be read; the message is Swedish and shown to the user."""


def amount_rules() -> dict:
    """What the browser's running total needs to read amounts as this module does
    (served next to the form with `json_script`; static/js/amounts.js reads it)."""
    return {
        "factors": UNIT_FACTORS,
        "aliases": _UNIT_ALIASES,
        "bareNumberLimit": BARE_NUMBER_LIMIT,
        "ceiling": AMOUNT_CEILING,
    }


def parse_amount(text: str, *, default_unit: str) -> int:
    """Read an amount as officials type it and return integer kronor.

    A bare number is in `default_unit` (the organisation's unit, or the unit chosen
    for an import file), except that a number that would then exceed one billion kronor
    is read as kronor: "1 600 000" and "600 000" typed where the unit is mkr mean kronor,
    never 600 000 mkr. A reading that depends on a guess is refused with both readings
    ("1.600": 1,6 or 1 600?), and so are öre and amounts beyond AMOUNT_CEILING.
    """
    # A minus sign pasted from a document is read as the hyphen-minus it means.
    cleaned = _SPACES.sub(" ", (text or "").strip()).replace(MINUS, "-")
    if not cleaned:
        raise AmountError("Ange ett belopp.")
    not_an_amount = AmountError(
        f"”{text.strip()}” är inte ett belopp. Skriv till exempel 1,6 eller 1 600 tkr."
    )
    match = _AMOUNT.match(cleaned)
    if not match:
        raise not_an_amount
    number_text = match.group("number").strip()
    unit_text = (match.group("unit") or "").strip().lower().rstrip(".")
    typed_unit = None
    if unit_text:
        typed_unit = _UNIT_ALIASES.get(unit_text)
        if typed_unit is None:
            raise AmountError(
                f"Okänd enhet ”{match.group('unit').strip()}”. Använd kr, tkr eller mkr."
            )
    if number_text.startswith("-"):
        raise AmountError("Beloppet kan inte vara negativt.")
    readings = _readings(number_text.lstrip("+"))
    if not readings:
        raise not_an_amount
    if default_unit not in UNIT_FACTORS:  # a programming error, not a typing one
        raise ValueError(f"unknown unit {default_unit!r}")
    # Readings are told in the organisation's own spelling of its unit (mnkr stays mnkr).
    results = [_kronor(*reading, typed_unit, default_unit) for reading in readings]
    valid = [result for result in results if not isinstance(result, AmountError)]
    if len(valid) == 2 and valid[0][0] != valid[1][0]:
        options = " eller ".join(_shown(kronor, unit) for kronor, unit in valid)
        raise AmountError(
            f"”{text.strip()}” kan läsas på två sätt. Menar du {options}? Skriv decimaler "
            "med komma (1,6) och tusental med mellanslag (1 600)."
        )
    if valid:
        return valid[0][0]
    raise results[0]


def _readings(number: str) -> list[tuple[str, str]]:
    """The (whole digits, decimals) a typed number can mean: none when it is malformed,
    two when a single dot is a decimal point or a thousands separator."""
    whole, comma, decimals = number.partition(",")
    if not comma and whole.count(".") == 1:
        left, _, right = whole.partition(".")
        decimal_reading = (left, right) if _is_grouped(left) else None
        if _DOT_GROUP.match(whole):
            return [decimal_reading, (left + right, "")]
        return [decimal_reading] if decimal_reading else []
    if not _is_grouped(whole):
        return []
    return [(whole.replace(" ", "").replace(".", ""), decimals)]


def _is_grouped(whole: str) -> bool:
    """Plain digits, or thousands grouped consistently by spaces or by dots."""
    if whole.isdigit():
        return True
    return any(sep in whole and pattern.match(whole) for sep, pattern in _GROUPED.items())


def _kronor(digits: str, decimals: str, typed_unit: str | None, default_unit: str):
    """One reading as (kronor, the unit it was read in), or the AmountError refusing it."""
    unit = typed_unit or default_unit
    if typed_unit is None and int(digits) * UNIT_FACTORS[unit] > BARE_NUMBER_LIMIT:
        unit = "kr"
    value = Decimal(f"{digits}.{decimals or '0'}")
    kronor = value * UNIT_FACTORS[unit]
    if kronor != kronor.to_integral_value():
        if unit != "kr":
            return AmountError(
                f"För många decimaler: {format_plain(value)} {unit} är inte ett helt antal kronor."
            )
        whole = int(kronor)
        suggestion = _shown(whole, "kr")
        if typed_unit is None and default_unit != "kr":
            suggestion += f" eller {_shown(whole, default_unit)}"
        return AmountError(f"Ören sparas inte: skriv {suggestion}.")
    if kronor > AMOUNT_CEILING:
        return AmountError(
            f"{format_plain(value)} {unit} är orimligt mycket: inget belopp kan vara mer än "
            f"{_shown(AMOUNT_CEILING, 'kr')}. Kontrollera enheten."
        )
    return int(kronor), unit


def _shown(kronor: int, unit: str) -> str:
    return format_amount_with_unit(kronor, unit).replace(NBSP, " ")


def implausible_amount_message(kronor: int, *, frame: int, unit: str) -> str | None:
    """Why an amount cannot be what was meant: more than ten times its frame (a frame of 0
    leaves only AMOUNT_CEILING, which parse_amount holds)."""
    if frame > 0 and kronor > FRAME_MULTIPLE_LIMIT * frame:
        return (
            f"{format_amount_with_unit(kronor, unit)} är mer än tio gånger ramen "
            f"{format_amount_with_unit(frame, unit)}. Kontrollera beloppet och enheten."
        )
    return None


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
