import pytest
from django.core.exceptions import ValidationError

from tests.conftest import make_committee, make_organisation, make_user


@pytest.mark.parametrize(
    ("pattern", "reference"),
    [
        ("KFKS-ÅÅÅÅ-NNNNN", "KFKS-2024-00430"),
        ("KS ÅÅÅÅ/N", "KS 2024/430"),
        ("", "2024-430"),
    ],
)
def test_reference_follows_the_organisations_pattern(db, pattern, reference):
    organisation = make_organisation(reference_pattern=pattern)
    assert organisation.format_reference(year=2024, number=430) == reference


def test_government_grant_is_23_kronor_per_inhabitant(db):
    assert make_organisation(inhabitants=108_000).government_grant == 2_484_000
    assert make_organisation().government_grant is None


def test_an_applicant_committee_must_be_in_the_users_organisation(db):
    user = make_user(make_organisation())
    user.committee = make_committee(make_organisation())
    with pytest.raises(ValidationError) as error:
        user.full_clean()
    assert "användarens organisation" in error.value.message_dict["committee"][0]
