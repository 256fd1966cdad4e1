"""One import flow for every table: who may import into what, the uploaded file between
the steps, and the import itself, run once for the preview and once to store.

The preview is the real import inside a transaction that is rolled back (as
django-import-export's `dry_run`), so every rule is checked once, by the services it
calls; what the preview shows is what they said.
"""

import base64
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from trygghet.access import get_for_user, require
from trygghet.imports.reader import ImportProblem, Problems, preview_unit, read_table


class ImportFailed(Exception):
    """The import was refused; `problems` say why, in Swedish, with row and column."""

    def __init__(self, problems: list[ImportProblem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass(frozen=True)
class ImportTarget:
    """Where an import goes: a package or a round of an organisation, None (and named only)
    when the command line creates them."""

    organisation_name: str
    name: str
    organisation: object = None
    instance: object = None  # the package or round
    year: int | None = None  # a round's year

    @classmethod
    def of(cls, instance) -> "ImportTarget":
        organisation, year = instance.organisation, getattr(instance, "year", None)
        return cls(organisation.name, instance.name, organisation, instance, year)


@dataclass(kw_only=True)
class ImportPreview:
    """What an import does (or did) with a read table: every problem, warning and note,
    and the counts that `summary()` puts in words. Each app's import adds its options
    (the fields before `unit`), its rows and totals."""

    table: object  # the file as read
    target: ImportTarget
    unit: str = field(init=False)  # the unit the preview is shown in: the organisation's
    problems: Problems = field(init=False)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    options: dict = field(init=False, repr=False)  # as built, to store it again

    def __post_init__(self):
        self.unit = preview_unit(self.target.organisation, self.table.unit)
        self.problems = Problems(self.table.problems)


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
    command and running an import are the same for all.

    Subclasses give `preview_class` (an ImportPreview built from the import's options),
    `parse(rows, unit=)` (a table from read rows) and `write(preview, by)` (the import,
    through the services); the pages show `imports/<namespace>_example.html` beside the
    upload form and `imports/<namespace>_table.html` in the preview.
    """

    model: type  # what is imported into: Package, Round (with for_user and organisation)
    done_url_name: str  # its page, where the import ends
    namespace: str  # the URL namespace: allocations:import-upload …
    permission: str
    # Whether what is imported into is locked as a whole (a round; a package's years lock
    # one by one, which its import's write checks).
    locked_whole = False
    concurrent_change: str
    title: str  # "Importera belopp"
    lead: str  # the upload page's introduction, followed by the target's name
    file_help: str
    saved_anyway: str  # said below the warnings

    def example_template(self) -> str:
        return f"imports/{self.namespace}_example.html"

    def table_template(self) -> str:
        return f"imports/{self.namespace}_table.html"

    def queryset(self, user):
        return self.model.objects.for_user(user).select_related("organisation")

    def done_url(self, obj) -> str:
        return reverse(self.done_url_name, args=[obj.pk])

    def upload_fields(self) -> dict:
        """Extra fields of the upload form, kept with the file as options of the import."""
        return {}

    def upload_options(self, upload: dict, mapping) -> dict:
        """The options of the import of a kept upload, beyond its file and target."""
        return {}

    def preview(self, obj, upload: dict, *, mapping=None, by=None, dry_run=True):
        """The import of a kept upload into `obj`, stored unless `dry_run`."""
        return self.read(
            content=upload["content"],
            unit=upload["unit"],
            target=ImportTarget.of(obj),
            by=by,
            dry_run=dry_run,
            **self.upload_options(upload, mapping),
        )

    def mapping_rows(self, preview) -> list:
        """The rows whose target the user chooses in the preview."""
        return []

    def mapping_choices(self, preview) -> list:
        return []

    # Access

    def get_object(self, request, pk: int):
        """The user's own object (404 otherwise), if the user may import into it (403)."""
        return get_for_user(request, self.queryset(request.user), self.permission, pk=pk)

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

    def build(self, *, by=None, dry_run: bool = True, **options):
        """Run the import the options describe (the fields of `preview_class`) and lay out
        its result. Stored unless `dry_run` or a problem, in one transaction that is rolled
        back otherwise; service refusals `write` does not place become problems. `by` is
        the importing user, or None from the command line."""
        preview = self.preview_class(**options)
        preview.options = options
        if by is not None:
            # The same rule as the pages: the permission on the package or round (or, where
            # the import creates it, its organisation).
            require(by, self.permission, preview.target.instance or preview.target.organisation)
        try:
            with transaction.atomic():
                self.write(preview, by)
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
        self.lay_out(preview)
        return preview

    def read(self, *, content: bytes, unit: str, **options):
        """Read `content` and run its import (see build); raises ImportFileError when the
        file is no table at all."""
        return self.build(table=self.parse(read_table(content), unit=unit), **options)

    def apply(self, *, preview, by):
        """Store a previewed import, checked again against the database as it is now.
        Raises ImportFailed and stores nothing on any problem."""
        stored = self.build(**preview.options, by=by, dry_run=False)
        if stored.problems:
            raise ImportFailed(stored.problems)
        return stored

    def lay_out(self, preview) -> None:
        """Whatever the preview shows beyond what `write` found."""
