"""The Ändringshistorik of a package year, as a committee member reads it."""

import pytest
from django.urls import reverse

from allocations.models import Amount, AmountKind, BudgetLine
from tests.allocations.helpers import nacka, plain
from tests.conftest import make_organisation, make_package, make_user
from tests.helpers import main_lists


def test_a_changed_proposal_reads_as_old_to_new_by_whom(client, demo):
    package = nacka(client)
    lines = list(BudgetLine.objects.filter(package=package).active_in(2024).order_by("order"))
    values = ["1,8", "1,5", "0,6", "0,1", "0,9", "0,1"]
    data = {f"line_{line.pk}": value for line, value in zip(lines, values, strict=True)}
    data["version"] = package.years.get(year=2024).version
    url = reverse("allocations:allocation-edit", args=[package.pk, 2024, "forslag"])
    client.post(url, {**data, "mark_proposal": ""})
    nacka(client, "nacka-ledamot")
    page = plain(client.get(reverse("allocations:year-history", args=[package.pk, 2024])).text)
    assert "Trygghetsvärdar, förslag 2024: 1,6 mkr → 1,8 mkr, av nacka-handlaggare" in page
    changed = "Insatser i samverkan med lokala aktörer, förslag 2024: 1,1 mkr → 0,9 mkr"
    assert f"{changed}, av nacka-handlaggare" in page
    # an amount saved unchanged is not a change
    assert "SSPF (skola, socialtjänst, polis, fritid), förslag 2024: 1,5 mkr →" not in page


def test_status_and_removed_amounts_are_recorded(client, demo):
    package = nacka(client)
    line = BudgetLine.objects.get(package=package, name="Kameraövervakning – centrala funktioner")
    client.post(reverse("allocations:line-retire", args=[package.pk, 2024, line.pk]))
    page = plain(client.get(reverse("allocations:year-history", args=[package.pk, 2024])).text)
    removed = "Kameraövervakning – centrala funktioner, förslag 2024: borttaget (var 0,1 mkr)"
    assert f"{removed}, av nacka-handlaggare" in page
    assert "Status 2024: förslag → utkast, av nacka-handlaggare" in page


@pytest.mark.parametrize("changes", [3, 60])
def test_history_page_queries_are_constant(client, db, django_assert_num_queries, changes):
    """Prevents one query per history record (its previous value, user or line)."""
    organisation = make_organisation()
    package = make_package(organisation, lines=3, years=(2024,))
    amount = Amount.objects.filter(line__package=package, kind=AmountKind.PROPOSAL).first()
    for value in range(changes):
        amount.amount = 1_000 + value
        amount.save()
    client.force_login(make_user(organisation))
    # session, user, year, 2 × permissions, amount history, line labels, year history
    with django_assert_num_queries(8):
        response = client.get(reverse("allocations:year-history", args=[package.pk, 2024]))
    (entries,) = main_lists(response.text)
    assert len(entries) == changes
    last, before = 1_000 + changes - 1, 1_000 + changes - 2  # kr, shown in mkr
    assert entries[0].startswith(f"Post 1, förslag 2024: 0,00{before} mkr → 0,00{last} mkr")
    assert entries[-1].startswith("Post 1, förslag 2024: ändrat till 0,001 mkr")
    assert response.text.count("→") == changes - 1
    assert response.text.count("ändrat till") == 1
