"""The admin respects a decided year like every other way in."""

from django.urls import reverse

from allocations.models import Amount, AmountKind, PackageYear
from trygghet.models import User


def admin_client(client):
    client.force_login(User.objects.get(username="admin"))
    return client


def test_admin_lists_are_usable(client, demo):
    admin_client(client)
    for model in ("package", "packageyear", "budgetline", "amount"):
        response = client.get(reverse(f"admin:allocations_{model}_changelist") + "?q=Trygg")
        assert response.status_code == 200, model


def test_admin_refuses_to_change_a_decided_years_budget(client, demo):
    admin_client(client)
    budget = Amount.objects.get(line__name="Trygghetsvärdar", year=2023, kind=AmountKind.BUDGET)
    url = reverse("admin:allocations_amount_change", args=[budget.pk])
    client.post(url, {"line": budget.line_id, "year": 2023, "kind": "budget", "amount": 9})
    budget.refresh_from_db()
    assert budget.amount == 1_400_000
    decided = PackageYear.objects.get(package__name="Trygghetspaketet", year=2023)
    url = reverse("admin:allocations_packageyear_change", args=[decided.pk])
    client.post(url, {"package": decided.package_id, "year": 2023, "frame": 1, "status": "utkast"})
    decided.refresh_from_db()
    assert (decided.frame, decided.status) == (5_000_000, "beslutad")


def test_admin_inline_refuses_a_decided_amount_but_allows_an_outcome(client, demo):
    admin_client(client)
    line = Amount.objects.get(line__name="Trygghetsvärdar", year=2023, kind="budget").line
    amounts = list(line.amounts.order_by("year", "kind"))
    data = {
        "name": line.name,
        "package": line.package_id,
        "order": line.order,
        "active_from": line.active_from,
        "labels-TOTAL_FORMS": 0,
        "labels-INITIAL_FORMS": 0,
        "amounts-TOTAL_FORMS": len(amounts),
        "amounts-INITIAL_FORMS": len(amounts),
    }
    for index, amount in enumerate(amounts):
        data.update(
            {
                f"amounts-{index}-id": amount.pk,
                f"amounts-{index}-line": line.pk,
                f"amounts-{index}-year": amount.year,
                f"amounts-{index}-kind": amount.kind,
                f"amounts-{index}-amount": amount.amount,
            }
        )
    budget_index = next(i for i, a in enumerate(amounts) if (a.year, a.kind) == (2023, "budget"))
    data[f"amounts-{budget_index}-amount"] = 1
    url = reverse("admin:allocations_budgetline_change", args=[line.pk])
    response = client.post(url, data)
    assert "2023 är beslutat: förslag och budget kan inte ändras." in response.text
    assert Amount.objects.get(pk=amounts[budget_index].pk).amount == 1_400_000

    data[f"amounts-{budget_index}-amount"] = 1_400_000
    outcome_index = next(i for i, a in enumerate(amounts) if (a.year, a.kind) == (2023, "utfall"))
    data[f"amounts-{outcome_index}-amount"] = 1_300_000
    assert client.post(url, data).status_code == 302
    assert Amount.objects.get(pk=amounts[outcome_index].pk).amount == 1_300_000


def test_admin_refuses_to_add_a_budget_to_a_decided_year(client, demo):
    admin_client(client)
    line = Amount.objects.get(line__name="Trygghetsvärdar", year=2023, kind="budget").line
    before = Amount.objects.count()
    response = client.post(
        reverse("admin:allocations_amount_add"),
        {"line": line.pk, "year": 2022, "kind": "forslag", "amount": 1},
    )
    assert "2022 är beslutat: förslag och budget kan inte ändras." in response.text
    assert Amount.objects.count() == before


def test_admin_refuses_to_change_a_year_finalised_in_a_decision_document(client, demo):
    from documents.models import DecisionDocument
    from documents.services import document_get_or_create

    year = PackageYear.objects.get(package__name="Trygghetspaketet", year=2024)
    document = document_get_or_create(package_year=year)
    DecisionDocument.objects.filter(pk=document.pk).update(finalised=True)
    admin_client(client)
    proposal = Amount.objects.get(line__name="Trygghetsvärdar", year=2024, kind=AmountKind.PROPOSAL)
    url = reverse("admin:allocations_amount_change", args=[proposal.pk])
    client.post(url, {"line": proposal.line_id, "year": 2024, "kind": "forslag", "amount": 9})
    proposal.refresh_from_db()
    assert proposal.amount == 1_600_000
    response = client.post(
        reverse("admin:allocations_amount_add"),
        {"line": proposal.line_id, "year": 2024, "kind": "budget", "amount": 1},
    )
    assert "2024 är fastställt i ett beslutsdokument: förslag och budget kan inte ändras." in (
        response.text
    )
    url = reverse("admin:allocations_packageyear_change", args=[year.pk])
    client.post(url, {"package": year.package_id, "year": 2024, "frame": 1, "status": "utkast"})
    year.refresh_from_db()
    assert year.frame == 5_000_000


def test_admin_cannot_decide_or_forge_a_decision(client, demo):
    """Status is set only by recording or reopening a decision, never in the admin."""
    client.force_login(User.objects.get(username="admin"))
    proposal = PackageYear.objects.get(package__name="Trygghetspaketet", year=2024)
    url = reverse("admin:allocations_packageyear_change", args=[proposal.pk])
    client.post(
        url,
        {"package": proposal.package_id, "year": 2024, "frame": 5_000_000, "status": "beslutad"},
    )
    proposal.refresh_from_db()
    assert proposal.status == "forslag"
    assert client.get(reverse("admin:allocations_yeardecision_add")).status_code == 403
    assert client.get(reverse("admin:allocations_yeardecision_changelist")).status_code == 200
