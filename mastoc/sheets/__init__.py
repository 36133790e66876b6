"""Printable sheets (PDF) built from the store: the maintenance sheet, a list's sheet.

Rendered with reportlab (PDF) and Pillow (the wall picture with holds drawn), so the CLI prints
without Qt. Reads the store; never writes it; no Qt, no HTTP.
"""
