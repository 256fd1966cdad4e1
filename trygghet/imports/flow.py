"""One import flow for every table: who may import into what, the uploaded file between
the steps, and the import itself, run once for the preview and once to store.

The preview is the real import inside a transaction that is rolled back (as
django-import-export's `dry_run`), so every rule is checked once, by the services it
calls; what the preview shows is what they said.
"""

import base64
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404

from trygghet.imports.reader import ImportProblem, Problems


class ImportFailed(Exception):
    """The import was refused; `problems` say why, in Swedish, with row and column."""

    def __init__(self, problems: list[ImportProblem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass(kw_only=True)
class ImportPreview:
    """What an import does (or did): every problem, warning and note, and the counts that
    `summary()` puts in words. Each app's import adds its rows and totals."""

    unit: str  # the unit the preview is shown in: the organisation's
    problems: Problems = field(default_factory=Problems)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


def count(*counts: tuple) -> str:
    """ "6 nya belopp, 1 ändrat belopp och 2 nya år" from (number, singular, plural) and
    (number, singular, plural, True) for a count said even when it is zero."""
    parts = [
        f"{number} {singular if number == 1 else plural}"
        for number, singular, plural, *always in counts
        if number or always
    ]
    return ", ".join(parts[:-1]) + " och " + parts[-1]


def create(instance):
    """A new object, validated and saved."""
    instance.full_clean()
    instance.save()
    return instance


class ImportFlow:
    """What differs between the imports, as data and a few methods; the views, the
    command and `run` are the same for all."""

    namespace: str  # the URL namespace: allocations:import-upload …
    permission: str
    foreign_organisation: str  # why another organisation's official may not import
    concurrent_change: str
    title: str  # "Importera belopp"
    lead: str  # the upload page's introduction; {name} is the target's name
    file_help: str
    saved_anyway: str  # said below the warnings
    example_template: str
    table_template: str

    def queryset(self, user):  # pragma: no cover - abstract
        raise NotImplementedError

    def done_url(self, obj) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def upload_fields(self) -> dict:
        """Extra fields of the upload form, kept with the file as options of the import."""
        return {}

    def preview(self, obj, upload: dict, *, mapping=None, by=None, dry_run=True):
        """The import of a kept upload into `obj`; stored unless `dry_run`."""
        raise NotImplementedError  # pragma: no cover - abstract

    def mapping_rows(self, preview) -> list:
        """Rows whose target the user chooses in the preview, and the choices."""
        return []

    def mapping_choices(self, preview) -> list:
        return []

    # Access

    def ensure_may_import(self, user, organisation) -> None:
        """Officials with the flow's permission, of the target's own organisation."""
        if not user.has_perm(self.permission):
            raise PermissionDenied("Du har inte behörighet att importera.")
        if not user.is_superuser and (
            organisation is None or organisation.pk != user.organisation_id
        ):
            raise PermissionDenied(self.foreign_organisation)

    def get_object(self, request, pk: int):
        """The user's own object (404 otherwise), if the user may import (403 otherwise)."""
        obj = get_object_or_404(self.queryset(request.user), pk=pk)
        self.ensure_may_import(request.user, obj.organisation)
        return obj

    # The uploaded file, kept in the session between upload, preview and confirm

    def session_key(self, obj) -> str:
        return f"{self.namespace}-import-{obj.pk}"

    def keep(self, request, obj, *, name: str, content: bytes, **options) -> None:
        request.session[self.session_key(obj)] = {
            "name": name,
            "content": base64.b64encode(content).decode("ascii"),
            **options,
        }

    def kept(self, request, obj) -> dict | None:
        """The kept upload with its content as bytes, or None if there is none."""
        upload = request.session.get(self.session_key(obj))
        if upload is None:
            return None
        return {**upload, "content": base64.b64decode(upload["content"])}

    def discard(self, request, obj) -> None:
        request.session.pop(self.session_key(obj), None)

    # Running

    def run(self, preview, write, *, organisation, by, dry_run: bool):
        """`write(preview, by)` in one transaction, rolled back for a dry run or when it
        found a problem. Service refusals it does not place become problems. `by` is the
        importing user, or None from the command line."""
        if by is not None:
            self.ensure_may_import(by, organisation)
        try:
            with transaction.atomic():
                write(preview, by)
                if dry_run or preview.problems:
                    transaction.set_rollback(True)
        except ImportFailed as failure:
            preview.problems.extend(failure.problems)
        except ValidationError as error:
            preview.problems.extend(ImportProblem(message) for message in error.messages)
        except IntegrityError:
            preview.problems.append(ImportProblem(self.concurrent_change))
        # File order: the problems of a row together, as the user reads the file.
        preview.problems.sort(key=lambda problem: problem.row or 0)
        return preview

    def stored(self, preview):
        """The preview of an import meant to be stored; raises ImportFailed if it was not."""
        if preview.problems:
            raise ImportFailed(preview.problems)
        return preview
