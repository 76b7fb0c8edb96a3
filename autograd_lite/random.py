"""The library's one random generator: factories, nn.init, dropout and data shuffling
all draw from it, so `manual_seed` makes every run reproducible."""

from __future__ import annotations

import numpy as np

# Made on first use: numpy.random is the slowest part of importing the library.
_generator: np.random.Generator | None = None


def manual_seed(seed: int) -> None:
    """Reseed every random draw of the library.

    >>> import autograd_lite as al
    >>> al.manual_seed(0); a = al.randn(3)
    >>> al.manual_seed(0); bool((a == al.randn(3)).numpy().all())
    True
    """
    global _generator
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    _generator = np.random.default_rng(int(seed))


def generator() -> np.random.Generator:
    """The current generator (read it at each use: `manual_seed` replaces it)."""
    global _generator
    if _generator is None:
        _generator = np.random.default_rng()
    return _generator
