"""An A4 document of one utility: its name and contacts on top, facts, tables, page numbers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from flask_babel import get_locale
from flask_babel import gettext as _
from fpdf import FPDF, FontFace
from fpdf.enums import XPos, YPos

from app.templating import format_phone
from app.tenancy.snapshot import TenantSnapshot

FONTS = Path(__file__).resolve().parent / "fonts"
# DejaVu has the whole Cyrillic range; the PDF core fonts (Helvetica…) have none of it.
FAMILY = "DejaVu"
TEXT = (27, 36, 48)
MUTED = (91, 102, 117)
LINE = (217, 225, 234)
HEADING_FILL = (238, 242, 246)
MARK_FILL = (255, 236, 179)  # rows staff should look at: the amber of the site's notices
LINE_HEIGHT = 5.0


class TenantDocument(FPDF):
    """A document headed by the utility's name and contacts; `pdf_bytes()` gives the file."""

    def __init__(self, tenant: TenantSnapshot, title: str, *, landscape: bool = False):
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        self.tenant = tenant
        self.document_title = title
        self.footer_note = ""
        self.add_font(FAMILY, "", FONTS / "DejaVuSans.ttf")
        self.add_font(FAMILY, "B", FONTS / "DejaVuSans-Bold.ttf")
        self.set_margins(15, 14, 15)
        self.set_auto_page_break(True, margin=16)
        self.set_title(title)
        self.set_author(tenant.config.name)
        self.set_creator(_("Водокабинет"))
        self.set_lang(str(get_locale() or "ru"))
        self.set_text_color(*TEXT)
        self.set_draw_color(*LINE)
        self.add_page()
        self.utility_header()

    def utility_header(self) -> None:
        """The utility's full name and how to reach it, ruled off from the content."""
        config = self.tenant.config
        self.set_font(FAMILY, "B", 12)
        self.multi_cell(0, 6, config.name, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        contacts = config.contacts
        lines = []
        if contacts.address:
            lines.append(contacts.address)
        phones = [
            format_phone(phone.number) + (f" ({phone.label})" if phone.label else "")
            for phone in contacts.phones
        ]
        reach = [*phones, contacts.email, _website(contacts.website)]
        lines.append(" · ".join(part for part in reach if part))
        self.set_font(FAMILY, "", 8.5)
        self.set_text_color(*MUTED)
        for line in lines:
            if line:
                self.multi_cell(0, 4.2, line, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*TEXT)
        self.ln(2)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(4)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FAMILY, "", 7.5)
        self.set_text_color(*MUTED)
        page = _("стр. %(page)s из %(pages)s", page=self.page_no(), pages=self.str_alias_nb_pages)
        left = " · ".join(part for part in (self.document_title, self.footer_note) if part)
        self.cell(0, 4, left, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, page, align="R")
        self.set_text_color(*TEXT)

    def heading(self, text: str, size: float = 14) -> None:
        self.set_font(FAMILY, "B", size)
        self.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def paragraph(self, text: str, size: float = 9, muted: bool = False) -> None:
        self.set_font(FAMILY, "", size)
        if muted:
            self.set_text_color(*MUTED)
        self.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*TEXT)

    def facts(self, pairs: Iterable[tuple[str, str]], label_width: float = 48) -> None:
        """Label–value lines, as the `facts` list on the site."""
        for label, value in pairs:
            self.set_font(FAMILY, "", 9.5)
            self.set_text_color(*MUTED)
            self.cell(label_width, LINE_HEIGHT + 0.5, label)
            self.set_text_color(*TEXT)
            self.multi_cell(
                0, LINE_HEIGHT + 0.5, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
        self.ln(3)

    def data_table(
        self,
        headings: Sequence[str],
        rows: Iterable[Sequence[str]],
        *,
        widths: Sequence[float],
        align: Sequence[str] | None = None,
        marked: Iterable[int] = (),
        size: float = 8,
    ) -> None:
        """A table with bold headings repeated on every page; rows numbered in `marked` (from 0)
        get the amber background of rows to check."""
        marked = set(marked)
        self.set_font(FAMILY, "", size)
        with self.table(
            col_widths=tuple(widths),
            text_align=tuple(align) if align else "LEFT",
            headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
            line_height=size * 0.5,
            padding=(1, 1.2),
            repeat_headings=1,
        ) as table:
            heading_row = table.row()
            for heading in headings:
                heading_row.cell(heading)
            for index, cells in enumerate(rows):
                style = FontFace(fill_color=MARK_FILL) if index in marked else None
                row = table.row(style=style)
                for value in cells:
                    row.cell(value)
        self.ln(3)

    def pdf_bytes(self) -> bytes:
        return bytes(self.output())


def _website(url: str | None) -> str | None:
    return url.split("//", 1)[-1].rstrip("/") if url else None
