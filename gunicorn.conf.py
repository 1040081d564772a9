"""gunicorn's settings for the portal (read by ``gunicorn kyodo_office.wsgi`` when started in the
project's folder, or with ``-c gunicorn.conf.py``). Command-line options still override these.

The hooks keep the website's page-view counts (``reports.middleware``) whole: each worker
writes its buffered views when its time is up even if no request comes (a timer thread started
when the worker is ready) and when the worker exits (a restart, ``max_requests``, a deploy), so a
graceful restart loses none.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# Threads let a worker answer other requests while one waits on PostgreSQL (each thread has its
# own database connection; the page-view buffer is thread-safe). 3 × 4 is the deployment that
# `make bench-held` holds 50 members on.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Restart workers now and then (any slow leak stays small); their views are flushed on exit.
# Not too often: a worker that restarts imports the whole portal again (about a second in which
# it answers nobody); at 2,000 requests, under `make bench`'s load each worker restarted every
# two seconds and a twentieth of all requests waited a second for it (p95 ≈ 1 s).
max_requests = 50_000
max_requests_jitter = 5_000
graceful_timeout = 30


def post_worker_init(worker):
    import gc

    from reports.middleware import start_flush_timer

    start_flush_timer()
    # What the worker loaded (Django, the apps, the URLconf, templates compiled so far) lives as
    # long as the worker: moved out of the collector's reach, so that a full collection, which
    # a request making many objects sets off, no longer walks all of it (issue #20: about
    # 100 ms every few requests of the year's report).
    gc.freeze()


def worker_exit(server, worker):
    from reports.middleware import flush_page_views

    try:
        flush_page_views()
    except Exception:  # a worker that cannot write its counts must still exit
        worker.log.warning("page views of this worker lost at exit", exc_info=True)
