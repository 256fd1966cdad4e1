"""The uploaded file of an import, kept in the session between upload, preview and
confirm (so nothing is stored in the database before the user confirms)."""

import base64


def upload_keep(request, key: str, *, name: str, content: bytes, **options) -> None:
    request.session[key] = {
        "name": name,
        "content": base64.b64encode(content).decode("ascii"),
        **options,
    }


def upload_read(request, key: str) -> dict | None:
    """The kept upload with its content as bytes, or None if there is none."""
    kept = request.session.get(key)
    if kept is None:
        return None
    return {**kept, "content": base64.b64decode(kept["content"])}


def upload_discard(request, key: str) -> None:
    request.session.pop(key, None)
