"""The data bench/scale.py measures: the demo data plus 290 organisations, each with a
package of 10 years × 12 budget lines, and one organisation with a round of 2 000 applications.

Import it after django.setup(); `build()` fills the database Django is configured with.
"""

import datetime
import time
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from allocations import models as allocation_models
from applications.models import (
    DEFAULT_CRITERIA,
    Application,
    ApplicationStatus,
    Assessment,
    CostItem,
    Criterion,
    CriterionAssessment,
    Evidence,
    EvidenceKind,
    Round,
    RoundStatus,
    Verdict,
)
from trygghet import roles
from trygghet.demo import demo_load
from trygghet.models import (
    Committee,
    CommitteeKind,
    FocusArea,
    Organisation,
    Programme,
    User,
)

ORGANISATIONS = 290
YEARS = range(2016, 2026)  # the last one is a proposal, the others decided
LINES = 12
BIG_COMMITTEES = 40
APPLICATIONS = 2000
ASSESSED_SHARE = 0.9

BIG_ORGANISATION = "Skalstads kommun"
BIG_OFFICIAL = "skal-handlaggare"
BIG_APPLICANT = "skal-sokande"
BIG_ROUND = "Skalinvesteringar 2025"
TEXT = (
    "Platsen upplevs som otrygg kvällstid: dålig belysning, skymd sikt och nedskräpning. "
    "Trygghetsvandringen visade att boende undviker gångvägen efter mörkrets inbrott. "
)


@dataclass
class BigData:
    package: allocation_models.Package
    round_: Round
    applicant_committee: Committee


@transaction.atomic
def build_scale_data() -> BigData:
    """290 organisations with a package each; the first also has the big round."""
    hashed = make_password("bench-trygghet")
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=BIG_ORGANISATION if number == 0 else f"Skalkommun {number:03d}",
            inhabitants=50_000 + number * 1_000,
            amount_unit="mkr",
            reference_pattern="KS-ÅÅÅÅ-NNNN",
        )
        for number in range(ORGANISATIONS)
    )
    big = organisations[0]
    committee_names = ["Kommunstyrelsen"] + [
        f"Nämnd {number}" for number in range(1, BIG_COMMITTEES)
    ]
    committees = Committee.objects.bulk_create(
        Committee(
            organisation=organisation,
            name=name,
            kind=CommitteeKind.KOMMUNSTYRELSE
            if index == 0
            else (CommitteeKind.STADSDELSNAMND if index % 3 == 0 else CommitteeKind.FACKNAMND),
        )
        for organisation in organisations
        for index, name in enumerate(
            committee_names[: BIG_COMMITTEES if organisation is big else 5]
        )
    )
    committees_of: dict[int, list[Committee]] = {}
    for committee in committees:
        committees_of.setdefault(committee.organisation_id, []).append(committee)

    packages = allocation_models.Package.objects.bulk_create(
        allocation_models.Package(organisation=organisation, name="Skalpaketet")
        for organisation in organisations
    )
    frame = LINES * 1_000_000
    allocation_models.PackageYear.objects.bulk_create(
        allocation_models.PackageYear(
            package=package,
            year=year,
            frame=frame,
            deciding_body=committees_of[package.organisation_id][0],
            status=allocation_models.YearStatus.PROPOSAL
            if year == YEARS[-1]
            else allocation_models.YearStatus.DECIDED,
        )
        for package in packages
        for year in YEARS
    )
    lines = allocation_models.BudgetLine.objects.bulk_create(
        allocation_models.BudgetLine(
            package=package,
            name=f"Insats {number}",
            recipient=committees_of[package.organisation_id][
                number % len(committees_of[package.organisation_id])
            ],
            order=number,
            active_from=YEARS[0],
        )
        for package in packages
        for number in range(1, LINES + 1)
    )
    # Two lines of each package were renamed half-way, as Nacka's were.
    allocation_models.BudgetLineLabel.objects.bulk_create(
        allocation_models.BudgetLineLabel(line=line, from_year=from_year, label=label)
        for line in lines
        if line.order <= 2
        for from_year, label in ((YEARS[0], f"{line.name} (tidigare namn)"), (2021, line.name))
    )
    kinds = allocation_models.AmountKind
    amounts = []
    for line in lines:
        # Pairs of lines move money between them, so each year's lines sum to the frame.
        shift = (line.order % 2 * 2 - 1) * 100_000 * (line.pk % 3)
        for year in YEARS:
            proposal = 1_000_000 + shift
            by_kind = {kinds.PROPOSAL: proposal}
            if year != YEARS[-1]:
                by_kind[kinds.BUDGET] = proposal
                by_kind[kinds.OUTCOME] = proposal * (40 + (line.pk * 7 + year) % 70) // 100
            amounts += [
                allocation_models.Amount(line=line, year=year, kind=kind, amount=amount)
                for kind, amount in by_kind.items()
            ]
    allocation_models.Amount.objects.bulk_create(amounts, batch_size=5000)

    official_group = Group.objects.get(name=roles.OFFICIAL)
    users = User.objects.bulk_create(
        User(
            username=BIG_OFFICIAL if organisation is big else f"skal-handlaggare-{number:03d}",
            first_name="Bänk",
            last_name="Handläggare",
            organisation=organisation,
            password=hashed,
        )
        for number, organisation in enumerate(organisations)
    )
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=user.pk, group_id=official_group.pk) for user in users
    )
    applicant_committee = committees_of[big.pk][3]
    applicant = User.objects.create(
        username=BIG_APPLICANT,
        first_name="Bänk",
        last_name="Sökande",
        organisation=big,
        committee=applicant_committee,
        password=hashed,
    )
    applicant.groups.add(Group.objects.get(name=roles.APPLICANT))

    round_ = _build_round(big, committees_of[big.pk], assessor=users[0])
    return BigData(package=packages[0], round_=round_, applicant_committee=applicant_committee)


def _build_round(organisation: Organisation, committees: list[Committee], assessor) -> Round:
    programme = Programme.objects.create(
        organisation=organisation,
        name="Trygghetsprogram 2024–2027",
        first_year=2024,
        last_year=2027,
    )
    focus_areas = FocusArea.objects.bulk_create(
        FocusArea(programme=programme, name=name, order=order)
        for order, name in enumerate(
            ["Trygga offentliga miljöer", "Brottsförebyggande samverkan", "Unga", "Övrigt"],
            start=1,
        )
    )
    round_ = Round.objects.create(
        organisation=organisation,
        name=BIG_ROUND,
        year=2025,
        frame=400_000_000,
        opens_on=datetime.date(2025, 1, 15),
        closes_on=datetime.date(2025, 3, 15),
        deciding_body=committees[0],
        status=RoundStatus.PROPOSAL,
    )
    criteria = Criterion.objects.bulk_create(
        Criterion(round=round_, text=text, order=order)
        for order, text in enumerate(DEFAULT_CRITERIA, start=1)
    )
    submitted_at = timezone.make_aware(datetime.datetime(2025, 3, 10, 12, 0))
    applicants = committees[1:]
    applications = Application.objects.bulk_create(
        (
            Application(
                round=round_,
                committee=applicants[number % len(applicants)],
                title=f"Trygghetsåtgärd {number:04d}",
                place=f"Gångvägen vid kvarter {number % 300}",
                problem=TEXT * 3,
                measure="Ny belysning, röjning av buskage och bättre sikt längs gångvägen.",
                expected_effect="Fler rör sig på platsen kvällstid och upplever den som trygg.",
                focus_area=focus_areas[number % len(focus_areas)],
                applied_amount=100_000 + (number * 37_000) % 1_900_000,
                contact_name="Kontaktperson",
                contact_email="kontakt@skalstad.se",
                status=ApplicationStatus.DRAFT
                if number % 100 == 99
                else ApplicationStatus.RETURNED
                if number % 50 == 7
                else ApplicationStatus.SUBMITTED,
                submitted_at=None if number % 100 == 99 else submitted_at,
            )
            for number in range(APPLICATIONS)
        ),
        batch_size=1000,
    )
    Evidence.objects.bulk_create(
        Evidence(
            application=application,
            kind=EvidenceKind.WALK,
            date=datetime.date(2024, 10, 1),
            description="Trygghetsvandring med boende",
        )
        for application in applications
    )
    CostItem.objects.bulk_create(
        CostItem(application=application, description=description, amount=amount)
        for application in applications
        for description, amount in (
            ("Material", application.applied_amount // 2),
            ("Arbete", application.applied_amount - application.applied_amount // 2),
        )
    )
    assessed_at = timezone.make_aware(datetime.datetime(2025, 4, 1, 9, 0))
    assessed = [
        application
        for application in applications
        if application.status != ApplicationStatus.DRAFT
        and application.pk % 10 < ASSESSED_SHARE * 10
    ]
    assessments = Assessment.objects.bulk_create(
        Assessment(
            application=application,
            proposed_amount=application.applied_amount if index % 3 else 0,
            motivation=""
            if index % 3
            else "Åtgärden är inte kopplad till den beskrivna otryggheten.",
            assessor=assessor,
            assessed_at=assessed_at,
        )
        for index, application in enumerate(assessed)
    )
    verdicts = [Verdict.MET, Verdict.PARTLY, Verdict.NOT_MET]
    CriterionAssessment.objects.bulk_create(
        (
            CriterionAssessment(
                assessment=assessment,
                criterion=criterion,
                verdict=verdicts[(assessment.pk + criterion.order) % 3],
            )
            for assessment in assessments
            for criterion in criteria
        ),
        batch_size=5000,
    )
    return round_


def build() -> BigData:
    """Migrate the empty database, load the demo data and the scale data, and analyse it."""
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    demo_load()
    data = build_scale_data()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have by the time anyone looks
    counts = {
        "organisationer": Organisation.objects.count(),
        "år": allocation_models.PackageYear.objects.count(),
        "budgetposter": allocation_models.BudgetLine.objects.count(),
        "belopp": allocation_models.Amount.objects.count(),
        "ansökningar": Application.objects.count(),
        "bedömningar": Assessment.objects.count(),
    }
    seconds = time.perf_counter() - start
    print(
        f"Databasen {connection.settings_dict['NAME']} byggd på {seconds:.0f} s: "
        + ", ".join(f"{count} {name}" for name, count in counts.items())
    )
    return data
