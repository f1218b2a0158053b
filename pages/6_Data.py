"""Data: load your own files, see exactly what was taken and what was not, and keep the data healthy."""

import streamlit as st

from components.imports import health_panel, progress_bar, remove_form, show_report, upload_form
from components.page import setup_page
from data_access import cache
from data_access.loaders import check
from data_access.readers import ImportRejected

page = setup_page("Data", ":material/database:", "Import survey, service and purchase files; check data health.",
                  needs_data=False)
health_panel(*cache.health(cache.data_version()))

st.header("Import files")
if not cache.writable():
    st.info("Read-only mode (CX_READ_ONLY=1): the app reads existing tables or views and never writes, so imports "
            "are disabled. Load data in the warehouse; docs/warehouse.md lists the views it needs.")
    st.stop()

for upload in upload_form(cache.read("journey_stages")):
    options = {"mapping": upload.mapping, "name": upload.file.name, "sheet": upload.sheet}
    check_column, import_column = st.columns(2)
    try:
        if check_column.button("Check", key=f"{upload.key}_check", disabled=bool(upload.missing)):
            show_report(check(upload.dataset, upload.file, **options), upload.key, stored=False)
        if import_column.button("Import", key=f"{upload.key}_import", type="primary", disabled=bool(upload.missing)):
            report = cache.import_file(upload.dataset, upload.file, replace=upload.replace, **options,
                                       progress=progress_bar())
            show_report(report, upload.key, stored=True)
    except ImportRejected as error:
        st.error(f"Nothing was stored. {error}")

st.header("Remove a dataset")
removed = remove_form()
if removed:
    report = cache.remove(removed)
    st.success(f"Removed {report.rows_read:,} {removed} rows (data version {report.data_version}).")
