"""The demo data holds the source documents' numbers exactly."""

import pytest
from django.contrib.auth import authenticate
from django.db.models import Sum

from allocations.models import Amount, AmountKind, BudgetLine, BudgetLineLabel, PackageYear
from trygghet.amounts import format_amount
from trygghet.demo import DEMO_PASSWORD, demo_load
from trygghet.models import Committee, CommitteeKind, FocusArea, Organisation, User


def year_sum(package_name, year, kind):
    total = Amount.objects.filter(line__package__name=package_name, year=year, kind=kind).aggregate(
        total=Sum("amount")
    )["total"]
    return format_amount(total, "mkr")


def test_nacka_sums_per_year_are_the_seeds(demo):
    assert year_sum("Trygghetspaketet", 2024, AmountKind.PROPOSAL) == "5,0"
    assert year_sum("Trygghetspaketet", 2023, AmountKind.BUDGET) == "5,0"
    assert year_sum("Trygghetspaketet", 2023, AmountKind.OUTCOME) == "4,29"
    for year in (2020, 2021, 2022):
        assert year_sum("Trygghetspaketet", year, AmountKind.BUDGET) == "5,0"


def test_every_decided_or_proposed_nacka_year_sums_to_its_frame(demo):
    for package_year in PackageYear.objects.filter(package__name="Trygghetspaketet"):
        kind = AmountKind.PROPOSAL if package_year.year == 2024 else AmountKind.BUDGET
        total = Amount.objects.filter(
            line__package=package_year.package, year=package_year.year, kind=kind
        ).aggregate(total=Sum("amount"))["total"]
        assert total == package_year.frame == 5_000_000, package_year.year


def test_nacka_2024_lines_as_the_seed_writes_them(demo):
    proposal = {
        amount.line.label_for(2024): format_amount(amount.amount, "mkr")
        for amount in Amount.objects.filter(
            line__package__name="Trygghetspaketet", year=2024, kind=AmountKind.PROPOSAL
        ).select_related("line")
    }
    assert proposal == {
        "Trygghetsvärdar": "1,6",
        "SSPF (skola, socialtjänst, polis, fritid)": "1,5",
        "Stöd till lokala arbetsgrupper": "0,6",
        "Kameraövervakning – centrala funktioner": "0,1",
        "Insatser i samverkan med lokala aktörer": "1,1",
        "Övriga insatser (exempelvis insatser mot unga i riskzon)": "0,1",
    }


def test_nacka_lines_that_exist_only_some_years(demo):
    lines = BudgetLine.objects.filter(package__name="Trygghetspaketet")
    assert lines.active_in(2021).count() == 8
    assert lines.active_in(2024).count() == 6
    ambulating = lines.get(name="Ambulerande trygghetsvärdar")
    assert (ambulating.active_from, ambulating.active_to) == (2020, 2022)
    guards = lines.get(name="Trygghetsvärdar")
    assert guards.label_for(2022) == "Trygghetsvärdar (Orminge och Fisksätra)"
    assert guards.label_for(2024) == "Trygghetsvärdar"


def test_linkoping_distribution_to_three_committees(demo):
    by_recipient = {
        amount.line.recipient.name: format_amount(amount.amount, "mkr")
        for amount in Amount.objects.filter(
            line__package__name="Utökat trygghetsarbete"
        ).select_related("line__recipient")
    }
    assert by_recipient == {
        "Social- och omsorgsnämnden": "1,0",
        "Kultur- och fritidsnämnden": "0,5",
        "Kommunstyrelsen": "1,5",
    }


def test_stockholm_committees_and_programme(demo):
    stockholm = Organisation.objects.get(name="Stockholms stad")
    assert stockholm.amount_unit == "mnkr"
    assert (
        Committee.objects.filter(organisation=stockholm, kind=CommitteeKind.STADSDELSNAMND).count()
        == 11
    )
    assert (
        Committee.objects.filter(organisation=stockholm, kind=CommitteeKind.FACKNAMND).count() == 15
    )
    assert list(
        FocusArea.objects.filter(programme__organisation=stockholm).values_list("name", flat=True)
    ) == [
        "Förebyggande arbete",
        "Riktade sociala insatser",
        "Stadens offentliga miljö",
        "Stadsutveckling",
    ]


def test_demo_users_log_in_with_their_roles(demo, rf):
    expected = {
        "nacka-handlaggare": ("Nacka kommun", ["Beslutsansvarig", "Handläggare"]),
        "nacka-ledamot": ("Nacka kommun", ["Ledamot"]),
        "sthlm-handlaggare": ("Stockholms stad", ["Beslutsansvarig", "Handläggare"]),
        "sthlm-sokande": ("Stockholms stad", ["Sökande"]),
        "linkoping-handlaggare": ("Linköpings kommun", ["Handläggare"]),
    }
    for username, (organisation, roles) in expected.items():
        user = authenticate(rf.post("/logga-in/"), username=username, password=DEMO_PASSWORD)
        assert user is not None, username
        assert user.organisation.name == organisation
        assert sorted(user.role_names) == roles
    assert User.objects.get(username="sthlm-sokande").committee.name == "Järva stadsdelsnämnd"
    admin = authenticate(rf.post("/logga-in/"), username="admin", password=DEMO_PASSWORD)
    assert admin.is_superuser


@pytest.mark.django_db
def test_load_demo_restores_a_demo_changed_by_its_users():
    demo_load()
    counts = [model.objects.count() for model in (BudgetLine, BudgetLineLabel, Amount, PackageYear)]
    line = BudgetLine.objects.get(name="Trygghetsvärdar")
    BudgetLineLabel.objects.create(line=line, from_year=2024, label="Trygghetsvärdar i Älta")
    line.name = "Trygghetsvärdar i Älta"
    line.save()
    package = line.package
    PackageYear.objects.create(package=package, year=2025, frame=1)
    BudgetLine.objects.create(package=package, name="Ny post", active_from=2025)
    Amount.objects.create(line=line, year=2025, kind=AmountKind.PROPOSAL, amount=5)

    demo_load()

    assert [m.objects.count() for m in (BudgetLine, BudgetLineLabel, Amount, PackageYear)] == counts
    assert BudgetLine.objects.get(pk=line.pk).name == "Trygghetsvärdar"


@pytest.mark.django_db
def test_load_demo_is_idempotent():
    demo_load()
    counts = [
        model.objects.count() for model in (Organisation, Committee, BudgetLine, Amount, User)
    ]
    Amount.objects.filter(year=2024).update(amount=1)
    demo_load()
    assert [
        m.objects.count() for m in (Organisation, Committee, BudgetLine, Amount, User)
    ] == counts
    assert year_sum("Trygghetspaketet", 2024, AmountKind.PROPOSAL) == "5,0"


def test_load_demo_command_prints_the_users(db, capsys):
    from django.core.management import call_command

    call_command("load_demo")
    output = capsys.readouterr().out
    assert "lösenord för alla: demo-trygghet" in output
    for username in ("nacka-handlaggare", "nacka-ledamot", "sthlm-sokande", "admin"):
        assert username in output
