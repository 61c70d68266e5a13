"""kumo's benchmark suite: the pieces bench/run.py puts together."""
