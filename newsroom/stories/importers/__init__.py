"""Readers for stories that arrive from outside the admin (legacy exports)."""
