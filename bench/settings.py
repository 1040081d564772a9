"""Production settings plus the benchmark's framework floor. Used only by `make bench`.

The floor URL exists only here (ROOT_URLCONF = bench.urls, BENCHMARK_FLOOR = True): production
(kyodo_office.settings) never has it.
"""

from kyodo_office.settings import *  # noqa: F403

BENCHMARK_FLOOR = True
ROOT_URLCONF = "bench.urls"
