"""Reactions to other apps' signals (wired in apps.ready)."""
