"""Reads of the core app. The home page and the job pages' reads live in workforce.shell."""


def can_rebuild_demo(user) -> bool:
    return user.is_authenticated and user.is_superuser
