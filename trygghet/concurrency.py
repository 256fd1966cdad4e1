"""Optimistic locking: a form carries the version of what it shows; a save based on an older
version is refused and told who saved since and what they changed."""

from django.core.exceptions import ValidationError


class ConcurrentChange(ValidationError):
    """Someone else saved the object after this form was opened."""


def concurrent_change(*, subject: str, who: list[str], changes: list[str], what: str):
    """The refusal in Swedish: "Någon annan har sparat ansökan ”X” av anna medan du skrev:
    sökt belopp: 1,0 mkr → 1,2 mkr. Inget av det du skrev är sparat. …"."""
    by = f" av {' och '.join(who)}" if who else ""
    listed = "; ".join(changes) if changes else "inga ändringar i det som syns här"
    return ConcurrentChange(
        f"Någon annan har sparat {subject}{by} medan du skrev: {listed}. Inget av det du skrev "
        f"är sparat. Se över {what} nedan och spara igen.",
        code="conflict",
    )


def savers_since(history, *, version: int) -> list[str]:
    """The usernames, oldest first, of whoever saved versions after `version`."""
    names = []
    for record in (
        history.filter(version__gt=version).select_related("history_user").order_by("history_date")
    ):
        if record.history_user and record.history_user.username not in names:
            names.append(record.history_user.username)
    return names


def version_as_of(history, *, version: int):
    """The history record of an object as it was at `version` (None if not recorded)."""
    return history.filter(version=version).order_by("-history_date", "-history_id").first()


def rebase_form(form, *, version: int, error: ConcurrentChange):
    """The user's typed values again, now based on the saved `version`, with the refusal:
    saving once more, having read it, goes through."""
    data = form.data.copy()
    data[form.add_prefix("version")] = str(version)
    form.data = data
    form.full_clean()
    form.add_error(None, error)
    return form
