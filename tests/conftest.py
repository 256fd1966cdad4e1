"""Shared fixtures: small `make_*` helpers and the demo data."""

import itertools

import pytest
from django.contrib.auth.models import Group

from allocations.models import Amount, AmountKind, BudgetLine, Package, PackageYear
from trygghet import roles
from trygghet.demo import demo_load
from trygghet.models import Committee, CommitteeKind, Organisation, User

_counter = itertools.count(1)


@pytest.fixture(scope="session", autouse=True)
def _plain_http():
    """Production settings (DJANGO_DEBUG off) redirect to HTTPS; tests and the live server
    of the browser tests speak plain HTTP. Session-wide, before the live server starts."""
    from django.test import override_settings

    override = override_settings(SECURE_SSL_REDIRECT=False, SECURE_HSTS_SECONDS=0)
    override.enable()
    yield
    override.disable()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Production serves collected, hashed files; tests read static/ directly.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    settings.STATIC_ROOT.mkdir()
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo(db):
    """The demo data of fixtures/demo.toml, as `make run` loads it."""
    return demo_load()


def make_organisation(**values) -> Organisation:
    values.setdefault("name", f"Testkommun {next(_counter)}")
    values.setdefault("amount_unit", "mkr")
    return Organisation.objects.create(**values)


def make_committee(organisation, **values) -> Committee:
    values.setdefault("name", f"Nämnd {next(_counter)}")
    values.setdefault("kind", CommitteeKind.FACKNAMND)
    return Committee.objects.create(organisation=organisation, **values)


def make_user(organisation=None, role=roles.OFFICIAL, **values) -> User:
    values.setdefault("username", f"user{next(_counter)}")
    user = User.objects.create_user(password="pw", organisation=organisation, **values)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def make_package(organisation, *, lines=6, years=(2024,), **values) -> Package:
    """A package with `lines` lines, each with a proposal, budget and outcome every year."""
    values.setdefault("name", f"Paket {next(_counter)}")
    package = Package.objects.create(organisation=organisation, **values)
    PackageYear.objects.bulk_create(
        PackageYear(package=package, year=year, frame=1_000_000 * lines) for year in years
    )
    created = BudgetLine.objects.bulk_create(
        BudgetLine(package=package, name=f"Post {number}", order=number, active_from=min(years))
        for number in range(1, lines + 1)
    )
    Amount.objects.bulk_create(
        Amount(line=line, year=year, kind=kind, amount=1_000_000)
        for line in created
        for year in years
        for kind in AmountKind
    )
    return package


@pytest.fixture
def organisation(db):
    return make_organisation()


@pytest.fixture
def official(organisation):
    return make_user(organisation, role=roles.OFFICIAL)


@pytest.fixture
def official_client(client, official):
    client.force_login(official)
    return client


def make_round(organisation, *, applications=0, assessed=0, status="bedomning", **values):
    """A round with `applications` submitted applications, the first `assessed` of them
    assessed at half the applied amount."""
    import datetime

    from django.utils import timezone

    from applications.models import (
        DEFAULT_CRITERIA,
        Application,
        Assessment,
        Criterion,
        Round,
    )

    values.setdefault("name", f"Omgång {next(_counter)}")
    round_ = Round.objects.create(
        organisation=organisation,
        year=2024,
        frame=10_000_000,
        opens_on=datetime.date(2024, 1, 1),
        closes_on=datetime.date(2024, 3, 31),
        status=status,
        **values,
    )
    Criterion.objects.bulk_create(
        Criterion(round=round_, text=text, order=order)
        for order, text in enumerate(DEFAULT_CRITERIA, start=1)
    )
    committees = [make_committee(organisation) for _ in range(min(applications, 5) or 1)]
    created = Application.objects.bulk_create(
        Application(
            round=round_,
            committee=committees[number % len(committees)],
            title=f"Ansökan {number}",
            place=f"Plats {number}",
            applied_amount=1_000_000,
            status="inskickad",
            submitted_at=timezone.now(),
        )
        for number in range(applications)
    )
    Assessment.objects.bulk_create(
        Assessment(application=application, proposed_amount=500_000, motivation="Delvis.")
        for application in created[:assessed]
    )
    return round_
