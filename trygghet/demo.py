"""Loads the demo data of fixtures/demo.toml: the real numbers of the source documents.

Loading is idempotent: every object is found by its natural key (organisation name,
package name, line name, year, kind) and brought back to the file's values, so running
it twice leaves the same data, and running it after a demo session restores the demo.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from allocations.models import Amount, AmountKind, BudgetLine, BudgetLineLabel, Package, PackageYear
from applications.demo import demo_rounds_load
from trygghet.amounts import parse_amount
from trygghet.models import Committee, FocusArea, Organisation, Programme, User
from trygghet.services import upsert

DEMO_PASSWORD = "demo-trygghet"
DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo.toml"

_AMOUNT_KINDS = {
    "proposal": AmountKind.PROPOSAL,
    "budget": AmountKind.BUDGET,
    "outcome": AmountKind.OUTCOME,
}


@dataclass
class DemoUser:
    username: str
    organisation: str
    role: str


@dataclass
class DemoSummary:
    organisations: list[str] = field(default_factory=list)
    users: list[DemoUser] = field(default_factory=list)
    rounds: list[str] = field(default_factory=list)


@transaction.atomic
def demo_load(*, path: Path = DEMO_FILE) -> DemoSummary:
    """Create or restore every demo organisation, package, user and round; one transaction."""
    with path.open("rb") as file:
        data = tomllib.load(file)

    summary = DemoSummary()
    for organisation_data in data["organisations"]:
        organisation = _load_organisation(organisation_data)
        summary.organisations.append(organisation.name)
    for user_data in data["users"]:
        summary.users.append(_load_user(user_data))
    # After the users: a demo round's assessments name a demo user as assessor.
    summary.rounds = [round_.name for round_ in demo_rounds_load()]
    return summary


def _load_organisation(data: dict) -> Organisation:
    organisation = upsert(
        Organisation,
        {"name": data["name"]},
        {
            "inhabitants": data.get("inhabitants"),
            "amount_unit": data["amount_unit"],
            "reference_pattern": data.get("reference_pattern", ""),
            "document_type": data["document_type"],
            "address_lines": "\n".join(data.get("address_lines", [])),
            "optional_sections": data.get("optional_sections", []),
        },
    )
    committees = {
        committee_data["name"]: upsert(
            Committee,
            {"organisation": organisation, "name": committee_data["name"]},
            {"kind": committee_data["kind"]},
        )
        for committee_data in data.get("committees", [])
    }
    for programme_data in data.get("programmes", []):
        programme = upsert(
            Programme,
            {"organisation": organisation, "name": programme_data["name"]},
            {"first_year": programme_data["first_year"], "last_year": programme_data["last_year"]},
        )
        for order, name in enumerate(programme_data["focus_areas"], start=1):
            upsert(FocusArea, {"programme": programme, "name": name}, {"order": order})
    for package_data in data.get("packages", []):
        _load_package(organisation, committees, package_data)
    return organisation


def _load_package(organisation: Organisation, committees: dict, data: dict) -> Package:
    """Bring a demo package back to the file: what users added to it since is removed."""
    unit = organisation.amount_unit
    package = upsert(
        Package,
        {"organisation": organisation, "name": data["name"]},
        {"description": data.get("description", "")},
    )
    years = {year_data["year"] for year_data in data["years"]}
    package.years.exclude(year__in=years).delete()
    for year_data in data["years"]:
        upsert(
            PackageYear,
            {"package": package, "year": year_data["year"]},
            {
                "frame": parse_amount(year_data["frame"], default_unit=unit),
                "deciding_body": committees.get(year_data.get("deciding_body")),
                "status": year_data["status"],
            },
        )
    kept_lines = []
    for order, line_data in enumerate(data["lines"], start=1):
        line = _demo_line(package, line_data["name"])
        for name, value in {
            "name": line_data["name"],
            "description": line_data.get("description", ""),
            "recipient": committees.get(line_data.get("recipient")),
            "order": order,
            "active_from": line_data["active_from"],
            "active_to": line_data.get("active_to"),
        }.items():
            setattr(line, name, value)
        line.full_clean()
        line.save()
        line.positions.all().delete()  # back to the demo's order in every year
        kept_lines.append(line.pk)
        labels = {int(year): label for year, label in line_data.get("labels", {}).items()}
        line.labels.exclude(from_year__in=labels).delete()
        for from_year, label in labels.items():
            upsert(BudgetLineLabel, {"line": line, "from_year": from_year}, {"label": label})
        kept_amounts = []
        for key, kind in _AMOUNT_KINDS.items():
            for year, typed in line_data.get(key, {}).items():
                amount = upsert(
                    Amount,
                    {"line": line, "year": int(year), "kind": kind},
                    {"amount": parse_amount(typed, default_unit=unit)},
                )
                kept_amounts.append(amount.pk)
        line.amounts.exclude(pk__in=kept_amounts).delete()
    package.lines.exclude(pk__in=kept_lines).delete()
    return package


def _demo_line(package: Package, name: str) -> BudgetLine:
    """The demo line called `name`, also if a user has renamed it since."""
    line = package.lines.filter(name=name).first()
    if line is None:
        line = package.lines.filter(labels__label=name).order_by("pk").first()
    return line or BudgetLine(package=package, name=name)


def _load_user(data: dict) -> DemoUser:
    organisation = (
        Organisation.objects.get(name=data["organisation"]) if "organisation" in data else None
    )
    committee = (
        Committee.objects.get(organisation=organisation, name=data["committee"])
        if "committee" in data
        else None
    )
    superuser = data.get("superuser", False)
    user = User.objects.filter(username=data["username"]).first() or User(username=data["username"])
    user.first_name = data["first_name"]
    user.last_name = data["last_name"]
    user.organisation = organisation
    user.committee = committee
    user.is_superuser = superuser
    user.is_staff = superuser
    user.is_active = True
    user.set_password(DEMO_PASSWORD)
    user.full_clean()
    user.save()
    roles = [] if superuser else data.get("roles", [data.get("role")])
    user.groups.set(Group.objects.filter(name__in=roles))
    role = "Administratör" if superuser else ", ".join(roles)
    return DemoUser(
        username=user.username,
        organisation=organisation.name if organisation else "alla",
        role=role,
    )
