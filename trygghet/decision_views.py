"""The decide and reopen pages that package years and rounds share: the differences (rows,
services, texts, breadcrumbs) are passed in."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from trygghet.forms import DecisionForm, ReopenForm, add_service_errors
from trygghet.locks import DECIDED, REOPENED, STATUS, state_word, subject_name


def decide_page(request, subject, *, rows, unit, decide, saved, back, template, context, items=()):
    """Record the decision on a proposal as the protocol states it: `decide(record=…,
    amounts=…, by=…)` saves it, `saved(decision)` says what happened. The page lists the
    form's rows, each with its item (an application) when `items` are given."""
    label = subject._meta.label_lower
    if subject.status != STATUS[label].PROPOSAL:
        noun = "ett år" if label == "allocations.packageyear" else "en omgång"
        messages.error(request, f"Bara {noun} med status förslag kan beslutas.")
        return redirect(back)
    body = subject.deciding_body.name if subject.deciding_body else ""
    form = DecisionForm(request.POST or None, rows=rows, unit=unit, initial={"body": body})
    if request.method == "POST" and form.is_valid():
        try:
            decision = decide(record=form.record(), amounts=form.amounts(), by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, saved(decision))
            return redirect(back)
    return render(
        request,
        template,
        {
            **context,
            "unit": unit,
            "form": form,
            "back": back,
            "rows": zip(items, form.rows, strict=True) if items else form.rows,
        },
    )


def reopen_page(request, subject, *, reopen, back, explanation, context):
    """Reopen a decided year or round: a right of its own, with a reason that is kept."""
    name = subject_name(subject)
    if not subject.is_decided:
        messages.error(request, f"{name} är inte {state_word(subject, DECIDED)}.")
        return redirect(back)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reopen(reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{name} är {state_word(subject, REOPENED)} och har status förslag. Beslutet och "
                "skälet finns kvar under Beslut.",
            )
            return redirect(back)
    return render(
        request,
        "decisions/reopen.html",
        {**context, "form": form, "name": name, "explanation": explanation, "back": back},
    )
