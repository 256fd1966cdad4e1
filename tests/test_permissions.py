"""Every URL of the project for every role, GET and POST: who may read, who may write,
the 404 for another organisation's and another committee's objects, and that a refused
POST changes nothing.

The demo data is loaded once for the module (inside a transaction that is rolled back at
the end); every test runs in a savepoint of its own, so a POST that writes is undone.
"""

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import JSONField, TextField
from django.forms.models import model_to_dict
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from allocations import selectors as allocation_selectors
from allocations.models import AmountKind, Package, PackageYear
from applications import selectors as round_selectors
from applications import services as round_services
from applications.models import (
    DEFAULT_CRITERIA,
    Application,
    ApplicationStatus,
    Assessment,
    Attachment,
    CostItem,
    Criterion,
    Evidence,
    Round,
    RoundStatus,
)
from documents import services as document_services
from documents.models import DecisionDocument
from documents.services import EDITABLE_FIELDS
from tests.conftest import make_package
from trygghet import roles
from trygghet.decisions import DecisionRecord
from trygghet.demo import demo_load
from trygghet.models import Committee, Organisation, User

OK, FOUND, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405
SKIP = None  # this role is covered by another row of the same URL name

# The columns of every row below, in this order.
ROLES = (
    "nacka-handlaggare",  # official, Nacka
    "nacka-ledamot",  # member (read-only), Nacka
    "sthlm-handlaggare",  # official, Stockholm
    "sthlm-ledamot",  # member (read-only), Stockholm; made here
    "sthlm-sokande",  # applicant, Järva stadsdelsnämnd, Stockholm
    "bromma-sokande",  # applicant, Bromma stadsdelsnämnd, Stockholm; made here
    "linkoping-handlaggare",  # official, Linköping
)
ALL_NOT_ALLOWED = (NOT_ALLOWED,) * len(ROLES)

# Deliberately public: the login and logout pages (and password pages, should they come),
# and the accessibility statement, which the law (DOS-lagen) wants reachable to anyone.
PUBLIC_NAMES = {"login", "logout", "accessibility"}
PUBLIC_PREFIXES = ("password_", "password-")
# Unnamed routes that are public: the favicon redirect.
PUBLIC_ROUTES = {"favicon.ico"}
SKIPPED_NAMESPACES = {"admin"}


# --- The data: the demo, plus what it lacks for a complete matrix ----------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Object ids by name, in a module-wide transaction that is rolled back at the end."""
    media = tmp_path_factory.mktemp("media")
    with (
        override_settings(
            MEDIA_ROOT=media,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        objects = _world_make()
        objects["media"] = media
        yield objects
        transaction.set_rollback(True)


def _world_make() -> dict:
    demo_load()
    stockholm = Organisation.objects.get(name="Stockholms stad")
    nacka = Package.objects.get(name="Trygghetspaketet")
    round_ = Round.objects.get(name="Trygghetsinvesteringar 2024")
    jarva = Committee.objects.get(organisation=stockholm, name="Järva stadsdelsnämnd")
    bromma = Committee.objects.get(organisation=stockholm, name="Bromma stadsdelsnämnd")
    applicant = User.objects.get(username="sthlm-sokande")

    # The applicant of another committee, and a read-only member in Stockholm.
    _user("bromma-sokande", stockholm, roles.APPLICANT, committee=bromma)
    _user("sthlm-ledamot", stockholm, roles.MEMBER)

    # Stockholm has no package in the demo: one, so that an applicant meets an allocation
    # page of their own organisation (403, not the 404 of another organisation).
    sthlm_package = make_package(stockholm, lines=2, years=(2023, 2024), name="Stockholmspaket")

    # A round open for applications, with a complete draft of Järva's in it.
    open_round = Round.objects.create(
        organisation=stockholm,
        name="Öppen omgång",
        year=2025,
        frame=10_000_000,
        opens_on=datetime.date(2025, 1, 1),
        closes_on=datetime.date(2025, 3, 31),
        status=RoundStatus.OPEN,
    )
    Criterion.objects.bulk_create(
        Criterion(round=open_round, text=text, order=order)
        for order, text in enumerate(DEFAULT_CRITERIA, start=1)
    )
    jarva_draft = Application.objects.create(
        round=open_round,
        committee=jarva,
        title="Belysning i Husby",
        place="Husby centrum",
        problem="Mörkt och otryggt på kvällarna.",
        measure="Ny belysning.",
        applied_amount=500_000,
        contact_name="Samir Sökande",
        status=ApplicationStatus.DRAFT,
    )
    Evidence.objects.create(application=jarva_draft, kind="trygghetsvandring", description="Vår")
    CostItem.objects.create(application=jarva_draft, description="Armaturer", amount=500_000)

    # A decided round, for reopening: one application, granted as proposed.
    decided_round = Round.objects.create(
        organisation=stockholm,
        name="Beslutad omgång",
        year=2023,
        frame=1_000_000,
        opens_on=datetime.date(2023, 1, 1),
        closes_on=datetime.date(2023, 3, 31),
        status=RoundStatus.PROPOSAL,
    )
    decided_app = Application.objects.create(
        round=decided_round,
        committee=jarva,
        title="Trygghetskameror",
        place="Rinkeby torg",
        applied_amount=100_000,
        status=ApplicationStatus.SUBMITTED,
    )
    Assessment.objects.create(application=decided_app, proposed_amount=100_000)
    round_services.round_decide(
        round_=decided_round,
        record=DecisionRecord(
            body="Kommunstyrelsen", decided_on=datetime.date(2023, 5, 10), paragraph="§ 12"
        ),
        by=User.objects.get(username="sthlm-handlaggare"),
    )

    jarva_app = Application.objects.filter(
        round=round_, committee=jarva, status=ApplicationStatus.SUBMITTED
    ).first()
    bromma_app = Application.objects.filter(
        round=round_, committee=bromma, status=ApplicationStatus.SUBMITTED
    ).first()
    jarva_attachment = _attachment(jarva_app, applicant)
    bromma_attachment = _attachment(bromma_app, applicant)
    draft_attachment = _attachment(jarva_draft, applicant)

    official = {
        name: User.objects.get(username=f"{name}-handlaggare") for name in ("nacka", "sthlm")
    }
    nacka_doc = document_services.document_get_or_create(
        package_year=nacka.years.get(year=2024), by=official["nacka"]
    )
    round_doc = document_services.document_get_or_create(round_=round_, by=official["sthlm"])
    # Finalised documents of years that no other row changes, for the version downloads.
    nacka_final = document_services.document_get_or_create(
        package_year=nacka.years.get(year=2021), by=official["nacka"]
    )
    nacka_version = document_services.document_finalise(document=nacka_final, by=official["nacka"])
    sthlm_final = document_services.document_get_or_create(
        package_year=sthlm_package.years.get(year=2023), by=official["sthlm"]
    )
    sthlm_version = document_services.document_finalise(document=sthlm_final, by=official["sthlm"])

    return {
        "nacka_org": nacka.organisation_id,
        "sthlm_org": stockholm.pk,
        "nacka": nacka.pk,
        "nacka_line": nacka.lines.get(name="Trygghetsvärdar").pk,
        "sthlm_package": sthlm_package.pk,
        "sthlm_line": sthlm_package.lines.order_by("order").first().pk,
        "round": round_.pk,
        "open_round": open_round.pk,
        "decided_round": decided_round.pk,
        "jarva_app": jarva_app.pk,
        "bromma_app": bromma_app.pk,
        "jarva_draft": jarva_draft.pk,
        "jarva_attachment": jarva_attachment.pk,
        "bromma_attachment": bromma_attachment.pk,
        "draft_attachment": draft_attachment.pk,
        "nacka_doc": nacka_doc.pk,
        "round_doc": round_doc.pk,
        "nacka_final": nacka_final.pk,
        "sthlm_final": sthlm_final.pk,
        "nacka_version": nacka_version.pk,
        "sthlm_version": sthlm_version.pk,
    }


def _user(username, organisation, role, committee=None) -> User:
    user = User.objects.create_user(
        username=username, password="pw", organisation=organisation, committee=committee
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def _attachment(application, by) -> Attachment:
    attachment = Attachment(
        application=application,
        original_name="intyg.pdf",
        content_type="application/pdf",
        size=9,
        uploaded_by=by,
    )
    attachment.file.save("intyg.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    attachment.save()
    return attachment


@pytest.fixture(autouse=True)
def _module_media(world, db, settings, _test_settings):
    """The files made once for the module stay readable in every test."""
    settings.MEDIA_ROOT = world["media"]


@functools.cache
def _snapshot_queries() -> dict[str, str]:
    """One SQL query per model of the project's apps: every row without its long texts (a
    change to those moves an `updated_at` or adds a history row); for a history table, its
    count and last id."""
    quote = connection.ops.quote_name
    queries = {}
    for label in ("trygghet", "allocations", "applications", "documents"):
        for model in apps.get_app_config(label).get_models():
            table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
            if model._meta.model_name.startswith("historical"):
                queries[model._meta.label] = f"SELECT COUNT(*), MAX({pk}) FROM {table}"
            else:
                columns = ", ".join(
                    quote(each.column)
                    for each in model._meta.concrete_fields
                    if not isinstance(each, TextField | JSONField)
                    # Logging in (force_login) sets it; the request under test does not.
                    and each.attname != "last_login"
                )
                queries[model._meta.label] = f"SELECT {columns} FROM {table} ORDER BY {pk}"
    return queries


def _snapshot() -> dict[str, list]:
    """The rows a refused request must leave as they were (raw SQL: taken twice a test)."""
    with connection.cursor() as cursor:
        snapshot = {}
        for label, query in _snapshot_queries().items():
            cursor.execute(query)
            snapshot[label] = cursor.fetchall()
        return snapshot


def _changed(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after[label]]


# --- POST data that would succeed for a role that may write -----------------------------


def _allocation_data(world) -> dict:
    """Move 0,1 mkr of Nacka's 2024 proposal from the last line to the first."""
    package_year = PackageYear.objects.get(package_id=world["nacka"], year=2024)
    lines, initial = allocation_selectors.allocation_entry(
        package_year=package_year, kind=AmountKind.PROPOSAL
    )
    amounts = {line.pk: initial.get(line.pk) or 0 for line in lines}
    amounts[lines[0].pk] += 100_000
    amounts[lines[-1].pk] -= 100_000
    data = {"version": package_year.version}
    for line in lines:
        data[f"line_{line.pk}"] = f"{amounts[line.pk]} kr"
        data[f"original_{line.pk}"] = initial.get(line.pk) or ""
    return data


def _decision_data(world) -> dict:
    """Nacka's 2024 decided as proposed, by Kommunstyrelsen."""
    package_year = PackageYear.objects.get(package_id=world["nacka"], year=2024)
    lines, proposals = allocation_selectors.allocation_entry(
        package_year=package_year, kind=AmountKind.PROPOSAL
    )
    data = {"body": "Kommunstyrelsen", "decided_on": "2024-03-25", "paragraph": "§ 41"}
    for line in lines:
        data[f"line_{line.pk}"] = f"{proposals.get(line.pk) or 0} kr"
    return data


def _round_decision_data(world) -> dict:
    """The demo round decided as proposed."""
    round_ = Round.objects.get(pk=world["round"])
    data = {"body": "Kommunstyrelsen", "decided_on": "2024-05-20", "paragraph": "§ 88"}
    for application in round_selectors.decision_applications(round_=round_):
        proposed = round_services.proposed_amount(application) or 0
        data[f"application_{application.pk}"] = f"{proposed} kr"
    return data


def _round_data(name: str, year: int) -> Callable[[dict], dict]:
    return lambda world: {
        "name": name,
        "year": year,
        "frame": "10",
        "opens_on": f"{year}-01-01",
        "closes_on": f"{year}-03-31",
        "criteria": "\n".join(DEFAULT_CRITERIA),
    }


def _application_data(world) -> dict:
    return {
        "title": "Trygg väg till skolan",
        "place": "Tensta allé",
        "problem": "Otryggt på vägen till skolan.",
        "measure": "Belysning och röjning.",
        "expected_effect": "Fler går till skolan.",
        "applied_amount": "0,4",
        "contact_name": "Samir Sökande",
        "kostnad-TOTAL_FORMS": "1",
        "kostnad-INITIAL_FORMS": "0",
        "kostnad-0-description": "Belysning",
        "kostnad-0-amount": "0,4",
        "underlag-TOTAL_FORMS": "1",
        "underlag-INITIAL_FORMS": "0",
        "underlag-0-kind": "trygghetsvandring",
        "underlag-0-date": "2024-04-10",
        "underlag-0-description": "Trygghetsvandring i april.",
    }


def _assessment_data(world) -> dict:
    data = {"proposed_amount": "0", "motivation": "Prioriteras inte i år."}
    for criterion in Criterion.objects.filter(round_id=world["round"]):
        data[f"verdict_{criterion.pk}"] = "delvis"
    return data


def _document_data(key: str) -> Callable[[dict], dict]:
    def data(world) -> dict:
        document = DecisionDocument.objects.get(pk=world[key])
        values = model_to_dict(document, fields=EDITABLE_FIELDS)
        values = {name: "" if value is None else value for name, value in values.items()}
        values["title"] = f"{document.title} (ändrad)"
        return values

    return data


def _upload(world) -> dict:
    return {"file": SimpleUploadedFile("foto.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")}


# --- The matrix -------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One URL with its arguments (names in `world` or literals), the expected status per
    role (in the order of ROLES) for GET and for POST, the POST data, and the roles whose
    POST must change the data (every other POST must leave every row as it was)."""

    args: tuple
    get: tuple
    post: tuple
    data: dict | Callable[[dict], dict] = field(default_factory=dict)
    writes: tuple[str, ...] = ()


def _get_only(args, get):
    return Page(args, get=get, post=ALL_NOT_ALLOWED)


def _post_only(args, post, **options):
    return Page(args, get=ALL_NOT_ALLOWED, post=post, **options)


N_OFF, S_OFF, L_OFF = "nacka-handlaggare", "sthlm-handlaggare", "linkoping-handlaggare"
JARVA, BROMMA = "sthlm-sokande", "bromma-sokande"

# Rows per URL name: the first row is the object of one organisation for all roles; a
# further row covers what the first cannot (an applicant in the object's own
# organisation, another committee, a draft), with SKIP for the roles already covered.
# fmt: off
PAGES: dict[str, list[Page]] = {
    # Columns:    n-off      n-mem      s-off      s-mem      järva      bromma     l-off
    "start": [
        _get_only((),
            get=( OK,        OK,        OK,        OK,        OK,        OK,        OK)),
    ],
    "organisation-detail": [
        _get_only(("nacka_org",),
            get=( OK,        OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
        _get_only(("sthlm_org",),
            get=( NOT_FOUND, NOT_FOUND, OK,        OK,        OK,        OK,        NOT_FOUND)),
    ],

    # --- Allocations: Nacka's package for everyone; Stockholm's for its own users -------
    # Columns:    n-off      n-mem      s-off      s-mem      järva      bromma     l-off
    "allocations:package-detail": [
        _get_only(("nacka",),
            get=( OK,        OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
        _get_only(("sthlm_package",),
            get=( SKIP,      SKIP,      OK,        OK,        FORBIDDEN, FORBIDDEN, SKIP)),
    ],
    "allocations:multi-year": [
        _get_only(("nacka",),
            get=( OK,        OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
        _get_only(("sthlm_package",),
            get=( SKIP,      SKIP,      OK,        OK,        FORBIDDEN, FORBIDDEN, SKIP)),
    ],
    "allocations:multi-year-export": [
        _get_only(("nacka", "xlsx"),
            get=( OK,        OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
        _get_only(("sthlm_package", "csv"),
            get=( SKIP,      SKIP,      OK,        OK,        FORBIDDEN, FORBIDDEN, SKIP)),
    ],
    "allocations:year-detail": [
        _get_only(("nacka", 2024),
            get=( OK,        OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
        _get_only(("sthlm_package", 2024),
            get=( SKIP,      SKIP,      OK,        OK,        FORBIDDEN, FORBIDDEN, SKIP)),
    ],
    "allocations:year-export": [
        _get_only(("nacka", 2024, "ar", "csv"),
            get=( OK,        OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
        _get_only(("sthlm_package", 2024, "mottagare", "xlsx"),
            get=( SKIP,      SKIP,      OK,        OK,        FORBIDDEN, FORBIDDEN, SKIP)),
    ],
    "allocations:year-history": [
        _get_only(("nacka", 2024),
            get=( OK,        OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
        _get_only(("sthlm_package", 2024),
            get=( SKIP,      SKIP,      OK,        OK,        FORBIDDEN, FORBIDDEN, SKIP)),
    ],
    "allocations:year-start": [
        Page(("nacka",),
            get=( OK,        FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
            post=(FOUND,     FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
            data={"year": 2025, "frame": "5,0", "source": "forslag"}, writes=(N_OFF,)),
        Page(("sthlm_package",),
            get=( SKIP,      SKIP,      OK,        FORBIDDEN, FORBIDDEN, FORBIDDEN, SKIP),
            post=(SKIP,      SKIP,      FOUND,     FORBIDDEN, FORBIDDEN, FORBIDDEN, SKIP),
            data={"year": 2025, "frame": "5,0", "source": "forslag"}, writes=(S_OFF,)),
    ],
    "allocations:allocation-edit": [
        Page(("nacka", 2024, "forslag"),
            get=( OK,        FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
            post=(FOUND,     FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
            data=_allocation_data, writes=(N_OFF,)),
        Page(("sthlm_package", 2024, "utfall"),
            get=( SKIP,      SKIP,      OK,        FORBIDDEN, FORBIDDEN, FORBIDDEN, SKIP),
            post=(SKIP,      SKIP,      SKIP,      FORBIDDEN, FORBIDDEN, FORBIDDEN, SKIP)),
    ],
    "allocations:lines": [
        _get_only(("nacka", 2024),
            get=( OK,        FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
        _get_only(("sthlm_package", 2024),
            get=( SKIP,      SKIP,      OK,        FORBIDDEN, FORBIDDEN, FORBIDDEN, SKIP)),
    ],
    "allocations:line-add": [
        _post_only(("nacka", 2024),
            post=(FOUND,     FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
            data={"add-name": "Ny budgetpost"}, writes=(N_OFF,)),
        _post_only(("sthlm_package", 2024),
            post=(SKIP,      SKIP,      FOUND,     FORBIDDEN, FORBIDDEN, FORBIDDEN, SKIP),
            data={"add-name": "Ny budgetpost"}, writes=(S_OFF,)),
    ],
    "allocations:line-rename": [
        _post_only(("nacka", 2024, "nacka_line"),
            post=(FOUND,     FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
            data={"name": "Trygghetsvärdar i centrum"}, writes=(N_OFF,)),
        _post_only(("sthlm_package", 2024, "sthlm_line"),
            post=(SKIP,      SKIP,      FOUND,     FORBIDDEN, FORBIDDEN, FORBIDDEN, SKIP),
            data={"name": "Nytt namn"}, writes=(S_OFF,)),
    ],
    "allocations:line-retire": [
        _post_only(("nacka", 2024, "nacka_line"),
            post=(FOUND,     FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
            writes=(N_OFF,)),
        _post_only(("sthlm_package", 2024, "sthlm_line"),
            post=(SKIP,      SKIP,      FOUND,     FORBIDDEN, FORBIDDEN, FORBIDDEN, SKIP),
            writes=(S_OFF,)),
    ],
    "allocations:line-move": [
        _post_only(("nacka", 2024, "nacka_line", "ned"),
            post=(FOUND,     FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
            writes=(N_OFF,)),
        _post_only(("sthlm_package", 2024, "sthlm_line", "ned"),
            post=(SKIP,      SKIP,      FOUND,     FORBIDDEN, FORBIDDEN, FORBIDDEN, SKIP),
            writes=(S_OFF,)),
    ],
    "allocations:year-decide": [
        Page(("nacka", 2024),
            get=( OK,        FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
            post=(FOUND,     FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
            data=_decision_data, writes=(N_OFF,)),
        Page(("sthlm_package", 2024),
            get=( SKIP,      SKIP,      SKIP,      FORBIDDEN, FORBIDDEN, FORBIDDEN, SKIP),
            post=(SKIP,      SKIP,      SKIP,      FORBIDDEN, FORBIDDEN, FORBIDDEN, SKIP),
            data=_decision_data),
    ],
    # Nacka's 2023 is decided. The demo officials also have the role Beslutsansvarig;
    # test_reopening_needs_the_decision_owner_role covers an official without it.
    "allocations:year-reopen": [
        Page(("nacka", 2023),
            get=( OK,        FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
            post=(FOUND,     FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
            data={"reason": "Beslutet upphävdes av kommunfullmäktige."}, writes=(N_OFF,)),
        Page(("sthlm_package", 2023),
            get=( SKIP,      SKIP,      SKIP,      FORBIDDEN, FORBIDDEN, FORBIDDEN, SKIP),
            post=(SKIP,      SKIP,      SKIP,      FORBIDDEN, FORBIDDEN, FORBIDDEN, SKIP),
            data={"reason": "Beslutet upphävdes av kommunfullmäktige."}),
    ],
    # Import: upload (no file: the form again), preview (no upload yet: back to the upload),
    # confirm (nothing uploaded: back to the upload) and cancel.
    "allocations:import-upload": [
        Page(("nacka",),
            get=( OK,        FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
            post=(OK,        FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
        Page(("sthlm_package",),
            get=( SKIP,      SKIP,      OK,        FORBIDDEN, FORBIDDEN, FORBIDDEN, SKIP),
            post=(SKIP,      SKIP,      OK,        FORBIDDEN, FORBIDDEN, FORBIDDEN, SKIP)),
    ],
    "allocations:import-preview": [
        _get_only(("nacka",),
            get=( FOUND,     FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
        _get_only(("sthlm_package",),
            get=( SKIP,      SKIP,      FOUND,     FORBIDDEN, FORBIDDEN, FORBIDDEN, SKIP)),
    ],
    "allocations:import-confirm": [
        _post_only(("nacka",),
            post=(FOUND,     FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
        _post_only(("sthlm_package",),
            post=(SKIP,      SKIP,      FOUND,     FORBIDDEN, FORBIDDEN, FORBIDDEN, SKIP)),
    ],
    "allocations:import-cancel": [
        _post_only(("nacka",),
            post=(FOUND,     FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
        _post_only(("sthlm_package",),
            post=(SKIP,      SKIP,      FOUND,     FORBIDDEN, FORBIDDEN, FORBIDDEN, SKIP)),
    ],

    # --- Rounds and applications: all in Stockholm -------------------------------------
    # Columns:    n-off      n-mem      s-off      s-mem      järva      bromma     l-off
    "applications:round-create": [
        Page((),
            get=( OK,        FORBIDDEN, OK,        FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
            post=(FOUND,     FORBIDDEN, FOUND,     FORBIDDEN, FORBIDDEN, FORBIDDEN, FOUND),
            data=_round_data("Ny omgång", 2026), writes=(N_OFF, S_OFF, L_OFF)),
    ],
    "applications:round-detail": [
        _get_only(("round",),
            get=( NOT_FOUND, NOT_FOUND, OK,        OK,        OK,        OK,        NOT_FOUND)),
    ],
    "applications:round-edit": [
        Page(("round",),
            get=( NOT_FOUND, NOT_FOUND, OK,        FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND),
            post=(NOT_FOUND, NOT_FOUND, FOUND,     FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND),
            data=_round_data("Trygghetsinvesteringar 2024 (ändrad)", 2024), writes=(S_OFF,)),
    ],
    "applications:round-status": [
        _post_only(("round",),
            post=(NOT_FOUND, NOT_FOUND, FOUND,     FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND),
            data={"status": RoundStatus.ASSESSMENT}, writes=(S_OFF,)),
    ],
    "applications:round-decide": [
        Page(("round",),
            get=( NOT_FOUND, NOT_FOUND, OK,        FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND),
            post=(NOT_FOUND, NOT_FOUND, FOUND,     FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND),
            data=_round_decision_data, writes=(S_OFF,)),
    ],
    # The demo officials also have the role Beslutsansvarig;
    # test_reopening_needs_the_decision_owner_role covers an official without it.
    "applications:round-reopen": [
        Page(("decided_round",),
            get=( NOT_FOUND, NOT_FOUND, OK,        FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND),
            post=(NOT_FOUND, NOT_FOUND, FOUND,     FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND),
            data={"reason": "Beslutet upphävdes av kommunfullmäktige."}, writes=(S_OFF,)),
    ],
    "applications:round-export": [
        _get_only(("round", "oversikt", "xlsx"),
            get=( NOT_FOUND, NOT_FOUND, OK,        OK,        FORBIDDEN, FORBIDDEN, NOT_FOUND)),
        _get_only(("round", "bilaga", "csv"),
            get=( SKIP,      SKIP,      OK,        OK,        FORBIDDEN, FORBIDDEN, SKIP)),
    ],
    "applications:import-upload": [
        Page(("round",),
            get=( NOT_FOUND, NOT_FOUND, OK,        FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND),
            post=(NOT_FOUND, NOT_FOUND, OK,        FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND)),
    ],
    "applications:import-preview": [
        _get_only(("round",),
            get=( NOT_FOUND, NOT_FOUND, FOUND,     FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND)),
    ],
    "applications:import-confirm": [
        _post_only(("round",),
            post=(NOT_FOUND, NOT_FOUND, FOUND,     FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND)),
    ],
    "applications:import-cancel": [
        _post_only(("round",),
            post=(NOT_FOUND, NOT_FOUND, FOUND,     FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND)),
    ],
    "applications:application-create": [
        Page(("open_round",),
            get=( NOT_FOUND, NOT_FOUND, FORBIDDEN, FORBIDDEN, OK,        OK,        NOT_FOUND),
            post=(NOT_FOUND, NOT_FOUND, FORBIDDEN, FORBIDDEN, FOUND,     FOUND,     NOT_FOUND),
            data=_application_data, writes=(JARVA, BROMMA)),
    ],
    # A submitted application of Järva's: the officials and members of Stockholm and Järva's
    # applicant see it; Bromma's applicant does not. Järva's draft only Järva's applicant.
    "applications:application-detail": [
        _get_only(("jarva_app",),
            get=( NOT_FOUND, NOT_FOUND, OK,        OK,        OK,        NOT_FOUND, NOT_FOUND)),
        _get_only(("jarva_draft",),
            get=( SKIP,      SKIP,      NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND, SKIP)),
    ],
    "applications:application-history": [
        _get_only(("jarva_app",),
            get=( NOT_FOUND, NOT_FOUND, OK,        OK,        OK,        NOT_FOUND, NOT_FOUND)),
        _get_only(("jarva_draft",),
            get=( SKIP,      SKIP,      NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND, SKIP)),
    ],
    "applications:application-edit": [
        Page(("jarva_draft",),
            get=( NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND, NOT_FOUND),
            post=(NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, FOUND,     NOT_FOUND, NOT_FOUND),
            data=_application_data, writes=(JARVA,)),
        # Submitted: the applicant is sent back to it with a message; an official or a
        # member never writes an application (403, as application-create and -submit say).
        Page(("jarva_app",),
            get=( SKIP,      SKIP,      FORBIDDEN, FORBIDDEN, FOUND,     SKIP,      SKIP),
            post=(SKIP,      SKIP,      FORBIDDEN, FORBIDDEN, FOUND,     SKIP,      SKIP),
            data=_application_data),
    ],
    "applications:application-submit": [
        _post_only(("jarva_draft",),
            post=(NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, FOUND,     NOT_FOUND, NOT_FOUND),
            writes=(JARVA,)),
        _post_only(("jarva_app",),
            post=(SKIP,      SKIP,      FORBIDDEN, FORBIDDEN, FOUND,     SKIP,      SKIP)),
    ],
    "applications:application-return": [
        _post_only(("jarva_app",),
            post=(NOT_FOUND, NOT_FOUND, FOUND,     FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND),
            data={"message": "Komplettera med en kostnadskalkyl."}, writes=(S_OFF,)),
    ],
    "applications:application-assess": [
        Page(("jarva_app",),
            get=( NOT_FOUND, NOT_FOUND, OK,        FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND),
            post=(NOT_FOUND, NOT_FOUND, FOUND,     FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND),
            data=_assessment_data, writes=(S_OFF,)),
    ],
    "applications:attachment-upload": [
        _post_only(("jarva_draft",),
            post=(NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, FOUND,     NOT_FOUND, NOT_FOUND),
            data=_upload, writes=(JARVA,)),
        # Submitted: an official or member may not add to it, the applicant no longer.
        _post_only(("jarva_app",),
            post=(SKIP,      SKIP,      FORBIDDEN, FORBIDDEN, FOUND,     SKIP,      SKIP),
            data=_upload),
    ],
    # Removing one: only the applicant, only while the application is theirs to change
    # (submitted: sent back with the reason, nothing removed).
    "applications:attachment-remove": [
        _post_only(("draft_attachment",),
            post=(NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, FOUND,     NOT_FOUND, NOT_FOUND),
            writes=(JARVA,)),
        _post_only(("jarva_attachment",),
            post=(NOT_FOUND, NOT_FOUND, FORBIDDEN, FORBIDDEN, FOUND,     NOT_FOUND, NOT_FOUND)),
    ],
    # Attachments: roles.py gives a member no permission on them (view_attachment is the
    # official's and the applicant's).
    "applications:attachment-download": [
        _get_only(("jarva_attachment",),
            get=( NOT_FOUND, NOT_FOUND, OK,        OK,        OK,        NOT_FOUND, NOT_FOUND)),
        _get_only(("bromma_attachment",),
            get=( SKIP,      SKIP,      SKIP,      SKIP,      NOT_FOUND, OK,        SKIP)),
        # On Järva's draft, which only Järva's applicant sees.
        _get_only(("draft_attachment",),
            get=( SKIP,      SKIP,      NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND, SKIP)),
    ],

    # --- Decision documents: Nacka's year 2024 and Stockholm's round --------------------
    # Columns:    n-off      n-mem      s-off      s-mem      järva      bromma     l-off
    "documents:for-package-year": [
        _post_only(("nacka", 2022),
            post=(FOUND,     FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
            writes=(N_OFF,)),
        _post_only(("sthlm_package", 2024),
            post=(SKIP,      SKIP,      FOUND,     FORBIDDEN, FORBIDDEN, FORBIDDEN, SKIP),
            writes=(S_OFF,)),
    ],
    "documents:for-round": [
        _post_only(("open_round",),
            post=(NOT_FOUND, NOT_FOUND, FOUND,     FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND),
            writes=(S_OFF,)),
    ],
    "documents:document-detail": [
        Page(("nacka_doc",),
            get=( OK,        OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
            post=(FOUND,     FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
            data=_document_data("nacka_doc"), writes=(N_OFF,)),
        Page(("round_doc",),
            get=( SKIP,      SKIP,      OK,        OK,        FORBIDDEN, FORBIDDEN, SKIP),
            post=(SKIP,      SKIP,      FOUND,     FORBIDDEN, FORBIDDEN, FORBIDDEN, SKIP),
            data=_document_data("round_doc"), writes=(S_OFF,)),
    ],
    "documents:document-history": [
        _get_only(("nacka_doc",),
            get=( OK,        OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
        _get_only(("round_doc",),
            get=( SKIP,      SKIP,      OK,        OK,        FORBIDDEN, FORBIDDEN, SKIP)),
    ],
    "documents:document-preview": [
        _get_only(("nacka_doc",),
            get=( OK,        OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
        _get_only(("round_doc",),
            get=( SKIP,      SKIP,      OK,        OK,        FORBIDDEN, FORBIDDEN, SKIP)),
    ],
    "documents:document-draft-pdf": [
        _get_only(("nacka_doc",),
            get=( OK,        OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
        _get_only(("round_doc",),
            get=( SKIP,      SKIP,      OK,        OK,        FORBIDDEN, FORBIDDEN, SKIP)),
    ],
    "documents:document-finalise": [
        _post_only(("nacka_doc",),
            post=(FOUND,     FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
            writes=(N_OFF,)),
        _post_only(("round_doc",),
            post=(SKIP,      SKIP,      FOUND,     FORBIDDEN, FORBIDDEN, FORBIDDEN, SKIP),
            writes=(S_OFF,)),
    ],
    "documents:document-new-version": [
        _post_only(("nacka_final",),
            post=(FOUND,     FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
            writes=(N_OFF,)),
        _post_only(("sthlm_final",),
            post=(SKIP,      SKIP,      FOUND,     FORBIDDEN, FORBIDDEN, FORBIDDEN, SKIP),
            writes=(S_OFF,)),
    ],
    "documents:version-download": [
        _get_only(("nacka_version",),
            get=( OK,        OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)),
        _get_only(("sthlm_version",),
            get=( SKIP,      SKIP,      OK,        OK,        FORBIDDEN, FORBIDDEN, SKIP)),
    ],
}
# fmt: on

# --- Cases ------------------------------------------------------------------------------


def _target(page: Page) -> str:
    return str(page.args[0]) if page.args else "-"


def _cases(method: str):
    """(name, page, role, status) of every cell of the matrix but SKIP and 405, which
    test_wrong_method checks a row at a time."""
    for name, pages in PAGES.items():
        for page in pages:
            statuses = page.get if method == "GET" else page.post
            assert len(statuses) == len(ROLES), name
            for username, status in zip(ROLES, statuses, strict=True):
                if status in (SKIP, NOT_ALLOWED):
                    continue
                yield pytest.param(
                    name, page, username, status, id=f"{name}-{_target(page)}-{username}"
                )


def _wrong_methods():
    for name, pages in PAGES.items():
        for page in pages:
            for method, statuses in (("GET", page.get), ("POST", page.post)):
                usernames = [
                    username
                    for username, status in zip(ROLES, statuses, strict=True)
                    if status == NOT_ALLOWED
                ]
                if usernames:
                    yield pytest.param(
                        name, page, method, usernames, id=f"{name}-{_target(page)}-{method}"
                    )


def _pages():
    for name, pages in PAGES.items():
        for page in pages:
            yield pytest.param(name, page, id=f"{name}-{_target(page)}")


def _url(world, name: str, page: Page) -> str:
    args = [world.get(arg, arg) if isinstance(arg, str) else arg for arg in page.args]
    return reverse(name, args=args)


def _data(world, page: Page) -> dict:
    return page.data(world) if callable(page.data) else dict(page.data)


def _login(client, username: str) -> None:
    client.force_login(User.objects.get(username=username))


# --- Tests ------------------------------------------------------------------------------


def _url_patterns(patterns=None, namespace="", route=""):
    """(full name or None, route) of every URL pattern, outside the skipped namespaces."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_patterns(pattern.url_patterns, inner, route + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield name, route + str(pattern.pattern)


def _is_public(name: str | None, route: str) -> bool:
    if name is None:
        return route in PUBLIC_ROUTES
    short = name.rsplit(":", 1)[-1]
    return short in PUBLIC_NAMES or short.startswith(PUBLIC_PREFIXES)


def test_every_url_of_the_project_is_in_the_matrix():
    """A new URL fails here until its row for every role is in PAGES."""
    missing = [
        name or f"(unnamed) {route}"
        for name, route in _url_patterns()
        if not _is_public(name, route) and name not in PAGES
    ]
    assert not missing, f"URLs without a row in PAGES: {', '.join(sorted(set(missing)))}"


def test_the_matrix_names_only_existing_urls():
    names = {name for name, _ in _url_patterns()}
    assert set(PAGES) <= names, sorted(set(PAGES) - names)


@pytest.mark.parametrize(("name", "page", "username", "status"), list(_cases("GET")))
def test_get(client, world, name, page, username, status):
    _login(client, username)
    before = _snapshot()
    response = client.get(_url(world, name, page))
    assert response.status_code == status
    if status == FOUND:
        assert not response["Location"].startswith("/logga-in/")
    assert not _changed(before, _snapshot()), "a GET changed data"


@pytest.mark.parametrize(("name", "page", "username", "status"), list(_cases("POST")))
def test_post(client, world, name, page, username, status):
    _login(client, username)
    data = _data(world, page)
    before = _snapshot()
    response = client.post(_url(world, name, page), data)
    assert response.status_code == status
    changed = _changed(before, _snapshot())
    if username in page.writes:
        # The same data that others send in vain does change something here: the
        # "nothing changed" of the other roles means something.
        assert changed, "the POST of a role that may write changed nothing"
    else:
        assert not changed, f"a refused POST changed {', '.join(changed)}"


@pytest.mark.parametrize(("name", "page", "method", "usernames"), list(_wrong_methods()))
def test_wrong_method(client, world, name, page, method, usernames):
    """A GET of a POST-only URL, or a POST of a GET-only one: 405 for every role, and
    nothing changes."""
    url = _url(world, name, page)
    before = _snapshot()
    for username in usernames:
        _login(client, username)
        send = client.get if method == "GET" else client.post
        assert send(url).status_code == NOT_ALLOWED, username
    assert not _changed(before, _snapshot())


@pytest.mark.parametrize(("name", "page"), list(_pages()))
def test_anonymous_users_are_sent_to_the_login_page(client, world, name, page):
    url = _url(world, name, page)
    before = _snapshot()
    for response in (client.get(url), client.post(url, _data(world, page))):
        assert response.status_code == FOUND
        assert response["Location"].startswith(reverse("login"))
    assert not _changed(before, _snapshot())


def test_public_pages_need_no_login(client):
    """What the matrix leaves out as public is public indeed (logout only logs out)."""
    for name in PUBLIC_NAMES - {"logout"}:
        assert client.get(reverse(name)).status_code == OK, name


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    ("organisation", "name", "args"),
    [
        ("nacka_org", "allocations:year-reopen", ("nacka", 2023)),
        ("sthlm_org", "applications:round-reopen", ("decided_round",)),
    ],
)
def test_reopening_needs_the_decision_owner_role(client, world, organisation, name, args, method):
    """An official without Beslutsansvarig may record a decision but not reopen it."""
    official = _user(
        "handlaggare-utan-beslut", Organisation.objects.get(pk=world[organisation]), roles.OFFICIAL
    )
    client.force_login(official)
    url = _url(world, name, Page(args, get=(), post=()))
    before = _snapshot()
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, {"reason": "Beslutet upphävdes av kommunfullmäktige."})
    assert response.status_code == FORBIDDEN
    assert not _changed(before, _snapshot())
