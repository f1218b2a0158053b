"""Data: load your own files, see exactly what was taken and what was not, and keep the data healthy."""

import streamlit as st

from components.access_admin import access_panel
from components.imports import (
    forget_report,
    health_panel,
    import_buttons,
    keep_report,
    progress_bar,
    rejected,
    remove_form,
    show_report,
    upload_form,
)
from components.page import setup_page
from components.sentiment_admin import sentiment_section
from data_access import cache, reads, sentiment_models
from data_access.db import DatabaseError
from data_access.loaders import check
from data_access.readers import ImportRejected

page = setup_page("Data", ":material/database:", "Import survey, service and purchase files; check data health.",
                  needs_data=False)
health = st.container()  # drawn last, so it shows what an import or removal below has just changed

if cache.writable():
    st.header("Import files")
    upload = upload_form(reads.journey.stages())
    if upload:
        checked, imported = import_buttons(upload)
        try:
            if checked:
                keep_report(upload, check(upload.dataset, upload.files, **upload.options), stored=False)
            if imported:
                with progress_bar() as progress:
                    report = cache.import_file(upload.dataset, upload.files, replace=upload.replace,
                                               **upload.options, progress=progress)
                keep_report(upload, report, stored=True)
        except (ImportRejected, DatabaseError) as error:
            forget_report()
            rejected(error, stored=imported)
        show_report(upload)

    action = sentiment_section(page.status["company_scorer"], page.status["scorers"])
    try:
        if action.train:
            with progress_bar("Reading rated comments…") as progress:
                stored = cache.write(lambda engine: sentiment_models.train_and_store(engine, progress))
            st.success(f"Company scorer trained on {stored.figures['rated_comments']:,} rated comments. Re-score "
                       "with it to use it on the pages.")
        if action.rescore_with:
            with progress_bar("Reading comments…") as progress:
                used, texts, notice = cache.write(
                    lambda engine: sentiment_models.rescore(engine, action.rescore_with, progress))
            if notice:
                st.warning(notice)
            st.success(f"Re-scored {texts:,} distinct comment and ticket texts with {used}.")
    except (ValueError, DatabaseError) as error:
        st.error(str(error))

    st.header("Remove a dataset")
    removed = remove_form()
    if removed:
        report = cache.remove(removed)
        st.success(f"Removed {report.rows_read:,} {removed} rows (data version {report.data_version}).")
    access_panel()
else:
    st.info("Read-only mode (CX_READ_ONLY=1): the app reads existing tables or views and never writes, so imports "
            "are disabled. Load data in the warehouse; docs/warehouse.md lists the views it needs.")

with health:
    health_panel(*cache.health(cache.data_version()), origins=cache.writable())
