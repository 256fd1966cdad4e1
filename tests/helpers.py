"""Reading a rendered page as its reader does: a table by its caption, a section by its
heading, text without markup. Built on the standard library's HTML parser, so the tests
depend on what a page shows, not on its classes or attributes."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
_UNSEEN_INPUTS = {"hidden", "checkbox", "radio", "file"}


def readable(text: str) -> str:
    """Text with whitespace collapsed and non-breaking spaces and minus signs plain."""
    return " ".join(text.replace("\u00a0", " ").replace("\u2212", "-").split())


def one_decimal(number: float) -> str:
    """A number as the tables show an amount: one decimal, with a decimal comma."""
    return f"{number:.1f}".replace(".", ",")


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list["Element | str"] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The text inside as one line, with the value each text field shows."""
        parts = []

        def collect(node):
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                elif child.tag == "input" and child.attrs.get("type") not in _UNSEEN_INPUTS:
                    parts.append(child.attrs.get("value", ""))  # what the field shows
                elif child.tag not in ("script", "style", "template"):
                    collect(child)

        collect(self)
        return readable(" ".join(parts))

    def find_all(self, *tags: str) -> list["Element"]:
        """Every element below this one with one of `tags`, in document order."""
        found = []
        for child in self.children:
            if isinstance(child, Element):
                if child.tag in tags:
                    found.append(child)
                found.extend(child.find_all(*tags))
        return found


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("document", {})
        self.open = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.open[-1].children.append(element)
        if tag not in _VOID:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.open[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        # Close up to the matching open element; a stray end tag closes nothing.
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data):
        self.open[-1].children.append(data)


def parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


@dataclass
class Table:
    caption: str
    rows: list[list[str]]  # the body rows, each as the text of its cells
    footer: list[list[str]]

    def column(self, number: int) -> list[str]:
        """The text of cell `number` (from 0) in every body row."""
        return [row[number] for row in self.rows]


def _cells(row: Element) -> list[str]:
    return [cell.text for cell in row.find_all("th", "td")]


def tables(html: str) -> list[Table]:
    found = []
    for table in parse(html).find_all("table"):
        captions = table.find_all("caption")
        body = [row for tbody in table.find_all("tbody") for row in tbody.find_all("tr")]
        foot = [row for tfoot in table.find_all("tfoot") for row in tfoot.find_all("tr")]
        found.append(
            Table(
                caption=captions[0].text if captions else "",
                rows=[_cells(row) for row in body],
                footer=[_cells(row) for row in foot],
            )
        )
    return found


def table(html: str, caption: str) -> Table:
    """The one table whose caption contains `caption`."""
    matching = [found for found in tables(html) if caption in found.caption]
    captions = [found.caption for found in tables(html)]
    assert len(matching) == 1, f"{len(matching)} tables captioned {caption!r} among {captions}"
    return matching[0]


def section(html: str, heading: str) -> Element:
    """The one `<section>` whose first heading reads `heading`."""
    matching = []
    for candidate in parse(html).find_all("section"):
        headings = candidate.find_all("h1", "h2", "h3", "h4", "h5", "h6")
        if headings and headings[0].text == heading:
            matching.append(candidate)
    assert len(matching) == 1, f"{len(matching)} sections headed {heading!r}"
    return matching[0]


def list_items(element: Element) -> list[str]:
    """The text of every list item in `element`."""
    return [item.text for item in element.find_all("li")]


def main_lists(html: str) -> list[list[str]]:
    """The items of every list in the page's main content, outside its navigation."""

    def lists(element):
        for child in element.children:
            if isinstance(child, Element) and child.tag != "nav":
                if child.tag in ("ol", "ul"):
                    yield [item.text for item in child.find_all("li")]
                else:
                    yield from lists(child)

    (main,) = parse(html).find_all("main")
    return list(lists(main))
