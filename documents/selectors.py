"""Reads about decision documents for the pages of other apps."""

from django.core.exceptions import ObjectDoesNotExist


def document_of(subject):
    """The decision document of a package year or round (loaded with it by select_related
    "document"), or None."""
    try:
        return subject.document
    except ObjectDoesNotExist:
        return None
