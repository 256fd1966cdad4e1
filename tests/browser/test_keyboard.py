"""Keyboard-only journeys (issue 7): no mouse, no .click() or .fill() on locators.

Every control that gets focus on the way must show it (the focus ring in static/css), and a
failed save must be announced and linked to its field, for screen-reader users too.
"""

import re

from playwright.sync_api import expect

from allocations.models import Amount, AmountKind
from applications.models import Application, Assessment
from trygghet.demo import DEMO_PASSWORD

# What the person sees at the focused element: an outline or a box-shadow ring.
FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    element: element.outerHTML.slice(0, 160),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
    isBody: element === document.body,
  };
}"""


def assert_focus_visible(page) -> dict:
    focused = page.evaluate(FOCUSED)
    assert not focused["isBody"], "focus fell back to the page"
    assert focused["outline"] or focused["shadow"], f"no visible focus on {focused['element']}"
    return focused


def is_focused(page, selector: str) -> bool:
    return page.evaluate("selector => document.activeElement.matches(selector)", selector)


def tab(page) -> None:
    """One Tab, and the stop it reaches must show focus. Past the last control the focus
    leaves the page (to the browser's own toolbar in a real window); the next Tab wraps."""
    page.keyboard.press("Tab")
    if page.evaluate("() => document.activeElement === document.body"):
        page.keyboard.press("Tab")
    assert_focus_visible(page)


def tab_to(page, selector: str, *, limit: int = 120) -> None:
    """Press Tab until the element matching `selector` has focus, checking each stop."""
    if is_focused(page, selector):  # e.g. autofocus
        assert_focus_visible(page)
        return
    for _ in range(limit):
        tab(page)
        if is_focused(page, selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def type_over(page, text: str) -> None:
    """Replace the focused field's text, as a person does with Ctrl+A and typing."""
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def log_in_by_keyboard(page, live_url: str, username: str) -> None:
    page.goto(f"{live_url}/logga-in/")
    tab_to(page, "input[name=username]")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_url}/")


def tab_to_link(page, text: str, *, limit: int = 120) -> None:
    """Tab to the link whose text is `text` and follow it with Enter."""
    for _ in range(limit):
        tab(page)
        if page.evaluate(
            "text => document.activeElement.tagName === 'A'"
            " && document.activeElement.textContent.trim() === text",
            text,
        ):
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return
    raise AssertionError(f"Tab never reached the link {text!r}")


def assert_error_announced_and_linked(page, field_id: str, message: str) -> None:
    """The error is in the DOM, tied to its field, summarised in an alert that has focus."""
    summary = page.locator("#formularfel")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text(message)
    expect(summary).to_be_focused()
    assert_focus_visible(page)
    field = page.locator(f"#{field_id}")
    expect(field).to_have_attribute("aria-invalid", "true")
    described_by = field.get_attribute("aria-describedby").split()
    errors = [page.locator(f"#{element_id}") for element_id in described_by]
    assert any(message in error.inner_text() for error in errors), described_by
    for element_id in described_by:
        expect(page.locator(f"#{element_id}")).to_have_count(1)  # ids are unique


def test_proposal_by_keyboard_with_a_bad_amount(page, demo_live):
    log_in_by_keyboard(page, demo_live.url, "nacka-handlaggare")
    tab_to_link(page, "Trygghetspaketet")
    tab_to_link(page, "2024")
    tab_to_link(page, "Ange förslag")
    expect(page.get_by_role("heading", name="Förslag 2024")).to_be_visible()

    field_id = page.get_by_label("Trygghetsvärdar").get_attribute("id")
    tab_to(page, f"#{field_id}")
    type_over(page, "1,6,0")
    expect(page.locator("#summa")).to_contain_text("1 fält kan inte läsas")
    page.keyboard.press("Enter")  # submits with the first button, "Spara och markera som förslag"

    message = "”1,6,0” är inte ett belopp."
    assert_error_announced_and_linked(page, field_id, message)
    assert (
        Amount.objects.get(year=2024, kind=AmountKind.PROPOSAL, line__name="Trygghetsvärdar").amount
        == 1_600_000
    )

    # the summary's link takes the keyboard to the field
    tab(page)
    expect(page.locator("#formularfel a").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(f"#{field_id}")).to_be_focused()
    assert_focus_visible(page)
    type_over(page, "1,7")
    # 0,1 mkr comes from Övriga insatser so the year still sums to the frame
    other_id = page.get_by_label(re.compile("^Övriga insatser")).get_attribute("id")
    tab_to(page, f"#{other_id}")
    type_over(page, "0")
    expect(page.locator("#kvar-att-fordela")).to_have_text(re.compile(r"0,0\s+mkr"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Året är markerat som förslag.")).to_be_visible()
    # the confirmation has focus, so a screen reader reads it first on the new page
    expect(page.locator("#meddelanden")).to_be_focused()
    proposals = dict(
        Amount.objects.filter(year=2024, kind=AmountKind.PROPOSAL).values_list(
            "line__name", "amount"
        )
    )
    assert proposals["Trygghetsvärdar"] == 1_700_000
    assert sum(proposals.values()) == 5_000_000


def test_assessment_by_keyboard_with_a_bad_amount(page, demo_live):
    application = Application.objects.get(
        title__startswith="Belysning och öppnare siktlinjer på Rinkeby"
    )
    Assessment.objects.filter(application=application).delete()
    log_in_by_keyboard(page, demo_live.url, "sthlm-handlaggare")
    # a keyboard user may as well type the address of the application
    page.goto(f"{demo_live.url}/ansokan/{application.pk}/")
    tab_to_link(page, "Bedöm ansökan")
    expect(page.get_by_role("heading", name="Bedöm ansökan")).to_be_visible()

    # four criteria: Tab reaches each radio group, Space picks the first choice (uppfyllt);
    # the third is moved to "delvis" with the arrow keys, as radio groups work
    groups = page.evaluate(
        "() => [...new Set([...document.querySelectorAll('input[type=radio]')].map(r => r.name))]"
    )
    assert len(groups) == 4
    for number, group in enumerate(groups):
        tab_to(page, f"input[type=radio][name={group}]")
        page.keyboard.press("Space")
        if number == 2:
            page.keyboard.press("ArrowRight")
            assert_focus_visible(page)
        expect(page.locator("input[type=radio]:focus")).to_be_checked()
    tab_to(page, "#id_proposed_amount")
    page.keyboard.type("en miljon")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")

    message = "”en miljon” är inte ett belopp."
    assert_error_announced_and_linked(page, "id_proposed_amount", message)
    assert not Assessment.objects.filter(application=application).exists()
    # the choices made survive the failed save
    expect(page.locator("input[type=radio]:checked")).to_have_count(4)

    tab(page)
    expect(page.locator("#formularfel a").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#id_proposed_amount")).to_be_focused()
    type_over(page, "1,0")
    tab(page)
    expect(page.locator("#id_motivation")).to_be_focused()
    page.keyboard.type("Beviljas delvis: gestaltningen bedöms inte som trygghetsinvestering.")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile(r"1,0\s+mnkr föreslås"))).to_be_visible()
    assessment = Assessment.objects.get(application=application)
    assert assessment.proposed_amount == 1_000_000
    verdicts = [item.get_verdict_display() for item in assessment.criteria.all()]
    assert verdicts == ["Uppfyllt", "Uppfyllt", "Delvis uppfyllt", "Uppfyllt"], verdicts
