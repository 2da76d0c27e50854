"""gunicorn's settings for Newsroom: `gunicorn --config config/gunicorn.conf.py config.wsgi`.

Command-line options override these; WEB_CONCURRENCY (gunicorn's own variable) sets the number
of workers. See the README's "Production deployment".
"""

import os

# One worker per core is where a 2-core machine peaked in bench/web.py; more only adds switching.
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2))
# Load Django once, before forking: a broken setting stops the server at start rather than in
# each worker, and the workers share the loaded code's memory pages.
preload_app = True
# The reverse proxy keeps connections to readers; a request that takes this long is stuck.
timeout = 30
graceful_timeout = 20
# Requests are logged by the proxy in front; gunicorn logs errors only.
loglevel = "warning"
