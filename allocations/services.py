"""Everything that writes allocations. Each service is one transaction and validates
before it saves; views, forms, imports and commands call these and nothing else."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import F, Max, Sum
from simple_history.utils import bulk_create_with_history

from allocations import models
from allocations.rules import (
    MARK_DECIDED,
    ensure_amounts_editable,
    ensure_amounts_plausible,
    ensure_sum_matches_frame,
)
from allocations.selectors import lines_in_order_of
from trygghet.amounts import format_amount_with_unit
from trygghet.concurrency import ConcurrentChange, concurrent_change
from trygghet.decisions import (
    DecisionRecord,
    changed_amounts,
    decision_create,
    decision_reopen,
    record_errors,
)
from trygghet.services import model_update


@transaction.atomic
def allocation_save(
    *,
    package_year: models.PackageYear,
    kind: str,
    amounts: dict[int, int | None],
    mark_proposal: bool = False,
    expected_version: int | None = None,
    originals: dict[int, int | None] | None = None,
    by=None,
) -> int:
    """Store one kind of amount for every line given (`None` removes the amount).

    Proposals: saving makes the year a draft (utkast) unless `mark_proposal`, which
    requires the sum to match the frame. Returns the year's new total of `kind`.
    """
    package_year = (
        models.PackageYear.objects.select_for_update()
        .select_related("package__organisation")
        .get(pk=package_year.pk)
    )
    ensure_amounts_editable(package_year, kind)
    if expected_version is not None and package_year.version != expected_version:
        raise _conflict(package_year, kind, originals or {})
    lines = {line.pk: line for line in package_year.package.lines.filter(pk__in=amounts)}
    unknown = set(amounts) - set(lines)
    if unknown:
        raise ValidationError("En budgetpost hör inte till paketet.")
    ensure_amounts_plausible(package_year=package_year, amounts=amounts, lines=lines)

    existing = {
        amount.line_id: amount
        for amount in models.Amount.objects.filter(
            line__in=lines.values(), year=package_year.year, kind=kind
        )
    }
    for line_id, kronor in amounts.items():
        current = existing.get(line_id)
        if kronor is None:
            if current:
                current.delete()
            continue
        if current is None:
            current = models.Amount(
                line=lines[line_id], year=package_year.year, kind=kind, amount=kronor
            )
            current.full_clean()
            current.save()
        else:
            model_update(instance=current, fields=["amount"], data={"amount": kronor})

    total = (
        models.Amount.objects.filter(
            line__package=package_year.package, year=package_year.year, kind=kind
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )
    models.PackageYear.objects.filter(pk=package_year.pk).update(version=F("version") + 1)
    if kind == models.AmountKind.PROPOSAL:
        if mark_proposal:
            ensure_sum_matches_frame(
                total=total,
                frame=package_year.frame,
                unit=package_year.package.organisation.amount_unit,
            )
        new_status = models.YearStatus.PROPOSAL if mark_proposal else models.YearStatus.DRAFT
        if package_year.status != new_status:
            package_year.status = new_status
            package_year.save(update_fields=["status"])
    return total


def _conflict(package_year: models.PackageYear, kind: str, originals: dict) -> ConcurrentChange:
    """Say what the other person changed since the form was opened, and who saved last."""
    unit = package_year.package.organisation.amount_unit
    current = dict(
        models.Amount.objects.filter(
            line__package_id=package_year.package_id, year=package_year.year, kind=kind
        ).values_list("line_id", "amount")
    )
    lines = {
        line.pk: line
        for line in package_year.package.lines.filter(pk__in=set(originals) | set(current))
    }
    changes = []
    for line_id in sorted(set(originals) | set(current), key=lambda pk: lines[pk].order):
        before, after = originals.get(line_id), current.get(line_id)
        if before != after:
            old = format_amount_with_unit(before, unit) if before is not None else "inget belopp"
            new = format_amount_with_unit(after, unit) if after is not None else "inget belopp"
            changes.append(f"{lines[line_id].label_for(package_year.year)}: {old} → {new}")
    last = (
        models.Amount.history.filter(
            line__package=package_year.package_id, year=package_year.year, kind=kind
        )
        .select_related("history_user")
        .order_by("-history_date")
        .first()
    )
    return concurrent_change(
        subject=f"{package_year.package.name} {package_year.year}",
        who=[last.history_user.username] if last and last.history_user else [],
        changes=changes or ["inga belopp, men året har ändrats"],
        what="beloppen",
    )


@transaction.atomic
def package_year_start(
    *, package: models.Package, year: int, frame: int, source_kind: str | None, by=None
) -> models.PackageYear:
    """Open a new year as a draft; copy last year's proposal or budget as its proposal."""
    if models.PackageYear.objects.filter(package=package, year=year).exists():
        raise ValidationError({"year": f"{package.name} har redan året {year}."})
    package_year = models.PackageYear(
        package=package,
        year=year,
        frame=frame,
        status=models.YearStatus.DRAFT,
        # The body that decided the latest earlier year decides this one too.
        deciding_body_id=(
            models.PackageYear.objects.filter(package=package, year__lt=year)
            .order_by("-year")
            .values_list("deciding_body", flat=True)
            .first()
        ),
    )
    package_year.full_clean()
    package_year.save()
    # The new year's table starts in the order of the year before it.
    models.BudgetLinePosition.objects.bulk_create(
        models.BudgetLinePosition(line_id=position.line_id, year=year, position=position.position)
        for position in models.BudgetLinePosition.objects.filter(
            line__in=package.lines.active_in(year), year=year - 1
        )
    )
    if source_kind:
        previous = models.Amount.objects.filter(
            line__package=package, year=year - 1, kind=source_kind
        ).filter(line__in=package.lines.active_in(year))
        bulk_create_with_history(
            [
                models.Amount(
                    line_id=amount.line_id,
                    year=year,
                    kind=models.AmountKind.PROPOSAL,
                    amount=amount.amount,
                )
                for amount in previous
            ],
            models.Amount,
            default_user=by,
        )
    return package_year


@transaction.atomic
def package_year_decide(
    *,
    package_year: models.PackageYear,
    record: DecisionRecord,
    amounts: dict[int, int] | None = None,
    by=None,
) -> models.YearDecision:
    """Record the decision on the year's proposal: the decided amounts (the proposal unless
    `amounts` by line id say otherwise) become the year's budget and the year locks."""
    package_year = (
        models.PackageYear.objects.select_for_update()
        .select_related("package__organisation")
        .get(pk=package_year.pk)
    )
    if package_year.status != models.YearStatus.PROPOSAL:
        raise ValidationError("Bara ett år med status förslag kan beslutas.", code="not_proposal")
    year = package_year.year
    lines = list(package_year.package.lines.active_in(year).prefetch_related("labels"))
    proposals = dict(
        models.Amount.objects.filter(
            line__package=package_year.package, year=year, kind=models.AmountKind.PROPOSAL
        ).values_list("line_id", "amount")
    )
    decided = dict(proposals) if amounts is None else dict(amounts)
    missing = {
        f"line_{line.pk}": f"Ange beslutat belopp för {line.label_for(year)}."
        for line in lines
        if decided.get(line.pk) is None
    }
    if missing:
        raise ValidationError(missing)
    if set(decided) - {line.pk for line in lines}:
        raise ValidationError("Beslutet gäller en budgetpost som inte finns det här året.")
    errors = record_errors(record)
    try:
        ensure_sum_matches_frame(
            total=sum(decided.values()),
            frame=package_year.frame,
            unit=package_year.package.organisation.amount_unit,
            refused=MARK_DECIDED,
        )
    except ValidationError as error:
        errors[NON_FIELD_ERRORS] = error.messages
    if errors:
        raise ValidationError(errors)
    decision = decision_create(
        package_year,
        record=record,
        changes=changed_amounts(
            [(line.label_for(year), proposals.get(line.pk, 0), decided[line.pk]) for line in lines]
        ),
        by=by,
    )
    # One by one, so the history records each removed and added budget amount.
    for budget in models.Amount.objects.filter(
        line__package=package_year.package, year=year, kind=models.AmountKind.BUDGET
    ):
        budget.delete()
    bulk_create_with_history(
        [
            models.Amount(line_id=line_id, year=year, kind=models.AmountKind.BUDGET, amount=amount)
            for line_id, amount in decided.items()
        ],
        models.Amount,
        default_user=by,
    )
    package_year.status = models.YearStatus.DECIDED
    package_year.version += 1  # the row is locked above
    package_year._change_reason = f"Beslutat: {decision}"
    package_year.save(update_fields=["status", "version"])
    return decision


@transaction.atomic
def package_year_reopen(*, package_year: models.PackageYear, reason: str, by) -> models.PackageYear:
    """Reopen a decided year, for someone with the right to: the decision is kept, marked
    reopened with who and why, and the year is a proposal again."""
    package_year = (
        models.PackageYear.objects.select_for_update()
        .select_related("package")
        .get(pk=package_year.pk)
    )
    reason = decision_reopen(package_year, reason=reason, by=by)
    package_year.status = models.YearStatus.PROPOSAL
    package_year.version += 1  # the row is locked above
    package_year._change_reason = f"Återöppnat: {reason}"
    package_year.save(update_fields=["status", "version"])
    return package_year


def _ensure_year_open(package_year: models.PackageYear) -> None:
    ensure_amounts_editable(package_year, models.AmountKind.PROPOSAL)


@transaction.atomic
def budget_line_add(
    *,
    package_year: models.PackageYear,
    name: str,
    description: str = "",
    recipient=None,
    focus_area=None,
    take_back: bool = False,
    by=None,
) -> models.BudgetLine:
    """A new line from this year on, placed last; or, with `take_back`, the line of that
    name that ended the year before, continued (one row in the year-over-year tables)."""
    _ensure_year_open(package_year)
    package, year = package_year.package, package_year.year
    name = name.strip()
    # Compared in Python: SQLite's case-insensitive matching knows only ASCII (Ö ≠ ö).
    key = name.casefold()
    if any(line.name.casefold() == key for line in package.lines.active_in(year)):
        raise ValidationError({"name": f"Det finns redan en budgetpost som heter ”{name}”."})
    retired = max(
        (
            line
            for line in package.lines.filter(active_to__lt=year).prefetch_related("labels")
            if key
            in {line.name.casefold(), *(entry.label.casefold() for entry in line.labels.all())}
        ),
        key=lambda line: line.active_to,
        default=None,
    )
    if retired is not None:
        return _take_back(retired, package_year, name=name, take_back=take_back)
    line = models.BudgetLine(
        package=package,
        name=name,
        description=description,
        recipient=recipient,
        focus_area=focus_area,
        order=(package.lines.aggregate(last=Max("order"))["last"] or 0) + 1,
        active_from=package_year.year,
    )
    line.full_clean()
    line.save()
    return line


def _take_back(line: models.BudgetLine, package_year, *, name: str, take_back: bool):
    """A retired line named `name` is taken back rather than added a second time; only the
    year after it ended, since a gap would put it in decided years' tables."""
    year, period = package_year.year, f"{line.active_from}–{line.active_to}"
    if line.active_to != year - 1:
        raise ValidationError(
            {
                "name": f"”{name}” är en avslutad budgetpost ({period}). En ny post med samma "
                "namn blir en andra rad i tabellerna år för år: ge den ett namn som skiljer "
                f"den från den gamla, till exempel ”{name} ({year})”."
            },
            code="retired",
        )
    if not take_back:
        raise ValidationError(
            {
                "take_back": f"”{name}” är en avslutad budgetpost ({period}). Kryssa i rutan "
                f"för att ta tillbaka den från {year} i stället för att skapa en ny."
            },
            code="retired",
        )
    line.active_to = None
    line.full_clean()
    line.save(update_fields=["active_to"])
    return line


@transaction.atomic
def budget_line_rename(
    *, line: models.BudgetLine, package_year: models.PackageYear, name: str, by=None
) -> models.BudgetLine:
    """Rename a line from this year on; earlier years keep the name they had."""
    _ensure_year_open(package_year)
    name = name.strip()
    if name == line.label_for(package_year.year):
        return line
    if not line.labels.exists() and line.active_from < package_year.year:
        models.BudgetLineLabel.objects.create(
            line=line, from_year=line.active_from, label=line.name
        )
    models.BudgetLineLabel.objects.update_or_create(
        line=line, from_year=package_year.year, defaults={"label": name}
    )
    if not line.labels.filter(from_year__gt=package_year.year).exists():
        model_update(instance=line, fields=["name"], data={"name": name})
    return line


@transaction.atomic
def budget_line_retire(
    *, line: models.BudgetLine, package_year: models.PackageYear, by=None
) -> models.BudgetLine | None:
    """Retire a line from this year on: it stays in earlier years and leaves this and later ones.

    A line that starts this year has no history, so it is removed altogether.
    """
    _ensure_year_open(package_year)
    year = package_year.year
    later_decided = models.PackageYear.objects.filter(
        package=line.package_id, year__gte=year, status=models.YearStatus.DECIDED
    )
    if later_decided.exists():
        raise ValidationError("Posten finns i ett senare beslutat år och kan inte avslutas här.")
    if line.active_from >= year:
        line.delete()
        kept = None
    else:
        for amount in line.amounts.filter(year__gte=year).exclude(kind=models.AmountKind.OUTCOME):
            amount.delete()  # one by one, so the history records each
        model_update(instance=line, fields=["active_to"], data={"active_to": year - 1})
        kept = line
    _back_to_draft_if_off_frame(package_year)
    return kept


def _back_to_draft_if_off_frame(package_year: models.PackageYear) -> None:
    """A year marked förslag whose proposal no longer matches the frame is a draft again."""
    package_year.refresh_from_db(fields=["status"])
    if package_year.status != models.YearStatus.PROPOSAL:
        return
    total = (
        models.Amount.objects.filter(
            line__package_id=package_year.package_id,
            year=package_year.year,
            kind=models.AmountKind.PROPOSAL,
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )
    if total != package_year.frame:
        package_year.status = models.YearStatus.DRAFT
        package_year.save(update_fields=["status"])


@transaction.atomic
def budget_line_move(
    *, line: models.BudgetLine, package_year: models.PackageYear, offset: int, by=None
) -> None:
    """Move a line up (offset −1) or down (+1) among the lines of this year only: the year's
    positions are written, so no other year's table, export or document changes order."""
    _ensure_year_open(package_year)
    year = package_year.year
    lines = list(lines_in_order_of(line.package.lines.active_in(year), year))
    index = lines.index(line)
    target = index + offset
    if not 0 <= target < len(lines):
        return
    lines[index], lines[target] = lines[target], lines[index]
    models.BudgetLinePosition.objects.filter(line__in=lines, year=year).delete()
    models.BudgetLinePosition.objects.bulk_create(
        models.BudgetLinePosition(line=each, year=year, position=position)
        for position, each in enumerate(lines, start=1)
    )
