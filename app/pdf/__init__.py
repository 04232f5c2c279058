"""PDF documents of a utility (reading protocols and archives, later receipts): fpdf2 with the
vendored DejaVu fonts, so Cyrillic renders on any machine."""

from app.pdf.document import TenantDocument
from app.pdf.response import pdf_response

__all__ = ["TenantDocument", "pdf_response"]
