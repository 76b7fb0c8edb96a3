"""`al.cuda`: what PyTorch code asks about GPUs, answered for a CPU-only library.

>>> import autograd_lite as al
>>> al.cuda.is_available(), al.cuda.device_count()
(False, 0)
"""

from __future__ import annotations


def is_available() -> bool:
    """False: autograd_lite computes on the CPU only."""
    return False


def device_count() -> int:
    """0: there are no GPUs to count."""
    return 0


def manual_seed(seed: int) -> None:
    """Does nothing, as PyTorch's does when there is no GPU (seed with `al.manual_seed`)."""


def manual_seed_all(seed: int) -> None:
    """Does nothing, as PyTorch's does when there is no GPU (seed with `al.manual_seed`)."""
