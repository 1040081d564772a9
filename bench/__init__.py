"""The load benchmark (`make bench`): see bench/run.py."""
