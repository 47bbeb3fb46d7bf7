"""Syntheses of a workshop, and its exports: Markdown, HTML, PDF, ODT, DOCX, CSV, JSON."""
