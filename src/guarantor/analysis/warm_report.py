"""Imported by the report workers' fork server for an analysis: pyarrow and the analysis report code.

With `report.warm_tables` and `report.warm_charts` (pandas, XlsxWriter, matplotlib with its
fonts), every worker forked from the server starts with all an analysis report needs.
Importing this module has no other effect.
"""

import pyarrow.parquet  # noqa: F401

import guarantor.analysis.charts
import guarantor.analysis.chartset
import guarantor.analysis.documents
import guarantor.analysis.findings
import guarantor.analysis.report
import guarantor.analysis.reportjobs
import guarantor.analysis.tables
import guarantor.analysis.uncertainty_charts  # noqa: F401
