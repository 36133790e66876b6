"""The printed sheet: page 1 rendered to PNG (pypdfium2) shows the climbs' names and wall pictures
with their holds drawn."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from mastoc.domain.models import Role
from mastoc.edits import lists as ops
from mastoc.sheets.list_sheet import ROLE_COLOURS, wall_picture, write_list_sheet
from mastoc.store.db import Store

from .conftest import climb_ids


def test_sheet_page_one(store: Store, tmp_path: Path) -> None:
    (lid,) = ops.create_list(store, "Tuesday session", list_type="circuit").lists
    ids = climb_ids(store, 8)
    ops.add_items(store, lid, ids)
    ops.set_status(store, lid, ids[0], "done")
    pdf_path = tmp_path / "sheet.pdf"
    assert write_list_sheet(store, lid, pdf_path) == 2
    doc = pdfium.PdfDocument(str(pdf_path))
    assert len(doc) == 2  # 8 climbs, four to a page
    page = doc[0]
    text = page.get_textpage().get_text_range()
    names = [it.climb_name for it in ops.items(store, lid)]
    for name in names[:4]:
        assert name in text
    assert names[4] not in text  # four to a page
    assert "Tuesday session" in text and "Status: done" in text
    images = [o for o in page.get_objects() if o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
    assert len(images) == 4
    png = tmp_path / "page1.png"
    bitmap = page.render(scale=1.5).to_pil()
    bitmap.save(png)
    # the wall pictures carry the start holds' green
    rgb = bitmap.convert("RGB")
    start = ROLE_COLOURS[Role.START]
    greens = sum(n for n, px in rgb.getcolors(1 << 24) or [] if all(abs(a - b) < 40 for a, b in zip(px, start, strict=True)))
    assert greens > 50
    assert png.stat().st_size > 10_000


def test_wall_picture_draws_the_holds(store: Store) -> None:
    (cid,) = climb_ids(store, 1)
    img = wall_picture(store, cid)
    assert img is not None and img.size[0] == 480
    colours = {px for _n, px in img.getcolors(1 << 24) or []}
    assert (47, 211, 90) in colours and (255, 59, 48) in colours  # start and top outlines
