"""Writing helpers every app's services share."""

from collections.abc import Iterable
from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def model_update(*, instance: M, fields: Iterable[str], data: dict) -> tuple[M, bool]:
    """Set those of `fields` that `data` gives, validate, and save only what changed (with
    update_fields, plus any auto_now time stamp); `changed` tells whether anything did. An
    instance not yet in the database is validated and inserted whole. After HackSoft's
    Django Styleguide."""
    changed = []
    for name in fields:
        if name not in data:
            continue
        if _stored_value(instance, name) != _stored_value_of(instance, name, data[name]):
            setattr(instance, name, data[name])
            changed.append(name)
    if instance._state.adding:
        instance.full_clean()
        instance.save()
        return instance, True
    if changed:
        stamps = [
            field.name
            for field in instance._meta.concrete_fields
            if getattr(field, "auto_now", False) and field.name not in changed
        ]
        instance.full_clean()
        instance.save(update_fields=[*changed, *stamps])
    return instance, bool(changed)


def upsert(model: type[M], lookup: dict, values: dict) -> M:
    """The object `lookup` finds (a new one with it if none), with `values` set, validated
    and saved where they changed; the demo loaders restore their data with it."""
    instance = model.objects.filter(**lookup).first() or model(**lookup)
    return model_update(instance=instance, fields=values, data=values)[0]


def _stored_value(instance: models.Model, name: str):
    # A foreign key is compared by its id, so comparing never loads the related row.
    return getattr(instance, instance._meta.get_field(name).attname)


def _stored_value_of(instance: models.Model, name: str, value):
    if instance._meta.get_field(name).is_relation and isinstance(value, models.Model):
        return value.pk
    return value
