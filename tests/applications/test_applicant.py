"""A committee applies: drafts, submits, and sees only its own applications."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import Application, ApplicationStatus, Attachment, RoundStatus
from tests.allocations.helpers import plain
from tests.conftest import make_committee, make_organisation, make_round, make_user
from tests.helpers import table
from tests.html import field
from trygghet import roles
from trygghet.models import CommitteeKind


@pytest.fixture
def setting(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    organisation = make_organisation(name="Teststad", amount_unit="mnkr")
    district = make_committee(
        organisation, name="Järva stadsdelsnämnd", kind=CommitteeKind.STADSDELSNAMND
    )
    other = make_committee(
        organisation, name="Bromma stadsdelsnämnd", kind=CommitteeKind.STADSDELSNAMND
    )
    round_ = make_round(organisation, status=RoundStatus.OPEN)
    applicant = make_user(organisation, role=roles.APPLICANT, committee=district)
    return {
        "organisation": organisation,
        "district": district,
        "other": other,
        "round": round_,
        "applicant": applicant,
    }


def application_data(**overrides):
    data = {
        "title": "Belysning i gångtunneln",
        "place": "Rinkeby allé, gångtunneln",
        "problem": "Tunneln är mörk och upplevs som otrygg kvällstid.",
        "measure": "Ny belysning och ljusa väggar.",
        "expected_effect": "Fler går genom tunneln kvällstid.",
        "applied_amount": "1,2",
        "contact_name": "Samir Sökande",
        "contact_email": "samir@example.se",
        "kostnad-TOTAL_FORMS": "2",
        "kostnad-INITIAL_FORMS": "0",
        "kostnad-0-description": "Armaturer",
        "kostnad-0-amount": "800 tkr",
        "kostnad-1-description": "Målning",
        "kostnad-1-amount": "0,4",
        "underlag-TOTAL_FORMS": "1",
        "underlag-INITIAL_FORMS": "0",
        "underlag-0-kind": "trygghetsvandring",
        "underlag-0-date": "2024-02-01",
        "underlag-0-description": "Trygghetsvandring med boende.",
    }
    data.update(overrides)
    return data


def test_applicant_drafts_and_submits(client, setting):
    client.force_login(setting["applicant"])
    url = reverse("applications:application-create", args=[setting["round"].pk])
    response = client.post(url, application_data(), follow=True)
    assert "är sparad som utkast" in response.text
    application = Application.objects.get(title="Belysning i gångtunneln")
    assert (application.applied_amount, application.committee) == (1_200_000, setting["district"])
    assert sorted(application.costs.values_list("amount", flat=True)) == [400_000, 800_000]
    response = client.post(
        reverse("applications:application-submit", args=[application.pk]), follow=True
    )
    assert "är inskickad" in response.text
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    # after submission the applicant can read but not change it
    edit = client.post(
        reverse("applications:application-edit", args=[application.pk]),
        application_data(title="Ändrad"),
        follow=True,
    )
    assert "Ansökan är inskickad och kan inte ändras." in edit.text
    application.refresh_from_db()
    assert application.title == "Belysning i gångtunneln"


def test_costs_must_add_up_to_the_applied_amount_and_nothing_is_saved(client, setting):
    client.force_login(setting["applicant"])
    url = reverse("applications:application-create", args=[setting["round"].pk])
    response = client.post(url, application_data(applied_amount="1,5"))
    page = plain(response.text)
    assert "Kostnaderna summerar till 1,2 mnkr men det sökta beloppet är 1,5 mnkr." in page
    assert 'value="Belysning i gångtunneln"' in page
    assert not Application.objects.exists()


def test_a_bad_amount_is_explained_next_to_the_cost(client, setting):
    client.force_login(setting["applicant"])
    url = reverse("applications:application-create", args=[setting["round"].pk])
    response = client.post(url, application_data(**{"kostnad-1-amount": "0,4,0"}))
    page = plain(response.text)
    assert 'id="id_kostnad-1-amount_error">”0,4,0” är inte ett belopp.' in page
    assert not Application.objects.exists()


def test_submission_needs_the_essentials(client, setting):
    client.force_login(setting["applicant"])
    url = reverse("applications:application-create", args=[setting["round"].pk])
    client.post(
        url, application_data(problem="", **{"underlag-0-kind": "", "underlag-0-description": ""})
    )
    application = Application.objects.get()
    response = client.post(
        reverse("applications:application-submit", args=[application.pk]), follow=True
    )
    assert (
        "Den saknar en platsspecifik problembeskrivning och minst ett underlag om otrygghet"
        in response.text
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_another_committees_application_is_a_404(client, setting):
    other_applicant = make_user(
        setting["organisation"], role=roles.APPLICANT, committee=setting["other"]
    )
    client.force_login(other_applicant)
    client.post(
        reverse("applications:application-create", args=[setting["round"].pk]),
        application_data(title="Brommas"),
    )
    theirs = Application.objects.get(title="Brommas")
    client.force_login(setting["applicant"])
    for url in [
        reverse("applications:application-detail", args=[theirs.pk]),
        reverse("applications:application-edit", args=[theirs.pk]),
    ]:
        assert client.get(url).status_code == 404
    assert (
        client.post(reverse("applications:application-submit", args=[theirs.pk])).status_code == 404
    )
    page = client.get(reverse("applications:round-detail", args=[setting["round"].pk])).text
    assert "Brommas" not in page


def test_no_applications_unless_the_round_is_open(client, setting):
    round_ = setting["round"]
    round_.status = RoundStatus.ASSESSMENT
    round_.save()
    client.force_login(setting["applicant"])
    response = client.post(
        reverse("applications:application-create", args=[round_.pk]),
        application_data(),
        follow=True,
    )
    assert "är inte öppen för ansökningar" in response.text
    assert not Application.objects.exists()


def test_a_facknamnd_states_its_consultation(client, setting):
    agency = make_committee(
        setting["organisation"], name="Trafiknämnden", kind=CommitteeKind.FACKNAMND
    )
    client.force_login(make_user(setting["organisation"], role=roles.APPLICANT, committee=agency))
    url = reverse("applications:application-create", args=[setting["round"].pk])
    response = client.post(url, application_data(consulted="ja"))
    assert "Ange vilken stadsdelsnämnd som har samråtts." in response.text
    client.post(url, application_data(consulted="ja", consulted_committee=setting["district"].pk))
    application = Application.objects.get()
    assert (application.consulted, application.consulted_committee) == (True, setting["district"])


def test_attachments_are_checked_by_content_and_served_only_to_those_allowed(client, setting):
    client.force_login(setting["applicant"])
    client.post(
        reverse("applications:application-create", args=[setting["round"].pk]), application_data()
    )
    application = Application.objects.get()
    upload_url = reverse("applications:attachment-upload", args=[application.pk])
    fake = SimpleUploadedFile(
        "karta.pdf", b"MZ this is an executable", content_type="application/pdf"
    )
    response = client.post(upload_url, {"file": fake}, follow=True)
    assert "Filen är inte en PDF, bild (PNG, JPEG), Excel- eller Word-fil" in response.text
    assert not Attachment.objects.exists()
    pdf = SimpleUploadedFile(
        "karta.pdf", b"%PDF-1.7\n%test\n", content_type="application/octet-stream"
    )
    client.post(upload_url, {"file": pdf})
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf"
    download = reverse("applications:attachment-download", args=[attachment.pk])
    assert b"".join(client.get(download).streaming_content).startswith(b"%PDF-1.7")
    client.force_login(
        make_user(setting["organisation"], role=roles.APPLICANT, committee=setting["other"])
    )
    assert client.get(download).status_code == 404


@pytest.mark.parametrize("count", [10, 500])
def test_applicant_list_queries_are_constant(client, setting, django_assert_num_queries, count):
    """Prevents one query per application (its status, assessment or committee) on the
    applicant's list."""
    from django.utils import timezone

    Application.objects.bulk_create(
        Application(
            round=setting["round"],
            committee=setting["district"],
            title=f"Ansökan {number}",
            place="Rinkeby",
            applied_amount=100_000,
            status=ApplicationStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )
        for number in range(count)
    )
    client.force_login(setting["applicant"])
    url = reverse("applications:round-detail", args=[setting["round"].pk])
    # session, user (with committee), round, criteria, 2 × permissions, the user's roles,
    # applications
    with django_assert_num_queries(8):
        response = client.get(url)
    rows = table(response.text, "Din nämnds ansökningar").rows
    # title, place, applied amount, status
    expected = [[f"Ansökan {number}", "Rinkeby", "0,1", "Inskickad"] for number in range(count)]
    assert sorted(rows) == sorted(expected)
    assert response.text.count("/ansokan/") == count


def test_officials_do_not_see_an_applicants_unsent_draft(client, setting):
    client.force_login(setting["applicant"])
    client.post(
        reverse("applications:application-create", args=[setting["round"].pk]), application_data()
    )
    draft = Application.objects.get()
    client.force_login(make_user(setting["organisation"], role=roles.OFFICIAL))
    assert (
        client.get(reverse("applications:application-detail", args=[draft.pk])).status_code == 404
    )


def test_a_returned_application_can_be_completed_after_the_round_has_closed(client, setting):
    client.force_login(setting["applicant"])
    client.post(
        reverse("applications:application-create", args=[setting["round"].pk]), application_data()
    )
    application = Application.objects.get()
    client.post(reverse("applications:application-submit", args=[application.pk]))
    round_ = setting["round"]
    round_.status = RoundStatus.ASSESSMENT
    round_.save()
    client.force_login(make_user(setting["organisation"], role=roles.OFFICIAL))
    client.post(
        reverse("applications:application-return", args=[application.pk]),
        {"message": "Bifoga kartan."},
    )
    client.force_login(setting["applicant"])
    page = client.get(reverse("applications:application-detail", args=[application.pk])).text
    assert "Bifoga kartan." in page and "Skicka in" in page
    client.post(reverse("applications:application-submit", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_coordinates_are_typed_with_a_decimal_comma(client, setting):
    client.force_login(setting["applicant"])
    url = reverse("applications:application-create", args=[setting["round"].pk])
    client.post(url, application_data(latitude="59,390123", longitude="17,83"))
    application = Application.objects.get()
    assert str(application.latitude) == "59.390123"
    page = client.get(reverse("applications:application-detail", args=[application.pk])).text
    assert "59,390123, 17,83" in page


def _draft_with_attachment(client, setting, name="rapport.html"):
    client.force_login(setting["applicant"])
    client.post(
        reverse("applications:application-create", args=[setting["round"].pk]), application_data()
    )
    application = Application.objects.get()
    pdf = SimpleUploadedFile(name, b"%PDF-1.7\n%test\n", content_type="text/html")
    client.post(reverse("applications:attachment-upload", args=[application.pk]), {"file": pdf})
    return application


def test_an_attachment_is_named_by_its_detected_type(client, setting):
    """A PDF sent as rapport.html was stored and offered as rapport.html."""
    application = _draft_with_attachment(client, setting)
    attachment = Attachment.objects.get()
    assert attachment.original_name == "rapport.pdf"
    assert attachment.file.name.endswith(".pdf")
    page = client.get(reverse("applications:application-detail", args=[application.pk])).text
    assert ">rapport.pdf</a>" in page and "rapport.html" not in page


def test_the_applicant_removes_an_attachment_from_a_draft(
    client, setting, django_capture_on_commit_callbacks
):
    application = _draft_with_attachment(client, setting)
    attachment = Attachment.objects.get()
    stored = attachment.file.path
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applications:attachment-remove", args=[attachment.pk]), follow=True
        )
    assert "Bilagan ”rapport.pdf” är borttagen." in plain(response.text)
    assert not Attachment.objects.exists()
    assert not os.path.exists(stored)
    assert response.request["PATH_INFO"] == reverse(
        "applications:application-detail", args=[application.pk]
    )


def test_a_submitted_applications_attachment_is_not_removed(client, setting):
    application = _draft_with_attachment(client, setting)
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.SUBMITTED)
    attachment = Attachment.objects.get()
    response = client.post(
        reverse("applications:attachment-remove", args=[attachment.pk]), follow=True
    )
    assert "Ansökan är inskickad och kan inte ändras." in plain(response.text)
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_the_attachment_field_is_not_marked_required(client, setting):
    """Attachments are optional: the field carried the required marker."""
    client.force_login(setting["applicant"])
    client.post(
        reverse("applications:application-create", args=[setting["round"].pk]), application_data()
    )
    application = Application.objects.get()
    page = client.get(reverse("applications:application-detail", args=[application.pk])).text
    label = page[page.index('for="id_file"') :]
    label = label[: label.index("</label>")]
    assert "obligatoriskt" not in label and "*" not in label
    response = client.post(
        reverse("applications:attachment-upload", args=[application.pk]), {}, follow=True
    )
    assert "Välj en fil att ladda upp." in plain(response.text)
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("field_name", "overrides", "message"),
    [
        (
            "latitude",
            {"latitude": "200", "longitude": "17,83"},
            "Latituden ska ligga mellan −90 och 90 grader (i Sverige ungefär 55–69).",
        ),
        (
            "longitude",
            {"latitude": "59,39", "longitude": "-181"},
            "Longituden ska ligga mellan −180 och 180 grader (i Sverige ungefär 11–24).",
        ),
        (
            "underlag-0-date",
            {"underlag-0-date": ""},
            "Ange när underlaget togs fram (datum).",
        ),
        (
            "underlag-0-date",
            {"underlag-0-date": "2099-01-01"},
            "Datumet ligger i framtiden: ange när underlaget togs fram.",
        ),
    ],
)
def test_impossible_coordinates_and_undated_or_future_evidence_are_refused(
    client, setting, field_name, overrides, message
):
    """Latitude 200, evidence with no date and evidence dated in the future were accepted."""
    client.force_login(setting["applicant"])
    url = reverse("applications:application-create", args=[setting["round"].pk])
    response = client.post(url, application_data(**overrides))
    assert response.status_code == 200
    described = field(response.text, f"id_{field_name}")
    assert described.invalid and message in described.descriptions
    assert "Inget är sparat." in plain(response.text)
    assert not Application.objects.exists()


def test_an_applied_amount_ten_times_the_rounds_frame_is_refused(client, setting):
    """A unit typed wrong (500 mnkr in a round of a few mnkr) was stored as applied."""
    client.force_login(setting["applicant"])
    url = reverse("applications:application-create", args=[setting["round"].pk])
    response = client.post(url, application_data(applied_amount="500"))
    assert response.status_code == 200
    described = field(response.text, "id_applied_amount")
    assert described.invalid
    assert any(
        "Sökt belopp: 500,0 mnkr är mer än tio gånger ramen" in text
        for text in described.descriptions
    )
    assert not Application.objects.exists()
