"""Two people save the same application or assessment: the second is refused, told who
saved and what they changed, nothing is overwritten, and saving again then goes through."""

import pytest
from django.test import Client
from django.urls import reverse

from applications.models import Application, ApplicationStatus, Assessment, RoundStatus
from tests.allocations.helpers import plain
from tests.applications.test_applicant import application_data
from tests.applications.test_history import edit_form
from tests.conftest import make_committee, make_organisation, make_round, make_user
from trygghet import roles
from trygghet.models import CommitteeKind


@pytest.fixture
def setting(db):
    organisation = make_organisation(name="Teststad", amount_unit="mnkr")
    district = make_committee(
        organisation, name="Järva stadsdelsnämnd", kind=CommitteeKind.STADSDELSNAMND
    )
    round_ = make_round(organisation, status=RoundStatus.OPEN)
    return {
        "round": round_,
        "samir": make_user(
            organisation, role=roles.APPLICANT, committee=district, username="samir"
        ),
        "sara": make_user(organisation, role=roles.APPLICANT, committee=district, username="sara"),
        "olivia": make_user(organisation, role=roles.OFFICIAL, username="olivia"),
        "oskar": make_user(organisation, role=roles.OFFICIAL, username="oskar"),
    }


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def drafted(setting) -> Application:
    client = logged_in(setting["samir"])
    client.post(
        reverse("applications:application-create", args=[setting["round"].pk]), application_data()
    )
    return Application.objects.get()


def test_two_applicants_editing_the_same_draft(setting):
    application = drafted(setting)
    url = reverse("applications:application-edit", args=[application.pk])
    samir, sara = logged_in(setting["samir"]), logged_in(setting["sara"])

    # both open the form
    samirs = edit_form(samir, application, contact_name="Samir Sökande, enhetschef")
    saras = edit_form(sara, application, title="Belysning i Rinkebytunneln", applied_amount="1,5")
    saras["kostnad-1-amount"] = "0,7"

    # Sara saves first
    assert sara.post(url, saras).status_code == 302

    # Samir's save, based on the old version, is refused
    response = samir.post(url, samirs)
    page = plain(response.text)
    assert response.status_code == 200
    assert (
        "Någon annan har sparat ansökan ”Belysning i Rinkebytunneln” av sara medan du skrev: "
        "Titel: ”Belysning i gångtunneln” → ”Belysning i Rinkebytunneln”; "
        "Sökt belopp: 1,2 mnkr → 1,5 mnkr. Inget av det du skrev är sparat." in page
    )
    assert 'value="Samir Sökande, enhetschef"' in page  # what Samir typed is shown again
    stored = Application.objects.get()
    assert (stored.title, stored.applied_amount, stored.contact_name) == (
        "Belysning i Rinkebytunneln",
        1_500_000,
        "Samir Sökande",
    )  # nothing overwritten

    # having seen the change, Samir saves again on top of it
    again = samir.post(url, response.context["form"].data.dict())
    assert again.status_code == 302
    stored.refresh_from_db()
    assert stored.contact_name == "Samir Sökande, enhetschef"


def test_submitting_a_page_someone_changed_since_is_refused(setting):
    application = drafted(setting)
    samir, sara = logged_in(setting["samir"]), logged_in(setting["sara"])
    detail = reverse("applications:application-detail", args=[application.pk])
    shown = samir.get(detail).context["application"].version
    sara.post(
        reverse("applications:application-edit", args=[application.pk]),
        edit_form(sara, application, place="Rinkeby allé 12"),
    )
    response = samir.post(
        reverse("applications:application-submit", args=[application.pk]),
        {"version": shown},
        follow=True,
    )
    assert "Plats: ”Rinkeby allé, gångtunneln” → ”Rinkeby allé 12”" in plain(response.text)
    assert Application.objects.get().status == ApplicationStatus.DRAFT
    response = samir.post(
        reverse("applications:application-submit", args=[application.pk]),
        {"version": response.context["application"].version},
        follow=True,
    )
    assert Application.objects.get().status == ApplicationStatus.SUBMITTED


def test_returning_an_application_that_changed_since_it_was_read(setting):
    application = drafted(setting)
    samir = logged_in(setting["samir"])
    samir.post(
        reverse("applications:application-submit", args=[application.pk]),
        {"version": Application.objects.get().version},
    )
    olivia, oskar = logged_in(setting["olivia"]), logged_in(setting["oskar"])
    detail = reverse("applications:application-detail", args=[application.pk])
    return_url = reverse("applications:application-return", args=[application.pk])

    # Olivia reads the application; meanwhile Oskar returns it and Samir completes it
    read_by_olivia = olivia.get(detail).context["return_form"]["version"].value()
    oskar.post(
        return_url,
        {"message": "Ange beloppet utan moms.", "version": Application.objects.get().version},
    )
    samir.post(
        reverse("applications:application-edit", args=[application.pk]),
        edit_form(samir, application, applied_amount="1,0", **{"kostnad-1-amount": "0,2"}),
    )
    samir.post(
        reverse("applications:application-submit", args=[application.pk]),
        {"version": Application.objects.get().version},
    )

    # Olivia's return, written about the old application, is refused
    response = olivia.post(return_url, {"message": "Bifoga kartan.", "version": read_by_olivia})
    page = plain(response.text)
    assert response.status_code == 200
    assert (
        "Någon annan har sparat ansökan ”Belysning i gångtunneln” av oskar och samir medan du "
        "skrev: Sökt belopp: 1,2 mnkr → 1,0 mnkr." in page
    )
    assert "Bifoga kartan.</textarea>" in page  # what Olivia typed is shown again
    stored = Application.objects.get()
    assert (stored.status, stored.return_message) == (ApplicationStatus.SUBMITTED, "")

    # having read the completed application, Olivia returns it
    again = olivia.post(return_url, response.context["return_form"].data.dict())
    assert again.status_code == 302
    stored.refresh_from_db()
    assert (stored.status, stored.return_message) == (ApplicationStatus.RETURNED, "Bifoga kartan.")


def assessment_form(client, application, **typed) -> dict:
    """What the assessment form posts when opened now, with `typed` filled in."""
    form = client.get(reverse("applications:application-assess", args=[application.pk])).context[
        "form"
    ]
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data.update(typed)
    return data


def test_two_officials_assessing_the_same_application(db):
    organisation = make_organisation(name="Teststad", amount_unit="mnkr")
    round_ = make_round(organisation, applications=1)
    application = round_.applications.get()
    criteria = list(round_.criteria.all())
    olivia = logged_in(make_user(organisation, username="olivia"))
    oskar = logged_in(make_user(organisation, username="oskar"))
    url = reverse("applications:application-assess", args=[application.pk])
    all_met = {f"verdict_{criterion.pk}": "uppfyllt" for criterion in criteria}

    # both open the form of the unassessed application
    olivias = assessment_form(olivia, application, proposed_amount="1,0", **all_met)
    oskars = assessment_form(
        oskar,
        application,
        proposed_amount="0,6",
        motivation="Kamerorna ryms inte i ramen.",
        **all_met,
    )
    oskars[f"verdict_{criteria[2].pk}"] = "delvis"

    # Oskar saves first
    assert oskar.post(url, oskars).status_code == 302

    # Olivia's assessment is refused
    response = olivia.post(url, olivias)
    page = plain(response.text)
    assert response.status_code == 200
    assert (
        "Någon annan har sparat bedömningen av ”Ansökan 0” av oskar medan du skrev: "
        "Föreslaget belopp: inget belopp → 0,6 mnkr; "
        "Motivering: ny text ”Kamerorna ryms inte i ramen.”; " in page
    )
    assert "Rimliga kostnader i förhållande till åtgärden: ej bedömt → delvis uppfyllt" in page
    assert 'value="1,0"' in page  # what Olivia typed is shown again
    assert Assessment.objects.get().proposed_amount == 600_000  # nothing overwritten

    # Oskar changes one verdict on his own; Olivia's second try is refused again, naming it
    oskars = assessment_form(oskar, application)
    oskars[f"verdict_{criteria[0].pk}"] = "ej"
    assert oskar.post(url, oskars).status_code == 302
    response = olivia.post(url, response.context["form"].data.dict())
    page = plain(response.text)
    assert "sparat bedömningen av ”Ansökan 0” av oskar medan du skrev: " in page
    assert (
        "Platsspecifik problembeskrivning med dokumenterad otrygghet: uppfyllt → ej uppfyllt"
        in page
    )
    assert "Föreslaget belopp" not in page.split("medan du skrev")[1].split("Inget av")[0]

    # having seen both, Olivia saves on top of them
    again = olivia.post(url, response.context["form"].data.dict())
    assert again.status_code == 302
    assessment = Assessment.objects.get()
    assert (assessment.proposed_amount, assessment.assessor.username) == (1_000_000, "olivia")
    assert set(assessment.criteria.values_list("verdict", flat=True)) == {"uppfyllt"}
