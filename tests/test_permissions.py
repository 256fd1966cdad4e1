"""Every page for every role: who may read, who may write, and the 404 for other
organisations and other committees."""

import pytest
from django.urls import reverse

from allocations.models import Package
from applications.models import Application, Round
from trygghet.models import User

OK, REDIRECT, FORBIDDEN, NOT_FOUND = 200, 302, 403, 404


@pytest.fixture
def objects(demo):
    nacka = Package.objects.get(name="Trygghetspaketet")
    round_ = Round.objects.get(name="Trygghetsinvesteringar 2024")
    return {
        "nacka": nacka.pk,
        "round": round_.pk,
        "jarva_app": Application.objects.filter(
            round=round_, committee__name="Järva stadsdelsnämnd"
        )
        .first()
        .pk,
        "bromma_app": Application.objects.filter(
            round=round_, committee__name="Bromma stadsdelsnämnd"
        )
        .first()
        .pk,
    }


# (url name, args from objects) -> expected status per role
PAGES = {
    ("allocations:package-detail", ("nacka",)): {
        "nacka-handlaggare": OK,
        "nacka-ledamot": OK,
        "sthlm-handlaggare": NOT_FOUND,
        "sthlm-sokande": NOT_FOUND,
    },
    ("allocations:year-detail", ("nacka", 2024)): {
        "nacka-handlaggare": OK,
        "nacka-ledamot": OK,
        "sthlm-handlaggare": NOT_FOUND,
    },
    ("allocations:allocation-edit", ("nacka", 2024, "forslag")): {
        "nacka-handlaggare": OK,
        "nacka-ledamot": FORBIDDEN,
        "sthlm-handlaggare": NOT_FOUND,
    },
    ("allocations:lines", ("nacka", 2024)): {
        "nacka-handlaggare": OK,
        "nacka-ledamot": FORBIDDEN,
        "linkoping-handlaggare": NOT_FOUND,
    },
    ("allocations:year-history", ("nacka", 2024)): {
        "nacka-ledamot": OK,
        "sthlm-handlaggare": NOT_FOUND,
    },
    ("allocations:import-upload", ("nacka",)): {
        "nacka-handlaggare": OK,
        "nacka-ledamot": FORBIDDEN,
        "sthlm-handlaggare": NOT_FOUND,
    },
    ("applications:round-detail", ("round",)): {
        "sthlm-handlaggare": OK,
        "sthlm-sokande": OK,
        "nacka-handlaggare": NOT_FOUND,
    },
    ("applications:round-edit", ("round",)): {
        "sthlm-handlaggare": OK,
        "sthlm-sokande": FORBIDDEN,
        "nacka-handlaggare": NOT_FOUND,
    },
    ("applications:application-detail", ("jarva_app",)): {
        "sthlm-handlaggare": OK,
        "sthlm-sokande": OK,
        "nacka-ledamot": NOT_FOUND,
    },
    ("applications:application-detail", ("bromma_app",)): {
        "sthlm-sokande": NOT_FOUND,
    },
    ("applications:application-assess", ("jarva_app",)): {
        "sthlm-handlaggare": OK,
        "sthlm-sokande": FORBIDDEN,
        "nacka-handlaggare": NOT_FOUND,
    },
}


def cases():
    for (name, args), expectations in PAGES.items():
        for username, status in expectations.items():
            yield pytest.param(
                name, args, username, status, id=f"{name}-{'-'.join(map(str, args))}-{username}"
            )


@pytest.mark.parametrize(("name", "args", "username", "status"), list(cases()))
def test_who_may_open_what(client, objects, name, args, username, status):
    client.force_login(User.objects.get(username=username))
    url = reverse(name, args=[objects.get(arg, arg) for arg in args])
    assert client.get(url).status_code == status


@pytest.mark.parametrize(("name", "args"), list(PAGES))
def test_anonymous_users_are_sent_to_the_login_page(client, objects, name, args):
    url = reverse(name, args=[objects.get(arg, arg) for arg in args])
    response = client.get(url)
    assert response.status_code == REDIRECT and response["Location"].startswith("/logga-in/")


def test_a_read_only_member_cannot_post_anything(client, objects):
    from allocations.models import Amount

    before = sorted(Amount.objects.values_list("pk", "amount"))
    client.force_login(User.objects.get(username="nacka-ledamot"))
    nacka = objects["nacka"]
    for name, args, data in [
        ("allocations:allocation-edit", (nacka, 2024, "forslag"), {"save_draft": ""}),
        ("allocations:year-decide", (nacka, 2024), {}),
        ("allocations:line-add", (nacka, 2024), {"add-name": "X"}),
        ("allocations:year-start", (nacka,), {"year": 2025, "frame": "5"}),
    ]:
        assert client.post(reverse(name, args=args), data).status_code == FORBIDDEN, name
    assert sorted(Amount.objects.values_list("pk", "amount")) == before
