"""End-to-end journeys of issue 3 in headless Chromium."""

import re

from playwright.sync_api import expect

from allocations.models import Amount, AmountKind, PackageYear, YearStatus
from tests.allocations.helpers import xlsx_rows


def test_official_enters_a_2025_proposal_in_swedish_formats(page, login):
    url = login("nacka-handlaggare")
    page.get_by_role("link", name="Trygghetspaketet").click()
    page.get_by_role("link", name="Starta ett nytt år").click()
    page.get_by_label("År").fill("2025")
    page.get_by_label("Ram").fill("5,0")
    page.get_by_label("Utgå från").select_option(label="Tomt förslag")
    page.get_by_role("button", name="Skapa året").click()
    expect(page.get_by_role("heading", name="Förslag 2025")).to_be_visible()

    page.get_by_label("Trygghetsvärdar").fill("1,6 mkr")
    page.get_by_label("SSPF (skola, socialtjänst, polis, fritid)").fill("1 500 tkr")
    page.get_by_label("Stöd till lokala arbetsgrupper").fill("600 000")
    page.get_by_label("Kameraövervakning – centrala funktioner").fill("100000 kr")
    page.get_by_label("Insatser i samverkan med lokala aktörer").fill("1,6,0")
    page.get_by_label("Övriga insatser (exempelvis insatser mot unga i riskzon)").fill("0,1")
    # the running total follows the typing; the unreadable field is counted out
    expect(page.locator("#summa")).to_have_text(re.compile(r"3,9\s+mkr \(1 fält kan inte läsas\)"))
    expect(page.locator("#kvar-att-fordela")).to_have_text(re.compile(r"1,1\s+mkr"))

    page.get_by_role("button", name="Spara och markera som förslag").click()
    field = page.get_by_label("Insatser i samverkan med lokala aktörer")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("”1,6,0” är inte ett belopp.").first).to_be_visible()
    expect(page.get_by_label("Trygghetsvärdar")).to_have_value("1,6 mkr")
    assert not Amount.objects.filter(year=2025).exists()

    field.fill("1,1")
    expect(page.locator("#kvar-att-fordela")).to_have_text(re.compile(r"0,0\s+mkr"))
    page.get_by_role("button", name="Spara och markera som förslag").click()
    expect(page.get_by_text("Året är markerat som förslag.")).to_be_visible()
    package_year = PackageYear.objects.get(year=2025)
    assert page.url == url(f"/paket/{package_year.package_id}/ar/2025/")
    total = sum(
        Amount.objects.filter(year=2025, kind=AmountKind.PROPOSAL).values_list("amount", flat=True)
    )
    assert total == 5_000_000
    assert package_year.status == YearStatus.PROPOSAL


def test_member_reviews_year_over_year_and_downloads_xlsx(page, login):
    login("nacka-ledamot")
    page.get_by_role("link", name="Trygghetspaketet").click()
    page.get_by_role("link", name="År för år med diagram").click()
    page.get_by_label("Till och med år").select_option("2022")
    page.get_by_role("button", name="Visa").click()
    table = page.locator("table").first
    expect(table.locator("thead")).to_contain_text("2022")
    expect(table.locator("tfoot")).to_contain_text("5,0")
    expect(page.locator("svg[role=img]")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename == "trygghetspaketet-2020-2022.xlsx"
    with open(download.path(), "rb") as file:
        rows = xlsx_rows(file.read())
    assert rows[0] == ("Budgetpost", "2022 (kr)", "2021 (kr)", "2020 (kr)")
    assert rows[-1] == ("SUMMA", 5_000_000, 5_000_000, 5_000_000)


def test_official_imports_a_file_through_the_preview(page, login, tmp_path):
    login("nacka-handlaggare")
    upload = tmp_path / "trygghetspaketet-2025.csv"
    upload.write_text(
        "Trygghetspaketet;Förslag 2025\n"
        "Trygghetsvärdar (Orminge och Fisksätra);1,7\n"
        "SSPF;1,5\n"
        "Stöd till lokala arbetsgrupper;0,6\n"
        "Kameraövervakning – centrala funktioner;0,1\n"
        "Insatser i samverkan med lokala aktörer;0,8\n"
        "Övriga insatser;0,1\n"
        "Nattvandring;0,2\n"
        "Summa;5,0\n",
        encoding="utf-8",
    )
    page.get_by_role("link", name="Trygghetspaketet").click()
    page.get_by_role("link", name="Importera från Excel eller CSV").click()
    page.get_by_label("Fil att importera").set_input_files(str(upload))
    page.get_by_label("Skapa år som saknas i paketet").check()
    page.get_by_role("button", name="Granska").click()

    expect(page.get_by_role("heading", name="Granska importen")).to_be_visible()
    # the unmatched name waits for the official to map it; nothing is stored yet
    assert not Amount.objects.filter(year=2025).exists()
    page.get_by_label("Budgetpost för rad 8, ”Nattvandring”").select_option(
        label="Skapa ny budgetpost"
    )
    page.get_by_role("button", name="Spara importen").click()

    expect(page.locator(".alert-success")).to_be_visible()
    proposals = dict(
        Amount.objects.filter(year=2025, kind=AmountKind.PROPOSAL).values_list(
            "line__name", "amount"
        )
    )
    assert proposals["Trygghetsvärdar"] == 1_700_000
    assert proposals["Nattvandring"] == 200_000
    assert sum(proposals.values()) == 5_000_000
