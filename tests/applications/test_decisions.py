"""Recording the decision on a round's distribution, and reopening it, on the Stockholm demo
round (48 applications, 35 proposed 60,1 mnkr)."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from applications import services
from applications.models import Application, Round, RoundDecision, RoundStatus
from applications.selectors import decision_applications
from tests.allocations.helpers import plain
from tests.conftest import make_organisation, make_round, make_user
from tests.helpers import table
from trygghet import roles
from trygghet.decisions import DecisionRecord
from trygghet.models import Committee, DecisionOutcome, User

ROUND = "Trygghetsinvesteringar 2024"


def words(response) -> str:
    return " ".join(plain(re.sub(r"<[^>]+>", " ", response.text)).split())


@pytest.fixture
def round_(demo, client):
    client.force_login(User.objects.get(username="sthlm-handlaggare"))
    return Round.objects.get(name=ROUND)


def decision_data(round_, changes=None, **facts):
    """The form as shown (every proposed amount pre-filled) with `changes` by application."""
    data = {
        "body": "Kommunstyrelsen",
        "decided_on": "2024-04-17",
        "paragraph": "§ 12",
        "protocol_reference": "KS 2024:7",
        "note": "",
    }
    for application in decision_applications(round_=round_):
        data[f"application_{application.pk}"] = str(services.proposed_amount(application))
    data.update({f"application_{pk}": value for pk, value in (changes or {}).items()})
    data.update(facts)
    return data


def decide_url(round_):
    return reverse("applications:round-decide", args=[round_.pk])


def reopen_url(round_):
    return reverse("applications:round-reopen", args=[round_.pk])


def granted_total(round_):
    return sum(
        round_.applications.exclude(granted_amount=None).values_list("granted_amount", flat=True)
    )


def test_the_form_lists_every_received_application_with_its_proposal(client, round_):
    page = plain(client.get(decide_url(round_)).text)
    assert page.count('name="application_') == 48
    assert "föreslaget totalt 60,1 mnkr" in page


def test_a_decision_that_follows_the_proposal_grants_the_proposed_amounts(client, round_):
    response = client.post(decide_url(round_), decision_data(round_), follow=True)
    page = words(response)
    assert "Beslutet är registrerat: Kommunstyrelsen 2024-04-17 § 12 (enligt förslaget)" in page
    assert "Beslutet följde förslaget." in page
    round_.refresh_from_db()
    assert round_.status == RoundStatus.DECIDED
    assert granted_total(round_) == 60_100_000
    assert round_.applications.filter(granted_amount__gt=0).count() == 35
    # the summary shows the granted total, computed from the exact amounts
    assert "Föreslaget 60,1 mnkr Beviljat 60,1 mnkr" in page


def test_a_decision_that_changes_amounts_records_each_change(client, round_):
    first, second = [
        application
        for application in decision_applications(round_=round_)
        if services.proposed_amount(application) > 0
    ][:2]
    changes = {first.pk: "0", second.pk: str(services.proposed_amount(second) - 100_000) + " kr"}
    response = client.post(decide_url(round_), decision_data(round_, changes), follow=True)
    page = words(response)
    assert "med ändringar för 2 ansökningar" in page
    assert f"{first.committee.name}: {first.title}:" in page
    decision = RoundDecision.objects.get()
    assert decision.outcome == DecisionOutcome.CHANGED
    assert decision.changes[0]["decided"] == 0
    first.refresh_from_db()
    assert first.granted_amount == 0
    assert granted_total(round_) == 60_100_000 - services.proposed_amount(first) - 100_000


def test_bad_input_is_shown_again_and_nothing_is_saved(client, round_):
    application = decision_applications(round_=round_)[0]
    too_much = f"{application.applied_amount + 1} kr"
    data = decision_data(round_, {application.pk: too_much}, paragraph="fyra")
    response = client.post(decide_url(round_), data)
    page = plain(response.text)
    assert "Beviljat belopp kan inte vara mer än det sökta" in page
    assert "Ange paragrafen som ett nummer, till exempel § 241." in page
    assert f'value="{too_much}"' in page
    assert not RoundDecision.objects.exists()
    assert granted_total(round_) == 0
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.PROPOSAL


def test_granting_more_than_the_frame_is_refused(client, round_):
    unassessed = next(
        application
        for application in decision_applications(round_=round_)
        if services.proposed_amount(application) == 0
    )
    data = decision_data(round_, {unassessed.pk: f"{unassessed.applied_amount} kr"})
    page = plain(client.post(decide_url(round_), data).text)
    assert "överskrider ramen 60,1 mnkr" in page
    assert not RoundDecision.objects.exists()


def test_the_status_buttons_cannot_skip_the_decision(client, round_):
    url = reverse("applications:round-status", args=[round_.pk])
    response = client.post(url, {"status": "beslutad"}, follow=True)
    assert "Registrera beslutet om Trygghetsinvesteringar 2024" in response.text
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.PROPOSAL


def decide(round_):
    return services.round_decide(
        round_=round_,
        record=DecisionRecord(
            body="Kommunstyrelsen", decided_on=datetime.date(2024, 4, 17), paragraph="12"
        ),
        by=User.objects.get(username="sthlm-handlaggare"),
    )


def test_a_decided_round_refuses_replayed_posts(client, round_):
    application = decision_applications(round_=round_)[0]
    decide(round_)
    assess = reverse("applications:application-assess", args=[application.pk])
    client.post(assess, {"proposed_amount": "1", "motivation": "Ändrad efteråt"})
    client.post(decide_url(round_), decision_data(round_))
    client.post(reverse("applications:round-edit", args=[round_.pk]), {"name": "Ändrad"})
    application.refresh_from_db()
    assert application.assessment.motivation != "Ändrad efteråt"
    assert RoundDecision.objects.count() == 1
    assert Round.objects.get(pk=round_.pk).name == ROUND


def test_reopening_needs_its_own_permission(client, round_):
    decide(round_)
    official = make_user(round_.organisation, role=roles.OFFICIAL)
    client.force_login(official)
    reason = {"reason": "Beslutet justerades av kommunfullmäktige."}
    assert client.get(reopen_url(round_)).status_code == 403
    assert client.post(reopen_url(round_), reason).status_code == 403
    with pytest.raises(PermissionDenied):
        services.round_reopen(round_=round_, reason=reason["reason"], by=official)
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.DECIDED
    assert granted_total(round_) == 60_100_000


def test_reopening_keeps_the_decision_and_clears_the_granted_amounts(client, round_):
    decide(round_)
    assert client.post(reopen_url(round_), {"reason": "kort"}).status_code == 200
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.DECIDED
    reason = "Fel belopp för Järva registrerades; rättas enligt protokollet."
    page = words(client.post(reopen_url(round_), {"reason": reason}, follow=True))
    assert "Trygghetsinvesteringar 2024 är återöppnad och har status förslag." in page
    assert f"Skäl: {reason}" in page and "Återöppnat av Sara Handläggare" in page
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.PROPOSAL
    assert not Application.objects.filter(round=round_, granted_amount__isnull=False).exists()
    decision = RoundDecision.objects.get()
    assert not decision.is_in_force and decision.reopen_reason == reason


def test_applicants_members_and_other_organisations_cannot_decide(client, round_):
    for username, status in [
        ("sthlm-sokande", 403),
        ("nacka-ledamot", 404),
        ("nacka-handlaggare", 404),
    ]:
        client.force_login(User.objects.get(username=username))
        assert client.post(decide_url(round_), decision_data(round_)).status_code == status
    assert not RoundDecision.objects.exists()


@pytest.mark.parametrize("applications", [5, 60])
def test_decision_form_queries_are_constant(client, db, django_assert_num_queries, applications):
    """Prevents one query per application (committee, assessment) on the decision form."""
    organisation = make_organisation()
    round_ = make_round(
        organisation, applications=applications, assessed=applications, status="forslag"
    )
    client.force_login(make_user(organisation))
    # session, user, round, its criteria, 2 × permissions, applications
    with django_assert_num_queries(7):
        response = client.get(decide_url(round_))
    rows = table(response.text, "Sökt, föreslaget och beviljat belopp per ansökan").rows
    assert sorted(row[1] for row in rows) == sorted(f"Ansökan {n}" for n in range(applications))
    # committee, title, applied, proposed, and the field for the granted amount
    assert {row[0] for row in rows} == set(Committee.objects.values_list("name", flat=True))
    assert {tuple(row[2:4]) for row in rows} == {("1,0 mkr", "0,5 mkr")}


def test_the_applicant_sees_the_granted_amount_once_decided(client, round_):
    decide(round_)
    client.force_login(User.objects.get(username="sthlm-sokande"))
    application = round_.applications.filter(
        committee__name="Järva stadsdelsnämnd", granted_amount__gt=0
    ).first()
    page = words(client.get(reverse("applications:round-detail", args=[round_.pk])))
    assert "Omgången är beslutad." in page and "Beviljat (mnkr)" in page
    detail = words(client.get(reverse("applications:application-detail", args=[application.pk])))
    granted = plain(services.format_amount_with_unit(application.granted_amount, "mnkr"))
    assert f"Beviljat belopp {granted}" in detail


def test_the_applicant_reads_the_decision_the_motivation_and_the_finalised_document(
    client, round_, settings, tmp_path
):
    """A committee learned of its decision by asking: its application page now says who
    decided what, shows the central office's motivation and verdicts, and links the round's
    finalised decision document (a public record)."""
    from documents import services as documents

    settings.MEDIA_ROOT = tmp_path / "media"
    official = User.objects.get(username="sthlm-handlaggare")
    application = round_.applications.filter(
        committee__name="Järva stadsdelsnämnd", assessment__isnull=False
    ).first()
    client.force_login(User.objects.get(username="sthlm-sokande"))
    url = reverse("applications:application-detail", args=[application.pk])
    before = words(client.get(url))
    assert "Beslut " not in before and application.assessment.motivation not in before

    decide(round_)
    document = documents.document_get_or_create(round_=round_, by=official)
    version = documents.document_finalise(document=document, by=official)
    application.refresh_from_db()

    page = words(client.get(url))
    if application.granted_amount:
        granted = plain(services.format_amount_with_unit(application.granted_amount, "mnkr"))
        assert f"Kommunstyrelsen beslutade 17 april 2024, § 12: ansökan beviljas {granted}" in page
    else:
        assert "Kommunstyrelsen beslutade 17 april 2024, § 12: ansökan beviljas inte." in page
    assert f"Motivering: {' '.join(application.assessment.motivation.split())}" in page
    first_criterion = round_.criteria.order_by("order").first().text
    assert first_criterion in page
    assert f"Beslutsdokumentet (PDF, version {version.number}" in page
    download = client.get(reverse("documents:version-download", args=[version.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
