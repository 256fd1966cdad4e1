"""The tables a committee reviews show the seeds' numbers, and export them exactly."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from allocations.models import PackageYear, YearDecision
from tests.allocations.helpers import nacka, plain, xlsx_rows
from tests.conftest import make_organisation, make_package, make_user
from tests.helpers import section, table
from trygghet.models import DecisionOutcome

SEED_2024 = [
    # line, Förslag 2024, Utfall 2023, Budget 2023 (000_…)
    ("Trygghetsvärdar", "1,6", "1,2", "1,4"),
    ("SSPF (skola, socialtjänst, polis, fritid)", "1,5", "1,6", "1,5"),
    ("Stöd till lokala arbetsgrupper", "0,6", "0,6", "0,9"),
    ("Kameraövervakning – centrala funktioner", "0,1", "0,0", "0,2"),
    ("Insatser i samverkan med lokala aktörer", "1,1", "0,8", "0,4"),
    ("Övriga insatser (exempelvis insatser mot unga i riskzon)", "0,1", "0,09", "0,6"),
    ("SUMMA", "5,0", "4,29", "5,0"),
]

SEED_2022 = [
    # line, 2022, 2021, 2020 (001_…)
    ("Trygghetsvärdar (Orminge och Fisksätra)", "1,0", "0,8", "2,0"),
    ("Ambulerande Trygghetsvärdar", "0,0", "0,8", "0,3"),
    ("Brottsförebyggande trygghetssamordnare", "0,0", "0,4", "0,0"),
    ("SSPF (skola, socialtjänst, polis, fritid)", "1,5", "1,5", "1,5"),
    ("Stöd till lokala arbetsgrupper", "0,9", "0,9", "0,9"),
    ("Kameraövervakning – centrala funktioner", "0,2", "0,2", "0,3"),
    ("Insatser i samverkan med lokala aktörer", "0,5", "0,4", "0,0"),
    ("Övriga insatser (LOV3, insatser mot unga i riskzon etcetera)", "0,9", "0,0", "0,0"),
    ("SUMMA", "5,0", "5,0", "5,0"),
]


def table_cells(html: str, table_index: int = 0) -> list[tuple[str, ...]]:
    """The text of every row of the n-th <table>, cell by cell, tags removed."""
    table = re.findall(r"<table.*?</table>", html, re.S)[table_index]
    rows = []
    for row in re.findall(r"<tr.*?</tr>", table, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append(tuple(plain(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells))
    return rows


def test_year_table_has_the_seeds_numbers(client, demo):
    package = nacka(client, "nacka-ledamot")
    page = client.get(reverse("allocations:year-detail", args=[package.pk, 2024])).text
    rows = table_cells(page)
    assert rows[0][:4] == ("Budgetpost", "Förslag 2024", "Utfall 2023", "Budget 2023")
    # the outcome cell may carry a "▼ lågt utfall" marker after the number
    assert [(row[0], row[1], row[2].split(" ")[0], row[3]) for row in rows[1:]] == SEED_2024


def test_year_table_marks_outcomes_far_below_budget_in_words(client, demo):
    package = nacka(client, "nacka-ledamot")
    rows = table_cells(client.get(reverse("allocations:year-detail", args=[package.pk, 2024])).text)
    marked = {row[0] for row in rows if "lågt utfall" in row[2]}
    assert marked == {
        "Kameraövervakning – centrala funktioner",
        "Övriga insatser (exempelvis insatser mot unga i riskzon)",
    }


def test_year_table_differences(client, demo):
    package = nacka(client, "nacka-ledamot")
    rows = table_cells(client.get(reverse("allocations:year-detail", args=[package.pk, 2024])).text)
    by_line = {row[0]: row for row in rows}
    # Förslag 2024 − budget 2023, utfall 2023 − budget 2023 (kr and %)
    assert by_line["Trygghetsvärdar"][4:7] == ("+0,2", "-0,2", "85,7 %")
    assert by_line["Insatser i samverkan med lokala aktörer"][4:7] == ("+0,7", "+0,4", "200,0 %")
    assert by_line["SUMMA"][4:7] == ("0,0", "-0,71", "85,8 %")


def test_year_page_shows_unallocated_part_of_the_frame(client, demo):
    package = nacka(client)
    PackageYear.objects.filter(package=package, year=2024).update(frame=5_500_000)
    page = plain(client.get(reverse("allocations:year-detail", args=[package.pk, 2024])).text)
    assert re.search(r'id="kvar">0,5 mkr', page)
    assert "Summan 5,0 mkr understiger ramen 5,5 mkr med 0,5 mkr" in page


def test_multi_year_table_has_the_seeds_numbers(client, demo):
    package = nacka(client, "nacka-ledamot")
    url = reverse("allocations:multi-year", args=[package.pk]) + "?till=2022&antal=3"
    rows = table_cells(client.get(url).text)
    assert rows[0] == ("Budgetpost", "2022", "2021", "2020")
    assert rows[1:] == SEED_2022


def test_multi_year_table_shows_lines_only_where_they_exist(client, demo):
    package = nacka(client, "nacka-ledamot")
    url = reverse("allocations:multi-year", args=[package.pk]) + "?till=2024&antal=3"
    rows = table_cells(client.get(url).text)
    assert rows[0] == ("Budgetpost", "Förslag 2024", "2023", "2022")
    by_line = {row[0]: row[1:] for row in rows}
    assert by_line["Ambulerande Trygghetsvärdar"] == ("", "", "0,0")
    assert by_line["Trygghetsvärdar"] == ("1,6", "1,4", "1,0")
    assert by_line["SUMMA"] == ("5,0", "5,0", "5,0")


def test_multi_year_chart_is_svg_readable_without_colour(client, demo):
    package = nacka(client, "nacka-ledamot")
    page = client.get(reverse("allocations:multi-year", args=[package.pk]) + "?till=2022").text
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    # every bar carries its year and amount in text
    assert plain(svg).count(">2020<") == 8
    assert "2,0 mkr" in plain(svg)


def test_recipient_view_sums_by_committee(client, demo):
    from trygghet.models import User

    client.force_login(User.objects.get(username="linkoping-handlaggare"))
    package = PackageYear.objects.get(package__name="Utökat trygghetsarbete").package
    page = client.get(reverse("allocations:year-detail", args=[package.pk, 2021])).text
    rows = table_cells(page, table_index=1)
    assert rows[0] == ("Mottagare", "Förslag 2021", "Andel")
    # in the order of the decision (004_…), not alphabetical
    assert rows[1:] == [
        ("Social- och omsorgsnämnden", "1,0", "33,3 %"),
        ("Kultur- och fritidsnämnden", "0,5", "16,7 %"),
        ("Kommunstyrelsen", "1,5", "50,0 %"),
        ("SUMMA", "3,0", "100,0 %"),
    ]


def test_year_table_xlsx_has_numbers_in_kronor_with_the_unit_in_the_header(client, demo):
    package = nacka(client, "nacka-ledamot")
    response = client.get(reverse("allocations:year-export", args=[package.pk, 2024, "ar", "xlsx"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="trygghetspaketet-2024.xlsx"' in response["Content-Disposition"]
    rows = xlsx_rows(response.content)
    assert rows[0][:4] == (
        "Budgetpost",
        "Förslag 2024 (kr)",
        "Utfall 2023 (kr)",
        "Budget 2023 (kr)",
    )
    assert rows[1][:4] == ("Trygghetsvärdar", 1_600_000, 1_200_000, 1_400_000)
    assert rows[6][:4] == (
        "Övriga insatser (exempelvis insatser mot unga i riskzon)",
        100_000,
        90_000,
        600_000,
    )
    assert rows[-1][:4] == ("SUMMA", 5_000_000, 4_290_000, 5_000_000)
    assert all(isinstance(value, int) for value in rows[1][1:6])


def test_multi_year_xlsx_has_the_seeds_numbers(client, demo):
    package = nacka(client, "nacka-ledamot")
    url = reverse("allocations:multi-year-export", args=[package.pk, "xlsx"]) + "?till=2022&antal=3"
    rows = xlsx_rows(client.get(url).content)
    assert rows[0] == ("Budgetpost", "2022 (kr)", "2021 (kr)", "2020 (kr)")
    assert rows[2] == ("Ambulerande Trygghetsvärdar", 0, 800_000, 300_000)
    assert rows[-1] == ("SUMMA", 5_000_000, 5_000_000, 5_000_000)


def test_csv_export_is_semicolon_separated_with_decimal_comma(client, demo):
    package = nacka(client, "nacka-ledamot")
    response = client.get(reverse("allocations:year-export", args=[package.pk, 2024, "ar", "csv"]))
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == [
        "Budgetpost",
        "Förslag 2024 (kr)",
        "Utfall 2023 (kr)",
        "Budget 2023 (kr)",
    ]
    assert rows[1] == [
        "Trygghetsvärdar",
        "1600000",
        "1200000",
        "1400000",
        "200000",
        "-200000",
        "85,7",
    ]
    assert rows[-1][0] == "SUMMA" and rows[-1][-1] == "85,8"


def test_other_organisation_gets_404_on_tables_and_exports(client, demo):
    from trygghet.models import User

    package = nacka(client)
    client.force_login(User.objects.get(username="sthlm-handlaggare"))
    for url in [
        reverse("allocations:year-detail", args=[package.pk, 2024]),
        reverse("allocations:year-export", args=[package.pk, 2024, "ar", "xlsx"]),
        reverse("allocations:multi-year", args=[package.pk]),
        reverse("allocations:multi-year-export", args=[package.pk, "csv"]),
        reverse("allocations:allocation-edit", args=[package.pk, 2024, "forslag"]),
    ]:
        assert client.get(url).status_code == 404, url


def test_a_decided_year_shows_its_budget_against_last_years_budget(client, demo):
    package = nacka(client, "nacka-ledamot")
    rows = table_cells(client.get(reverse("allocations:year-detail", args=[package.pk, 2023])).text)
    assert rows[0][:5] == (
        "Budgetpost",
        "Budget 2023",
        "Utfall 2022",
        "Budget 2022",
        "Budget mot budget 2022",
    )
    by_line = {row[0]: row for row in rows}
    assert by_line["Trygghetsvärdar"][1:5] == ("1,4", "", "1,0", "+0,4")
    assert by_line["SUMMA"][1] == "5,0"


def test_a_year_after_an_undecided_one_compares_with_its_proposal(client, demo):
    package = nacka(client)
    client.post(
        reverse("allocations:year-start", args=[package.pk]),
        {"year": 2025, "frame": "5,0", "source": "forslag"},
    )
    rows = table_cells(client.get(reverse("allocations:year-detail", args=[package.pk, 2025])).text)
    assert rows[0][1:5] == (
        "Förslag 2025",
        "Utfall 2024",
        "Förslag 2024",
        "Förslag mot förslag 2024",
    )
    assert {row[0]: row[4] for row in rows}["Trygghetsvärdar"] == "0,0"


def test_without_a_previous_year_there_is_no_comparison(client, demo):
    from trygghet.models import User

    client.force_login(User.objects.get(username="linkoping-handlaggare"))
    package = PackageYear.objects.get(package__name="Utökat trygghetsarbete").package
    rows = table_cells(client.get(reverse("allocations:year-detail", args=[package.pk, 2021])).text)
    assert all(row[2:] == ("", "", "", "", "") for row in rows[1:-1])


def test_applicant_may_not_read_packages(client, demo):
    from trygghet.models import User

    client.force_login(User.objects.get(username="sthlm-sokande"))
    stockholm_package = make_package(User.objects.get(username="sthlm-sokande").organisation)
    url = reverse("allocations:package-detail", args=[stockholm_package.pk])
    response = client.get(url)
    assert response.status_code == 403
    assert "Behörighet saknas" in response.text
    # another organisation's package is a 404, so its existence is not revealed
    package = PackageYear.objects.get(package__name="Utökat trygghetsarbete").package
    assert client.get(reverse("allocations:package-detail", args=[package.pk])).status_code == 404
    assert (
        client.get(reverse("allocations:year-detail", args=[package.pk, 2021])).status_code == 404
    )


@pytest.mark.parametrize(("lines", "years"), [(6, 3), (60, 10)])
def test_year_page_queries_are_constant(client, db, django_assert_num_queries, lines, years):
    """Prevents one query per line (amounts, labels), per table column, or per recorded
    decision (who recorded and reopened it) on the year page."""
    organisation = make_organisation()
    package = make_package(organisation, lines=lines, years=range(2024 - years + 1, 2025))
    user = make_user(organisation)
    package_year = package.years.get(year=2024)
    for number in range(years):  # as many reopened decisions as years
        YearDecision.objects.create(
            package_year=package_year,
            body="Kommunstyrelsen",
            decided_on=datetime.date(2024, 1, 1),
            paragraph=f"§ {number}",
            outcome=DecisionOutcome.FOLLOWED,
            recorded_by=user,
            reopened_by=user,
            reopened_at=timezone.now(),
            reopen_reason="Rättelse av belopp",
        )
    client.force_login(user)
    # session, user, 2 × permissions, year (with its document: the lock), lines, labels,
    # amounts, totals, recipients, decisions
    with django_assert_num_queries(11):
        response = client.get(reverse("allocations:year-detail", args=[package.pk, 2024]))
    review = table(response.text, "Förslag 2024 per budgetpost")
    assert review.column(0) == [f"Post {number}" for number in range(1, lines + 1)]
    assert review.rows[-1][1:4] == ["1,0", "1,0", "1,0"]  # proposal, outcome, budget 2023
    assert review.footer[0][:2] == ["SUMMA", f"{lines},0"]
    recipients = table(response.text, "Förslag 2024 per mottagande nämnd")
    assert recipients.rows == [["Utan angiven mottagare", f"{lines},0", "100,0 %"]]
    decisions = section(response.text, "Beslut").text
    assert decisions.count("Registrerat av user") == years
    assert decisions.count("Återöppnat av user") == years


@pytest.mark.parametrize(("lines", "years"), [(6, 3), (60, 10)])
def test_multi_year_page_queries_are_constant(client, db, django_assert_num_queries, lines, years):
    """Prevents one query per year (column totals) or per line on the multi-year page."""
    organisation = make_organisation()
    package = make_package(organisation, lines=lines, years=range(2024 - years + 1, 2025))
    client.force_login(make_user(organisation))
    url = reverse("allocations:multi-year", args=[package.pk]) + f"?antal={years}"
    # session, user, 2 × permissions, package, years, lines, labels, amounts, totals
    with django_assert_num_queries(10):
        response = client.get(url)
    review = table(response.text, "Beslutad budget per budgetpost och år")
    assert review.column(0) == [f"Post {number}" for number in range(1, lines + 1)]
    assert review.rows[-1][1:] == ["1,0"] * years
    assert review.footer == [["SUMMA"] + [f"{lines},0"] * years]


@pytest.mark.parametrize("count", [5, 10])
def test_the_chart_of_many_years_has_plain_numbers_and_only_the_years_that_exist(
    client, demo, count
):
    """The SVG once got viewBox="0 0 760 1 096" (a localized thousands separator) at five
    years, and ?antal=10 invented empty columns for years before the package existed."""
    package = nacka(client, "nacka-ledamot")
    url = reverse("allocations:multi-year", args=[package.pk]) + f"?till=2024&antal={count}"
    page = client.get(url).text
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    width, height = map(int, re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).groups())
    assert width == 760 and height > 999
    for name, value in re.findall(r'\b(x|y|width|height)="([^"]*)"', svg):
        assert re.fullmatch(r"\d+(%|px)?", value), (name, value)
    rows = table_cells(page)
    assert rows[0] == ("Budgetpost", "Förslag 2024", "2023", "2022", "2021", "2020")
    assert {row[0]: row[1:] for row in rows}["SUMMA"] == ("5,0",) * 5
