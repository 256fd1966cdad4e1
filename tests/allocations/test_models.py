import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from allocations.models import Amount, AmountKind, BudgetLine, BudgetLineLabel, PackageYear
from tests.conftest import make_committee, make_organisation, make_package


@pytest.fixture
def line(organisation):
    return make_package(organisation, lines=1, years=(2024,)).lines.get()


def test_database_refuses_a_negative_amount(line):
    with pytest.raises(IntegrityError), transaction.atomic():
        Amount.objects.create(line=line, year=2030, kind=AmountKind.PROPOSAL, amount=-1)
    assert not Amount.objects.filter(year=2030).exists()


def test_database_refuses_a_second_amount_for_the_same_line_year_and_kind(line):
    Amount.objects.filter(line=line, year=2024, kind=AmountKind.BUDGET).update(amount=7)
    with pytest.raises(IntegrityError), transaction.atomic():
        Amount.objects.create(line=line, year=2024, kind=AmountKind.BUDGET, amount=5)
    assert Amount.objects.get(line=line, year=2024, kind=AmountKind.BUDGET).amount == 7


def test_validation_names_the_negative_amount_in_swedish(line):
    amount = Amount(line=line, year=2031, kind=AmountKind.OUTCOME, amount=-5)
    with pytest.raises(ValidationError) as error:
        amount.full_clean()
    assert "Beloppet kan inte vara negativt." in error.value.message_dict["amount"]


def test_database_refuses_a_negative_frame(organisation):
    package = make_package(organisation, lines=1, years=(2024,))
    with pytest.raises(IntegrityError), transaction.atomic():
        PackageYear.objects.create(package=package, year=2025, frame=-1)


def test_a_line_cannot_end_before_it_starts(organisation):
    package = make_package(organisation, lines=0, years=(2024,))
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.create(package=package, name="X", active_from=2024, active_to=2023)


def test_a_renamed_line_keeps_its_old_label_for_earlier_years(line):
    BudgetLineLabel.objects.create(line=line, from_year=2020, label="Trygghetsvärdar (Orminge)")
    BudgetLineLabel.objects.create(line=line, from_year=2023, label="Trygghetsvärdar")
    line = BudgetLine.objects.prefetch_related("labels").get(pk=line.pk)
    assert line.label_for(2019) == line.name
    assert line.label_for(2022) == "Trygghetsvärdar (Orminge)"
    assert line.label_for(2024) == "Trygghetsvärdar"
    assert line.label_periods() == [
        (2020, 2022, "Trygghetsvärdar (Orminge)"),
        (2023, None, "Trygghetsvärdar"),
    ]


def test_active_years(line):
    line.active_from, line.active_to = 2020, 2022
    assert line.is_active_in(2020) and line.is_active_in(2022)
    assert not line.is_active_in(2023)
    line.save()
    assert list(BudgetLine.objects.active_in(2023)) == []
    assert list(BudgetLine.objects.active_in(2021)) == [line]


def test_a_line_cannot_go_to_another_organisations_committee(line):
    other = make_committee(make_organisation())
    line.recipient = other
    with pytest.raises(ValidationError) as error:
        line.full_clean()
    assert "paketets organisation" in error.value.message_dict["recipient"][0]
