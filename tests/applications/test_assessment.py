"""The central office assesses an application against the criteria."""

import pytest
from django.urls import reverse

from applications.models import Application, ApplicationStatus, Assessment, RoundStatus
from tests.allocations.helpers import plain
from tests.conftest import make_organisation, make_round, make_user
from trygghet import roles


@pytest.fixture
def application(db):
    organisation = make_organisation(name="Teststad", amount_unit="mnkr")
    round_ = make_round(organisation, applications=2)
    return round_.applications.order_by("pk").first()


def assessment_data(application, **overrides):
    data = {f"verdict_{criterion.pk}": "uppfyllt" for criterion in application.round.criteria.all()}
    data.update({"proposed_amount": "1,0", "motivation": ""})
    data.update(overrides)
    return data


def official(application):
    return make_user(application.round.organisation, role=roles.OFFICIAL)


def test_assess_in_full(client, application):
    client.force_login(official(application))
    url = reverse("applications:application-assess", args=[application.pk])
    response = client.post(url, assessment_data(application), follow=True)
    assert "1,0 mnkr föreslås" in plain(response.text)
    assessment = Assessment.objects.get(application=application)
    assert assessment.proposed_amount == 1_000_000
    assert assessment.criteria.count() == 4
    assert assessment.assessor.username.startswith("user")


def test_a_reduced_amount_needs_a_motivation_and_nothing_is_saved(client, application):
    client.force_login(official(application))
    url = reverse("applications:application-assess", args=[application.pk])
    response = client.post(url, assessment_data(application, proposed_amount="0,6"))
    page = plain(response.text)
    assert 'id="id_motivation_error">Skriv en motivering när beloppet sänks eller är noll.' in page
    assert 'value="0,6"' in page
    assert not Assessment.objects.exists()
    client.post(
        url, assessment_data(application, proposed_amount="0,6", motivation="Belysningen beviljas.")
    )
    assert Assessment.objects.get().proposed_amount == 600_000


def test_proposed_cannot_exceed_applied(client, application):
    client.force_login(official(application))
    url = reverse("applications:application-assess", args=[application.pk])
    response = client.post(url, assessment_data(application, proposed_amount="1,5"))
    assert "Föreslaget belopp kan inte vara större än det sökta beloppet 1,0 mnkr." in plain(
        response.text
    )
    assert not Assessment.objects.exists()


def test_every_criterion_needs_a_verdict(client, application):
    client.force_login(official(application))
    data = assessment_data(application)
    data.pop(next(key for key in data if key.startswith("verdict_")))
    response = client.post(reverse("applications:application-assess", args=[application.pk]), data)
    assert "Välj uppfyllt, delvis eller ej uppfyllt." in response.text
    assert not Assessment.objects.exists()


def test_two_officials_assess_different_applications_without_overwriting(client, application):
    second = Application.objects.exclude(pk=application.pk).get()
    first_official, second_official = official(application), official(application)
    client.force_login(first_official)
    client.post(
        reverse("applications:application-assess", args=[application.pk]),
        assessment_data(application),
    )
    client.force_login(second_official)
    client.post(
        reverse("applications:application-assess", args=[second.pk]),
        assessment_data(second, proposed_amount="0", motivation="Beviljas inte."),
    )
    assert Assessment.objects.get(application=application).assessor == first_official
    assert Assessment.objects.get(application=second).assessor == second_official
    assert Assessment.objects.get(application=application).proposed_amount == 1_000_000


def test_return_for_completion(client, application):
    client.force_login(official(application))
    url = reverse("applications:application-return", args=[application.pk])
    client.post(url, {"message": "Bifoga trygghetsvandringen."})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED
    assert application.return_message == "Bifoga trygghetsvandringen."


def test_a_decided_round_cannot_be_assessed_and_a_member_cannot_assess(client, application):
    client.force_login(make_user(application.round.organisation, role=roles.MEMBER))
    url = reverse("applications:application-assess", args=[application.pk])
    assert client.post(url, assessment_data(application)).status_code == 403
    application.round.status = RoundStatus.DECIDED
    application.round.save()
    client.force_login(official(application))
    response = client.post(url, assessment_data(application), follow=True)
    assert "Ansökan kan inte bedömas" in response.text
    assert not Assessment.objects.exists()
