"""Reading a page as assistive technology does: a field's label, whether it is marked
invalid, and the texts its aria-describedby points to. Independent of the markup."""

from dataclasses import dataclass
from html.parser import HTMLParser

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.attrs: dict[str, dict] = {}  # element id -> attributes
        self.texts: dict[str, str] = {}  # element id -> its text
        self.labels: dict[str, list[str]] = {}  # field id -> the texts of its labels
        self.label_classes: dict[str, list[str]] = {}
        self.open: list[tuple[str | None, str | None]] = []  # (id, label for) of open elements

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.attrs[attrs["id"]] = attrs
            self.texts[attrs["id"]] = ""
        target = attrs.get("for") if tag == "label" else None
        if target:
            self.labels.setdefault(target, []).append("")
            self.label_classes.setdefault(target, []).append(attrs.get("class") or "")
        if tag not in _VOID:
            self.open.append((attrs.get("id"), target))

    def handle_endtag(self, tag):
        if tag not in _VOID and self.open:
            self.open.pop()

    def handle_data(self, data):
        for element_id, target in self.open:
            if element_id:
                self.texts[element_id] += data
            if target:
                self.labels[target][-1] += data


@dataclass
class Field:
    label: str  # the text of its label, spacing collapsed
    label_class: str
    invalid: bool
    descriptions: list[str]  # the texts its aria-describedby names, in order


def field(page: str, field_id: str) -> Field:
    parsed = _Page()
    parsed.feed(page)
    attrs = parsed.attrs[field_id]
    ids = (attrs.get("aria-describedby") or "").split()
    return Field(
        label=" ".join(" ".join(parsed.labels.get(field_id, [""])).split()).rstrip("*"),
        label_class=" ".join(parsed.label_classes.get(field_id, [])),
        invalid=attrs.get("aria-invalid") == "true",
        descriptions=[" ".join(parsed.texts.get(id_, "").split()) for id_ in ids],
    )
