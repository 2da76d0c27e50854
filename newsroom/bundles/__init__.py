"""Bundles: a whole newsroom in one file, to move a site or keep a copy of it.

`format` says what a bundle holds and reads it back, checking it; `export` writes one and
`restore` loads one into a database (empty, or an existing one with --merge).
"""
