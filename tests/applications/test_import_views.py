"""Import in the browser: upload, preview with every problem, confirm, cancel, access."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Application, Assessment, Round, RoundStatus
from tests.applications.test_import_parsing import HEADER, fixture, make_stockholm
from tests.conftest import make_committee, make_organisation, make_user
from tests.html import field
from trygghet import roles

NBSP = "\u00a0"


def url(name: str, round_: Round) -> str:
    return reverse(f"applications:import-{name}", args=[round_.pk])


def upload(client, round_, content: bytes, *, name="ansokningar.csv", unit="mkr"):
    return client.post(
        url("upload", round_), {"file": SimpleUploadedFile(name, content), "unit": unit}
    )


def stored() -> tuple[int, int]:
    return Application.objects.count(), Assessment.objects.count()


@pytest.fixture
def round_(db):
    return make_stockholm()


@pytest.fixture
def official(round_):
    return make_user(round_.organisation, role=roles.OFFICIAL)


@pytest.fixture
def official_client(client, official):
    client.force_login(official)
    return client


def test_the_upload_page_defaults_to_the_organisations_unit_and_labels_its_fields(
    official_client, round_
):
    page = official_client.get(url("upload", round_)).text
    # required, as the marker says to everyone: a visible * and "(obligatoriskt)" read out
    assert field(page, "id_file").label == "Fil att importera *(obligatoriskt)"
    assert field(page, "id_unit").label == "Enhet för beloppen i filen *(obligatoriskt)"
    assert '<option value="mkr" selected>' in page  # Stockholm writes mnkr: millions
    assert field(page, "id_file").descriptions == [
        "CSV eller XLSX, högst 2 MB. Kolumnerna Nämnd, Titel, Plats, Fokusområde och Sökt "
        "belopp, och för bedömda ansökningar Föreslaget belopp och Motivering."
    ]
    assert "create_years" not in page
    assert "<caption>" in page and 'scope="col"' in page and 'scope="row"' in page


def test_the_whole_flow_stores_the_example_file(official_client, official, round_):
    response = upload(official_client, round_, fixture("ansokningar_exempel.xlsx"), name="a.xlsx")
    assert response.status_code == 302
    assert response["Location"] == url("preview", round_)

    page = official_client.get(url("preview", round_)).text
    assert "a.xlsx till Trygghetsinvesteringar 2024." in page
    assert "Inget är sparat ännu." in page
    assert '<tr id="rad-3">' in page and '<tr id="rad-7">' in page
    assert (
        '<th scope="row">Trygghetskameror vid Tensta centrum</th>' in page
    )  # the title heads its row
    assert "Ansökningarna i filen, belopp i mnkr." in page
    assert '<td class="text-end amount fw-bold">10,0</td>' in page
    assert '<td class="text-end amount fw-bold">6,1</td>' in page
    assert (
        f'<p id="sammanfattning">5 ansökningar om totalt 10,0{NBSP}mnkr. 3 ansökningar föreslås '
        f"beviljas medel om totalt 6,1{NBSP}mnkr.</p>" in page
    )
    assert "Spara importen" in page
    assert stored() == (0, 0)

    response = official_client.post(url("confirm", round_), follow=True)
    assert response.redirect_chain[-1][0] == reverse("applications:round-detail", args=[round_.pk])
    assert (
        "Importen är sparad: 5 nya ansökningar, 0 uppdaterade ansökningar och 4 bedömningar."
        in response.text
    )
    applications = Application.objects.filter(round=round_).order_by("pk")
    assert [application.applied_amount for application in applications] == [
        2_500_000, 1_800_000, 600_000, 3_200_000, 1_900_000
    ]  # fmt: skip
    assert {application.status for application in applications} == {"inskickad"}
    assessments = Assessment.objects.order_by("application__pk")
    assert [(a.proposed_amount, a.assessor) for a in assessments] == [
        (2_500_000, official), (0, official), (400_000, official), (3_200_000, official)
    ]  # fmt: skip
    # The file is gone from the session: the preview asks for a new one.
    assert official_client.get(url("preview", round_))["Location"] == url("upload", round_)


def test_an_updated_application_shows_its_earlier_proposal(official_client, round_):
    upload(official_client, round_, fixture("ansokningar_exempel.csv"))
    official_client.post(url("confirm", round_))
    content = fixture("ansokningar_exempel.csv").decode().replace("0,6;0,4;", "0,6;0,5;")
    upload(official_client, round_, content.replace("10,0;6,1", "10,0;6,2").encode())
    page = official_client.get(url("preview", round_)).text
    assert page.count('<span class="badge text-bg-secondary">Uppdateras</span>') == 5
    assert '0,5<br><small class="text-body-secondary">tidigare 0,4</small>' in page
    assert "5 ansökningar finns redan i omgången och uppdateras." in page
    response = official_client.post(url("confirm", round_), follow=True)
    assert "0 nya ansökningar, 5 uppdaterade ansökningar och 4 bedömningar" in response.text
    assert Application.objects.count() == 5
    assert Assessment.objects.get(application__title__startswith="Röjning").proposed_amount == (
        500_000
    )


@pytest.mark.parametrize(
    ("name", "problem", "row"),
    [
        (
            "ansokningar_fel_belopp.csv",
            "Rad 4, kolumn ”Sökt belopp”: ”3,2,0” är inte ett belopp. Skriv till exempel 1,6 "
            "eller 1 600 tkr.",
            4,
        ),
        (
            "ansokningar_okand_namnd.csv",
            "Rad 3, kolumn ”Nämnd”: ”Gröna nämnden” matchar ingen nämnd hos Stockholms stad.",
            3,
        ),
        (
            "ansokningar_saknad_motivering.csv",
            "Rad 3, kolumn ”Motivering”: Skriv en motivering när beloppet sänks eller är noll.",
            3,
        ),
    ],
)
def test_the_preview_shows_every_problem_with_row_and_column_and_cannot_be_saved(
    official_client, round_, name, problem, row
):
    upload(official_client, round_, fixture(name))
    page = official_client.get(url("preview", round_)).text
    assert "Importen kan inte sparas" in page
    assert f'<a href="#rad-{row}" class="alert-link">{problem}</a>' in page
    assert f'<tr id="rad-{row}">' in page
    assert "Spara importen" not in page
    response = official_client.post(url("confirm", round_))
    assert response.status_code == 200
    assert problem in response.text
    assert stored() == (0, 0)


def test_a_bad_amount_is_shown_in_its_cell(official_client, round_):
    upload(official_client, round_, fixture("ansokningar_fel_belopp.csv"))
    page = official_client.get(url("preview", round_)).text
    assert (
        '<td class="text-end amount table-danger"><span class="text-danger">3,2,0</span>'
        '<span class="visually-hidden"> (fel)</span></td>' in page
    )


def test_a_summa_row_that_disagrees_is_listed_without_a_link(official_client, round_):
    upload(official_client, round_, fixture("ansokningar_fel_summa.csv"))
    page = official_client.get(url("preview", round_)).text
    message = "Rad 5, kolumn ”Sökt belopp”: Summa-raden 25,0 stämmer inte med radernas summa 23,0."
    assert f'<li id="problem-1">{message}</li>' in page  # the sum row is not in the table
    assert official_client.post(url("confirm", round_)).status_code == 200
    assert stored() == (0, 0)


def test_a_decided_round_cannot_be_imported_into(official_client, round_):
    Round.objects.filter(pk=round_.pk).update(status=RoundStatus.DECIDED)
    upload(official_client, round_, fixture("ansokningar_exempel.csv"))
    page = official_client.get(url("preview", round_)).text
    assert "Trygghetsinvesteringar 2024 är beslutad och kan inte ändras." in page
    assert "Spara importen" not in page
    official_client.post(url("confirm", round_))
    assert stored() == (0, 0)


def test_a_round_decided_between_preview_and_confirm_stores_nothing(official_client, round_):
    upload(official_client, round_, fixture("ansokningar_exempel.csv"))
    assert "Spara importen" in official_client.get(url("preview", round_)).text
    Round.objects.filter(pk=round_.pk).update(status=RoundStatus.DECIDED)
    response = official_client.post(url("confirm", round_))
    assert response.status_code == 200
    assert "Trygghetsinvesteringar 2024 är beslutad och kan inte ändras." in response.text
    assert stored() == (0, 0)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "stor.csv",
            HEADER.encode() + b"A;B;C;;1;;\n" * 200_000,
            "Filen är 2,1 MB. Den får vara högst 2 MB.",
        ),
        (
            "ansokningar.pdf",
            fixture("inte_en_tabell.pdf"),
            "Filen är en PDF. Skriv av tabellen i Excel och spara den som .xlsx eller CSV.",
        ),
        ("tom.csv", b"  \n", "Filen är tom."),
    ],
)
def test_a_file_that_is_too_large_or_no_table_is_refused_next_to_the_field(
    official_client, round_, name, content, message
):
    response = upload(official_client, round_, content, name=name)
    assert response.status_code == 200
    upload_field = field(response.text, "id_file")
    assert upload_field.invalid
    assert message in upload_field.descriptions  # with the help text
    assert any(text.startswith("CSV eller XLSX, högst 2 MB.") for text in upload_field.descriptions)
    assert "applications-import-" not in str(dict(official_client.session))


def test_cancel_forgets_the_file(official_client, round_):
    upload(official_client, round_, fixture("ansokningar_exempel.csv"))
    response = official_client.post(url("cancel", round_), follow=True)
    assert response.redirect_chain[-1][0] == reverse("applications:round-detail", args=[round_.pk])
    assert "Importen är avbruten. Inget har sparats." in response.text
    assert official_client.get(url("preview", round_)).status_code == 302
    assert stored() == (0, 0)


def test_another_organisations_round_is_404_even_for_its_officials_peers(client, round_):
    other = make_organisation(name="Linköpings kommun")
    client.force_login(make_user(other, role=roles.OFFICIAL))
    for name in ("upload", "preview"):
        assert client.get(url(name, round_)).status_code == 404
    for name in ("confirm", "cancel"):
        assert client.post(url(name, round_)).status_code == 404
    assert upload(client, round_, fixture("ansokningar_exempel.csv")).status_code == 404
    # Looked up before the permission: a member elsewhere learns nothing either.
    client.force_login(make_user(other, role=roles.MEMBER))
    assert client.get(url("upload", round_)).status_code == 404


@pytest.mark.parametrize("role", [roles.MEMBER, roles.APPLICANT])
def test_members_and_applicants_may_not_import(client, round_, role):
    committee = round_.organisation.committees.first() if role == roles.APPLICANT else None
    client.force_login(make_user(round_.organisation, role=role, committee=committee))
    assert client.get(url("upload", round_)).status_code == 403
    assert upload(client, round_, fixture("ansokningar_exempel.csv")).status_code == 403
    assert client.get(url("preview", round_)).status_code == 403
    assert client.post(url("confirm", round_)).status_code == 403
    assert stored() == (0, 0)


def test_every_import_page_requires_login(client, round_):
    response = client.get(url("upload", round_))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("rows", [10, 500])
def test_the_preview_page_queries_are_constant(client, db, rows):
    """Prevents an N+1 on the preview page: one query per row for its committee, its
    focus area, or the stored application (and its assessment) it would update, or one
    write per application or assessment the preview writes and rolls back."""
    round_ = make_stockholm()
    committees = [make_committee(round_.organisation, name=f"Nämnd {n}") for n in range(5)]
    stored_rows = [
        Application(
            round=round_,
            committee=committees[n % 5],
            title=f"Ansökan {n}",
            place="Torget",
            applied_amount=1_000_000,
            status="inskickad",
        )
        for n in range(0, rows, 2)
    ]
    Application.objects.bulk_create(stored_rows)
    Assessment.objects.bulk_create(
        Assessment(application=application, proposed_amount=500_000, motivation="Sänkt.")
        for application in stored_rows
    )
    lines = "".join(
        f"Nämnd {n % 5};Ansökan {n};Torget;Stadsutveckling;1,0;0,8;Sänkt.\n" for n in range(rows)
    )
    client.force_login(make_user(round_.organisation, role=roles.OFFICIAL))
    upload(client, round_, (HEADER + lines).encode())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("preview", round_))
    statements = [query["sql"].split()[0] for query in queries.captured_queries]
    # session, user, round, permissions (user, groups), round locked, finalised document?,
    # committees, focus areas, applications, the round's summary
    assert statements.count("SELECT") == 11
    # New and updated applications and assessments, and the history of each, written (and
    # rolled back) in bulk: one statement each, or one per batch where the database limits
    # a statement's size.
    writes = statements.count("INSERT") + statements.count("UPDATE")
    assert 8 <= writes <= 8 + rows // 20
    assert response.status_code == 200
    assert response.text.count("<tr id=") == rows
    assert response.text.count("tidigare 0,5") == len(stored_rows)
    assert "Spara importen" in response.text
