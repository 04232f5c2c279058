"""PDF documents of a utility (reading protocols and archives, receipts, invoices): fpdf2 with
the vendored DejaVu fonts, so Cyrillic renders on any machine.

fpdf2 (with fontTools) takes a third of a second to import. The documents subclass
`app.pdf.document.TenantDocument`; the views import their renderer inside the view, so a `flask`
command or a starting worker does not pay for PDFs it never makes."""

from app.pdf.response import pdf_response

__all__ = ["pdf_response"]
