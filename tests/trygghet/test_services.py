"""model_update: the one helper every update service saves through."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from applications.models import Round
from tests.conftest import make_committee, make_organisation, make_round
from trygghet.models import CommitteeKind
from trygghet.services import model_update


@pytest.fixture
def round_(db):
    return make_round(make_organisation(name="Teststad"), name="Omgång 2025")


def test_only_the_changed_fields_are_saved(round_):
    Round.objects.filter(pk=round_.pk).update(instructions="Ändrad under tiden")
    saved, changed = model_update(
        instance=round_,
        fields=["name", "frame", "instructions"],
        data={"name": "Omgång 2026", "frame": round_.frame},
    )
    assert changed and saved.name == "Omgång 2026"
    stored = Round.objects.get(pk=round_.pk)
    assert stored.name == "Omgång 2026"
    # not in data, so not written over: only "name" was saved (update_fields)
    assert stored.instructions == "Ändrad under tiden"


def test_nothing_changed_saves_nothing(round_, django_assert_num_queries):
    records = round_.history.count()
    committee = make_committee(round_.organisation, kind=CommitteeKind.KOMMUNSTYRELSE)
    Round.objects.filter(pk=round_.pk).update(deciding_body=committee)
    round_.refresh_from_db()
    # a foreign key is compared by its id: no query loads the committee
    with django_assert_num_queries(0):
        _, changed = model_update(
            instance=round_,
            fields=["name", "deciding_body"],
            data={"name": round_.name, "deciding_body": committee},
        )
    assert not changed
    assert round_.history.count() == records


def test_an_invalid_value_is_refused_and_nothing_saved(round_):
    with pytest.raises(ValidationError) as error:
        model_update(
            instance=round_,
            fields=["closes_on"],
            data={"closes_on": round_.opens_on.replace(year=2000)},
        )
    assert error.value.message_dict == {"closes_on": ["Omgången kan inte stänga innan den öppnar."]}
    assert Round.objects.get(pk=round_.pk).closes_on == datetime.date(2024, 3, 31)


def test_a_new_instance_is_inserted_whole(db):
    organisation = make_organisation(name="Teststad")
    template = make_round(organisation, name="Mall")
    new = Round(organisation=organisation, opens_on=template.opens_on, closes_on=template.closes_on)
    saved, changed = model_update(
        instance=new,
        fields=["name", "year", "frame"],
        data={"name": "Ny", "year": 2026, "frame": 5},
    )
    assert changed and saved.pk
    assert Round.objects.get(pk=saved.pk).frame == 5
