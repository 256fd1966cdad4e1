"""Entering a year's proposal and outcome in the browser: formats, errors, the frame rule."""

import pytest
from django.urls import reverse

from allocations.models import Amount, AmountKind, BudgetLine, PackageYear, YearStatus
from tests.allocations.helpers import nacka, plain
from tests.conftest import make_organisation, make_package, make_user
from tests.helpers import table


def proposal_url(package, year=2024):
    return reverse("allocations:allocation-edit", args=[package.pk, year, "forslag"])


def lines_2024(package):
    return list(BudgetLine.objects.filter(package=package).active_in(2024).order_by("order"))


def typed(package, values, *, year=2024, **extra):
    """POST data with one typed value per line, in table order, as the form sends it
    (including the version of the year it was opened with)."""
    data = {
        f"line_{line.pk}": value for line, value in zip(lines_2024(package), values, strict=True)
    }
    data["version"] = PackageYear.objects.get(package=package, year=year).version
    data.update(extra)
    return data


def proposals(package, year=2024):
    return dict(
        Amount.objects.filter(
            line__package=package, year=year, kind=AmountKind.PROPOSAL
        ).values_list("line__name", "amount")
    )


def test_form_shows_current_proposal_in_the_organisations_unit(client, demo):
    package = nacka(client)
    page = client.get(proposal_url(package)).text
    assert 'value="1,6"' in page and 'value="0,1"' in page
    # Enter in a field submits the first button: it must not demote a proposal to a draft
    form = page[page.index('id="allocation-form"') :]
    first_button = form.index('<button type="submit"')
    assert form[first_button:].startswith('<button type="submit" name="mark_proposal"')
    assert "js/allocation-form.js" in page
    assert 'id="kvar-att-fordela"' in page


def test_swedish_formats_are_saved_exactly(client, demo):
    package = nacka(client)
    PackageYear.objects.filter(package=package, year=2024).update(status=YearStatus.DRAFT)
    response = client.post(
        proposal_url(package),
        typed(
            package,
            ["1,6 mkr", "1 500 tkr", "600 000", "100000 kr", "1,1", "0,1"],
            mark_proposal="",
        ),
        follow=True,
    )
    assert "Förslag 2024 sparat: summa 5,0 mkr. Året är markerat som förslag." in plain(
        response.text
    )
    assert sorted(proposals(package).values()) == [
        100_000,
        100_000,
        600_000,
        1_100_000,
        1_500_000,
        1_600_000,
    ]
    assert PackageYear.objects.get(package=package, year=2024).status == YearStatus.PROPOSAL


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1,6,0", "”1,6,0” är inte ett belopp. Skriv till exempel 1,6 eller 1 600 tkr."),
        ("-0,5", "Beloppet kan inte vara negativt."),
        ("0,0000001", "För många decimaler: 0,0000001 mkr är inte ett helt antal kronor."),
        ("1,6 euro", "Okänd enhet ”euro”. Använd kr, tkr eller mkr."),
        # kronor with öre, where the unit is mkr: once stored as 1 600 000,5 mkr
        ("1 600 000,50", "Ören sparas inte: skriv 1 600 000 kr eller 1,6 mkr."),
        (
            "1.600",
            "”1.600” kan läsas på två sätt. Menar du 1,6 mkr eller 1 600 kr? Skriv decimaler "
            "med komma (1,6) och tusental med mellanslag (1 600).",
        ),
        (
            "999 999 999 999 mkr",
            "999999999999 mkr är orimligt mycket: inget belopp kan vara mer än "
            "100 000 000 000 kr. Kontrollera enheten.",
        ),
        # ten times the year's frame of 5,0 mkr: a unit typed wrong, refused by the service
        (
            "50,1",
            "SSPF (skola, socialtjänst, polis, fritid): 50,1 mkr är mer än tio gånger ramen "
            "5,0 mkr. Kontrollera beloppet och enheten.",
        ),
    ],
)
def test_a_bad_amount_is_explained_next_to_its_field_and_nothing_is_saved(
    client, demo, value, message
):
    package = nacka(client)
    before = proposals(package)
    values = ["2,0", value, "0,6", "0,1", "1,1", "0,1"]
    response = client.post(proposal_url(package), typed(package, values, save_draft=""))
    assert response.status_code == 200
    page = plain(response.text)
    field = lines_2024(package)[1]
    # the message sits next to the field and is linked to it
    assert f'id="id_line_{field.pk}_error">{message}</div>' in page
    assert f'aria-describedby="format-hjalp id_line_{field.pk}_error"' in page
    assert "Inget är sparat." in page
    # everything typed is shown again
    assert 'value="2,0"' in page and f'value="{value}"' in page
    assert proposals(package) == before


def test_a_draft_over_the_frame_is_saved_with_a_warning(client, demo):
    package = nacka(client)
    values = ["1,8", "1,5", "0,6", "0,1", "1,1", "0,1"]
    response = client.post(
        proposal_url(package), typed(package, values, save_draft=""), follow=True
    )
    page = plain(response.text)
    assert "Sparat som utkast. Summan 5,2 mkr överskrider ramen 5,0 mkr med 0,2 mkr" in page
    assert proposals(package)["Trygghetsvärdar"] == 1_800_000
    assert PackageYear.objects.get(package=package, year=2024).status == YearStatus.DRAFT


def test_a_proposal_that_differs_from_the_frame_cannot_be_marked_and_nothing_is_saved(client, demo):
    package = nacka(client)
    before = proposals(package)
    values = ["1,8", "1,5", "0,6", "0,1", "1,1", "0,1"]
    response = client.post(proposal_url(package), typed(package, values, mark_proposal=""))
    page = plain(response.text)
    assert response.status_code == 200
    assert "Summan 5,2 mkr överskrider ramen 5,0 mkr med 0,2 mkr." in page
    assert 'value="1,8"' in page
    assert proposals(package) == before
    assert PackageYear.objects.get(package=package, year=2024).status == YearStatus.PROPOSAL


def test_an_under_allocated_proposal_names_the_shortfall(client, demo):
    package = nacka(client)
    values = ["1,6", "1,5", "0,6", "0,1", "1,1", ""]
    response = client.post(proposal_url(package), typed(package, values, mark_proposal=""))
    assert "Summan 4,9 mkr understiger ramen 5,0 mkr med 0,1 mkr." in plain(response.text)


def test_a_decided_year_is_read_only(client, demo):
    package = nacka(client)
    before = Amount.objects.filter(line__package=package, year=2023).count()
    url = proposal_url(package, 2023)
    response = client.get(url, follow=True)
    assert "Trygghetspaketet 2023 är beslutat och kan inte ändras." in response.text
    line = lines_2024(package)[0]
    client.post(url, {f"line_{line.pk}": "9,9", "save_draft": "", "version": 1})
    assert Amount.objects.filter(line__package=package, year=2023).count() == before
    assert not Amount.objects.filter(amount=9_900_000).exists()
    lines_page = client.get(reverse("allocations:lines", args=[package.pk, 2023]), follow=True)
    assert "är beslutat och kan inte ändras" in lines_page.text


def test_outcomes_are_entered_the_same_way_also_in_a_decided_year(client, demo):
    package = nacka(client)
    url = reverse("allocations:allocation-edit", args=[package.pk, 2023, "utfall"])
    line = lines_2024(package)[0]
    values = ["1 250 tkr", "1,6", "0,6", "0,0", "0,8", "0,09"]
    response = client.post(url, typed(package, values, year=2023), follow=True)
    assert "Utfall 2023 sparat: summa 4,34 mkr." in plain(response.text)
    outcome = Amount.objects.get(line=line, year=2023, kind=AmountKind.OUTCOME)
    assert outcome.amount == 1_250_000


def test_a_member_cannot_post_and_nothing_is_saved(client, demo):
    package = nacka(client, "nacka-ledamot")
    before = proposals(package)
    values = ["1,8", "1,5", "0,6", "0,1", "1,1", "0,1"]
    assert (
        client.post(proposal_url(package), typed(package, values, save_draft="")).status_code == 403
    )
    assert client.get(proposal_url(package)).status_code == 403
    assert proposals(package) == before


@pytest.mark.parametrize(("lines", "years"), [(6, 3), (60, 10)])
def test_entry_form_queries_are_constant(client, db, django_assert_num_queries, lines, years):
    """Prevents one query per line (its label history or its amount) on the entry form."""
    organisation = make_organisation()
    package = make_package(organisation, lines=lines, years=range(2024 - years + 1, 2025))
    client.force_login(make_user(organisation))
    # session, user, 2 × permissions, year, finalised document?, lines, labels, amounts
    with django_assert_num_queries(9):
        response = client.get(proposal_url(package))
    rows = table(response.text, "Förslag per budgetpost").rows
    # each line's field, filled with its proposal
    assert rows == [[f"Post {number}", "1,0"] for number in range(1, lines + 1)]
