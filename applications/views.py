from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2 import RequestConfig

from applications import history, selectors, services
from applications.forms import (
    ApplicationForm,
    AssessmentForm,
    AttachmentForm,
    CostFormSet,
    EvidenceFormSet,
    OverviewFilterForm,
    ReturnForm,
    RoundForm,
    unit_formset,
)
from applications.models import (
    APPLICATION_CONTENT_FIELDS,
    ApplicationStatus,
    Assessment,
    Attachment,
    Round,
    RoundStatus,
)
from applications.services import ROUND_FLOW, ApplicationContent
from applications.summary import round_summary_sentences
from applications.tables import AppendixTable, ApplicationOverviewTable, GroupSumTable
from documents.selectors import document_of
from trygghet.access import get_for_user, refuse_if_locked, require
from trygghet.amounts import format_amount
from trygghet.concurrency import ConcurrentChange, rebase_form
from trygghet.decision_views import decide_page, reopen_page
from trygghet.exports import FORMATS, export_response
from trygghet.forms import add_service_errors, run_action
from trygghet.locks import lock_notice, lock_reason
from trygghet.roles import is_applicant
from trygghet.tables import counted_pages

VIEW_ROUND = "applications.view_round"
ADD_ROUND = "applications.add_round"
EDIT_ROUND = "applications.change_round"
ASSESS = "applications.change_assessment"
APPLY = "applications.add_application"
VIEW = "applications.view_application"
EDIT = "applications.change_application"
DECIDE_ROUND = "applications.add_rounddecision"
REOPEN_ROUND = "applications.reopen_rounddecision"


def _round(request, pk: int, perm: str = VIEW_ROUND) -> Round:
    return get_for_user(request, selectors.rounds_for_pages(), perm, pk=pk)


def _application(request, pk: int, perm: str = VIEW):
    return get_for_user(request, selectors.applications_for_pages(), perm, pk=pk)


def _round_url(round_: Round) -> str:
    return reverse("applications:round-detail", args=[round_.pk])


# Attachments with what their permission and file name need.
ATTACHMENTS = Attachment.objects.select_related("application__round")


def _posted_version(request) -> int | None:
    """The version a one-button form (submit) was shown at, if it sent one."""
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        return None


@require_GET
def round_detail(request, pk: int):
    round_ = _round(request, pk)
    if is_applicant(request.user):
        return _applicant_round(request, round_)
    unit = round_.organisation.amount_unit
    filter_form = OverviewFilterForm(request.GET or None, round_=round_)
    filters = filter_form.filters()
    filtered = any(filters.values())
    summary = selectors.round_summary(round_=round_)
    round_totals = summary.totals
    shown = selectors.overview_applications(round_=round_, filters=filters)
    # Unfiltered, the rows shown are the round's: its summary has already counted them.
    shown_totals = selectors.totals(shown) if filtered else round_totals
    table = ApplicationOverviewTable(
        shown, unit=unit, totals=shown_totals, decided=round_.is_decided
    )
    RequestConfig(request, paginate=counted_pages(per_page=50, count=shown_totals.count)).configure(
        table
    )
    return render(
        request,
        "applications/round_detail.html",
        {
            "round": round_,
            "unit": unit,
            "table": table,
            "filter_form": filter_form,
            "filtered": filtered,
            "shown_totals": shown_totals,
            "summary": summary,
            "sentences": _sentences(summary, unit),
            "committee_table": GroupSumTable(
                selectors.sums_by_committee(round_=round_),
                unit=unit,
                heading="Nämnd",
                totals=round_totals,
            ),
            "focus_table": GroupSumTable(
                selectors.sums_by_focus_area(round_=round_),
                unit=unit,
                heading="Fokusområde",
                totals=round_totals,
            ),
            "lock_notice": lock_notice(round_),
            "decisions": selectors.decisions_of(round_=round_),
            "next_status": _neighbour_status(round_, 1),
            "previous_status": _neighbour_status(round_, -1),
            "query": request.GET.urlencode(),
            "document": document_of(round_),
        },
    )


def _sentences(summary, unit: str) -> list[str]:
    sentences = round_summary_sentences(
        application_count=summary.application_count,
        applied_total=summary.applied_total,
        proposed_count=summary.proposed_count,
        proposed_total=summary.proposed_total,
        unit=unit,
    )
    if summary.unassessed_count == 1:
        sentences.append("1 ansökan är ännu inte bedömd.")
    elif summary.unassessed_count:
        sentences.append(f"{summary.unassessed_count} ansökningar är ännu inte bedömda.")
    return sentences


def _neighbour_status(round_: Round, step: int):
    if round_.is_decided:
        return None
    index = ROUND_FLOW.index(round_.status) + step
    if 0 <= index < len(ROUND_FLOW):
        return RoundStatus(ROUND_FLOW[index])
    return None


def _applicant_round(request, round_: Round):
    return render(
        request,
        "applications/round_applicant.html",
        {
            "round": round_,
            "unit": round_.organisation.amount_unit,
            "applications": selectors.applicant_applications(user=request.user, round_=round_),
        },
    )


@require_GET
def round_export(request, pk: int, table_name: str, export_format: str):
    if export_format not in FORMATS or table_name not in {"oversikt", "bilaga"}:
        raise Http404
    round_ = _round(request, pk)
    if is_applicant(request.user):
        raise PermissionDenied  # the central office's overview
    unit = round_.organisation.amount_unit
    if table_name == "oversikt":
        filter_form = OverviewFilterForm(request.GET or None, round_=round_)
        shown = selectors.overview_applications(round_=round_, filters=filter_form.filters())
        table = ApplicationOverviewTable(shown, unit=unit, totals=selectors.totals(shown))
        RequestConfig(request, paginate=False).configure(table)
        sheet = "Översikt"
    else:
        shown = selectors.overview_applications(round_=round_, filters={})
        table = AppendixTable(shown, unit=unit, totals=selectors.totals(shown))
        sheet = "Bilaga 1"
    return export_response(
        table, export_format=export_format, filename=f"{round_.name} {sheet}", title=sheet
    )


@require_http_methods(["GET", "POST"])
def round_edit(request, pk: int | None = None):
    if pk is None:
        round_, organisation = None, request.user.organisation
        if organisation is None:
            raise PermissionDenied
        require(request.user, ADD_ROUND, organisation)
    else:
        round_ = _round(request, pk, EDIT_ROUND)
        organisation = round_.organisation
        if refused := refuse_if_locked(request, round_, _round_url(round_)):
            return refused
    form = RoundForm(request.POST or None, organisation=organisation, instance=round_)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.round_save(
                organisation=organisation,
                round_=round_,
                name=data["name"],
                year=data["year"],
                frame=data["frame"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                instructions=data["instructions"],
                deciding_body=data["deciding_body"],
                criteria=form.criteria_list(),
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{saved.name} är sparad.")
            return redirect("applications:round-detail", pk=saved.pk)
    return render(request, "applications/round_form.html", {"form": form, "round": round_})


@require_POST
def round_status(request, pk: int):
    round_ = _round(request, pk, EDIT_ROUND)
    try:
        round_ = services.round_set_status(
            round_=round_, status=request.POST.get("status", ""), by=request.user
        )
    except (ValidationError, ValueError) as error:
        for message in getattr(error, "messages", [str(error)]):
            messages.error(request, message)
    else:
        messages.success(
            request, f"{round_.name} har nu status {round_.get_status_display().lower()}."
        )
    return redirect("applications:round-detail", pk=pk)


@require_http_methods(["GET", "POST"])
def round_decide(request, pk: int):
    """Record the decision on the round's distribution as the protocol states it."""
    round_ = _round(request, pk, DECIDE_ROUND)
    applications = selectors.decision_applications(round_=round_)
    rows = [
        ("application", application.pk, application.title, services.proposed_amount(application))
        for application in applications
    ]

    def saved(decision) -> str:
        how = (
            "enligt förslaget"
            if decision.followed_proposal
            else f"med ändringar för {len(decision.changes)} ansökningar"
        )
        return (
            f"Beslutet är registrerat: {decision} ({how}). De beviljade beloppen syns i "
            "översikten och omgången kan inte längre ändras."
        )

    return decide_page(
        request,
        round_,
        rows=rows,
        unit=round_.organisation.amount_unit,
        decide=lambda amounts, **record: services.round_decide(
            round_=round_, granted=amounts, **record
        ),
        saved=saved,
        back=_round_url(round_),
        template="applications/round_decide.html",
        context={
            "round": round_,
            "proposed_total": sum(proposed or 0 for *_, proposed in rows),
        },
        items=applications,
    )


@require_http_methods(["GET", "POST"])
def round_reopen(request, pk: int):
    """Reopen a decided round: a right of its own, with a reason that is kept."""
    round_ = _round(request, pk, REOPEN_ROUND)
    return reopen_page(
        request,
        round_,
        reopen=lambda **reason: services.round_reopen(round_=round_, **reason),
        back=_round_url(round_),
        explanation=(
            "Omgången får status förslag igen, så att ett nytt beslut kan registreras. De "
            "beviljade beloppen tas bort från ansökningarna; det nuvarande beslutet finns kvar "
            "med sina belopp, markerat som återöppnat med ditt namn, tiden och skälet."
        ),
        context={"round": round_},
    )


def _application_forms(request, round_, committee, application=None):
    unit = round_.organisation.amount_unit
    data = request.POST if request.method == "POST" else None
    costs, evidence = [], []
    if application is not None:
        costs = [
            {"description": c.description, "amount": c.amount} for c in application.costs.all()
        ]
        evidence = [
            {"kind": e.kind, "date": e.date, "description": e.description}
            for e in application.evidence.all()
        ]
    form = ApplicationForm(data, round_=round_, committee=committee, instance=application)
    cost_formset = unit_formset(
        CostFormSet, unit=unit, data=data, prefix="kostnad", initial=_with_empty_rows(costs)
    )
    evidence_formset = EvidenceFormSet(data, prefix="underlag", initial=_with_empty_rows(evidence))
    return form, cost_formset, evidence_formset


def _with_empty_rows(rows: list[dict]) -> list[dict]:
    """Stored rows plus empty ones: at least three rows, and always one to fill in."""
    return rows + [{}] * max(1, 3 - len(rows))


def _content(form, cost_formset, evidence_formset) -> ApplicationContent:
    return ApplicationContent(
        fields={name: form.cleaned_data.get(name) for name in APPLICATION_CONTENT_FIELDS},
        costs=[
            (row["description"], row["amount"])
            for row in cost_formset.cleaned_data
            if row.get("description")
        ],
        evidence=[
            (row["kind"], row.get("date"), row["description"])
            for row in evidence_formset.cleaned_data
            if row.get("kind")
        ],
    )


@require_http_methods(["GET", "POST"])
def application_edit(request, round_pk: int | None = None, pk: int | None = None):
    """An applicant writes a new application (round_pk) or changes a draft (pk)."""
    application = None
    if pk is not None:
        # Only applicants write (EDIT): officials assess and return.
        application = _application(request, pk, EDIT)
        round_ = application.round
        back = reverse("applications:application-detail", args=[application.pk])
        if not application.is_editable_by_applicant:
            messages.error(request, "Ansökan är inskickad och kan inte ändras.")
            return redirect(back)
    else:
        round_ = _round(request, round_pk, APPLY)
        back = _round_url(round_)
        if not round_.is_open:
            messages.error(request, f"{round_.name} är inte öppen för ansökningar.")
            return redirect(back)
    if refused := refuse_if_locked(request, round_, back):
        return refused
    committee = request.user.committee
    form, cost_formset, evidence_formset = _application_forms(
        request, round_, committee, application
    )
    if request.method == "POST" and all(
        [form.is_valid(), cost_formset.is_valid(), evidence_formset.is_valid()]
    ):
        try:
            saved = services.application_save(
                round_=round_,
                committee=committee,
                content=_content(form, cost_formset, evidence_formset),
                application=application,
                expected_version=form.cleaned_data["version"] if application else None,
                by=request.user,
            )
        except ConcurrentChange as error:
            application.refresh_from_db(fields=["version"])
            form = rebase_form(form, version=application.version, error=error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Ansökan ”{saved.title}” är sparad som utkast. Skicka in den när den är klar.",
            )
            return redirect("applications:application-detail", pk=saved.pk)
    return render(
        request,
        "applications/application_form.html",
        {
            "round": round_,
            "application": application,
            "form": form,
            "cost_formset": cost_formset,
            "evidence_formset": evidence_formset,
            "committee": committee,
            "unit": round_.organisation.amount_unit,
            "has_errors": bool(
                form.errors
                or cost_formset.total_error_count()
                or evidence_formset.total_error_count()
            ),
        },
    )


@require_GET
def application_detail(request, pk: int):
    return _application_page(request, _application(request, pk))


def _application_page(request, application, return_form=None):
    round_ = application.round
    unit = round_.organisation.amount_unit
    notice = lock_notice(round_)
    may_change = request.user.has_perm(EDIT, application)
    return render(
        request,
        "applications/application_detail.html",
        {
            # The applicant's own draft (or returned application) in an open round.
            "editable": may_change and application.is_editable_by_applicant and not notice,
            "application": application,
            "round": round_,
            "unit": unit,
            "verdicts": selectors.criterion_verdicts(application=application),
            "is_applicant": is_applicant(request.user),
            "outcome": selectors.outcome_of(round_=round_),
            "lock_notice": notice,
            # A returned application may come back after the round has closed.
            "submittable": round_.is_open or application.status == ApplicationStatus.RETURNED,
            "assessable": application.status == ApplicationStatus.SUBMITTED,
            "missing": services.submission_errors(application) if may_change else [],
            "return_form": return_form or ReturnForm(initial={"version": application.version}),
            "attachment_form": AttachmentForm(),
        },
    )


@require_GET
def application_history(request, pk: int):
    """The application's Ändringshistorik; an applicant sees the central office's assessment
    in it only once the round is decided, as on the rest of their pages."""
    application = get_for_user(request, selectors.applications_for_history(), VIEW, pk=pk)
    with_assessment = not is_applicant(request.user) or application.round.is_decided
    return render(
        request,
        "applications/application_history.html",
        {
            "application": application,
            "round": application.round,
            "with_assessment": with_assessment,
            "entries": history.application_history(
                application=application, with_assessment=with_assessment
            ),
        },
    )


@require_POST
def application_submit(request, pk: int):
    application = _application(request, pk, EDIT)
    run_action(
        request,
        lambda: services.application_submit(
            application=application, expected_version=_posted_version(request), by=request.user
        ),
        f"Ansökan ”{application.title}” är inskickad till {application.round.organisation}. "
        "Du kan läsa den men inte ändra den.",
    )
    return redirect("applications:application-detail", pk=pk)


@require_POST
def application_return(request, pk: int):
    application = _application(request, pk, ASSESS)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.application_return(
                application=application,
                message=form.cleaned_data["message"],
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except ConcurrentChange as error:
            application = _application(request, pk, ASSESS)
            form = rebase_form(form, version=application.version, error=error)
            return _application_page(request, application, return_form=form)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, f"Ansökan ”{application.title}” är återsänd för komplettering."
            )
    else:
        messages.error(request, "Skriv vad som behöver kompletteras.")
    return redirect("applications:application-detail", pk=pk)


@require_http_methods(["GET", "POST"])
def application_assess(request, pk: int):
    application = _application(request, pk, ASSESS)
    round_ = application.round
    unit = round_.organisation.amount_unit
    back = reverse("applications:application-detail", args=[pk])
    if application.status != ApplicationStatus.SUBMITTED:
        refusal = "den är inte inskickad."
    else:
        refusal = lock_reason(round_)
    if refusal:
        messages.error(request, f"Ansökan kan inte bedömas: {refusal}")
        return redirect(back)
    verdicts = selectors.criterion_verdicts(application=application)
    assessment = getattr(application, "assessment", None)
    initial = {"version": 0}
    if assessment is not None:
        initial = {
            "version": assessment.version,
            "proposed_amount": assessment.proposed_amount,
            "motivation": assessment.motivation,
        }
        for criterion_id, item in verdicts.items():
            initial[f"verdict_{criterion_id}"] = item.verdict
            initial[f"comment_{criterion_id}"] = item.comment
    form = AssessmentForm(
        request.POST or None, criteria=round_.criteria.all(), unit=unit, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_save(
                application=application,
                proposed_amount=form.cleaned_data["proposed_amount"],
                motivation=form.cleaned_data["motivation"],
                verdicts=form.verdicts(),
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except ConcurrentChange as error:
            saved = Assessment.objects.filter(application=application).first()
            form = rebase_form(form, version=saved.version if saved else 0, error=error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            proposed = format_amount(form.cleaned_data["proposed_amount"], unit)
            messages.success(
                request,
                f"Bedömningen av ”{application.title}” är sparad: {proposed} {unit} föreslås.",
            )
            return redirect("applications:round-detail", pk=round_.pk)
    return render(
        request,
        "applications/assessment_form.html",
        {"application": application, "round": round_, "unit": unit, "form": form},
    )


@require_POST
def attachment_upload(request, pk: int):
    application = _application(request, pk, "applications.add_attachment")
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid() and form.cleaned_data["file"]:
        run_action(
            request,
            lambda: services.attachment_add(
                application=application, upload=form.cleaned_data["file"], by=request.user
            ),
            lambda attachment: f"Bilagan ”{attachment.original_name}” är uppladdad.",
        )
    else:
        messages.error(request, "Välj en fil att ladda upp.")
    return redirect("applications:application-detail", pk=pk)


@require_POST
def attachment_remove(request, pk: int):
    """An applicant removes an attachment while the application is theirs to change."""
    attachment = get_for_user(request, ATTACHMENTS, "applications.delete_attachment", pk=pk)
    run_action(
        request,
        lambda: services.attachment_remove(attachment=attachment, by=request.user),
        lambda name: f"Bilagan ”{name}” är borttagen.",
    )
    return redirect("applications:application-detail", pk=attachment.application_id)


@require_GET
def attachment_download(request, pk: int):
    """Served only to users who may see the application it belongs to."""
    attachment = get_for_user(request, ATTACHMENTS, "applications.view_attachment", pk=pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
