"""Import in the browser: upload, preview with problems and name mapping, confirm."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from allocations.models import Amount, AmountKind, BudgetLine, BudgetLineLabel, Package, PackageYear
from tests.conftest import make_organisation, make_package, make_user
from tests.html import field
from trygghet import roles
from trygghet.models import User

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "import"
MKR = 1_000_000


def url(name: str, package) -> str:
    return reverse(f"allocations:import-{name}", args=[package.pk])


def upload(client, package, content: bytes, *, name="tabell.csv", unit="mkr", **data):
    return client.post(
        url("upload", package),
        {"file": SimpleUploadedFile(name, content), "unit": unit, **data},
    )


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def stored() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (PackageYear, BudgetLine, Amount))


def login(client, username: str):
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def nacka(demo):
    return Package.objects.get(name="Trygghetspaketet")


@pytest.fixture
def empty_package(organisation):
    """A package with the years of the 2024 table as drafts and no lines yet."""
    return make_package(organisation, lines=0, years=(2023, 2024))


def test_the_upload_page_defaults_to_the_organisations_unit_and_labels_its_fields(
    official_client, empty_package
):
    page = official_client.get(url("upload", empty_package)).text
    # required, as the marker says to everyone: a visible * and "(obligatoriskt)" read out
    assert field(page, "id_file").label == "Fil att importera *(obligatoriskt)"
    assert '<option value="mkr" selected>' in page
    assert field(page, "id_file").descriptions == [
        "CSV eller XLSX, högst 2 MB. Första kolumnen är budgetpostens namn; övriga kolumner "
        "har rubrikerna Förslag 2024, Budget 2023, Utfall 2023 eller bara ett år (2022) för "
        "beslutad budget."
    ]
    assert "<caption>" in page and 'scope="col"' in page


def test_the_whole_flow_stores_the_nacka_2024_table(official_client, empty_package):
    response = upload(official_client, empty_package, fixture("nacka_2024.xlsx"), name="2024.xlsx")
    assert response.status_code == 302
    assert response["Location"] == url("preview", empty_package)

    page = official_client.get(url("preview", empty_package)).text
    assert "Inget är sparat ännu." in page
    assert "6 namn i filen matchar ingen budgetpost." in page
    assert page.count("Skapa ny budgetpost") == 6
    choice = field(page, "id_rad_2")
    assert choice.label == "Budgetpost för rad 2, ”Trygghetsvärdar”"
    assert "visually-hidden" in choice.label_class
    assert stored() == (2, 0, 0)

    # Confirming without choosing is refused next to each select, and stores nothing.
    response = official_client.post(url("confirm", empty_package))
    assert response.status_code == 200
    assert response.text.count("Välj en befintlig budgetpost eller Skapa ny budgetpost.") == 6
    choice = field(response.text, "id_rad_2")
    assert choice.invalid
    assert choice.descriptions == ["Välj en befintlig budgetpost eller Skapa ny budgetpost."]
    assert stored() == (2, 0, 0)

    choices = {f"rad_{number}": "ny" for number in range(2, 8)}
    response = official_client.post(url("confirm", empty_package), choices, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "allocations:package-detail", args=[empty_package.pk]
    )
    assert (
        "Importen är sparad: 18 nya belopp, 0 ändrade belopp och 6 nya budgetposter."
        in response.text
    )
    proposals = Amount.objects.filter(
        line__package=empty_package, year=2024, kind=AmountKind.PROPOSAL
    ).order_by("line__order")
    assert [amount.amount for amount in proposals] == [
        1_600_000, 1_500_000, 600_000, 100_000, 1_100_000, 100_000
    ]  # fmt: skip
    outcome = Amount.objects.filter(line__package=empty_package, year=2023, kind="utfall")
    assert sum(amount.amount for amount in outcome) == 4_290_000
    # The file is gone from the session: the preview asks for a new one.
    assert official_client.get(url("preview", empty_package))["Location"] == url(
        "upload", empty_package
    )


def test_an_unknown_name_can_be_mapped_to_an_existing_line(official_client, organisation):
    package = make_package(organisation, lines=1, years=(2024,))
    line = package.lines.get()
    upload(official_client, package, "Post;Förslag 2024\nNattvandring;0,5\n".encode())
    page = official_client.get(url("preview", package)).text
    assert f'<option value="{line.pk}">Post 1</option>' in page
    response = official_client.post(url("confirm", package), {"rad_2": str(line.pk)})
    assert response.status_code == 302
    assert Amount.objects.get(line=line, year=2024, kind=AmountKind.PROPOSAL).amount == 500_000
    assert BudgetLine.objects.filter(package=package).count() == 1


def test_a_choice_that_clashes_is_explained_next_to_it_and_can_be_changed(
    official_client, organisation
):
    package = make_package(organisation, lines=2, years=(2024,))
    post_1 = package.lines.get(name="Post 1")
    upload(official_client, package, "Post;Förslag 2024\nPost 1;0,5\nNattvandring;0,5\n".encode())
    response = official_client.post(url("confirm", package), {"rad_3": str(post_1.pk)})
    assert response.status_code == 200
    message = "Rad 3, kolumn ”Post”: samma budgetpost som rad 2: Post 1."
    choice = field(response.text, "id_rad_3")
    assert choice.invalid and choice.descriptions == [message]
    assert "Spara importen" in response.text
    assert Amount.objects.get(line=post_1, kind=AmountKind.PROPOSAL).amount == MKR

    response = official_client.post(url("confirm", package), {"rad_3": "ny"})
    assert response.status_code == 302
    assert Amount.objects.get(line=post_1, kind=AmountKind.PROPOSAL).amount == 500_000
    assert Amount.objects.get(line__name="Nattvandring").amount == 500_000


def test_the_preview_shows_every_problem_with_row_and_column_and_cannot_be_saved(client, nacka):
    login(client, "nacka-handlaggare")
    upload(client, nacka, fixture("fel_belopp.csv"))
    page = client.get(url("preview", nacka)).text
    assert "Importen kan inte sparas" in page
    assert (
        '<a href="#rad-4" class="alert-link">Rad 4, kolumn ”Förslag 2024”: ”1,6,0” är inte ett '
        "belopp. Skriv till exempel 1,6 eller 1 600 tkr.</a>" in page
    )
    assert '<tr id="rad-4">' in page
    assert "Spara importen" not in page
    before = stored()
    response = client.post(url("confirm", nacka))
    assert "Importen kan inte sparas" in response.text
    assert stored() == before


def test_a_changed_decided_year_is_refused_in_the_preview(client, nacka):
    login(client, "nacka-handlaggare")
    content = fixture("nacka_2024.csv").decode().replace("1,2 mkr;1,4 mkr", "1,2 mkr;1,3 mkr")
    upload(client, nacka, content.replace("4,29 mkr;5,0 mkr", "4,29 mkr;4,9 mkr").encode())
    page = client.get(url("preview", nacka)).text
    message = "Rad 2, kolumn ”Budget 2023”: Trygghetspaketet 2023 är beslutat och kan inte ändras."
    assert message in page
    before = stored()
    response = client.post(url("confirm", nacka))
    assert message in response.text
    assert stored() == before
    line = BudgetLine.objects.get(package=nacka, name="Trygghetsvärdar")
    assert Amount.objects.get(line=line, year=2023, kind=AmountKind.BUDGET).amount == 1_400_000


def test_outcomes_of_a_decided_year_can_be_imported(client, nacka):
    login(client, "nacka-handlaggare")
    content = fixture("nacka_2024.csv").decode().replace("1,6 mkr;1,2 mkr", "1,6 mkr;1,3 mkr")
    upload(client, nacka, content.replace("4,29 mkr", "4,39 mkr").encode())
    response = client.post(url("confirm", nacka), follow=True)
    assert "Importen är sparad: 0 nya belopp, 1 ändrat belopp och 17 oförändrade belopp." in (
        response.text
    )
    line = BudgetLine.objects.get(package=nacka, name="Trygghetsvärdar")
    assert Amount.objects.get(line=line, year=2023, kind=AmountKind.OUTCOME).amount == 1_300_000


def test_the_preview_shows_the_resulting_table_in_the_organisations_unit(client, nacka):
    login(client, "nacka-handlaggare")
    upload(client, nacka, fixture("over_ramen.csv"))
    page = client.get(url("preview", nacka)).text
    assert "Tabellen efter importen, belopp i mkr." in page
    assert re.search(r"1,8<br><small class=\"text-body-secondary\">tidigare 1,6</small>", page)
    assert "Summan 5,2\u00a0mkr överskrider ramen 5,0\u00a0mkr med 0,2\u00a0mkr." in page
    response = client.post(url("confirm", nacka), follow=True)
    assert "Importen är sparad: 0 nya belopp, 1 ändrat belopp och 5 oförändrade belopp." in (
        response.text
    )
    line = BudgetLine.objects.get(package=nacka, name="Trygghetsvärdar")
    assert Amount.objects.get(line=line, year=2024, kind=AmountKind.PROPOSAL).amount == 1_800_000


def test_a_year_decided_between_preview_and_confirm_stores_nothing(official_client, organisation):
    package = make_package(organisation, lines=1, years=(2024,))
    upload(official_client, package, "Post;Förslag 2024\nPost 1;0,5\n".encode())
    PackageYear.objects.filter(package=package).update(status="beslutad")
    response = official_client.post(url("confirm", package))
    assert response.status_code == 200
    assert f"{package.name} 2024 är beslutat och kan inte ändras." in response.text
    assert Amount.objects.get(line__package=package, kind=AmountKind.PROPOSAL).amount == MKR


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "stor.csv",
            b"Post;2022\n" + b"A;1\n" * 600_000,
            "Filen är 2,3 MB. Den får vara högst 2 MB.",
        ),
        (
            "tabell.pdf",
            fixture("inte_en_tabell.pdf"),
            "Filen är en PDF. Skriv av tabellen i Excel och spara den som .xlsx eller CSV.",
        ),
        (
            "bild.csv",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "Filen är varken en CSV-fil eller en XLSX-fil. Spara tabellen i Excel som .xlsx "
            "eller CSV och försök igen.",
        ),
    ],
)
def test_a_file_that_is_too_large_or_no_table_is_refused_next_to_the_field(
    official_client, empty_package, name, content, message
):
    response = upload(official_client, empty_package, content, name=name)
    assert response.status_code == 200
    upload_field = field(response.text, "id_file")
    assert upload_field.invalid
    assert message in upload_field.descriptions  # with the help text
    assert any(text.startswith("CSV eller XLSX, högst 2 MB.") for text in upload_field.descriptions)
    assert "allocations-import-" not in str(dict(official_client.session))


def test_cancel_forgets_the_file(official_client, empty_package):
    upload(official_client, empty_package, fixture("nacka_2024.csv"))
    response = official_client.post(url("cancel", empty_package), follow=True)
    assert "Importen är avbruten. Inget har sparats." in response.text
    assert official_client.get(url("preview", empty_package)).status_code == 302
    assert stored() == (2, 0, 0)


def test_another_organisations_package_is_404(client, demo):
    login(client, "nacka-handlaggare")
    linkoping = Package.objects.get(name="Utökat trygghetsarbete")
    for name in ("upload", "preview"):
        assert client.get(url(name, linkoping)).status_code == 404
    for name in ("confirm", "cancel"):
        assert client.post(url(name, linkoping)).status_code == 404
    assert upload(client, linkoping, fixture("nacka_2024.csv")).status_code == 404


def test_a_member_may_not_import(client, nacka):
    login(client, "nacka-ledamot")
    assert client.get(url("upload", nacka)).status_code == 403
    assert upload(client, nacka, fixture("nacka_2024.csv")).status_code == 403
    assert client.post(url("confirm", nacka)).status_code == 403


def test_every_import_page_requires_login(client, empty_package):
    response = client.get(url("upload", empty_package))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("lines", [6, 60])
def test_the_preview_page_reads_once_and_writes_each_change_once(
    client, db, django_assert_num_queries, lines
):
    """Prevents one query per line (its earlier labels for matching, its stored amounts)
    or per column (the year and its frame) on the preview page. The preview writes each
    changed amount through allocation_save, rolled back, at the service's own cost per
    amount (its line, check and unique validation, the update and its history)."""
    organisation = make_organisation()
    package = make_package(organisation, lines=lines, years=(2023, 2024))
    BudgetLineLabel.objects.bulk_create(
        BudgetLineLabel(line=line, from_year=2020, label=f"Gammalt namn {line.pk}")
        for line in package.lines.all()
    )
    rows = "".join(f"Gammalt namn {line.pk};1,0;0,9\n" for line in package.lines.all())
    client.force_login(make_user(organisation, role=roles.OFFICIAL))
    upload(client, package, f"Post;Förslag 2024;Utfall 2023\n{rows}Ny post;1;1\n".encode())
    # session, user, package, permissions (user, groups); savepoint, package and years
    # locked, lines, labels, years, amounts, finalised document?; allocation_save of the
    # outcome column: savepoint, year, lines, amounts, 7 per amount, sum, version,
    # release; rollback and release
    with django_assert_num_queries(22 + 7 * lines):
        response = client.get(url("preview", package))
    assert response.status_code == 200
    assert response.text.count("tidigare 1,0") == lines  # every outcome 1,0 → 0,9
    assert "Skapa ny budgetpost" in response.text


def test_retired_lines_are_not_offered_in_the_name_mapping(client, nacka):
    """A 2024 row that matches no name offered Ambulerande trygghetsvärdar, retired after
    2022, as a place for its amounts."""
    official = login(client, "nacka-handlaggare")
    content = "Budgetpost;Förslag 2024\nTrygghetsvärdar;1,6\nNågot helt nytt;0,1\n".encode()
    upload(official, nacka, content)
    page = official.get(url("preview", nacka)).text
    options = re.findall(r"<option[^>]*>([^<]*)</option>", page)
    assert "Trygghetsvärdar" in options and "Skapa ny budgetpost" in options
    assert "Ambulerande trygghetsvärdar" not in options
    assert "Brottsförebyggande trygghetssamordnare" not in options
