"""Uploads are held to their field's limits as they arrive, not after they are stored.

Django's multipart parser stores the whole request body before any form sees it: a 30 MB photo
for a 10 MB field would be written to a temporary file in full, and only then refused by the
field. ``UploadLimitHandler`` goes first among the request's upload handlers and counts each
file part as it arrives; once a file passes its field's size (or a field gets one file too
many, or a file comes for a question the page does not have), nothing more of it is kept.

Whether the rest of the body is still read is a trade. A browser that is still sending when
the server closes the connection shows a connection error, not the answer (Chromium does,
against gunicorn, which drains only 64 KB of an unread body): the citizen would lose the page
and everything on it. So a body that is no bigger than the most the step can take, plus
``UPLOAD_OVERSIZE_READ_BYTES``, is read to its end: the rest of the refused file is skipped
(``SkipFile``: read, never kept), the questions after it arrive, and the refusal shows at its
field. A bigger body, which no honest mistake makes, is not read further at all
(``StopUpload(connection_reset=True)``): what came before the file is in ``request.POST``.
In front of production, nginx's ``client_max_body_size`` and its lingering close do the same
for the whole request.

The refusals wait on the handler for the step form to show (``StepForm.refused_uploads``).
The handler must be in place before anything reads the body, and the CSRF check reads it: the
view is ``csrf_exempt`` and checks the token itself once the handler is installed (Django's
documented way to change upload handlers in a view).
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.utils.translation import gettext


class UploadLimitHandler(FileUploadHandler):
    """``fields``: {input name: the ``MultipleFileField`` that will receive it}."""

    def __init__(self, request, fields):
        super().__init__(request)
        self.fields = fields
        self.files_per_input = {}
        self.received = 0
        self.body_length = 0
        self.refused = {}
        # True once reading stopped: what came after the refused file never arrived.
        self.stopped = False

    @classmethod
    def install(cls, request, fields):
        handler = cls(request, fields)
        request.upload_handlers.insert(0, handler)
        return handler

    def read_through_limit(self):
        """The largest body still read to its end after a refusal."""
        most = sum(field.max_size * field.max_files for field in self.fields.values())
        return (
            most + (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) + settings.UPLOAD_OVERSIZE_READ_BYTES
        )

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.body_length = content_length
        return None  # the parser parses; this only learns how big the body says it is

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.received = 0
        field = self.fields.get(field_name)
        if field is None:
            self.refuse(
                field_name,
                gettext(
                    "This page does not take this file. Reload the page and choose the files again."
                ),
            )
        self.files_per_input[field_name] = self.files_per_input.get(field_name, 0) + 1
        if self.files_per_input[field_name] > field.max_files:
            self.refuse(field_name, field.too_many_files())

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        field = self.fields[self.field_name]
        if self.received > field.max_size:
            self.refuse(self.field_name, field.too_large(self.file_name))
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler keeps the file

    def refuse(self, field_name, error):
        self.refused.setdefault(field_name, error)
        if self.body_length > self.read_through_limit():
            self.stopped = True
            raise StopUpload(connection_reset=True)
        raise SkipFile
