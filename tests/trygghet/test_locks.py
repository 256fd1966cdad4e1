"""A finalised round or year shows no edit form anywhere, refuses every change, and is
read-only in the admin: the one lock rule (trygghet/locks.py) asked everywhere."""

import pytest
from django.urls import reverse

from allocations.models import Amount, AmountKind, BudgetLine
from applications.models import Assessment, RoundStatus
from documents.services import document_finalise, document_get_or_create
from tests.conftest import make_package, make_round, make_user
from trygghet import roles
from trygghet.models import User

# Refused (a message naming the round or year) and on their own pages (a notice).
ROUND_LOCKED = "är fastställd i ett beslutsdokument och kan inte ändras"
YEAR_LOCKED = "är fastställt i ett beslutsdokument och kan inte ändras"
ROUND_NOTICE = "Omgången är fastställd i ett beslutsdokument. Den kan inte ändras förrän"
YEAR_NOTICE = "Året är fastställt i ett beslutsdokument. Det kan inte ändras förrän"


@pytest.fixture
def official(organisation):
    user = make_user(organisation, role=roles.OFFICIAL)
    user.groups.add(*make_user(organisation, role=roles.DECISION_OWNER).groups.all())
    return user


@pytest.fixture
def finalised_round(organisation, official):
    round_ = make_round(organisation, applications=2, assessed=1, status=RoundStatus.PROPOSAL)
    document_finalise(document=document_get_or_create(round_=round_, by=official), by=official)
    return round_


@pytest.fixture
def finalised_year(organisation, official):
    package = make_package(organisation, lines=3, years=(2024,))
    package_year = package.years.get()
    document = document_get_or_create(package_year=package_year, by=official)
    document_finalise(document=document, by=official)
    return package_year


def _admin(client):
    client.force_login(User.objects.create_superuser(username="root", password="pw"))
    return client


def test_a_finalised_round_page_shows_the_reason_and_no_edit_buttons(
    client, official, finalised_round
):
    client.force_login(official)
    page = client.get(reverse("applications:round-detail", args=[finalised_round.pk])).text
    assert ROUND_NOTICE in page
    assert reverse("applications:round-edit", args=[finalised_round.pk]) not in page
    assert reverse("applications:import-upload", args=[finalised_round.pk]) not in page
    assert reverse("applications:round-status", args=[finalised_round.pk]) not in page
    assert "Ändra omgången" not in page and "Importera ansökningar" not in page


def test_a_finalised_round_cannot_be_assessed_or_returned(client, official, finalised_round):
    client.force_login(official)
    application = finalised_round.applications.order_by("pk").last()  # not yet assessed
    page = client.get(reverse("applications:application-detail", args=[application.pk])).text
    assess_url = reverse("applications:application-assess", args=[application.pk])
    assert ROUND_NOTICE in page
    assert assess_url not in page and "Bedöm ansökan" not in page
    assert reverse("applications:application-return", args=[application.pk]) not in page

    response = client.get(assess_url)
    assert response.status_code == 302  # no assessment form
    assert ROUND_LOCKED in client.get(response.url).text
    data = {f"verdict_{c.pk}": "uppfyllt" for c in finalised_round.criteria.all()}
    client.post(assess_url, {**data, "proposed_amount": "1,0", "motivation": "", "version": 0})
    assert not Assessment.objects.filter(application=application).exists()


def test_a_finalised_round_cannot_be_edited_moved_or_imported_into(
    client, official, finalised_round
):
    client.force_login(official)
    edit_url = reverse("applications:round-edit", args=[finalised_round.pk])
    response = client.get(edit_url, follow=True)
    assert ROUND_LOCKED in response.text
    assert 'name="criteria"' not in response.text  # no round form
    client.post(edit_url, {"name": "Nytt namn", "year": 2024, "frame": "1", "criteria": "A"})
    client.post(
        reverse("applications:round-status", args=[finalised_round.pk]), {"status": "bedomning"}
    )
    finalised_round.refresh_from_db()
    assert (finalised_round.name, finalised_round.status) != ("Nytt namn", "bedomning")
    assert finalised_round.status == RoundStatus.PROPOSAL

    response = client.get(
        reverse("applications:import-upload", args=[finalised_round.pk]), follow=True
    )
    assert ROUND_LOCKED in response.text
    assert 'type="file"' not in response.text


def test_a_finalised_round_is_read_only_in_the_admin(client, finalised_round):
    _admin(client)
    application = finalised_round.applications.first()
    for name, obj in [("round", finalised_round), ("application", application)]:
        page = client.get(reverse(f"admin:applications_{name}_change", args=[obj.pk])).text
        assert 'name="_save"' not in page, name
    client.post(
        reverse("admin:applications_round_change", args=[finalised_round.pk]),
        {"name": "Ändrad i admin", "organisation": finalised_round.organisation_id},
    )
    finalised_round.refresh_from_db()
    assert finalised_round.name != "Ändrad i admin"


def test_a_finalised_year_page_shows_the_reason_and_no_edit_buttons(
    client, official, finalised_year
):
    client.force_login(official)
    package_pk, year = finalised_year.package_id, finalised_year.year
    page = client.get(reverse("allocations:year-detail", args=[package_pk, year])).text
    assert YEAR_NOTICE in page
    assert reverse("allocations:allocation-edit", args=[package_pk, year, "forslag"]) not in page
    assert reverse("allocations:lines", args=[package_pk, year]) not in page


def test_a_finalised_year_shows_no_entry_form_or_lines_page_and_refuses_changes(
    client, official, finalised_year
):
    client.force_login(official)
    package_pk, year = finalised_year.package_id, finalised_year.year
    entry_url = reverse("allocations:allocation-edit", args=[package_pk, year, "forslag"])
    lines_url = reverse("allocations:lines", args=[package_pk, year])
    for url in (entry_url, lines_url):
        response = client.get(url, follow=True)
        assert YEAR_LOCKED in response.text
        assert response.redirect_chain[-1][0] == reverse(
            "allocations:year-detail", args=[package_pk, year]
        )
    amounts = list(Amount.objects.order_by("pk").values_list("amount", flat=True))
    line = BudgetLine.objects.filter(package_id=package_pk).first()
    client.post(entry_url, {f"line_{line.pk}": "9", "version": finalised_year.version})
    client.post(reverse("allocations:line-add", args=[package_pk, year]), {"add-name": "Ny"})
    assert list(Amount.objects.order_by("pk").values_list("amount", flat=True)) == amounts
    assert not BudgetLine.objects.filter(name="Ny").exists()


def test_a_finalised_year_is_read_only_in_the_admin(client, finalised_year):
    _admin(client)
    url = reverse("admin:allocations_packageyear_change", args=[finalised_year.pk])
    assert 'name="_save"' not in client.get(url).text
    client.post(url, {"package": finalised_year.package_id, "year": 2024, "frame": 1})
    finalised_year.refresh_from_db()
    assert finalised_year.frame != 1
    proposal = Amount.objects.filter(kind=AmountKind.PROPOSAL).first()
    page = client.get(reverse("admin:allocations_amount_change", args=[proposal.pk])).text
    assert 'name="_save"' not in page
