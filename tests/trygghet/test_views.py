import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from allocations.models import Package
from tests.conftest import make_committee, make_organisation, make_package, make_round, make_user
from tests.helpers import list_items, section, table
from trygghet import roles
from trygghet.demo import DEMO_PASSWORD
from trygghet.models import FocusArea, Organisation, Programme, User


def login_demo(client, username):
    client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.parametrize(
    "url",
    ["/", "/organisation/1/", "/paket/1/", "/admin/"],
)
def test_every_page_requires_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/logga-in/") or response["Location"].startswith(
        "/admin/login/"
    )


def test_login_page_in_swedish_and_wrong_password_is_explained(client, demo):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert 'lang="sv"' in page.text
    assert "Användarnamn" in page.text and "Lösenord" in page.text

    response = client.post(reverse("login"), {"username": "nacka-handlaggare", "password": "fel"})
    assert response.status_code == 200
    assert "Fel användarnamn eller lösenord." in response.text
    assert 'value="nacka-handlaggare"' in response.text


def test_login_then_logout(client, demo):
    response = client.post(
        reverse("login"), {"username": "nacka-handlaggare", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("start")
    assert "Trygghetspaketet" in client.get(reverse("start")).text
    client.post(reverse("logout"))
    assert client.get(reverse("start")).status_code == 302


def test_start_page_lists_only_the_users_organisation(client, demo):
    page = login_demo(client, "nacka-ledamot").get(reverse("start")).text
    assert "Nacka kommun" in page
    assert "Trygghetspaketet" in page
    assert "5,0" in page  # the 2024 frame in mkr
    assert "Linköpings kommun" not in page
    assert "Utökat trygghetsarbete" not in page
    assert "Stockholms stad" not in page


def test_superuser_start_page_lists_every_organisation(client, demo):
    page = login_demo(client, "admin").get(reverse("start")).text
    for name in ("Nacka kommun", "Linköpings kommun", "Stockholms stad"):
        assert name in page


def test_nacka_user_gets_404_on_stockholm_and_linkoping_objects(client, demo):
    login_demo(client, "nacka-handlaggare")
    stockholm = Organisation.objects.get(name="Stockholms stad")
    linkoping_package = Package.objects.get(name="Utökat trygghetsarbete")
    assert client.get(reverse("organisation-detail", args=[stockholm.pk])).status_code == 404
    response = client.get(reverse("allocations:package-detail", args=[linkoping_package.pk]))
    assert response.status_code == 404


def test_organisation_page_shows_committees_and_focus_areas(client, demo):
    login_demo(client, "sthlm-sokande")
    stockholm = Organisation.objects.get(name="Stockholms stad")
    page = client.get(reverse("organisation-detail", args=[stockholm.pk])).text
    assert "Stadsdelsnämnd (11)" in page
    assert "Järva stadsdelsnämnd" in page
    assert "Stadens offentliga miljö" in page
    assert "22,655" in page  # 985 000 invånare × 23 kr, written exactly


def test_user_without_organisation_is_told_so(client, db):
    client.force_login(make_user(None, role=None))
    page = client.get(reverse("start")).text
    assert "Ditt konto hör inte till någon organisation" in page


def test_role_groups_exist_with_their_permissions(db):
    official = Group.objects.get(name=roles.OFFICIAL)
    member = Group.objects.get(name=roles.MEMBER)
    assert official.permissions.filter(codename="change_amount").exists()
    assert member.permissions.filter(codename="view_amount").exists()
    assert not member.permissions.exclude(codename__startswith="view_").exists()
    assert Group.objects.filter(name=roles.APPLICANT).exists()


def _start_page_data(size):
    organisation = make_organisation()
    make_committee(organisation)
    for _ in range(size):
        make_package(organisation, lines=2, years=range(2024 - size, 2024))
    return make_user(organisation)


@pytest.mark.parametrize("size", [2, 12])
def test_start_page_queries_do_not_grow_with_packages_and_years(
    client, db, django_assert_num_queries, size
):
    """Prevents one query per package (its years) or per round on the start page."""
    user = _start_page_data(size)
    for _ in range(size):
        make_round(user.organisation, applications=2)
    client.force_login(user)
    # session, user, 2 × permissions, organisations, packages, years, rounds
    with django_assert_num_queries(8):
        response = client.get(reverse("start"))
    organisation = user.organisation
    rounds = table(response.text, f"Ansökningsomgångar i {organisation.name}").rows
    assert sorted(row[0] for row in rounds) == sorted(
        round_.name for round_ in organisation.rounds.all()
    )
    assert {row[3] for row in rounds} == {"2"}  # received applications, counted per round
    packages = table(response.text, f"Trygghetspaket i {organisation.name}").rows
    assert len(packages) == size
    # latest year and all years, read from each package's years
    assert {row[1] for row in packages} == {"2023"}
    assert {row[4] for row in packages} == {", ".join(map(str, range(2023, 2023 - size, -1)))}


@pytest.mark.parametrize("committees", [3, 40])
def test_organisation_page_queries_do_not_grow_with_committees_and_programmes(
    client, db, django_assert_num_queries, committees
):
    """Prevents one query per committee or programme on the organisation page."""
    organisation = make_organisation()
    for number in range(committees):
        make_committee(organisation)
        programme = Programme.objects.create(
            organisation=organisation, name=f"Program {number}", first_year=2024, last_year=2027
        )
        FocusArea.objects.bulk_create(
            FocusArea(programme=programme, name=f"Område {area}") for area in range(4)
        )
    client.force_login(make_user(organisation))
    # session, user, organisation, committees, programmes, focus areas
    with django_assert_num_queries(6):
        response = client.get(reverse("organisation-detail", args=[organisation.pk]))
    last = f"Program {committees - 1} (2024–2027)"
    assert list_items(section(response.text, last)) == [f"Område {area}" for area in range(4)]
    assert response.text.count("(2024–2027)") == committees
    assert len(list_items(section(response.text, f"Facknämnd ({committees})"))) == committees
