"""Checking what was published, from the published folder alone: `press verify` (published.py) and the
archival PDF's own checks (pdf_check.py)."""
