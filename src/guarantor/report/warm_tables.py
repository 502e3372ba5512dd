"""Imported by the report workers' fork server: pandas, XlsxWriter and the report code.

`guarantor solve` starts the server as it begins; by the time the answer is ready these are
imported, and every worker forked from the server has them. Importing this module has no
other effect. (`rendering.CHART_PRELOAD` adds matplotlib, `DOCUMENT_PRELOAD` fpdf2.)
"""

import pandas  # noqa: F401
import xlsxwriter  # noqa: F401

import guarantor.report.brief
import guarantor.report.documents
import guarantor.report.sheets
import guarantor.report.solvejobs
import guarantor.report.tables
import guarantor.report.timeline
import guarantor.report.workbook
import guarantor.report.xlsx  # noqa: F401
