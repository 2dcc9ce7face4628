"""Uploads stop being kept at their view's limit, while they stream in.

Django writes an upload whole to memory or a temporary file before any form can look at its
size, so a 50 MB CV was on disk before the 10 MB refusal. `LimitedUploadHandler` runs first in
FILE_UPLOAD_HANDLERS: it counts each file's bytes and, past the limit of the view being posted
to (`@upload_limit(...)`, else `DEFAULT_MAX_BYTES`), stops handing chunks to Django's memory and
temporary-file handlers and frees what they held. Django still drains the rest of the body, so
the browser gets a page, not a reset connection. The view's form receives an `OversizedUpload`
that has the real size and no content, and refuses it with its usual size message.
"""

from io import BytesIO

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

# The largest limit any view has (work imports); views that take smaller files declare theirs.
DEFAULT_MAX_BYTES = 200 * 1024 * 1024


class UploadTooLarge(Exception):
    """Something tried to read a file that was refused for its size."""


def upload_limit(max_bytes: int):
    """Declare the largest file, in bytes, that a view's form accepts."""

    def decorator(view):
        view.upload_max_bytes = max_bytes
        return view

    return decorator


class _Withheld(BytesIO):
    """No content: reading fails loudly rather than passing for an empty file."""

    def _refuse(self, *args, **kwargs):
        raise UploadTooLarge("The upload was larger than this page accepts; it was not kept.")

    read = read1 = readinto = readline = readlines = _refuse


class OversizedUpload(UploadedFile):
    """A file past its limit: the name and real size, for the form's size message."""

    def __init__(self, *, name, content_type, size, charset=None, content_type_extra=None):
        super().__init__(_Withheld(), name, content_type, size, charset, content_type_extra)


class LimitedUploadHandler(FileUploadHandler):
    max_bytes = DEFAULT_MAX_BYTES

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        match = getattr(self.request, "resolver_match", None)
        self.max_bytes = getattr(match and match.func, "upload_max_bytes", DEFAULT_MAX_BYTES)

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.is_over = False
        # The files the later handlers held before this one: an earlier field's, already done.
        self.earlier_files = [getattr(handler, "file", None) for handler in self._later()]

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.is_over:
            return None
        if self.received > self.max_bytes:
            self.is_over = True
            self._free_later_handlers()
            return None  # later handlers get nothing more
        return raw_data

    def file_complete(self, file_size):
        if not self.is_over:
            return None  # the memory or temporary-file handler returns the file
        return OversizedUpload(
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )

    def _later(self):
        handlers = list(self.request.upload_handlers)
        return handlers[handlers.index(self) + 1 :]

    def _free_later_handlers(self):
        """Drop what the handlers after this one kept of this file (at most the limit): closing
        deletes the temporary file and frees the memory buffer."""
        for handler, earlier in zip(self._later(), self.earlier_files, strict=True):
            file = getattr(handler, "file", None)
            if file is not None and file is not earlier:
                file.close()
