"""Adding, renaming, retiring and reordering lines; starting a new year."""

from django.urls import reverse

from allocations.models import Amount, AmountKind, BudgetLine, PackageYear, YearStatus
from tests.allocations.helpers import nacka, plain
from tests.allocations.test_review import SEED_2022, table_cells


def test_add_a_line_from_this_year(client, demo):
    package = nacka(client)
    url = reverse("allocations:line-add", args=[package.pk, 2024])
    response = client.post(url, {"add-name": "Nattvandring"}, follow=True)
    assert "Budgetposten ”Nattvandring” är tillagd från 2024." in response.text
    line = BudgetLine.objects.get(package=package, name="Nattvandring")
    assert line.active_from == 2024
    assert line.order == BudgetLine.objects.filter(package=package).count()


def test_adding_a_line_without_a_name_is_explained_and_nothing_is_saved(client, demo):
    package = nacka(client)
    count = BudgetLine.objects.count()
    response = client.post(
        reverse("allocations:line-add", args=[package.pk, 2024]), {"add-name": ""}
    )
    assert response.status_code == 400
    assert 'id="id_add-name_error">Detta fält måste fyllas i.</div>' in response.text
    assert BudgetLine.objects.count() == count


def test_rename_keeps_the_old_name_in_earlier_years(client, demo):
    package = nacka(client)
    line = BudgetLine.objects.get(package=package, name="Stöd till lokala arbetsgrupper")
    url = reverse("allocations:line-rename", args=[package.pk, 2024, line.pk])
    response = client.post(url, {"name": "Lokala trygghetsgrupper"}, follow=True)
    assert (
        "”Stöd till lokala arbetsgrupper” heter ”Lokala trygghetsgrupper” från 2024"
        in response.text
    )
    line = BudgetLine.objects.prefetch_related("labels").get(pk=line.pk)
    assert line.label_for(2024) == "Lokala trygghetsgrupper"
    assert line.label_for(2023) == "Stöd till lokala arbetsgrupper"
    assert line.amounts.count() == 6  # budgets 2020–2023, outcome 2023, proposal 2024


def test_retire_removes_the_line_from_this_year_and_keeps_earlier_years(client, demo):
    package = nacka(client)
    line = BudgetLine.objects.get(package=package, name="Kameraövervakning – centrala funktioner")
    url = reverse("allocations:line-retire", args=[package.pk, 2024, line.pk])
    response = client.post(url, follow=True)
    assert "är avslutad från 2024; den finns kvar i tidigare år." in response.text
    line.refresh_from_db()
    assert line.active_to == 2023
    assert not line.amounts.filter(year=2024).exists()
    assert line.amounts.filter(year=2023, kind=AmountKind.BUDGET).get().amount == 200_000
    year_page = plain(client.get(reverse("allocations:year-detail", args=[package.pk, 2024])).text)
    assert "Kameraövervakning" in year_page  # still shown against last year's budget
    assert "Kameraövervakning" not in plain(
        client.get(reverse("allocations:allocation-edit", args=[package.pk, 2024, "forslag"])).text
    )


def test_moving_a_line_reorders_only_its_own_year(client, demo):
    """Order, like a name, belongs to each year: moving a line in the open 2024 once
    reordered the decided 2020–2023 tables, their exports and the 2022 year-over-year view
    that must match seed 001 row for row."""
    package = nacka(client)

    def year_page(year):
        return table_cells(
            client.get(reverse("allocations:year-detail", args=[package.pk, year])).text
        )

    def multi_year_2022():
        url = reverse("allocations:multi-year", args=[package.pk]) + "?till=2022&antal=3"
        return table_cells(client.get(url).text)

    def export_2023():
        url = reverse("allocations:year-export", args=[package.pk, 2023, "ar", "csv"])
        return client.get(url).content

    decided = {2023: year_page(2023), 2022: year_page(2022)}
    seed_view, exported = multi_year_2022(), export_2023()
    assert seed_view[1:] == SEED_2022
    first_2024 = year_page(2024)[1][0]
    second = BudgetLine.objects.filter(package=package).active_in(2024).order_by("order")[1]

    client.post(reverse("allocations:line-move", args=[package.pk, 2024, second.pk, "upp"]))

    moved = year_page(2024)
    assert [moved[1][0], moved[2][0]] == [second.label_for(2024), first_2024]
    assert {year: year_page(year) for year in decided} == decided
    assert multi_year_2022() == seed_view
    assert export_2023() == exported
    # and the entry form of 2024 follows the year's own order
    form = client.get(reverse("allocations:allocation-edit", args=[package.pk, 2024, "forslag"]))
    assert form.text.index(second.label_for(2024)) < form.text.index(first_2024)
    # a year started from 2024 keeps 2024's order
    client.post(
        reverse("allocations:year-start", args=[package.pk]),
        {"year": "2025", "frame": "5,0", "source": "forslag"},
    )
    assert [row[0] for row in year_page(2025)[1:3]] == [second.label_for(2024), first_2024]


def test_line_changes_refused_for_members_and_decided_years(client, demo):
    package = nacka(client, "nacka-ledamot")
    line = BudgetLine.objects.get(package=package, name="Trygghetsvärdar")
    url = reverse("allocations:line-rename", args=[package.pk, 2024, line.pk])
    assert client.post(url, {"name": "X"}).status_code == 403
    nacka(client)
    url = reverse("allocations:line-rename", args=[package.pk, 2023, line.pk])
    response = client.post(url, {"name": "X"}, follow=True)
    assert "Trygghetspaketet 2023 är beslutat och kan inte ändras." in response.text
    line.refresh_from_db()
    assert line.name == "Trygghetsvärdar"


def test_start_a_new_year_from_last_years_proposal(client, demo):
    package = nacka(client)
    url = reverse("allocations:year-start", args=[package.pk])
    assert 'value="2025"' in client.get(url).text
    response = client.post(url, {"year": 2025, "frame": "5,2", "source": "forslag"}, follow=True)
    assert "Trygghetspaketet 2025 är skapat som utkast." in response.text
    year = PackageYear.objects.get(package=package, year=2025)
    assert (year.frame, year.status) == (5_200_000, YearStatus.DRAFT)
    copied = Amount.objects.filter(line__package=package, year=2025, kind=AmountKind.PROPOSAL)
    assert sum(copied.values_list("amount", flat=True)) == 5_000_000
    assert "Summan 5,0 mkr understiger ramen 5,2 mkr med 0,2 mkr" in plain(
        client.get(reverse("allocations:year-detail", args=[package.pk, 2025])).text
    )


def test_start_a_new_year_from_last_years_budget(client, demo):
    package = nacka(client)
    url = reverse("allocations:year-start", args=[package.pk])
    client.post(url, {"year": 2024 + 0, "frame": "5", "source": "budget"})
    response = client.post(url, {"year": 2024, "frame": "5", "source": "budget"})
    assert "Trygghetspaketet har redan året 2024." in response.text
    PackageYear.objects.filter(package=package, year=2024).delete()
    Amount.objects.filter(line__package=package, year=2024).delete()
    client.post(url, {"year": 2024, "frame": "5,0 mkr", "source": "budget"})
    copied = Amount.objects.filter(line__package=package, year=2024, kind=AmountKind.PROPOSAL)
    assert sorted(copied.values_list("amount", flat=True)) == sorted(
        [1_400_000, 1_500_000, 900_000, 200_000, 400_000, 600_000]
    )


def test_new_year_with_a_bad_frame_is_explained(client, demo):
    package = nacka(client)
    url = reverse("allocations:year-start", args=[package.pk])
    response = client.post(url, {"year": 2025, "frame": "fem", "source": "forslag"})
    assert "”fem” är inte ett belopp" in response.text
    assert not PackageYear.objects.filter(package=package, year=2025).exists()


def test_retiring_a_line_of_a_marked_proposal_makes_it_a_draft_again(client, demo):
    package = nacka(client)
    line = BudgetLine.objects.get(package=package, name="Kameraövervakning – centrala funktioner")
    url = reverse("allocations:line-retire", args=[package.pk, 2024, line.pk])
    response = client.post(url, follow=True)
    assert "Summan stämmer inte längre med ramen, så 2024 är ett utkast igen." in response.text
    assert PackageYear.objects.get(package=package, year=2024).status == YearStatus.DRAFT


def test_the_retire_button_asks_first(client, demo):
    package = nacka(client)
    page = client.get(reverse("allocations:lines", args=[package.pk, 2024])).text
    assert (
        'data-confirm="Avsluta Trygghetsvärdar från 2024? Posten finns kvar i tidigare år' in page
    )


def test_ids_and_anchors_keep_plain_numbers_past_a_thousand(client, demo):
    """Numbers in HTML attributes are never localized: a line with pk 1234 got
    id="rad-1 234", so the page's own #rad-1234 link after a move led nowhere."""
    package = nacka(client)
    BudgetLine.objects.create(pk=1234, package=package, name="Ny post", order=99, active_from=2024)
    response = client.post(reverse("allocations:line-move", args=[package.pk, 2024, 1234, "upp"]))
    assert response["Location"].endswith("#rad-1234")
    page = client.get(response["Location"]).text
    assert 'id="rad-1234"' in page


def _add(client, package, name, **extra):
    url = reverse("allocations:line-add", args=[package.pk, 2024])
    return client.post(url, {"add-name": name, **extra}, follow=True)


def test_a_line_named_like_one_retired_last_year_is_taken_back_not_added_twice(client, demo):
    """Adding a line named like a retired one made a second identical row in the
    year-over-year tables; the retired line is offered back instead."""
    package = nacka(client)
    line = BudgetLine.objects.get(package=package, name="Övriga insatser")
    client.post(reverse("allocations:line-retire", args=[package.pk, 2024, line.pk]))
    line.refresh_from_db()
    assert line.active_to == 2023
    lines_before = BudgetLine.objects.filter(package=package).count()

    offered = _add(client, package, "övriga insatser")
    page = plain(offered.text)
    assert "”övriga insatser” är en avslutad budgetpost (2020–2023)." in page
    assert "Ta tillbaka den avslutade budgetposten i stället för att skapa en ny" in page
    assert BudgetLine.objects.filter(package=package).count() == lines_before

    taken = _add(client, package, "övriga insatser", **{"add-take_back": "on"})
    assert "Budgetposten ”Övriga insatser” är tillbakatagen från 2024." in plain(taken.text)
    line.refresh_from_db()
    assert line.active_to is None
    assert BudgetLine.objects.filter(package=package).count() == lines_before


def test_a_line_retired_years_ago_is_not_added_under_the_same_name(client, demo):
    """Taking back a line retired after 2022 would put it in the decided 2023 table."""
    package = nacka(client)
    lines_before = BudgetLine.objects.filter(package=package).count()
    response = _add(client, package, "Ambulerande trygghetsvärdar")
    page = plain(response.text)
    assert "”Ambulerande trygghetsvärdar” är en avslutad budgetpost (2020–2022)." in page
    assert "till exempel ”Ambulerande trygghetsvärdar (2024)”" in page
    assert "Ta tillbaka den avslutade" not in page
    assert BudgetLine.objects.filter(package=package).count() == lines_before
