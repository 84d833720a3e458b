"""Checking what was published: the archival PDF's own checks, for the tests and a future `press verify`."""
