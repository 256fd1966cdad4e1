"""The upload form of the application import: the allocation import's, without its years."""

from allocations.imports.forms import ImportUploadForm

FILE_HELP = (
    "CSV eller XLSX, högst 2 MB. Kolumnerna Nämnd, Titel, Plats, Fokusområde och Sökt belopp, "
    "och för bedömda ansökningar Föreslaget belopp och Motivering."
)


class ApplicationImportUploadForm(ImportUploadForm):
    """A file (size, format and readability checked as for allocation tables) and the unit
    of its bare numbers, by default the organisation's."""

    # Rounds have no years to create; committees are created only from the command line.
    create_years = None

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, organisation=organisation, **kwargs)
        self.fields["file"].help_text = FILE_HELP
