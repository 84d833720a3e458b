"""Headless publishing pipeline for press offices: one canonical source per release in, every format out."""

__version__ = "0.1.0"
