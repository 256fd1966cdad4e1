import pytest
from django.urls import reverse

from allocations.models import BudgetLineLabel, Package
from tests.conftest import make_organisation, make_package, make_user
from tests.helpers import table
from trygghet.models import User


def test_package_page_shows_frames_and_sums_per_year(client, demo):
    client.force_login(User.objects.get(username="nacka-ledamot"))
    package = Package.objects.get(name="Trygghetspaketet")
    page = client.get(reverse("allocations:package-detail", args=[package.pk])).text
    assert "4,29" in page  # outcome 2023
    assert page.count("5,0") >= 10  # frame every year and the sums
    assert "2020–2022: Trygghetsvärdar (Orminge och Fisksätra)" in page
    assert "2023–: Trygghetsvärdar" in page
    assert "Ambulerande trygghetsvärdar" in page and "2020–2022" in page


def test_linkoping_package_shows_recipients(client, demo):
    client.force_login(User.objects.get(username="linkoping-handlaggare"))
    package = Package.objects.get(name="Utökat trygghetsarbete")
    page = client.get(reverse("allocations:package-detail", args=[package.pk])).text
    assert "Social- och omsorgsnämnden" in page
    assert "3,0" in page


@pytest.mark.parametrize(("lines", "years"), [(6, 3), (60, 10)])
def test_package_page_queries_are_constant(client, db, django_assert_num_queries, lines, years):
    """Prevents one query per line (labels, recipient) or per year (sums) on the package page."""
    organisation = make_organisation()
    package = make_package(organisation, lines=lines, years=range(2024 - years, 2024))
    BudgetLineLabel.objects.bulk_create(
        BudgetLineLabel(line=line, from_year=2020, label=f"Gammalt namn {line.pk}")
        for line in package.lines.all()
    )
    client.force_login(make_user(organisation))
    # session, user, 2 × permissions, package, years, lines, labels, sums
    with django_assert_num_queries(9):
        response = client.get(reverse("allocations:package-detail", args=[package.pk]))
    sums = table(response.text, "Ram och summor per år").rows
    assert [row[0] for row in sums] == [str(year) for year in range(2023, 2023 - years, -1)]
    assert {tuple(row[1:5]) for row in sums} == {(f"{lines},0",) * 4}
    listed = table(response.text, "Budgetposterna i ordning").rows
    assert len(listed) == lines
    assert listed[-1][0] == f"Post {lines}"
    assert listed[-1][3] == f"2020–: Gammalt namn {package.lines.get(name=f'Post {lines}').pk}"
    assert response.text.count("Gammalt namn") == lines
