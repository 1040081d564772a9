"""Demo data: the starting texts (as a fresh installation has them from the data migration,
also after a database was emptied), example office details for the footer, and the three forms
the downloads page names (a sample of rules as a Word document, the officer list and the paper
booking form as spreadsheets), so that its list offers files as an office's would: each goes
through the check staff's uploads pass (pages.forms.clean_download)."""

from __future__ import annotations

import io
import zipfile
from importlib import import_module
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from openpyxl.styles import Font

from pages import footer, services
from pages.forms import clean_download
from pages.models import OfficeDetails, Page

RULES_SAMPLE = """\
○○の会 規約（ひな形）

第1条（名称）　この会は、○○の会という。
第2条（目的）　この会は、○○を通じて、地域の○○に寄与することを目的とする。
第3条（事務所）　この会の事務所は、代表者の自宅に置く。
第4条（会員）　この会の目的に賛同する者は、誰でも会員になることができる。
第5条（役員）　この会に、代表者1名、会計1名、監事1名を置く。
第6条（総会）　総会は毎年1回開き、活動計画と予算、活動報告と決算を決める。
第7条（会計）　この会の経費は、会費、寄付金その他の収入をもってあてる。
　　　会計年度は、毎年4月1日に始まり、翌年3月31日に終わる。
第8条（改正）　この規約は、総会の議決により改正することができる。

附則　この規約は、○年○月○日から施行する。
"""


DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def _docx(text: str) -> bytes:
    """The smallest Word document that Word and LibreOffice open: a paragraph a line."""
    paragraphs = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>'
        for line in text.splitlines()
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{paragraphs}</w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES)
        archive.writestr("_rels/.rels", DOCX_RELS)
        archive.writestr("word/document.xml", document)
    return out.getvalue()


def _sheet(title: str, headers: list[str], rows: int) -> bytes:
    """A one-sheet form: its title, a header row and ``rows`` empty lines to fill in."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=14)
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=3, column=column, value=header)
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = max(12, len(header) * 3)
    for row in range(4, 4 + rows):
        sheet.cell(row=row, column=1, value="")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def add_demo_downloads() -> int:
    """The downloads page's three forms, once (a page that has files keeps its own)."""
    page = Page.objects.filter(kind=Page.Kind.DOWNLOADS).first()
    if page is None or page.files.exists():
        return 0
    forms = [
        ("団体規約（会則）のひな形", "rules-sample.docx", _docx(RULES_SAMPLE)),
        (
            "役員名簿の様式",
            "officers.xlsx",
            _sheet("役員名簿", ["役職", "氏名", "ふりがな", "住所", "電話番号", "就任日"], 10),
        ),
        (
            "会議室・機材の利用申込書（紙）",
            "booking-form.xlsx",
            _sheet(
                "会議室・機材の利用申込書",
                ["利用日", "時間", "部屋", "団体名", "利用目的", "人数", "機材", "連絡先"],
                5,
            ),
        ),
    ]
    for position, (title, name, content) in enumerate(forms, start=1):
        checked = clean_download(SimpleUploadedFile(name, content))
        services.download_file_add(
            actor=None, page=page, title=title, file=checked, position=position
        )
    return len(forms)


DEMO_DETAILS = {
    "postal_code": "000-0000",
    "address": "みどり市中央1丁目1-1 市民活動センター2階",
    "phone": "0000-00-0000",
    "fax": "0000-00-0001",
    "map_url": "https://www.openstreetmap.org/",
    "access_note": "中央駅から徒歩5分。駐車場はありません。",
}


def demo_office_email() -> str:
    """The office's address on the portal's own domain (office@kyodo.example.jp for a SITE_URL
    of https://kyodo.example.jp); a bare host or an IP address (a developer's 127.0.0.1:8000)
    takes the configured OFFICE_EMAIL instead. Never example.com."""
    host = (urlsplit(settings.SITE_URL).hostname or "").removeprefix("www.")
    if "." in host and not host.replace(".", "").isdigit() and host != "example.com":
        return f"office@{host}"
    return settings.OFFICE_EMAIL


def seed(ctx) -> None:
    starting = import_module("pages.migrations.0002_starting_texts")
    starting.add_starting_texts(apps, None)
    details = OfficeDetails.load()
    if not details.address:
        for name, value in {**DEMO_DETAILS, "email": demo_office_email()}.items():
            setattr(details, name, value)
        details.save()
    # Read the footer again now (not at some later page, whose queries would then grow).
    footer.forget()
    footer.office_footer()
    added = add_demo_downloads()
    ctx.say(f"Pages: starting texts, the office's details and {added} forms to download.")
