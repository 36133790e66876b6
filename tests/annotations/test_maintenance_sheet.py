"""The maintenance sheet's first page, rendered to PNG, shows numbered marks where the holds are."""

from __future__ import annotations

import pypdfium2 as pdfium

from mastoc.edits import annotations as ops
from mastoc.sheets import maintenance as sheet
from mastoc.store import annotations as reads


def _close(a, b, tol=60):
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=False))


def test_page_one_has_a_disc_of_the_condition_colour_on_each_hold(store, hold_keys, tmp_path):
    ops.set_field(store, hold_keys[:3], "condition", "cassee")
    ops.annotate(store, hold_keys[5], condition="tournee", notes="spins clockwise")
    face = store.faces()[0]
    items = reads.maintenance(store.conn, face.id)
    assert len(items) == 4
    out = tmp_path / "sheet.pdf"
    layout = sheet.write_sheet(store, face, items, out)
    pdf = pdfium.PdfDocument(str(out))
    assert len(pdf) >= 1
    dpi_scale = 2.0
    page = pdf[0].render(scale=dpi_scale).to_pil().convert("RGB")
    assert abs(page.width - layout.page_width * dpi_scale) < 2
    r_pt = sheet.DISC_RADIUS * layout.width
    for n, it in enumerate(items, 1):
        cx, cy = layout.centres[n]
        x = (layout.x + cx * layout.scale) * dpi_scale
        y = (layout.y + cy * layout.scale) * dpi_scale
        ring = [page.getpixel((round(x + dx * r_pt * 0.7 * dpi_scale), round(y + dy * r_pt * 0.7 * dpi_scale)))
                for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1), (0.7, 0.7), (-0.7, -0.7))]
        want = sheet.COLOURS[it.condition]
        assert sum(_close(p, want) for p in ring) >= 4, (n, it.condition, ring)
    # a hold not on the list has no disc
    other = reads.resolve_hold(store.conn, hold_keys[8])
    hold = next(h for h in store.holds(face.id) if h.id == other.id)
    from mastoc.domain import geometry
    ox, oy = geometry.centroid(hold)
    if all((ox - cx) ** 2 + (oy - cy) ** 2 > (4 * r_pt / layout.scale) ** 2 for cx, cy in layout.centres.values()):
        p = page.getpixel((round((layout.x + ox * layout.scale) * dpi_scale + r_pt * 0.7 * dpi_scale),
                           round((layout.y + oy * layout.scale) * dpi_scale)))
        assert not any(_close(p, c, 25) for c in sheet.COLOURS.values())
    # the table is in the PDF text
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert f"Stokt {hold_keys[5]}" in text and "spins clockwise" in text and "Broken" in text
