"""Storing an allocation import: all of it in one transaction, or nothing."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from allocations.imports.parsing import ImportPreview, ImportProblem, ImportTarget
from allocations.models import BudgetLine, Package, PackageYear
from allocations.services import allocation_save, budget_line_add, package_year_start
from trygghet.models import Organisation, User

IMPORT_PERMISSION = "allocations.change_amount"
CONCURRENT_CHANGE = (
    "Paketet ändrades av någon annan medan importen sparades. Inget har sparats; försök igen."
)


class ImportFailed(Exception):
    """The import was refused; `problems` say why, in Swedish, with row and column."""

    def __init__(self, problems: list[ImportProblem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass
class ImportResult:
    """What an import stored, and the preview it was stored from."""

    package: Package
    preview: ImportPreview
    new_years: list[int] = field(default_factory=list)
    new_lines: list[BudgetLine] = field(default_factory=list)
    changed_frames: list[int] = field(default_factory=list)
    created: int = 0
    changed: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        """In Swedish: "6 nya belopp, 1 ändrat belopp, 2 nya budgetposter och 1 nytt år"."""
        parts = [
            _count(self.created, "nytt belopp", "nya belopp"),
            _count(self.changed, "ändrat belopp", "ändrade belopp"),
        ]
        if self.unchanged:
            parts.append(_count(self.unchanged, "oförändrat belopp", "oförändrade belopp"))
        if self.new_lines:
            parts.append(_count(len(self.new_lines), "ny budgetpost", "nya budgetposter"))
        if self.new_years:
            parts.append(_count(len(self.new_years), "nytt år", "nya år"))
        if self.changed_frames:
            parts.append(_count(len(self.changed_frames), "ändrad ram", "ändrade ramar"))
        return ", ".join(parts[:-1]) + " och " + parts[-1]


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


def ensure_may_import(*, by: User, target: ImportTarget) -> None:
    """Only officials (change_amount) of the package's own organisation import."""
    if not by.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied("Du har inte behörighet att importera belopp.")
    organisation = target.organisation
    if not by.is_superuser and (organisation is None or organisation.pk != by.organisation_id):
        raise PermissionDenied("Du kan bara importera till din egen organisations paket.")


def allocation_import_apply(*, preview: ImportPreview, by: User | None) -> ImportResult:
    """Store a checked import: the organisation, package, years and lines it creates, the
    frames it sets and every amount in the file.

    The preview is checked again under a lock on the package, so what is stored is what
    the database allowed at that moment. Raises ImportFailed and stores nothing on any
    problem. `by` is the importing user, or None from the command line.
    """
    if by is not None:
        ensure_may_import(by=by, target=preview.target)
    if preview.problems:
        raise ImportFailed(preview.problems)
    try:
        with transaction.atomic():
            return _apply(preview, by)
    except ValidationError as error:
        raise ImportFailed([ImportProblem(message) for message in error.messages]) from error
    except IntegrityError as error:
        raise ImportFailed([ImportProblem(CONCURRENT_CHANGE)]) from error


def _apply(preview: ImportPreview, by: User | None) -> ImportResult:
    target = preview.target
    if target.package is not None:
        try:
            Package.objects.select_for_update().get(pk=target.package.pk)
        except Package.DoesNotExist as error:
            raise ImportFailed([ImportProblem("Paketet finns inte längre.")]) from error
        list(PackageYear.objects.select_for_update().filter(package=target.package))
    preview = preview.rebuilt()
    if preview.problems:
        raise ImportFailed(preview.problems)

    organisation = target.organisation or _create(
        Organisation(name=target.organisation_name, amount_unit=preview.unit)
    )
    package = target.package or _create(
        Package(organisation=organisation, name=target.package_name)
    )
    result = ImportResult(package=package, preview=preview)

    # Years, lines and amounts are written by the same services as the pages that edit
    # them, so their rules (deciding body, order, a changed proposal becomes a draft) hold.
    years = dict(preview.years)
    for year, new_year in sorted(preview.new_years.items()):
        years[year] = package_year_start(
            package=package, year=year, frame=new_year.frame, source_kind=None, by=by
        )
        result.new_years.append(year)
    for year, frame in sorted(preview.frame_changes.items()):
        years[year].frame = frame
        _update(years[year], ["frame"])
        result.changed_frames.append(year)

    for line in preview.lines:
        if line.pk in preview.line_starts:
            line.active_from = preview.line_starts[line.pk]
            _update(line, ["active_from"])

    lines = {}
    for row in preview.rows:
        if row.new:
            lines[row.number] = budget_line_add(
                package_year=years[row.active_from], name=row.name, by=by
            )
            result.new_lines.append(lines[row.number])
        else:
            lines[row.number] = row.line

    for column in preview.columns:
        changes = {}
        for row in preview.rows:
            value = row.values[column.position]
            if value is None:
                continue
            line = lines[row.number]
            stored = None if row.new else preview.existing.get((line.pk, column.year, column.kind))
            if stored is None:
                result.created += 1
            elif stored.amount != value:
                result.changed += 1
            else:
                result.unchanged += 1
                continue
            changes[line.pk] = value
        if changes:
            allocation_save(
                package_year=years[column.year], kind=column.kind, amounts=changes, by=by
            )
    return result


def _create(instance):
    instance.full_clean()
    instance.save()
    return instance


def _update(instance, fields: list[str]) -> None:
    instance.full_clean()
    instance.save(update_fields=fields)
