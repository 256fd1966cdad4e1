"""Forms render through django-crispy-forms (templates/bootstrap5/) with the project's
accessibility: an invalid field says so (aria-invalid) and names the element that holds
its error (aria-describedby), and a required field is marked for screen readers too."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from allocations.models import Amount, AmountKind
from applications.models import Application, Round
from tests.allocations.helpers import nacka, plain
from tests.allocations.test_entry import lines_2024, proposal_url, typed
from tests.applications.test_applicant import application_data, setting  # noqa: F401
from tests.applications.test_assessment import application, assessment_data  # noqa: F401
from tests.applications.test_assessment import official as assessing_official
from tests.conftest import make_organisation, make_user
from trygghet import roles

VOID = {"input", "br", "hr", "img", "meta", "link", "source", "col", "area", "base", "wbr"}


class _Page(HTMLParser):
    """Each element with an id: its attributes and its text."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: dict[str, dict] = {}
        self._open: list[tuple[str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        element_id = attrs.get("id")
        if element_id is not None:
            assert element_id not in self.elements, f"id {element_id} is not unique"
            self.elements[element_id] = {"tag": tag, "attrs": attrs, "text": ""}
        if tag not in VOID:
            self._open.append((tag, element_id))

    def handle_endtag(self, tag):
        while self._open:
            open_tag, _ = self._open.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        for _, element_id in self._open:
            if element_id is not None:
                self.elements[element_id]["text"] += data


def assert_invalid_and_described(
    html: str, field_id: str, message: str, error_id: str | None = None
) -> None:
    """The field is marked invalid, and its aria-describedby names existing elements, one of
    them its error element (`<field id>_error` unless given) holding the message."""
    page = _Page(plain(html))
    field = page.elements[field_id]["attrs"]
    assert field.get("aria-invalid") == "true", field
    described = field["aria-describedby"].split()
    assert all(element_id in page.elements for element_id in described), described
    assert any(message in page.elements[element_id]["text"] for element_id in described), [
        page.elements[element_id]["text"] for element_id in described
    ]
    assert (error_id or f"{field_id}_error") in described


def test_the_round_form_renders_through_crispy_with_linked_errors(client, db):
    organisation = make_organisation(name="Teststad", amount_unit="mnkr")
    client.force_login(make_user(organisation, role=roles.OFFICIAL))
    url = reverse("applications:round-create")
    html = client.get(url).text
    for name in ["name", "year", "frame", "opens_on", "closes_on", "criteria"]:
        assert f'id="div_id_{name}"' in html
    # required: a visible star, hidden from screen readers, and a word they read instead
    assert '<span class="asteriskField" aria-hidden="true">*</span>' in html
    assert '<span class="visually-hidden">(obligatoriskt)</span>' in html
    response = client.post(
        url,
        {"name": "Ny", "year": 2026, "frame": "femtio", "opens_on": "2025-10-06"},
    )
    assert_invalid_and_described(response.text, "id_frame", "”femtio” är inte ett belopp")
    assert_invalid_and_described(response.text, "id_closes_on", "Detta fält måste fyllas i.")
    # the help text stays linked next to the error
    page = _Page(plain(response.text))
    assert "id_frame_helptext" in page.elements["id_frame"]["attrs"]["aria-describedby"]
    # the summary at the top links to the field
    assert page.elements["formularfel"]["attrs"]["role"] == "alert"
    assert '<a href="#id_frame">Ram</a>' in response.text
    assert not Round.objects.filter(name="Ny").exists()


def test_the_application_form_and_its_tables_render_through_crispy(client, setting):  # noqa: F811
    client.force_login(setting["applicant"])
    url = reverse("applications:application-create", args=[setting["round"].pk])
    response = client.post(url, application_data(title="", **{"kostnad-1-amount": "0,4,0"}))
    html = response.text
    assert 'id="div_id_place"' in html
    assert_invalid_and_described(html, "id_title", "Detta fält måste fyllas i.")
    # a cell of the cost table: the same crispy field, named by a hidden label with its row
    assert_invalid_and_described(html, "id_kostnad-1-amount", "”0,4,0” är inte ett belopp.")
    assert '<label class="visually-hidden" for="id_kostnad-1-amount">Belopp, rad 2</label>' in html
    assert "<caption>Kostnadsfördelning, belopp i mnkr</caption>" in html
    assert not Application.objects.exists()


def test_the_assessment_form_renders_through_crispy_with_linked_errors(
    client,
    application,  # noqa: F811
):
    client.force_login(assessing_official(application))
    url = reverse("applications:application-assess", args=[application.pk])
    html = client.post(url, assessment_data(application, proposed_amount="0")).text
    assert 'id="div_id_proposed_amount"' in html
    assert_invalid_and_described(
        html, "id_motivation", "Skriv en motivering när beloppet sänks eller är noll."
    )
    data = assessment_data(application)
    first = application.round.criteria.order_by("order").first()
    del data[f"verdict_{first.pk}"]
    html = client.post(url, data).text
    # every radio of the criterion without a verdict is invalid and names the message
    page = _Page(plain(html))
    radios = [
        element["attrs"]
        for element in page.elements.values()
        if element["attrs"].get("name") == f"verdict_{first.pk}"
    ]
    assert len(radios) == 3
    for radio in radios:
        assert_invalid_and_described(
            html,
            radio["id"],
            "Välj uppfyllt, delvis eller ej uppfyllt.",
            error_id=f"id_verdict_{first.pk}_error",
        )
    # the radios are a group with the criterion as its legend
    assert f'<legend class=" fs-6 form-label requiredField">1. {first.text}' in html


def test_an_allocation_amount_cell_renders_through_crispy_with_its_error(client, demo):
    package = nacka(client)
    values = ["2,0", "1,6,0", "0,6", "0,1", "1,1", "0,1"]
    response = client.post(proposal_url(package), typed(package, values, save_draft=""))
    line = lines_2024(package)[1]
    assert_invalid_and_described(response.text, f"id_line_{line.pk}", "är inte ett belopp")
    page = _Page(plain(response.text))
    cell = page.elements[f"id_line_{line.pk}"]["attrs"]
    # the shared format help is still named first; crispy's widget class is on the input
    assert cell["aria-describedby"].split()[0] == "format-hjalp"
    assert "textinput" in cell["class"].split() and "is-invalid" in cell["class"].split()
    assert not Amount.objects.filter(line=line, kind=AmountKind.PROPOSAL, amount=1_600).exists()


@pytest.mark.parametrize("field", ["name", "description", "recipient", "focus_area"])
def test_the_line_form_renders_through_crispy(client, demo, field):
    package = nacka(client)
    html = client.get(reverse("allocations:lines", args=[package.pk, 2024])).text
    assert f'id="div_id_add-{field}"' in html


def test_a_line_rename_in_its_table_row_renders_through_crispy_with_its_error(client, demo):
    package = nacka(client)
    line = lines_2024(package)[0]
    url = reverse("allocations:line-rename", args=[package.pk, 2024, line.pk])
    response = client.post(url, {"name": ""})
    assert response.status_code == 400
    field_id = f"namn-{line.pk}-name"
    assert_invalid_and_described(response.text, field_id, "Detta fält måste fyllas i.")
    page = _Page(plain(response.text))
    # every other row keeps its own form, named for its line
    other = lines_2024(package)[1]
    assert page.elements[f"namn-{other.pk}-name"]["attrs"]["value"] == other.name
    assert f'<label class="visually-hidden" for="{field_id}">Nytt namn för {line.name}</label>' in (
        response.text
    )
