import functools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from allocations import selectors, services
from allocations.charts import year_over_year_chart
from allocations.forms import AllocationForm, LineForm, NewYearForm, RenameLineForm
from allocations.history import package_year_history
from allocations.models import AmountKind, Package, YearStatus
from allocations.rules import ensure_amounts_editable, frame_difference_message
from allocations.tables import MultiYearReviewTable, RecipientTable, YearReviewTable
from documents.selectors import document_of
from trygghet.access import get_for_user, refuse_if_locked
from trygghet.amounts import format_amount_with_unit
from trygghet.decision_views import decide_page, reopen_page
from trygghet.exports import FORMATS, export_response
from trygghet.forms import add_service_errors
from trygghet.locks import lock_notice

VIEW_PACKAGE = "allocations.view_package"
VIEW = "allocations.view_packageyear"
EDIT = "allocations.change_packageyear"
START = "allocations.add_packageyear"
DECIDE = "allocations.add_yeardecision"
REOPEN = "allocations.reopen_yeardecision"

# URL slug -> amount kind that an official enters in the browser.
ENTRY_KINDS = {"forslag": AmountKind.PROPOSAL, "utfall": AmountKind.OUTCOME}
MAX_YEARS = 10


PACKAGES = Package.objects.select_related("organisation")


def _year(request, pk: int, year: int, perm: str = VIEW):
    return get_for_user(
        request, selectors.package_years_for_pages(), perm, package_id=pk, year=year
    )


@require_GET
def package_detail(request, pk: int):
    package = get_for_user(request, selectors.packages_for_detail(), VIEW_PACKAGE, pk=pk)
    return render(
        request,
        "allocations/package_detail.html",
        {
            "package": package,
            "unit": package.organisation.amount_unit,
            "years": selectors.package_year_summaries(package=package),
        },
    )


def _year_tables(package_year):
    unit = package_year.package.organisation.amount_unit
    table = selectors.year_table(package_year=package_year)
    recipients, recipient_total = selectors.recipient_totals(
        package_year=package_year, kind=table.kind
    )
    return (
        table,
        YearReviewTable(table, unit=unit),
        RecipientTable(recipients, unit=unit, total=recipient_total, heading=table.heading),
    )


@require_GET
def year_detail(request, pk: int, year: int):
    package_year = _year(request, pk, year)
    unit = package_year.package.organisation.amount_unit
    table, review_table, recipient_table = _year_tables(package_year)
    frame_message = None
    if table.total and not package_year.is_decided:
        frame_message = frame_difference_message(
            total=table.total, frame=package_year.frame, unit=unit
        )
    return render(
        request,
        "allocations/year_detail.html",
        {
            "package_year": package_year,
            "package": package_year.package,
            "unit": unit,
            "table": table,
            "review_table": review_table,
            "recipient_table": recipient_table,
            "frame_message": frame_message,
            "decisions": selectors.decisions_of(package_year=package_year),
            "lock_notice": lock_notice(package_year),
            "document": document_of(package_year),
        },
    )


@require_GET
def year_history(request, pk: int, year: int):
    package_year = _year(request, pk, year)
    return render(
        request,
        "allocations/year_history.html",
        {
            "package_year": package_year,
            "package": package_year.package,
            "entries": package_year_history(package_year=package_year),
        },
    )


@require_GET
def year_export(request, pk: int, year: int, table_name: str, export_format: str):
    if export_format not in FORMATS:
        raise Http404
    package_year = _year(request, pk, year)
    _, review_table, recipient_table = _year_tables(package_year)
    tables = {
        "ar": (review_table, f"{year}"),
        "mottagare": (recipient_table, f"Per mottagare {year}"),
    }
    if table_name not in tables:
        raise Http404
    table, sheet = tables[table_name]
    filename = f"{package_year.package.name} {sheet}"
    return export_response(table, export_format=export_format, filename=filename, title=sheet)


def _multi_year_context(request, package: Package):
    years = list(package.years.order_by("-year").values_list("year", flat=True))
    if not years:
        return None
    try:
        last_year = int(request.GET.get("till", years[0]))
        count = int(request.GET.get("antal", 3))
    except ValueError:
        last_year, count = years[0], 3
    if last_year not in years:
        last_year = years[0]
    count = max(1, min(count, MAX_YEARS))
    # Only years the package has: ?antal=10 on a package of five years shows five.
    shown = [year for year in years if year <= last_year][:count]
    table = selectors.multi_year_table(package=package, years=shown)
    return {"years": years, "last_year": last_year, "count": count, "table": table}


@require_GET
def multi_year(request, pk: int):
    package = get_for_user(request, PACKAGES, VIEW_PACKAGE, pk=pk)
    unit = package.organisation.amount_unit
    context = _multi_year_context(request, package)
    if context is None:
        messages.info(request, "Paketet har inga år ännu.")
        return redirect("allocations:package-detail", pk=package.pk)
    title = f"{package.name} år för år"
    context.update(
        {
            "package": package,
            "unit": unit,
            "review_table": MultiYearReviewTable(context["table"], unit=unit),
            "chart": year_over_year_chart(context["table"], unit=unit, title=title),
            "count_choices": range(2, MAX_YEARS + 1),
            "query": request.GET.urlencode(),
        }
    )
    return render(request, "allocations/multi_year.html", context)


@require_GET
def multi_year_export(request, pk: int, export_format: str):
    if export_format not in FORMATS:
        raise Http404
    package = get_for_user(request, PACKAGES, VIEW_PACKAGE, pk=pk)
    context = _multi_year_context(request, package)
    if context is None:
        raise Http404
    table = MultiYearReviewTable(context["table"], unit=package.organisation.amount_unit)
    sheet = f"{context['table'].columns[-1].year}-{context['last_year']}"
    return export_response(
        table, export_format=export_format, filename=f"{package.name} {sheet}", title=sheet
    )


@require_http_methods(["GET", "POST"])
def allocation_edit(request, pk: int, year: int, kind_slug: str):
    kind = ENTRY_KINDS.get(kind_slug)
    if kind is None:
        raise Http404
    package_year = _year(request, pk, year, EDIT)
    package = package_year.package
    unit = package.organisation.amount_unit
    try:
        ensure_amounts_editable(package_year, kind)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("allocations:year-detail", pk=pk, year=year)

    lines, initial = selectors.allocation_entry(package_year=package_year, kind=kind)
    form = AllocationForm(
        request.POST or None,
        lines=lines,
        year=year,
        unit=unit,
        initial_amounts=initial,
        version=package_year.version,
    )
    if request.method == "POST" and form.is_valid():
        mark_proposal = kind == AmountKind.PROPOSAL and "mark_proposal" in request.POST
        try:
            total = services.allocation_save(
                package_year=package_year,
                kind=kind,
                amounts=form.amounts(),
                mark_proposal=mark_proposal,
                expected_version=form.cleaned_data["version"],
                originals=form.originals(),
                by=request.user,
            )
        except services.ConcurrentChange as error:
            form = _form_after_conflict(request, form, package_year, kind, lines, year, unit, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _report_saved(
                request, package_year=package_year, kind=kind, total=total, marked=mark_proposal
            )
            return redirect("allocations:year-detail", pk=pk, year=year)

    return render(
        request,
        "allocations/allocation_form.html",
        {
            "package_year": package_year,
            "package": package,
            "unit": unit,
            "form": form,
            "kind": kind,
            "kind_label": AmountKind(kind).label,
            "kind_slug": kind_slug,
            "frame_kronor": package_year.frame,
        },
    )


def _form_after_conflict(request, form, package_year, kind, lines, year, unit, error):
    """The user's typed values again, now based on the saved version, with the message."""
    package_year.refresh_from_db(fields=["version"])
    _, current = selectors.allocation_entry(package_year=package_year, kind=kind)
    data = request.POST.copy()
    data["version"] = str(package_year.version)
    for line in lines:
        value = current.get(line.pk)
        data[f"original_{line.pk}"] = "" if value is None else str(value)
    rebased = AllocationForm(
        data,
        lines=lines,
        year=year,
        unit=unit,
        initial_amounts=current,
        version=package_year.version,
    )
    rebased.is_valid()
    rebased.add_error(None, error)
    return rebased


def _report_saved(request, *, package_year, kind, total, marked):
    unit = package_year.package.organisation.amount_unit
    label = AmountKind(kind).label.lower()
    total_text = format_amount_with_unit(total, unit)
    summary = f"{label.capitalize()} {package_year.year} sparat: summa {total_text}."
    if kind != AmountKind.PROPOSAL:
        messages.success(request, summary)
        return
    if marked:
        messages.success(request, f"{summary} Året är markerat som förslag.")
        return
    difference = frame_difference_message(total=total, frame=package_year.frame, unit=unit)
    if difference:
        messages.warning(
            request,
            f"{summary} Sparat som utkast. {difference}; förslaget kan inte markeras som förslag "
            "förrän summan stämmer med ramen.",
        )
    else:
        messages.success(request, f"{summary} Sparat som utkast.")


def _changes_lines(view):
    """For the views that change a year's lines: they get the year (and the line, where the
    URL names one); a locked year sends the user back to its page with the reason."""

    @functools.wraps(view)
    def wrapper(request, pk: int, year: int, line_pk: int | None = None, **kwargs):
        package_year = _year(request, pk, year, EDIT)
        back = reverse("allocations:year-detail", args=[pk, year])
        if refused := refuse_if_locked(request, package_year, back):
            return refused
        if line_pk is not None:
            kwargs["line"] = get_object_or_404(
                package_year.package.lines.active_in(year), pk=line_pk
            )
        return view(request, package_year, **kwargs)

    return wrapper


def _render_lines(request, package_year, *, add_form=None, rename_line=None, rename_form=None):
    package = package_year.package
    year = package_year.year
    rows = []
    for line in selectors.lines_for_year(package_year=package_year):
        failed = rename_line is not None and line.pk == rename_line.pk
        label = line.label_for(year)
        rows.append(
            {
                "line": line,
                "label": label,
                "rename_form": rename_form if failed else RenameLineForm(line=line, label=label),
            }
        )
    return render(
        request,
        "allocations/lines.html",
        {
            "package_year": package_year,
            "package": package,
            "lines": rows,
            "add_form": add_form or LineForm(package=package, prefix="add"),
        },
        status=400 if (add_form is not None or rename_form is not None) else 200,
    )


@require_GET
@_changes_lines
def lines_manage(request, package_year):
    return _render_lines(request, package_year)


@require_POST
@_changes_lines
def line_add(request, package_year):
    pk, year = package_year.package_id, package_year.year
    form = LineForm(request.POST, package=package_year.package, prefix="add")
    if form.is_valid():
        try:
            line = services.budget_line_add(
                package_year=package_year, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            verb = "tillbakatagen" if form.cleaned_data["take_back"] else "tillagd"
            messages.success(request, f"Budgetposten ”{line.name}” är {verb} från {year}.")
            return redirect("allocations:lines", pk=pk, year=year)
    if not form.offers_take_back():
        form.fields.pop("take_back", None)
    return _render_lines(request, package_year, add_form=form)


@require_POST
@_changes_lines
def line_rename(request, package_year, line):
    pk, year = package_year.package_id, package_year.year
    old = line.label_for(year)
    form = RenameLineForm(request.POST, line=line, label=old)
    if form.is_valid():
        name = form.cleaned_data["name"]
        services.budget_line_rename(
            line=line, package_year=package_year, name=name, by=request.user
        )
        messages.success(
            request, f"”{old}” heter ”{name}” från {year}; tidigare år behåller sitt namn."
        )
        return redirect("allocations:lines", pk=pk, year=year)
    return _render_lines(request, package_year, rename_line=line, rename_form=form)


@require_POST
@_changes_lines
def line_retire(request, package_year, line):
    pk, year = package_year.package_id, package_year.year
    label = line.label_for(year)
    was_proposal = package_year.status == YearStatus.PROPOSAL
    try:
        kept = services.budget_line_retire(line=line, package_year=package_year, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        package_year.refresh_from_db(fields=["status"])
        if was_proposal and package_year.status == YearStatus.DRAFT:
            messages.warning(
                request,
                f"Summan stämmer inte längre med ramen, så {year} är ett utkast igen. "
                "Fördela beloppet och markera året som förslag på nytt.",
            )
        if kept is None:
            messages.success(request, f"”{label}” är borttagen.")
        else:
            messages.success(
                request, f"”{label}” är avslutad från {year}; den finns kvar i tidigare år."
            )
    return redirect("allocations:lines", pk=pk, year=year)


@require_POST
@_changes_lines
def line_move(request, package_year, line, direction: str):
    pk, year = package_year.package_id, package_year.year
    offset = {"upp": -1, "ned": 1}.get(direction)
    if offset is None:
        raise Http404
    services.budget_line_move(line=line, package_year=package_year, offset=offset, by=request.user)
    url = reverse("allocations:lines", kwargs={"pk": pk, "year": year})
    return redirect(f"{url}#rad-{line.pk}")


@require_http_methods(["GET", "POST"])
def year_start(request, pk: int):
    package = get_for_user(request, PACKAGES, START, pk=pk)
    unit = package.organisation.amount_unit
    latest = package.years.order_by("-year").first()
    initial = (
        {"year": latest.year + 1, "frame": latest.frame, "source": AmountKind.PROPOSAL}
        if latest
        else {}
    )
    form = NewYearForm(request.POST or None, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            package_year = services.package_year_start(
                package=package,
                year=form.cleaned_data["year"],
                frame=form.cleaned_data["frame"],
                source_kind=form.cleaned_data["source"] or None,
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{package.name} {package_year.year} är skapat som utkast.")
            return redirect(
                "allocations:allocation-edit", pk=pk, year=package_year.year, kind_slug="forslag"
            )
    return render(
        request, "allocations/year_new.html", {"package": package, "form": form, "unit": unit}
    )


def _decision_rows(package_year):
    """(prefix, line id, label, proposed amount) of each line the decision distributes."""
    lines, proposals = selectors.allocation_entry(
        package_year=package_year, kind=AmountKind.PROPOSAL
    )
    year = package_year.year
    return [("line", line.pk, line.label_for(year), proposals.get(line.pk)) for line in lines]


@require_http_methods(["GET", "POST"])
def year_decide(request, pk: int, year: int):
    """Record the decision on the year's proposal as the protocol states it."""
    package_year = _year(request, pk, year, DECIDE)

    def saved(decision) -> str:
        how = (
            "enligt förslaget"
            if decision.followed_proposal
            else f"med ändringar i {len(decision.changes)} poster"
        )
        return (
            f"Beslutet är registrerat: {decision} ({how}). Det beslutade är årets budget "
            "och året kan inte längre ändras."
        )

    return decide_page(
        request,
        package_year,
        rows=_decision_rows(package_year),
        unit=package_year.package.organisation.amount_unit,
        decide=lambda **record: services.package_year_decide(package_year=package_year, **record),
        saved=saved,
        back=reverse("allocations:year-detail", args=[pk, year]),
        template="allocations/year_decide.html",
        context={"package_year": package_year, "package": package_year.package},
    )


@require_http_methods(["GET", "POST"])
def year_reopen(request, pk: int, year: int):
    """Reopen a decided year: a right of its own, with a reason that is kept."""
    package_year = _year(request, pk, year, REOPEN)
    return reopen_page(
        request,
        package_year,
        reopen=lambda **reason: services.package_year_reopen(package_year=package_year, **reason),
        back=reverse("allocations:year-detail", args=[pk, year]),
        explanation=(
            "Året får status förslag igen, så att ett nytt beslut kan registreras. Det nuvarande "
            "beslutet finns kvar, markerat som återöppnat med ditt namn, tiden och skälet. "
            "Budgeten ändras inte förrän ett nytt beslut registreras."
        ),
        context={"package_year": package_year, "package": package_year.package},
    )
