"""The browser's running total reads amounts exactly as the server does: the same cases,
through static/js/amounts.js in Chromium, with the rules the page is served."""

import re

import pytest
from playwright.sync_api import expect

from allocations.models import Package
from tests.amount_cases import AMOUNT_CASES
from trygghet.amounts import AmountError, parse_amount


def _server(typed: str, unit: str) -> str | None:
    try:
        return str(parse_amount(typed, default_unit=unit))
    except AmountError:
        return None


@pytest.fixture
def entry_page(page, login):
    url = login("nacka-handlaggare")
    package = Package.objects.get(name="Trygghetspaketet")
    page.goto(url(f"/paket/{package.pk}/ar/2024/forslag/"))
    expect(page.get_by_role("heading", name="Förslag 2024")).to_be_visible()
    return page


def test_the_script_reads_every_case_as_the_server(entry_page):
    read = entry_page.evaluate(
        """cases => cases.map(([typed, unit]) => {
            const value = Trygghet.parseAmount(typed, unit, Trygghet.amountRules());
            return value === null ? null : value.toString();
        })""",
        [[typed, unit] for typed, unit, _ in AMOUNT_CASES],
    )
    expected = [None if kronor is None else str(kronor) for _, _, kronor in AMOUNT_CASES]
    assert read == expected
    assert read == [_server(typed, unit) for typed, unit, _ in AMOUNT_CASES]


def test_the_running_total_reads_unit_words_and_refuses_guesses(entry_page):
    fields = entry_page.locator(".amount-input")
    for index in range(fields.count()):
        fields.nth(index).fill("")
    fields.nth(0).fill("1,5 miljoner")
    expect(entry_page.locator("#summa")).to_have_text(re.compile(r"^1,5\s+mkr$"))
    fields.nth(1).fill("1.600")
    expect(entry_page.locator("#summa")).to_have_text(
        re.compile(r"1,5\s+mkr \(1 fält kan inte läsas\)")
    )
