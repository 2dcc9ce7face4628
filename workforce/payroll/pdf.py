"""HTML to PDF with WeasyPrint, for the processes that make a run's payslips in parallel.

Kept free of Django on purpose: the processes start by spawn (or forkserver), import only this
module to unpickle the function they run, and receive finished HTML, so they need neither the
settings nor the database.
"""


def _pdf_from_html(html: str, base_url: str) -> bytes:
    # Imported here: WeasyPrint needs Pango from the system, and only PDFs need WeasyPrint.
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()


def pdfs_from_html(htmls: list[str], base_url: str) -> list[bytes]:
    """One chunk of documents: a process makes several per round trip to spare the pickling."""
    return [_pdf_from_html(html, base_url) for html in htmls]
