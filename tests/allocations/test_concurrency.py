"""Two officials save the same year: the second is refused and told what the first changed."""

from django.test import Client
from django.urls import reverse

from allocations.models import Amount, AmountKind, BudgetLine
from tests.allocations.helpers import plain
from trygghet.models import User


def form_data(page_context, values):
    form = page_context["form"]
    data = {name: field.initial for name, field in form.fields.items()}
    data = {name: "" if value is None else value for name, value in data.items()}
    for line, value in zip(form.lines, values, strict=True):
        data[f"line_{line.pk}"] = value
    return data


def test_the_second_save_is_refused_with_what_the_other_changed(demo):
    first, second = Client(), Client()
    first.force_login(User.objects.get(username="nacka-handlaggare"))
    official = User.objects.get(username="nacka-handlaggare")
    colleague = User.objects.create_user(
        "nacka-kollega", password="x", organisation=official.organisation
    )
    colleague.groups.set(official.groups.all())
    second.force_login(colleague)
    package_id = BudgetLine.objects.get(name="Trygghetsvärdar").package_id
    url = reverse("allocations:allocation-edit", args=[package_id, 2024, "forslag"])

    # both open the form
    page_first = first.get(url)
    page_second = second.get(url)

    # the colleague saves first
    data = form_data(page_second.context, ["1,8", "1,5", "0,6", "0,1", "0,9", "0,1"])
    assert second.post(url, {**data, "mark_proposal": ""}).status_code == 302

    # the official's save, based on the old version, is refused
    data = form_data(page_first.context, ["1,6", "1,5", "0,6", "0,1", "1,1", "0,2"])
    response = first.post(url, {**data, "save_draft": ""})
    page = plain(response.text)
    assert response.status_code == 200
    assert "Någon annan har sparat Trygghetspaketet 2024 av nacka-kollega medan du skrev" in page
    assert "Trygghetsvärdar: 1,6 mkr → 1,8 mkr" in page
    assert "Insatser i samverkan med lokala aktörer: 1,1 mkr → 0,9 mkr" in page
    assert 'value="0,2"' in page  # what the official typed is shown again
    trygghetsvardar = Amount.objects.get(
        line__name="Trygghetsvärdar", year=2024, kind=AmountKind.PROPOSAL
    )
    assert trygghetsvardar.amount == 1_800_000  # nothing overwritten

    # having seen the change, the official saves again on top of it
    again = first.post(url, {**response.context["form"].data.dict(), "save_draft": ""})
    assert again.status_code == 302
    trygghetsvardar.refresh_from_db()
    assert trygghetsvardar.amount == 1_600_000
