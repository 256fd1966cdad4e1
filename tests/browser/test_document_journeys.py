"""End-to-end journey of a decision document (issue 5) in headless Chromium."""

from pathlib import Path

from playwright.sync_api import expect

from documents.models import DecisionDocument


def test_official_edits_previews_finalises_and_downloads(page, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    url = login("nacka-handlaggare")
    page.get_by_role("link", name="Trygghetspaketet").click()
    page.get_by_role("link", name="2024").first.click()
    page.get_by_role("button", name="Skapa beslutsdokument (tjänsteskrivelse)").click()
    expect(
        page.get_by_role("heading", name="Tjänsteskrivelse: Trygghetspaketet 2024")
    ).to_be_visible()

    page.get_by_label("Sammanfattning").fill(
        "Kommunfullmäktige har beslutat att avsätta 5 mkr för 2024."
    )
    page.get_by_role("button", name="Spara texterna").click()
    expect(page.get_by_text("Texterna är sparade.")).to_be_visible()

    with page.expect_popup() as popup_info:
        page.get_by_role("link", name="Förhandsgranska (öppnas i ny flik)").click()
    preview = popup_info.value
    expect(
        preview.get_by_text("Kommunfullmäktige har beslutat att avsätta 5 mkr för 2024.")
    ).to_be_visible()
    expect(preview.get_by_role("heading", name="Förslag till beslut")).to_be_visible()
    preview.close()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Fastställ och spara PDF").click()
    expect(page.get_by_text("Version 1 är fastställd och sparad.")).to_be_visible()

    downloads = []
    for _ in range(2):
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Ladda ner PDF").click()
        downloads.append(Path(download_info.value.path()).read_bytes())
    assert downloads[0] == downloads[1]
    assert downloads[0].startswith(b"%PDF-")
    version = DecisionDocument.objects.get().versions.get()
    assert len(downloads[0]) == version.size

    document = DecisionDocument.objects.get()
    page.goto(url(f"/paket/{document.package_year.package_id}/ar/2024/forslag/"))
    expect(page.get_by_text("fastställt i ett beslutsdokument och kan inte ändras")).to_be_visible()
    expect(page).to_have_url(url(f"/paket/{document.package_year.package_id}/ar/2024/"))
