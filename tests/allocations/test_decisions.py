"""Recording the decision on a package year, and reopening it: the protocol's facts, the
decided amounts, the lock, and the right and reason to reopen."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from allocations import services
from allocations.models import Amount, AmountKind, BudgetLine, PackageYear, YearDecision, YearStatus
from tests.allocations.helpers import nacka, plain
from tests.conftest import make_user
from trygghet import roles
from trygghet.decisions import DecisionRecord
from trygghet.models import DecisionOutcome, User

PROPOSAL_2024 = ["1,6", "1,5", "0,6", "0,1", "1,1", "0,1"]


def decide_url(package, year=2024):
    return reverse("allocations:year-decide", args=[package.pk, year])


def reopen_url(package, year=2024):
    return reverse("allocations:year-reopen", args=[package.pk, year])


def decision_data(package, amounts=PROPOSAL_2024, **facts):
    lines = BudgetLine.objects.filter(package=package).active_in(2024).order_by("order")
    data = {
        "body": "Kommunstyrelsen",
        "decided_on": "2024-03-25",
        "paragraph": "45",
        "protocol_reference": "KS 2024-03-25",
        "note": "",
    }
    data.update({f"line_{line.pk}": value for line, value in zip(lines, amounts, strict=True)})
    data.update(facts)
    return data


def words(response) -> str:
    """The page's text as a reader sees it: no tags, single spaces."""
    return " ".join(plain(re.sub(r"<[^>]+>", " ", response.text)).split())


def amounts(package, kind, year=2024):
    return dict(
        Amount.objects.filter(line__package=package, year=year, kind=kind).values_list(
            "line__name", "amount"
        )
    )


def test_the_form_is_prefilled_with_the_deciding_body_and_the_proposal(client, demo):
    package = nacka(client)
    page = plain(client.get(decide_url(package)).text)
    assert 'value="Kommunstyrelsen"' in page
    assert 'value="1,6"' in page and 'value="1,1"' in page
    assert "Trygghetsvärdar" in page


def test_a_decision_that_follows_the_proposal(client, demo):
    package = nacka(client)
    response = client.post(decide_url(package), decision_data(package), follow=True)
    page = plain(response.text)
    assert "Beslutet är registrerat: Kommunstyrelsen 2024-03-25 § 45 (enligt förslaget)" in page
    assert (
        "Gällande beslut: Kommunstyrelsen 2024-03-25, § 45 (protokoll KS 2024-03-25). "
        "Beslutet följde förslaget." in words(response)
    )
    decision = YearDecision.objects.get()
    assert decision.outcome == DecisionOutcome.FOLLOWED
    assert decision.recorded_by.username == "nacka-handlaggare"
    assert amounts(package, AmountKind.BUDGET) == amounts(package, AmountKind.PROPOSAL)
    assert PackageYear.objects.get(package=package, year=2024).status == YearStatus.DECIDED


def test_a_decision_that_changes_amounts_records_them_and_makes_them_the_budget(client, demo):
    package = nacka(client)
    changed = ["1,4", "1,5", "0,6", "0,1", "1,3", "0,1"]
    response = client.post(decide_url(package), decision_data(package, changed), follow=True)
    page = words(response)
    assert "med ändringar i 2 poster" in page
    assert "Beslutet ändrade förslaget:" in page
    assert "Trygghetsvärdar: 1,6 mkr → 1,4 mkr" in page
    assert "Insatser i samverkan med lokala aktörer: 1,1 mkr → 1,3 mkr" in page
    decision = YearDecision.objects.get()
    assert decision.outcome == DecisionOutcome.CHANGED
    assert decision.changes[0] == {
        "label": "Trygghetsvärdar",
        "proposed": 1_600_000,
        "decided": 1_400_000,
    }
    budget = amounts(package, AmountKind.BUDGET)
    assert budget["Trygghetsvärdar"] == 1_400_000
    assert sum(budget.values()) == 5_000_000
    # the proposal stays what was proposed
    assert amounts(package, AmountKind.PROPOSAL)["Trygghetsvärdar"] == 1_600_000


def test_bad_input_is_shown_next_to_the_fields_and_nothing_is_saved(client, demo):
    package = nacka(client)
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    changed = ["1,7", "1,5", "0,6", "0,1", "1,1", "0,1"]
    data = decision_data(package, changed, paragraph="paragraf fyra", decided_on=future)
    response = client.post(decide_url(package), data)
    page = plain(response.text)
    assert response.status_code == 200
    assert "Ange paragrafen som ett nummer, till exempel § 241." in page
    assert "Beslutsdatum kan inte ligga i framtiden." in page
    assert "Summan 5,1 mkr överskrider ramen 5,0 mkr med 0,1 mkr" in page
    assert 'value="1,7"' in page and 'value="paragraf fyra"' in page
    assert not YearDecision.objects.exists()
    assert amounts(package, AmountKind.BUDGET) == {}
    assert PackageYear.objects.get(package=package, year=2024).status == YearStatus.PROPOSAL


def test_an_empty_amount_is_refused_next_to_its_line(client, demo):
    package = nacka(client)
    data = decision_data(package, ["", "1,5", "0,6", "0,1", "1,1", "0,1"])
    page = plain(client.post(decide_url(package), data).text)
    assert "Ange beslutat belopp (0 om inget beviljas)." in page
    assert not YearDecision.objects.exists()


def test_only_a_proposal_can_be_decided(client, demo):
    package = nacka(client)
    PackageYear.objects.filter(package=package, year=2024).update(status=YearStatus.DRAFT)
    response = client.post(decide_url(package), decision_data(package), follow=True)
    assert "Bara ett år med status förslag kan beslutas." in response.text
    assert not YearDecision.objects.exists()


def decide(package, by):
    return services.package_year_decide(
        package_year=PackageYear.objects.get(package=package, year=2024),
        record=DecisionRecord(
            body="Kommunstyrelsen", decided_on=datetime.date(2024, 3, 25), paragraph="§ 45"
        ),
        by=by,
    )


def test_a_decided_year_refuses_replayed_posts(client, demo):
    """A POST captured before the decision, sent again after it, changes nothing."""
    package = nacka(client)
    entry = reverse("allocations:allocation-edit", args=[package.pk, 2024, "forslag"])
    version = PackageYear.objects.get(package=package, year=2024).version
    lines = list(BudgetLine.objects.filter(package=package).active_in(2024).order_by("order"))
    replay = {f"line_{line.pk}": "0,5" for line in lines} | {"version": version}
    decide(package, User.objects.get(username="nacka-handlaggare"))
    before = amounts(package, AmountKind.PROPOSAL), amounts(package, AmountKind.BUDGET)

    response = client.post(entry, {**replay, "mark_proposal": ""}, follow=True)
    assert "Trygghetspaketet 2024 är beslutat och kan inte ändras." in response.text
    client.post(decide_url(package), decision_data(package, ["5,0", "0", "0", "0", "0", "0"]))
    client.post(
        reverse("allocations:line-rename", args=[package.pk, 2024, lines[0].pk]), {"name": "X"}
    )
    client.post(reverse("allocations:line-add", args=[package.pk, 2024]), {"name": "Ny post"})
    client.post(reverse("allocations:line-retire", args=[package.pk, 2024, lines[0].pk]))
    assert (amounts(package, AmountKind.PROPOSAL), amounts(package, AmountKind.BUDGET)) == before
    assert YearDecision.objects.count() == 1
    assert not BudgetLine.objects.filter(name="Ny post").exists()


def test_reopening_needs_its_own_permission(client, demo):
    package = nacka(client)
    decide(package, User.objects.get(username="nacka-handlaggare"))
    plain_official = make_user(
        User.objects.get(username="nacka-handlaggare").organisation, role=roles.OFFICIAL
    )
    client.force_login(plain_official)
    assert client.get(reopen_url(package)).status_code == 403
    reason = {"reason": "Fel belopp registrerades för Trygghetsvärdar."}
    assert client.post(reopen_url(package), reason).status_code == 403
    assert (
        "Återöppna året"
        not in client.get(reverse("allocations:year-detail", args=[package.pk, 2024])).text
    )
    client.force_login(User.objects.get(username="nacka-ledamot"))
    assert client.post(reopen_url(package), reason).status_code == 403
    with pytest.raises(PermissionDenied):
        services.package_year_reopen(
            package_year=PackageYear.objects.get(package=package, year=2024),
            reason=reason["reason"],
            by=plain_official,
        )
    assert PackageYear.objects.get(package=package, year=2024).status == YearStatus.DECIDED
    assert YearDecision.objects.get().is_in_force


def test_reopening_needs_a_reason_and_keeps_the_decision(client, demo):
    package = nacka(client)
    decide(package, User.objects.get(username="nacka-handlaggare"))
    year_url = reverse("allocations:year-detail", args=[package.pk, 2024])
    assert "Återöppna året" in client.get(year_url).text

    response = client.post(reopen_url(package), {"reason": "fel"})
    assert "Skriv varför beslutet återöppnas (minst tio tecken)." in response.text
    assert "fel</textarea>" in response.text
    assert PackageYear.objects.get(package=package, year=2024).status == YearStatus.DECIDED

    reason = "Kommunfullmäktige upphävde beslutet 2024-05-12 § 88."
    response = client.post(reopen_url(package), {"reason": reason}, follow=True)
    page = words(response)
    assert "Trygghetspaketet 2024 är återöppnat och har status förslag." in page
    assert "Återöppnat beslut: Kommunstyrelsen 2024-03-25, § 45." in page
    assert "Återöppnat av Nora Handläggare" in page and f"Skäl: {reason}" in page
    decision = YearDecision.objects.get()
    assert (decision.reopened_by.username, decision.reopen_reason) == ("nacka-handlaggare", reason)
    assert PackageYear.objects.get(package=package, year=2024).status == YearStatus.PROPOSAL

    history = plain(client.get(reverse("allocations:year-history", args=[package.pk, 2024])).text)
    assert f"Status 2024: beslutad → förslag (Återöppnat: {reason})" in history
    assert "Status 2024: förslag → beslutad (Beslutat: Kommunstyrelsen 2024-03-25 § 45)" in history

    # a new decision can be recorded; the reopened one stays on record
    client.post(decide_url(package), decision_data(package, paragraph="§ 97"))
    assert YearDecision.objects.count() == 2
    assert YearDecision.objects.get(reopened_at__isnull=True).paragraph == "§ 97"


def test_members_see_the_decision_but_cannot_record_one(client, demo):
    package = nacka(client, "nacka-ledamot")
    assert client.get(decide_url(package)).status_code == 403
    assert client.post(decide_url(package), decision_data(package)).status_code == 403
    assert not YearDecision.objects.exists()
    decide(package, User.objects.get(username="nacka-handlaggare"))
    page = client.get(reverse("allocations:year-detail", args=[package.pk, 2024])).text
    assert "Gällande beslut:" in page and "Registrera beslut" not in page


def test_another_organisation_cannot_reach_the_decision_pages(client, demo):
    package = nacka(client, "sthlm-handlaggare")
    assert client.get(decide_url(package)).status_code == 404
    assert client.post(reopen_url(package), {"reason": "x" * 20}).status_code == 404
