"""What officials type, and what the server reads: one list for the server's tests and the
browser's running total (tests/trygghet/test_amounts.py, tests/browser/test_amount_script.py).

Each case is (typed, default unit, kronor or None when refused).
"""

AMOUNT_CASES = [
    ("1,6", "mkr", 1_600_000),
    ("1,6 mkr", "mkr", 1_600_000),
    ("1,5 miljoner", "mkr", 1_500_000),
    ("1,5 miljoner kronor", "mkr", 1_500_000),
    ("250 tusen kronor", "mkr", 250_000),
    ("1 600 tkr", "mkr", 1_600_000),
    ("1\u00a0600 tkr", "mkr", 1_600_000),
    ("1 600 000", "mkr", 1_600_000),
    ("1600000 kr", "mkr", 1_600_000),
    ("1600000:-", "mkr", 1_600_000),
    ("600 000", "mkr", 600_000),
    ("1.6", "mkr", 1_600_000),
    ("0.600", "mkr", 600_000),
    ("1.600.000", "mkr", 1_600_000),
    ("1.600", "kr", 1_600),
    ("1 600", "tkr", 1_600_000),
    ("1,6", "mnkr", 1_600_000),
    ("100 000 000 000 kr", "mkr", 100_000_000_000),
    # refused: a magnitude that depends on a guess, öre, the impossible
    ("1 600 000,50", "mkr", None),
    ("1.600.000,50", "mkr", None),
    ("1.600", "mkr", None),
    ("1.600 tkr", "mkr", None),
    ("1.600", "mnkr", None),
    ("999 999 999 999 mkr", "mkr", None),
    ("100 000 000 001 kr", "mkr", None),
    ("9223372036854775807", "mkr", None),
    ("1,6,0", "mkr", None),
    ("1 60 000", "mkr", None),
    ("-1,6", "mkr", None),
    ("1,6 dkr", "mkr", None),
    ("abc", "mkr", None),
]
