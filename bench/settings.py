"""Production settings plus the benchmark's framework floor. Used only by `make bench`.

The floor URL exists only here (ROOT_URLCONF = bench.urls, BENCHMARK_FLOOR = True): production
(kyodo_office.settings) never has it.
"""

import os

from kyodo_office.settings import *  # noqa: F403

BENCHMARK_FLOOR = True
ROOT_URLCONF = "bench.urls"

# The year's report with its figures not kept (make bench's last pass sets both to 0).
REPORTS_CACHE_SECONDS = int(os.environ.get("BENCH_REPORTS_CACHE_SECONDS", "600"))
REPORTS_LIVE_CACHE_SECONDS = int(os.environ.get("BENCH_REPORTS_LIVE_CACHE_SECONDS", "60"))
