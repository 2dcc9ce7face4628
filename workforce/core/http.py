"""Small helpers every app's views share, so each view stays a few lines."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied


def posted_data(request):
    """The POST data for a form, or None on GET: an empty POST (an unticked checkbox alone)
    must still make a bound, invalid form."""
    return request.POST if request.method == "POST" else None


def require(allowed: bool) -> None:
    """Refuse with 403 what queries.py says this user may not do."""
    if not allowed:
        raise PermissionDenied


def form_errors_to_messages(request, form) -> None:
    """For forms posted from a page that redirects back: show their errors as messages."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
