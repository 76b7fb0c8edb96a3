"""Saving and loading state dicts as .npz files (never unpickling).

A flat dict of name -> array (a module's `state_dict()`) is stored entry for entry. A nested
one (an optimizer's or scheduler's `state_dict()`) is flattened: every array or Python
scalar becomes an entry named by its path joined with "/" (module keys use ".", so the two
never clash), e.g. `"state/0/exp_avg"` or `"param_groups/0/lr"`, and one more entry,
`"__structure__"`, holds JSON saying how to rebuild the dicts, lists, tuples, None and the
Python types of the scalars.
"""

from __future__ import annotations

import json
import os
import pickle
import zipfile
import zlib
from collections.abc import Mapping
from typing import Any

import numpy as np

from .tensor import Tensor

SEPARATOR = "/"
STRUCTURE_KEY = "__structure__"

# Python scalar types stored as 0-d arrays and restored as themselves (bool before int:
# bool is a subclass of int).
_SCALARS = (("bool", bool), ("int", int), ("float", float), ("str", str))


def save(state_dict: Mapping[str, Any], path: str | os.PathLike) -> None:
    """Write `state_dict` to the .npz file `path` (exactly that path; str or pathlib.Path).

    Values may be arrays or Tensors (stored as arrays) and, in nested state such as an
    optimizer's, dicts, lists, tuples, None and Python scalars. Everything is checked before
    the file is written: object arrays or other Python objects raise `TypeError` naming the key.

    >>> import os, tempfile, numpy as np, autograd_lite as al
    >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
    >>> al.save({"fc.weight": np.eye(2)}, path)
    >>> al.load(path)["fc.weight"]
    array([[1., 0.],
           [0., 1.]])
    """
    if not isinstance(state_dict, Mapping):
        raise TypeError(f"save takes a dict (a state_dict), got {type(state_dict).__name__}")
    path = os.fspath(path)
    arrays: dict[str, np.ndarray] = {}
    if _is_flat(state_dict):
        for key, value in state_dict.items():
            _put(arrays, key, _as_array(key, value))
    else:
        arrays[STRUCTURE_KEY] = np.array("")  # reserves the name
        structure = _flatten(state_dict, "", arrays)
        arrays[STRUCTURE_KEY] = np.array(json.dumps(structure))
    _write_npz(path, arrays)


def load(path: str | os.PathLike) -> dict[str, Any]:
    """Read a file written by `save` (with `allow_pickle=False`: nothing is ever unpickled).

    A flat state dict comes back as name -> `np.ndarray`; a nested one (an optimizer's)
    with its dicts, lists, tuples and Python scalars rebuilt. A missing file raises
    `FileNotFoundError`; a file that is not a readable .npz archive raises `ValueError`.

    >>> import os, tempfile, autograd_lite as al
    >>> path = os.path.join(tempfile.mkdtemp(), "opt.npz")
    >>> al.save({"param_groups": [{"lr": 0.1, "betas": (0.9, 0.999)}]}, path)
    >>> al.load(path)
    {'param_groups': [{'lr': 0.1, 'betas': (0.9, 0.999)}]}
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"no such file: {path!r}")
    try:
        # The file is opened here so that it is closed whatever np.load makes of it.
        with open(path, "rb") as file:
            loaded = np.load(file, allow_pickle=False)
            if not isinstance(loaded, np.lib.npyio.NpzFile):
                raise ValueError("it holds a single array (.npy), not named arrays (.npz)")
            with loaded:
                arrays = {name: loaded[name] for name in loaded.files}
    except PermissionError:
        raise
    except (
        ValueError,
        OSError,
        EOFError,
        KeyError,
        zipfile.BadZipFile,
        zlib.error,
        pickle.UnpicklingError,
    ) as error:
        raise ValueError(
            f"cannot load {path!r}: not a readable .npz file written by save ({error})"
        ) from None
    if STRUCTURE_KEY not in arrays:
        return arrays
    try:
        structure = json.loads(str(arrays.pop(STRUCTURE_KEY)[()]))
        return _rebuild(structure, arrays)
    except (ValueError, KeyError, TypeError, IndexError) as error:
        raise ValueError(
            f"cannot load {path!r}: its {STRUCTURE_KEY!r} entry is damaged ({error!r})"
        ) from None


# -- writing ----------------------------------------------------------------------------


def _is_flat(state_dict: Mapping[str, Any]) -> bool:
    return all(
        isinstance(key, str) and isinstance(value, (np.ndarray, np.generic, Tensor))
        for key, value in state_dict.items()
    )


def _as_array(key: str, value: Any) -> np.ndarray:
    array = value._data if isinstance(value, Tensor) else np.asarray(value)
    if array.dtype.hasobject:
        raise TypeError(f"cannot save {key!r}: it is an array of Python objects (dtype object)")
    return array


def _put(arrays: dict[str, np.ndarray], key: str, array: np.ndarray) -> None:
    if key == STRUCTURE_KEY and STRUCTURE_KEY not in arrays:
        raise ValueError(f"{STRUCTURE_KEY!r} is reserved and cannot be a key of a saved state dict")
    if key in arrays:
        raise ValueError(f"two entries of the state dict would both be saved as {key!r}")
    arrays[key] = array


def _flatten(value: Any, path: str, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    """Store the leaves of `value` in `arrays` under their paths; return its JSON description."""
    if isinstance(value, Mapping):
        items = []
        for key, child in value.items():
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                raise TypeError(f"cannot save a dict key of type {type(key).__name__} ({key!r}) at {path!r}")
            child_path = f"{path}{SEPARATOR}{key}" if path else str(key)
            items.append([key, _flatten(child, child_path, arrays)])
        return {"kind": "dict", "items": items}
    if isinstance(value, (list, tuple)):
        kind = "tuple" if isinstance(value, tuple) else "list"
        children = [_flatten(child, f"{path}{SEPARATOR}{index}", arrays) for index, child in enumerate(value)]
        return {"kind": kind, "items": children}
    if value is None:
        return {"kind": "none"}
    for kind, python_type in _SCALARS:
        if isinstance(value, python_type):
            try:
                _put(arrays, path, np.array(value))
            except OverflowError:
                raise ValueError(f"cannot save {path!r}: the int {value} does not fit in 64 bits") from None
            return {"kind": kind, "key": path}
    if isinstance(value, (np.ndarray, np.generic, Tensor)):
        _put(arrays, path, _as_array(path, value))
        return {"kind": "array", "key": path}
    raise TypeError(
        f"cannot save {path!r}: a {type(value).__name__} is not an array, Tensor, number, str, "
        "None, list, tuple or dict"
    )


def _write_npz(path: str, arrays: dict[str, np.ndarray]) -> None:
    """The .npz layout NumPy reads: one `<key>.npy` member per array in a zip archive."""
    with open(path, "wb") as file, zipfile.ZipFile(file, "w", zipfile.ZIP_STORED) as archive:
        for key, array in arrays.items():
            with archive.open(key + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)


# -- reading ----------------------------------------------------------------------------


def _rebuild(node: dict[str, Any], arrays: dict[str, np.ndarray]) -> Any:
    kind = node["kind"]
    if kind == "dict":
        return {key: _rebuild(child, arrays) for key, child in node["items"]}
    if kind == "list":
        return [_rebuild(child, arrays) for child in node["items"]]
    if kind == "tuple":
        return tuple(_rebuild(child, arrays) for child in node["items"])
    if kind == "none":
        return None
    if kind == "array":
        return arrays[node["key"]]
    for scalar_kind, python_type in _SCALARS:
        if kind == scalar_kind:
            return python_type(arrays[node["key"]].item())
    raise ValueError(f"unknown entry kind {kind!r}")
