"""Demo data for this app; core.demo.build calls build() after the people are in place.

Idempotent like the rest of the demo: find by natural key, create only what is missing.
"""


def build(*, summary, progress) -> None:
    pass
