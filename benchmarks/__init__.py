"""Benchmarks of autograd_lite against the same computation written by hand in NumPy.

Run `python -m benchmarks --help`. Nothing here imports NumPy at import time, so
the thread settings chosen on the command line reach the BLAS library.
"""
