from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .roles import roles_of

# Paths a user who still has to set up MFA may reach: the account pages (where MFA is set
# up, and logout), the language switch and static files.
MFA_SETUP_OPEN_PATHS = ("/accounts/", "/i18n/", "/static/")


def mfa_required(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser and getattr(settings, "MFA_REQUIRED_FOR_SUPERUSERS", False):
        return True
    return bool(roles_of(user) & set(settings.MFA_REQUIRED_GROUPS))


def mfa_setup_pending(user) -> bool:
    """True while a user who must use MFA has not turned it on yet. Cached on the user for
    the request: the middleware and the navigation both ask."""
    if not hasattr(user, "_mfa_setup_pending"):
        user._mfa_setup_pending = mfa_required(user) and not is_mfa_enabled(user)
    return user._mfa_setup_pending


class RequireMFAMiddleware:
    """Send HR and payroll staff to set up MFA before they reach any page of their role."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not request.path.startswith(MFA_SETUP_OPEN_PATHS) and mfa_setup_pending(user):
            messages.warning(
                request,
                _(
                    "Your role handles personal and pay data: set up two-factor authentication to continue."
                ),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
