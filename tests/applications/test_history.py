"""The Ändringshistorik of an application, as the applicant and the central office read it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import Application, Assessment, CriterionAssessment, RoundStatus
from tests.allocations.helpers import plain
from tests.applications.test_applicant import application_data
from tests.applications.test_import_parsing import fixture, make_stockholm
from tests.conftest import make_committee, make_organisation, make_round, make_user
from tests.helpers import main_lists
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
        "applicant": make_user(
            organisation, role=roles.APPLICANT, committee=district, username="samir"
        ),
        "official": make_user(organisation, role=roles.OFFICIAL, username="olivia"),
        "member": make_user(organisation, role=roles.MEMBER, username="maja"),
    }


def history_page(client, application) -> str:
    response = client.get(reverse("applications:application-history", args=[application.pk]))
    assert response.status_code == 200
    return plain(response.text)


def edit_form(client, application, **overrides) -> dict:
    """What the applicant's edit form posts when opened now, with `overrides` typed in."""
    page = client.get(reverse("applications:application-edit", args=[application.pk])).context
    data = application_data(version=page["form"]["version"].value(), **overrides)
    for formset in (page["cost_formset"], page["evidence_formset"]):
        management = formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS"):
            data[management.add_prefix(name)] = management[name].value()
    return data


def applied_and_submitted(client, setting) -> Application:
    """The applicant drafts, changes the title and amount, and submits."""
    client.force_login(setting["applicant"])
    client.post(
        reverse("applications:application-create", args=[setting["round"].pk]), application_data()
    )
    application = Application.objects.get()
    data = edit_form(
        client,
        application,
        title="Belysning och målning i gångtunneln",
        applied_amount="1,5",
        problem="Tunneln är mörk. " * 40,
        **{"kostnad-1-amount": "0,7"},
    )
    response = client.post(reverse("applications:application-edit", args=[application.pk]), data)
    assert response.status_code == 302
    version = Application.objects.get().version
    client.post(
        reverse("applications:application-submit", args=[application.pk]), {"version": version}
    )
    application.refresh_from_db()
    return application


def assess(client, application, *, proposed, verdict="uppfyllt", motivation=""):
    assessment = Assessment.objects.filter(application=application).first()
    data = {f"verdict_{criterion.pk}": verdict for criterion in application.round.criteria.all()}
    data.update(
        proposed_amount=proposed,
        motivation=motivation,
        version=assessment.version if assessment else 0,
    )
    response = client.post(reverse("applications:application-assess", args=[application.pk]), data)
    assert response.status_code == 302


def test_the_applicants_changes_submission_and_return_read_as_sentences(client, setting):
    application = applied_and_submitted(client, setting)
    client.force_login(setting["official"])
    client.post(
        reverse("applications:application-return", args=[application.pk]),
        {"message": "Bifoga protokollet från trygghetsvandringen.", "version": application.version},
    )
    page = history_page(client, application)
    assert "Ansökan ”Belysning i gångtunneln” skapad med sökt belopp 1,2 mnkr, av samir" in page
    assert (
        "Titel: ”Belysning i gångtunneln” → ”Belysning och målning i gångtunneln”, av samir" in page
    )
    assert "Sökt belopp: 1,2 mnkr → 1,5 mnkr, av samir" in page
    assert "Ansökan inskickad, av samir" in page
    assert (
        "Ansökan återsänd för komplettering: ”Bifoga protokollet från trygghetsvandringen.”, "
        "av olivia" in page
    )
    # a long text is named with its start, not printed in full
    assert "Platsspecifik problembeskrivning: ny text ”Tunneln är mörk. Tunneln är mörk." in page
    assert "Tunneln är mörk. " * 10 not in page
    # newest first
    assert page.index("Ansökan återsänd") < page.index("Ansökan inskickad")


def test_the_assessment_is_in_the_officials_history_criterion_by_criterion(client, setting):
    application = applied_and_submitted(client, setting)
    setting["round"].status = RoundStatus.ASSESSMENT
    setting["round"].save(update_fields=["status"])
    client.force_login(setting["official"])
    assess(client, application, proposed="1,5")
    assess(
        client,
        application,
        proposed="0,6",
        verdict="delvis",
        motivation="Belysningen beviljas, målningen ryms inte i ramen.",
    )
    client.force_login(setting["member"])
    page = history_page(client, application)
    assert "Bedömning: föreslaget belopp 1,5 mnkr, av olivia" in page
    assert "Bedömning, föreslaget belopp: 1,5 mnkr → 0,6 mnkr, av olivia" in page
    assert "Bedömning, motivering: ny text ”Belysningen beviljas, målningen ryms inte" in page
    assert "Bedömning, Formaliakrav uppfyllda: uppfyllt, av olivia" in page
    assert "Bedömning, Formaliakrav uppfyllda: uppfyllt → delvis uppfyllt, av olivia" in page


def test_the_applicant_sees_the_assessment_only_once_the_round_is_decided(client, setting):
    application = applied_and_submitted(client, setting)
    round_ = setting["round"]
    round_.status = RoundStatus.ASSESSMENT
    round_.save(update_fields=["status"])
    client.force_login(setting["official"])
    assess(client, application, proposed="0,6", motivation="Delvis.")
    client.force_login(setting["applicant"])
    page = history_page(client, application)
    assert "Ansökan inskickad, av samir" in page
    assert "Bedömning," not in page and "föreslaget belopp" not in page
    assert "Bedömningen visas när omgången är beslutad." in page

    round_.status = RoundStatus.DECIDED
    round_.save(update_fields=["status"])
    page = history_page(client, application)
    assert "Bedömning: föreslaget belopp 0,6 mnkr, av olivia" in page


def test_the_detail_page_links_the_history_and_others_get_404(client, setting):
    application = applied_and_submitted(client, setting)
    detail = client.get(reverse("applications:application-detail", args=[application.pk])).text
    assert reverse("applications:application-history", args=[application.pk]) in detail
    stranger = make_user(make_organisation(), role=roles.OFFICIAL)
    client.force_login(stranger)
    url = reverse("applications:application-history", args=[application.pk])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_imported_applications_are_in_the_history_with_the_importing_user(client, db):
    round_ = make_stockholm()
    official = make_user(round_.organisation, role=roles.OFFICIAL, username="importor")
    client.force_login(official)
    client.post(
        reverse("applications:import-upload", args=[round_.pk]),
        {"file": SimpleUploadedFile("a.csv", fixture("ansokningar_exempel.csv")), "unit": "mkr"},
    )
    client.post(reverse("applications:import-confirm", args=[round_.pk]))
    application = Application.objects.get(title="Belysning längs gångvägen vid Rinkeby allé")
    page = history_page(client, application)
    assert (
        "Ansökan ”Belysning längs gångvägen vid Rinkeby allé” skapad och inskickad med sökt "
        "belopp 2,5 mnkr, av importor" in page
    )
    assert "Bedömning: föreslaget belopp 2,5 mnkr, av importor" in page

    # importing again records the changes, by the importing user
    content = (
        fixture("ansokningar_exempel.csv")
        .decode()
        .replace("2,5;2,5;", "2,5;2,0;Gångvägens norra del ingår.")
    )
    content = content.replace("10,0;6,1", "10,0;5,6")
    client.post(
        reverse("applications:import-upload", args=[round_.pk]),
        {"file": SimpleUploadedFile("a.csv", content.encode()), "unit": "mkr"},
    )
    client.post(reverse("applications:import-confirm", args=[round_.pk]))
    page = history_page(client, application)
    assert "Bedömning, föreslaget belopp: 2,5 mnkr → 2,0 mnkr, av importor" in page


@pytest.mark.parametrize("changes", [2, 30])
def test_history_page_queries_are_constant(client, db, django_assert_num_queries, changes):
    """Prevents one query per history record (its previous version, user, focus area,
    assessor or criterion)."""
    organisation = make_organisation()
    round_ = make_round(organisation, applications=1, assessed=1)
    application = round_.applications.get()
    assessment = application.assessment
    for criterion in round_.criteria.all():
        CriterionAssessment.objects.create(
            assessment=assessment, criterion=criterion, verdict="uppfyllt"
        )
    verdict = assessment.criteria.first()
    for value in range(changes):
        application.applied_amount = 1_000_000 + value
        application.save()
        assessment.proposed_amount = 500_000 + value
        assessment.save()
        verdict.verdict = ["delvis", "ej"][value % 2]
        verdict.save()
    client.force_login(make_user(organisation))
    # session, user, application, the user's roles, 2 × permissions, application, assessment
    # and verdict history
    with django_assert_num_queries(9):
        response = client.get(reverse("applications:application-history", args=[application.pk]))
    page = plain(response.text)
    (entries,) = main_lists(response.text)
    # the 3 × changes - 1 changes counted below, and six records of what was created
    assert len(entries) == 3 * changes + 5
    newest = next(entry for entry in entries if entry.startswith("Sökt belopp:"))
    assert f"→ 1,{changes - 1:06} mkr" in newest
    assert page.count("Sökt belopp:") == changes - 1
    assert page.count("Bedömning, föreslaget belopp:") == changes - 1
    assert page.count("Bedömning, Platsspecifik problembeskrivning med dokumenterad") == (
        changes + 1
    )
