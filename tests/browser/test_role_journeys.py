"""Role journeys of issue 7 in headless Chromium, on the demo data.

What the earlier journey tests already cover is not repeated here:
- entering a new year's proposal with the running total: test_allocation_journeys.py
- importing a CSV with an unknown line, and the multi-year table with its XLSX: same file
- the Nacka tjänsteskrivelse edited, previewed, finalised and downloaded byte for byte:
  test_document_journeys.py
- an applicant filling in every field and submitting; the first assessment with its
  motivation rule: test_round_journeys.py
"""

import csv
import datetime
import io
import re
from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader

from allocations.models import Amount, AmountKind
from applications.models import Application, ApplicationStatus, Round
from applications.services import ApplicationContent, application_save, application_submit
from tests.allocations.helpers import plain, xlsx_rows
from trygghet.demo import DEMO_PASSWORD
from trygghet.models import User

IMPORTS = Path(__file__).resolve().parents[2] / "fixtures" / "import"
AMOUNT = r"[\s\u00a0]+"  # tables and messages group digits and units with non-breaking spaces


def log_in(page, live_url: str, username: str) -> None:
    """Log in on a page of a second browser context, as conftest's `login` does."""
    page.goto(f"{live_url}/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{live_url}/")


def download_bytes(page, link) -> tuple[str, bytes]:
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def proposals_2024() -> dict[str, int]:
    return dict(
        Amount.objects.filter(year=2024, kind=AmountKind.PROPOSAL).values_list(
            "line__name", "amount"
        )
    )


def test_official_goes_over_the_frame_restores_it_by_xlsx_and_the_member_reads_history(
    page, login, new_context, demo_live
):
    """nacka-handlaggare changes 2024 past the frame, re-imports the decided Excel table;
    nacka-ledamot then reads both changes in the year's Ändringshistorik."""
    login("nacka-handlaggare")
    page.get_by_role("link", name="Trygghetspaketet").click()
    page.get_by_role("link", name="2024", exact=True).first.click()
    page.get_by_role("link", name="Ange förslag").click()
    expect(page.get_by_role("heading", name="Förslag 2024")).to_be_visible()
    # the saved proposal is the one people check: 5,0 mkr, nothing left
    expect(page.locator("#summa")).to_have_text(re.compile(rf"5,0{AMOUNT}mkr"))
    expect(page.locator("#kvar-att-fordela")).to_have_text(re.compile(rf"0,0{AMOUNT}mkr"))

    page.get_by_label("Trygghetsvärdar").fill("1,8")
    expect(page.locator("#summa")).to_have_text(re.compile(rf"5,2{AMOUNT}mkr"))
    expect(page.locator("#kvar-att-fordela")).to_have_text(re.compile(rf"−0,2{AMOUNT}mkr"))
    page.get_by_role("button", name="Spara som utkast").click()
    expect(page.locator("#kvar")).to_contain_text("(över ramen)")
    # the saved page writes the minus sign as the running total does
    expect(page.locator("#kvar")).to_have_text(re.compile(rf"−0,2{AMOUNT}mkr"))
    assert proposals_2024()["Trygghetsvärdar"] == 1_800_000

    page.get_by_role("link", name="Trygghetspaketet").last.click()
    page.get_by_role("link", name="Importera från Excel eller CSV").click()
    # a PDF is refused with the reason at the field, linked for screen readers
    upload = page.get_by_label("Fil att importera")
    upload.set_input_files(str(IMPORTS / "inte_en_tabell.pdf"))
    page.get_by_role("button", name="Granska").click()
    expect(page.get_by_role("alert")).to_contain_text("Fil att importera: Filen är en PDF")
    expect(upload).to_have_attribute("aria-invalid", "true")
    expect(upload).to_have_attribute("aria-describedby", re.compile(r"\bid_file_error\b"))
    expect(page.locator("#id_file_error")).not_to_be_empty()
    upload.set_input_files(str(IMPORTS / "nacka_2024.xlsx"))
    page.get_by_role("button", name="Granska").click()
    expect(page.get_by_role("heading", name="Granska importen")).to_be_visible()
    assert proposals_2024()["Trygghetsvärdar"] == 1_800_000  # nothing stored before saving
    page.get_by_role("button", name="Spara importen").click()
    expect(page.get_by_text("Importen är sparad")).to_be_visible()
    proposals = proposals_2024()
    assert proposals["Trygghetsvärdar"] == 1_600_000
    assert sum(proposals.values()) == 5_000_000

    page.get_by_role("link", name="2024", exact=True).first.click()
    expect(page.locator("#kvar")).to_have_text(re.compile(rf"^0,0{AMOUNT}mkr$"))

    member = new_context().new_page()
    log_in(member, demo_live.url, "nacka-ledamot")
    member.get_by_role("link", name="Trygghetspaketet").click()
    member.get_by_role("link", name="2024", exact=True).first.click()
    expect(member.get_by_role("link", name="Ange förslag")).to_have_count(0)
    member.get_by_role("link", name="Ändringshistorik 2024").click()
    expect(member.get_by_role("heading", name=re.compile("Ändringshistorik"))).to_be_visible()
    history = member.locator("ol.history li")
    # newest first: the import put 1,6 back after the official's 1,8
    expect(history.filter(has_text="Trygghetsvärdar").first).to_contain_text("1,6")
    expect(history.filter(has_text="Trygghetsvärdar").filter(has_text="1,8").first).to_be_visible()
    expect(history.first).to_contain_text("av nacka-handlaggare")


def test_member_reviews_the_2024_table_and_downloads_it(page, login):
    """The numbers of KFKS-2024-00430 on the year page, in the XLSX and in the CSV."""
    login("nacka-ledamot")
    page.get_by_role("link", name="Trygghetspaketet").click()
    page.get_by_role("link", name="2024", exact=True).first.click()
    section = page.locator(
        "section", has=page.get_by_role("heading", name=re.compile("fördelning"))
    )
    table = section.locator("table")
    expect(table.locator("thead")).to_contain_text("Förslag 2024")
    row = table.locator("tbody tr", has_text="Trygghetsvärdar").first
    expect(row).to_contain_text("1,6")
    expect(row).to_contain_text("1,2")
    expect(row).to_contain_text("1,4")
    footer = plain(table.locator("tfoot").inner_text())
    assert re.search(r"5,0\s+4,29\s+5,0", footer), footer

    filename, content = download_bytes(page, section.get_by_role("link", name="Excel (XLSX)"))
    assert filename.endswith(".xlsx")
    rows = xlsx_rows(content)
    by_line = {row[0]: row[1:] for row in rows[1:]}
    assert by_line["Trygghetsvärdar"][:3] == (1_600_000, 1_200_000, 1_400_000)
    assert by_line["SUMMA"][:3] == (5_000_000, 4_290_000, 5_000_000)

    filename, content = download_bytes(page, section.get_by_role("link", name="CSV (semikolon)"))
    assert filename.endswith(".csv")
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    summa = next(line for line in lines if line[0] == "SUMMA")
    assert summa[1:4] == ["5000000", "4290000", "5000000"]

    page.get_by_role("link", name="Jämför år för år med diagram").click()
    multi = page.locator("table").first
    expect(multi.locator("thead")).to_contain_text("2024")
    # the three latest years, the 2024 proposal included, each sum to the frame
    expect(multi.locator("tfoot")).to_have_text(re.compile(r"SUMMA\s+5,0\s+5,0\s+5,0"))


def test_round_official_imports_xlsx_and_finalises_the_round_document(
    page, login, settings, tmp_path
):
    """sthlm-handlaggare imports applications from Excel into the open 2025 round, then
    finalises the 2024 round's tjänsteutlåtande and reads the downloaded PDF."""
    settings.MEDIA_ROOT = tmp_path / "media"
    login("sthlm-handlaggare")
    page.get_by_role("link", name="Trygghetsinvesteringar 2025").click()
    page.get_by_role("link", name="Importera ansökningar från Excel eller CSV").click()
    page.get_by_label("Fil att importera").set_input_files(
        str(IMPORTS / "ansokningar_exempel.xlsx")
    )
    page.get_by_role("button", name="Granska").click()
    expect(page.get_by_role("heading", name="Granska importen")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(5)
    page.get_by_role("button", name="Spara importen").click()
    expect(page.get_by_text("Importen är sparad")).to_be_visible()
    round_2025 = Round.objects.get(name="Trygghetsinvesteringar 2025")
    imported = Application.objects.filter(round=round_2025)
    assert imported.count() == 5
    assert sum(imported.values_list("applied_amount", flat=True)) == 10_000_000
    expect(page.get_by_role("link", name="Trygghetskameror vid Tensta centrum")).to_be_visible()

    page.get_by_role("link", name="Start").first.click()
    page.get_by_role("link", name="Trygghetsinvesteringar 2024").click()
    page.get_by_role("button", name="Skapa beslutsdokument med bilaga 1").click()
    summary = "Stadsledningskontoret föreslår 35 av 48 ansökningar."
    page.get_by_label("Sammanfattning").fill(summary)
    page.get_by_role("button", name="Spara texterna").click()
    expect(page.get_by_text("Texterna är sparade.")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Fastställ och spara PDF").click()
    expect(page.get_by_text("Version 1 är fastställd och sparad.")).to_be_visible()

    _, pdf = download_bytes(page, page.get_by_role("link", name="Ladda ner PDF"))
    assert pdf.startswith(b"%PDF-")
    # table cells wrap, so compare with the line breaks read as spaces
    text = " ".join(
        plain("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)).split()
    )
    assert "Stadsledningskontoret föreslår 35 av 48 ansökningar." in text
    assert "Belysning och öppnare siktlinjer på Rinkeby torg" in text  # bilaga 1
    assert re.search(r"112,1 60,1", text), "the appendix's totals: applied and proposed"


def _submitted_application() -> Application:
    """A complete application from Järva, sent in: writing one in the browser is
    test_round_journeys' first test."""
    applicant = User.objects.get(username="sthlm-sokande")
    round_ = Round.objects.get(name="Trygghetsinvesteringar 2025")
    application = application_save(
        round_=round_,
        committee=applicant.committee,
        content=ApplicationContent(
            fields={
                "title": "Belysning i Husbyparken",
                "place": "Husbyparken, gångstråket mot Husby centrum",
                "problem": "Gångstråket är mörkt och boende undviker det kvällstid.",
                "measure": "Ny belysning längs gångstråket.",
                "expected_effect": "Fler vågar gå genom parken på kvällen.",
                "applied_amount": 500_000,
                "contact_name": "Samir Sökande",
            },
            costs=[("Belysning", 500_000)],
            evidence=[
                ("trygghetsvandring", datetime.date(2024, 2, 1), "Trygghetsvandring med boende.")
            ],
        ),
        by=applicant,
    )
    return application_submit(application=application, by=applicant)


def test_applicant_follows_the_status_through_return_and_assessment(
    page, login, new_context, demo_live
):
    application = _submitted_application()
    login("sthlm-sokande")
    page.get_by_role("link", name="Trygghetsinvesteringar 2025").click()
    row = page.locator("tbody tr", has_text=application.title)
    expect(row).to_contain_text("Inskickad")

    official = new_context().new_page()
    log_in(official, demo_live.url, "sthlm-handlaggare")
    official.get_by_role("link", name="Trygghetsinvesteringar 2025").click()
    official.get_by_role("link", name=application.title).click()
    official.get_by_text("Återsänd för komplettering").click()
    official.get_by_label("Vad behöver kompletteras?").fill(
        "Bifoga protokollet från trygghetsvandringen."
    )
    official.get_by_role("button", name="Återsänd", exact=True).click()
    expect(official.get_by_text("är återsänd för komplettering")).to_be_visible()

    page.reload()
    expect(row).to_contain_text("Återsänd för komplettering")
    page.get_by_role("link", name=application.title).click()
    expect(
        page.get_by_role("status").filter(has_text="Återsänd för komplettering")
    ).to_contain_text("Bifoga protokollet från trygghetsvandringen.")
    page.get_by_role("link", name="Ändra", exact=True).click()
    page.get_by_label("Kort beskrivning, rad 1").fill(
        "Trygghetsvandring med boende, protokoll bifogat."
    )
    page.get_by_role("button", name="Spara utkast").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Skicka in").click()
    expect(page.get_by_text("Du kan läsa den men inte ändra den.")).to_be_visible()
    expect(page.get_by_text("Bifoga protokollet")).to_have_count(0)

    official.reload()
    official.get_by_role("link", name="Bedöm ansökan").click()
    radios = official.get_by_role("radio")
    for index in (0, 3, 6, 9):  # uppfyllt on each of the four criteria
        radios.nth(index).check()
    official.get_by_label("Föreslaget belopp").fill("0,5")
    official.get_by_role("button", name="Spara bedömningen").click()
    expect(official.get_by_text(re.compile(rf"0,5{AMOUNT}mnkr föreslås"))).to_be_visible()

    page.get_by_role("link", name="Trygghetsinvesteringar 2025").last.click()
    expect(row).to_contain_text("Inskickad")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.assessment.proposed_amount == 500_000
    # the applicant does not see the central office's assessment before the decision
    page.get_by_role("link", name=application.title).click()
    expect(page.get_by_role("heading", name="Bedömning")).to_have_count(0)
