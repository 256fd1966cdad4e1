"""The round overview an official and a committee member read."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, Round, RoundDecision, RoundStatus
from tests.allocations.helpers import plain, xlsx_rows
from tests.conftest import make_committee, make_organisation, make_round, make_user
from tests.helpers import one_decimal, section, table
from trygghet import roles
from trygghet.models import DecisionOutcome


@pytest.fixture
def stockholm(db):
    organisation = make_organisation(name="Teststad", amount_unit="mnkr")
    return organisation


def test_overview_shows_the_summary_in_the_documents_words(client, stockholm):
    round_ = make_round(stockholm, applications=4, assessed=3)
    client.force_login(make_user(stockholm, role=roles.OFFICIAL))
    page = plain(client.get(reverse("applications:round-detail", args=[round_.pk])).text)
    assert "4 ansökningar om totalt 4,0 mnkr." in page
    assert "3 ansökningar föreslås beviljas medel om totalt 1,5 mnkr." in page
    assert "1 ansökan är ännu inte bedömd." in page
    assert 'id="kvar-av-ramen">8,5 mnkr' in page


def test_a_proposal_over_the_frame_is_flagged_with_the_excess(client, stockholm):
    round_ = make_round(stockholm, applications=4, assessed=4)
    Round.objects.filter(pk=round_.pk).update(frame=1_500_000)
    client.force_login(make_user(stockholm, role=roles.OFFICIAL))
    page = plain(client.get(reverse("applications:round-detail", args=[round_.pk])).text)
    assert "De föreslagna beloppen överskrider ramen med 0,5 mnkr." in page


def test_filters_and_totals_for_what_is_shown(client, stockholm):
    round_ = make_round(stockholm, applications=10, assessed=4)
    client.force_login(make_user(stockholm, role=roles.MEMBER))
    url = reverse("applications:round-detail", args=[round_.pk]) + "?assessed=nej"
    page = plain(client.get(url).text)
    assert "Visar 6 av 10 ansökningar: sökt 6,0 mnkr, föreslaget 0,0 mnkr." in page
    assert "Ansökan 9" in page and "Ansökan 0<" not in page


def test_overview_and_appendix_exports(client, stockholm):
    round_ = make_round(stockholm, applications=3, assessed=2)
    client.force_login(make_user(stockholm, role=roles.MEMBER))
    rows = xlsx_rows(
        client.get(reverse("applications:round-export", args=[round_.pk, "bilaga", "xlsx"])).content
    )
    assert rows[0] == ("Nämnd", "Titel", "Plats", "Sökt (kr)", "Föreslaget (kr)", "Motivering")
    assert rows[-1][3:5] == (3_000_000, 1_000_000)
    response = client.get(reverse("applications:round-export", args=[round_.pk, "oversikt", "csv"]))
    lines = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff")), delimiter=";"))
    assert lines[0][-2:] == ["Sökt (kr)", "Föreslaget (kr)"]
    assert len(lines) == 5


def test_another_organisations_round_is_a_404(client, stockholm):
    round_ = make_round(stockholm, applications=1)
    other = make_organisation()
    client.force_login(make_user(other, role=roles.OFFICIAL))
    for url in [
        reverse("applications:round-detail", args=[round_.pk]),
        reverse("applications:round-export", args=[round_.pk, "bilaga", "csv"]),
        reverse("applications:round-edit", args=[round_.pk]),
    ]:
        assert client.get(url).status_code == 404, url


def test_official_creates_a_round_with_the_default_criteria(client, stockholm):
    client.force_login(make_user(stockholm, role=roles.OFFICIAL))
    page = client.get(reverse("applications:round-create")).text
    assert "Platsspecifik problembeskrivning med dokumenterad otrygghet" in page
    response = client.post(
        reverse("applications:round-create"),
        {
            "name": "Trygghetsinvesteringar 2026",
            "year": 2026,
            "frame": "50",
            "opens_on": "2025-08-18",
            "closes_on": "2025-10-06",
            "criteria": "Dokumenterad otrygghet\nRimliga kostnader",
        },
        follow=True,
    )
    assert "Trygghetsinvesteringar 2026 är sparad." in response.text
    round_ = Round.objects.get(name="Trygghetsinvesteringar 2026")
    assert round_.frame == 50_000_000
    assert list(round_.criteria.values_list("text", flat=True)) == [
        "Dokumenterad otrygghet",
        "Rimliga kostnader",
    ]


def test_a_round_form_with_errors_keeps_what_was_typed(client, stockholm):
    client.force_login(make_user(stockholm, role=roles.OFFICIAL))
    response = client.post(
        reverse("applications:round-create"),
        {
            "name": "Ny",
            "year": 2026,
            "frame": "femtio",
            "opens_on": "2025-10-06",
            "closes_on": "2025-08-18",
            "criteria": "A",
        },
    )
    page = plain(response.text)
    assert "”femtio” är inte ett belopp" in page
    assert "Omgången kan inte stänga innan den öppnar." in page
    assert 'value="Ny"' in page
    assert not Round.objects.filter(name="Ny").exists()


def test_status_moves_one_step_and_a_decided_round_is_read_only(client, stockholm):
    round_ = make_round(stockholm, status=RoundStatus.PROPOSAL)
    client.force_login(make_user(stockholm, role=roles.OFFICIAL))
    url = reverse("applications:round-status", args=[round_.pk])
    response = client.post(url, {"status": "oppen"}, follow=True)
    assert "kan inte gå från förslag till öppen för ansökningar" in response.text
    response = client.post(url, {"status": "beslutad"}, follow=True)
    assert "Registrera beslutet om" in response.text  # deciding records the protocol
    Round.objects.filter(pk=round_.pk).update(status=RoundStatus.DECIDED)
    response = client.post(url, {"status": "forslag"}, follow=True)
    assert "är beslutad och kan inte ändras" in response.text
    response = client.get(reverse("applications:round-edit", args=[round_.pk]), follow=True)
    assert "är beslutad och kan inte ändras" in response.text


def test_a_member_cannot_change_a_round(client, stockholm):
    round_ = make_round(stockholm)
    client.force_login(make_user(stockholm, role=roles.MEMBER))
    response = client.post(
        reverse("applications:round-status", args=[round_.pk]), {"status": "forslag"}
    )
    assert response.status_code == 403
    round_.refresh_from_db()
    assert round_.status == RoundStatus.ASSESSMENT


@pytest.mark.parametrize("applications", [10, 500])
def test_overview_queries_are_constant(client, stockholm, django_assert_num_queries, applications):
    """Prevents one query per application (committee, focus area, assessment), per
    group in the per-committee and per-focus-area sums, or per recorded decision."""
    round_ = make_round(
        stockholm,
        applications=applications,
        assessed=applications // 2,
        status=RoundStatus.DECIDED,
    )
    user = make_user(stockholm, role=roles.OFFICIAL)
    for number in range(applications // 10):  # reopened decisions, then the one in force
        RoundDecision.objects.create(
            round=round_,
            body="Kommunstyrelsen",
            decided_on=datetime.date(2024, 4, 17),
            paragraph=f"§ {number}",
            outcome=DecisionOutcome.FOLLOWED,
            recorded_by=user,
            reopened_by=user if number else None,
            reopened_at=timezone.now() if number else None,
        )
    client.force_login(user)
    url = reverse("applications:round-detail", args=[round_.pk])
    # committee, title, place, focus area, status, applied, proposed, granted
    expected = {
        application.title: [
            application.committee.name,
            application.title,
            application.place,
            "–",
            "Inskickad",
            "1,0",
            "0,5" if hasattr(application, "assessment") else "ej bedömd",
            "–",
        ]
        for application in round_.applications.select_related("committee", "assessment")
    }
    # session, user, round, criteria, 2 × permissions, the user's roles (applicant?), filter
    # choices (committees, focus areas), page of applications, summary (which counts and sums
    # the rows shown), 2 × group sums, decisions
    with django_assert_num_queries(14):
        response = client.get(url)
    listed = table(response.text, "Inkomna ansökningar")
    assert f"Summan gäller de {applications} som visas" in listed.caption
    assert len(listed.rows) == min(applications, 50)  # a page of 50
    assert listed.rows == [expected[title] for _, title, *_ in listed.rows]
    assert listed.footer[0][5:7] == [one_decimal(applications), one_decimal(applications / 4)]
    per_committee = table(response.text, "Summor per nämnd").rows
    assert [row[1] for row in per_committee] == [str(applications // 5)] * 5
    per_area = table(response.text, "Summor per fokusområde").rows
    sums = [str(applications), one_decimal(applications), one_decimal(applications / 4)]
    assert per_area == [["Inget fokusområde angivet", *sums]]
    decisions = section(response.text, "Beslut").text
    assert decisions.count("Gällande beslut") == 1
    assert decisions.count("Återöppnat beslut") == applications // 10 - 1
    # Filtered, the rows shown are counted and summed on their own: one query more.
    with django_assert_num_queries(15):
        response = client.get(url + "?assessed=ja&page=2")
    listed = table(response.text, "Inkomna ansökningar")
    assert f"Summan gäller de {applications // 2} som visas" in listed.caption
    assert len(listed.rows) == min(applications // 2, 50)
    assert listed.rows == [expected[title] for _, title, *_ in listed.rows]
    assert {row[6] for row in listed.rows} == {"0,5"}  # each of them assessed
    assert listed.footer[0][5:7] == [one_decimal(applications / 2), one_decimal(applications / 4)]


def test_pages_are_counted_from_the_rows_shown(client, stockholm):
    round_ = make_round(stockholm, applications=120, assessed=30)
    client.force_login(make_user(stockholm, role=roles.OFFICIAL))
    url = reverse("applications:round-detail", args=[round_.pk])
    page = plain(client.get(url).text)
    assert "Sida 1 av 3" in page
    # Unfiltered, the rows shown are counted and summed by the round's summary.
    assert "Visar 120 av 120 ansökningar: sökt 120,0 mnkr, föreslaget 15,0 mnkr." in page
    last = plain(client.get(url + "?page=3").text)
    assert "Sida 3 av 3" in last
    assert last.count("Ansökan ") == 20
    filtered = plain(client.get(url + "?assessed=ja").text)
    assert "Visar 30 av 120 ansökningar" in filtered
    assert "Sida" not in filtered  # 30 rows fit on one page


def test_the_committee_filter_offers_the_committees_with_received_applications(client, stockholm):
    round_ = make_round(stockholm, applications=2)
    drafting = make_committee(stockholm, name="Nämnden som bara har ett utkast")
    Application.objects.create(
        round=round_, committee=drafting, title="Utkast", place="Torget", applied_amount=1
    )
    make_committee(stockholm, name="Nämnden utan ansökan")
    client.force_login(make_user(stockholm, role=roles.OFFICIAL))
    response = client.get(reverse("applications:round-detail", args=[round_.pk]))
    offered = [
        label for value, label in response.context["filter_form"].fields["committee"].choices
    ]
    received = sorted({application.committee.name for application in round_.applications.all()})
    assert offered == ["Alla", *[name for name in received if name != drafting.name]]


def test_no_address_makes_a_page_show_a_whole_large_round(client, stockholm):
    round_ = make_round(stockholm, applications=250)
    client.force_login(make_user(stockholm, role=roles.OFFICIAL))
    url = reverse("applications:round-detail", args=[round_.pk])
    response = client.get(url + "?per_page=100000")
    assert response.text.count('href="/ansokan/') == 200
    assert "Sida 1 av 2" in plain(response.text)
    response = client.get(url + "?per_page=-5&page=2")
    assert response.status_code == 200
    assert response.text.count('href="/ansokan/') == 1
    assert "Sida 2 av 250" in plain(response.text)


def test_admin_lists_rounds_and_refuses_changes_to_a_decided_round(client, stockholm):
    from trygghet.models import User

    round_ = make_round(stockholm, applications=2, status=RoundStatus.DECIDED)
    admin_user = User.objects.create_superuser("root", password="pw")
    client.force_login(admin_user)
    for model in ("round", "application", "assessment"):
        assert client.get(reverse(f"admin:applications_{model}_changelist")).status_code == 200
    url = reverse("admin:applications_round_change", args=[round_.pk])
    client.post(url, {"name": "Ändrad", "year": 2024, "frame": 1, "status": "utkast"})
    round_.refresh_from_db()
    assert (round_.name, round_.status) != ("Ändrad", "utkast")
