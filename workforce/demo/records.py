"""The demo makes its core rows with the tests' factories (tests/factories), after looking for
them by their natural key first: a second build finds every row and creates none."""


def get_or_make(factory_class, *, lookup: dict, **fields) -> tuple:
    """The row matching `lookup`, or a new one from the factory with `fields`; and whether it
    was made now. Unlike factory_boy's get-or-create, nothing runs again for a found row."""
    model = factory_class._meta.get_model_class()
    found = model.objects.filter(**lookup).first()
    if found is not None:
        return found, False
    return factory_class(**lookup, **fields), True
