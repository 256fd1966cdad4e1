"""End-to-end journeys of the investment round (issue 4) in headless Chromium."""

import re

from playwright.sync_api import expect

from applications.models import Application, ApplicationStatus, Assessment


def test_applicant_drafts_and_submits_and_cannot_open_another_committees(page, login):
    url = login("sthlm-sokande")
    page.get_by_role("link", name="Trygghetsinvesteringar 2025").click()
    page.get_by_role("link", name="Ny ansökan för Järva stadsdelsnämnd").click()
    page.get_by_label("Titel").fill("Belysning vid Rinkeby bibliotek")
    page.get_by_role("textbox", name="Plats (obligatoriskt)", exact=True).fill(
        "Rinkeby allé, entrén till biblioteket"
    )
    page.get_by_label("Platsspecifik problembeskrivning").fill(
        "Entrén är mörk och flera har uppgett att de undviker platsen kvällstid."
    )
    page.get_by_label("Underlag, rad 1").select_option(label="Trygghetsvandring")
    page.get_by_label("Datum, rad 1").fill("2024-09-12")
    page.get_by_label("Kort beskrivning, rad 1").fill("Trygghetsvandring med boende och polis.")
    page.get_by_label("Föreslagen åtgärd").fill("Ny belysning och beskärning av buskar.")
    page.get_by_label("Kostnad, rad 1").fill("Belysning")
    page.get_by_label("Belopp, rad 1").fill("0,8")
    page.get_by_label("Sökt belopp").fill("800 tkr")
    page.get_by_label("Kontaktperson").fill("Samir Sökande")
    page.get_by_role("button", name="Spara utkast").click()
    expect(page.get_by_text("är sparad som utkast")).to_be_visible()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Skicka in").click()
    expect(page.get_by_text("Du kan läsa den men inte ändra den.")).to_be_visible()
    expect(page.get_by_role("link", name="Ändra", exact=True)).to_have_count(0)
    application = Application.objects.get(title="Belysning vid Rinkeby bibliotek")
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.applied_amount == 800_000

    bromma = Application.objects.filter(committee__name="Bromma stadsdelsnämnd").first()
    page.goto(url(f"/ansokan/{bromma.pk}/"))
    expect(page.get_by_role("heading", name="Sidan finns inte")).to_be_visible()


def test_official_assesses_reducing_the_amount_and_needs_a_motivation(page, login):
    login("sthlm-handlaggare")
    application = Application.objects.get(
        title__startswith="Belysning och öppnare siktlinjer på Rinkeby"
    )
    Assessment.objects.filter(application=application).delete()
    page.get_by_role("link", name="Trygghetsinvesteringar 2024").click()
    page.get_by_role("link", name=application.title).click()
    page.get_by_role("link", name="Bedöm ansökan").click()
    radios = page.get_by_role("radio")
    radios.nth(0).check()  # platsspecifik problembeskrivning: uppfyllt
    radios.nth(3).check()  # logiskt kopplad åtgärd: uppfyllt
    radios.nth(7).check()  # rimliga kostnader: delvis
    radios.nth(9).check()  # formaliakrav: uppfyllt
    page.get_by_label("Föreslaget belopp").fill("1,0")
    page.get_by_role("button", name="Spara bedömningen").click()

    motivation = page.get_by_label("Motivering")
    expect(motivation).to_have_attribute("aria-invalid", "true")
    expect(
        page.get_by_text("Skriv en motivering när beloppet sänks eller är noll.").first
    ).to_be_visible()
    expect(page.get_by_label("Föreslaget belopp")).to_have_value("1,0")
    assert not Assessment.objects.filter(application=application).exists()

    motivation.fill(
        "Beviljas delvis: belysningen beviljas, gestaltningen bedöms inte som trygghetsinvestering."
    )
    page.get_by_role("button", name="Spara bedömningen").click()
    expect(page.get_by_text(re.compile(r"1,0\s+mnkr föreslås"))).to_be_visible()
    assessment = Assessment.objects.get(application=application)
    assert assessment.proposed_amount == 1_000_000
    assert assessment.assessor.username == "sthlm-handlaggare"
