"""Storing imports: the Nacka tables end up as the documents have them; a failure stores
nothing."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum

from allocations.imports import (
    allocation_import_apply,
    build_preview,
    parse_table,
    preview_file,
)
from allocations.models import (
    Amount,
    AmountKind,
    BudgetLine,
    BudgetLineLabel,
    Package,
    PackageYear,
    YearStatus,
)
from tests.conftest import make_organisation, make_package, make_user
from trygghet import roles
from trygghet.imports.flow import ImportFailed, ImportTarget
from trygghet.imports.reader import read_table
from trygghet.models import Organisation

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "import"
MKR = 1_000_000


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Organisation, Package, PackageYear, BudgetLine, BudgetLineLabel, Amount)
    }


def new_target(name="Nacka kommun") -> ImportTarget:
    organisation = Organisation.objects.filter(name=name).first()
    package = Package.objects.filter(organisation=organisation, name="Trygghetspaketet").first()
    return ImportTarget(
        organisation_name=name,
        name="Trygghetspaketet",
        organisation=organisation,
        instance=package,
    )


def import_fixture(name: str, target: ImportTarget | None = None, **options):
    preview = preview_file(
        content=(FIXTURES / name).read_bytes(),
        unit="mkr",
        target=target or new_target(),
        create_years=True,
        create_lines=True,
        **options,
    )
    return allocation_import_apply(preview=preview, by=None)


def amounts(package, year: int, kind: str) -> dict[str, int]:
    return {
        amount.line.name: amount.amount
        for amount in Amount.objects.filter(line__package=package, year=year, kind=kind)
        .select_related("line")
        .order_by("line__order")
    }


def total(package, year: int, kind: str) -> int:
    return Amount.objects.filter(line__package=package, year=year, kind=kind).aggregate(
        total=Sum("amount")
    )["total"]


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_importing_both_nacka_tables_gives_the_documents_numbers(db, extension):
    result = import_fixture(f"nacka_2024.{extension}")
    package = result.package
    assert package.organisation.name == "Nacka kommun"
    assert result.summary() == "18 nya belopp, 0 ändrade belopp, 6 nya budgetposter och 2 nya år"
    assert amounts(package, 2024, AmountKind.PROPOSAL) == {
        "Trygghetsvärdar": 1_600_000,
        "SSPF (skola, socialtjänst, polis, fritid)": 1_500_000,
        "Stöd till lokala arbetsgrupper": 600_000,
        "Kameraövervakning – centrala funktioner": 100_000,
        "Insatser i samverkan med lokala aktörer": 1_100_000,
        "Övriga insatser": 100_000,
    }
    assert total(package, 2024, AmountKind.PROPOSAL) == 5 * MKR
    assert list(amounts(package, 2023, AmountKind.OUTCOME).values()) == [
        1_200_000, 1_600_000, 600_000, 0, 800_000, 90_000
    ]  # fmt: skip
    assert total(package, 2023, AmountKind.OUTCOME) == 4_290_000
    assert total(package, 2023, AmountKind.BUDGET) == 5 * MKR
    years = PackageYear.objects.filter(package=package).order_by("year")
    assert [(year.year, year.frame, year.status) for year in years] == [
        (2023, 5 * MKR, YearStatus.DRAFT),
        (2024, 5 * MKR, YearStatus.DRAFT),
    ]

    # Two years earlier, with bullets, lines that existed only then, and older names.
    result = import_fixture(f"nacka_2022.{extension}")
    assert result.summary() == "24 nya belopp, 0 ändrade belopp, 2 nya budgetposter och 3 nya år"
    for year in (2022, 2021, 2020):
        assert total(package, year, AmountKind.BUDGET) == 5 * MKR
        assert PackageYear.objects.get(package=package, year=year).frame == 5 * MKR
    assert amounts(package, 2021, AmountKind.BUDGET) == {
        "Trygghetsvärdar": 800_000,
        "SSPF (skola, socialtjänst, polis, fritid)": 1_500_000,
        "Stöd till lokala arbetsgrupper": 900_000,
        "Kameraövervakning – centrala funktioner": 200_000,
        "Insatser i samverkan med lokala aktörer": 400_000,
        "Övriga insatser": 0,
        "Ambulerande Trygghetsvärdar": 800_000,
        "Brottsförebyggande trygghetssamordnare": 400_000,
    }
    lines = BudgetLine.objects.filter(package=package).order_by("order")
    assert [(line.name, line.order, line.active_from) for line in lines] == [
        ("Trygghetsvärdar", 1, 2020),
        ("SSPF (skola, socialtjänst, polis, fritid)", 2, 2020),
        ("Stöd till lokala arbetsgrupper", 3, 2020),
        ("Kameraövervakning – centrala funktioner", 4, 2020),
        ("Insatser i samverkan med lokala aktörer", 5, 2020),
        ("Övriga insatser", 6, 2020),
        ("Ambulerande Trygghetsvärdar", 7, 2020),
        ("Brottsförebyggande trygghetssamordnare", 8, 2020),
    ]


def test_importing_the_documents_again_changes_nothing(demo):
    before = counts()
    package = Package.objects.select_related("organisation").get(name="Trygghetspaketet")
    result = import_fixture("nacka_2024.csv", target=ImportTarget.of(package))
    assert result.summary() == "0 nya belopp, 0 ändrade belopp och 18 oförändrade belopp"
    assert counts() == before


def test_an_import_updates_amounts_and_leaves_empty_cells_alone(organisation):
    package = make_package(organisation, lines=2, years=(2024,))  # 1,0 mkr everywhere
    preview = preview_file(
        content="Post;Förslag 2024;Utfall 2024\nPost 1;1,5;\nPost 2;1,0;\n".encode(),
        unit="mkr",
        target=ImportTarget.of(package),
    )
    result = allocation_import_apply(preview=preview, by=None)
    assert (result.created, result.changed, result.unchanged) == (0, 1, 1)
    assert amounts(package, 2024, AmountKind.PROPOSAL) == {"Post 1": 1_500_000, "Post 2": MKR}
    assert amounts(package, 2024, AmountKind.OUTCOME) == {"Post 1": MKR, "Post 2": MKR}


def test_a_new_line_starts_the_first_year_it_has_a_value_after_the_existing_lines(organisation):
    package = make_package(organisation, lines=2, years=(2023, 2024))
    preview = preview_file(
        content="Post;Budget 2023;Förslag 2024\nNattvandring;;0,5\n".encode(),
        unit="mkr",
        target=ImportTarget.of(package),
        mapping={2: None},
    )
    result = allocation_import_apply(preview=preview, by=None)
    line = result.new_lines[0]
    assert (line.name, line.order, line.active_from, line.active_to) == (
        "Nattvandring",
        3,
        2024,
        None,
    )
    assert not Amount.objects.filter(line=line, year=2023).exists()


def test_a_frame_given_for_a_new_year_is_used(organisation):
    package = make_package(organisation, lines=1, years=(2024,))
    preview = preview_file(
        content="Post;Förslag 2025\nPost 1;0,9\n".encode(),
        unit="mkr",
        target=ImportTarget.of(package),
        frames={2025: 1 * MKR},
    )
    allocation_import_apply(preview=preview, by=None)
    year = PackageYear.objects.get(package=package, year=2025)
    assert (year.frame, year.status) == (MKR, YearStatus.DRAFT)


def test_a_preview_with_problems_stores_nothing(organisation):
    package = make_package(organisation, lines=1, years=(2024,))
    before = counts()
    preview = preview_file(
        content=(FIXTURES / "fel_belopp.csv").read_bytes(),
        unit="mkr",
        target=ImportTarget.of(package),
        create_years=True,
        create_lines=True,
    )
    with pytest.raises(ImportFailed) as failure:
        allocation_import_apply(preview=preview, by=None)
    assert str(failure.value.problems[0]).startswith("Rad 4, kolumn ”Förslag 2024”: ”1,6,0”")
    assert counts() == before


def test_a_failure_half_way_stores_nothing(db, monkeypatch):
    """Organisation, package, years, lines and the first amounts are written before the
    seventh amount fails validation: all of it is rolled back."""
    before = counts()
    preview = preview_file(
        content=(FIXTURES / "nacka_2024.csv").read_bytes(),
        unit="mkr",
        target=new_target(),
        create_years=True,
        create_lines=True,
    )
    assert preview.problems == [] and counts() == before  # the preview wrote and rolled back
    calls = []
    full_clean = Amount.full_clean

    def failing_full_clean(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 7:
            raise ValidationError({"amount": "Beloppet kan inte vara negativt."})
        return full_clean(self, *args, **kwargs)

    monkeypatch.setattr(Amount, "full_clean", failing_full_clean)
    with pytest.raises(ImportFailed) as failure:
        allocation_import_apply(preview=preview, by=None)
    assert [str(problem) for problem in failure.value.problems] == [
        "Beloppet kan inte vara negativt."
    ]
    assert counts() == before


def test_a_year_decided_after_the_preview_is_refused_when_saving(organisation):
    package = make_package(organisation, lines=1, years=(2024,))
    preview = preview_file(
        content="Post;Förslag 2024\nPost 1;0,5\n".encode(),
        unit="mkr",
        target=ImportTarget.of(package),
    )
    assert preview.problems == []
    PackageYear.objects.filter(package=package).update(status=YearStatus.DECIDED)
    with pytest.raises(ImportFailed) as failure:
        allocation_import_apply(preview=preview, by=None)
    assert [str(problem) for problem in failure.value.problems] == [
        f"Rad 2, kolumn ”Förslag 2024”: {package.name} 2024 är beslutat och kan inte ändras."
    ]
    assert Amount.objects.get(line__package=package, year=2024, kind="forslag").amount == MKR


def test_only_officials_of_the_packages_organisation_may_import(organisation):
    package = make_package(organisation, lines=1, years=(2024,))
    table = parse_table(read_table("Post;Förslag 2024\nPost 1;0,5\n".encode()), unit="mkr")
    preview = build_preview(table=table, target=ImportTarget.of(package))
    member = make_user(organisation, role=roles.MEMBER)
    stranger = make_user(make_organisation(), role=roles.OFFICIAL)
    for user in (member, stranger):
        with pytest.raises(PermissionDenied):
            allocation_import_apply(preview=preview, by=user)
    official = make_user(organisation, role=roles.OFFICIAL)
    assert allocation_import_apply(preview=preview, by=official).changed == 1


def test_a_changed_proposal_makes_a_year_marked_forslag_a_draft_again(demo):
    """As when the proposal is edited by hand: the year must be marked förslag again."""
    package = Package.objects.select_related("organisation").get(name="Trygghetspaketet")
    import_fixture("nacka_2024.csv", target=ImportTarget.of(package))
    assert PackageYear.objects.get(package=package, year=2024).status == YearStatus.PROPOSAL

    import_fixture("over_ramen.csv", target=ImportTarget.of(package))
    assert PackageYear.objects.get(package=package, year=2024).status == YearStatus.DRAFT
    assert total(package, 2024, AmountKind.PROPOSAL) == 5_200_000
