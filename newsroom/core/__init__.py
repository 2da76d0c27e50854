"""The ground floor: what every app uses and that imports no app of Newsroom's.

Addresses, AP-style dates, the site's clock, pagination, the page cache's generation and keys,
command-line helpers, the admin's shared widgets, index types and the performance devices that
reach into Django. See docs/ARCHITECTURE.md.
"""
