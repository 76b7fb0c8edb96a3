"""Containers: Sequential (runs its layers in order) and ModuleList (holds layers)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Iterable, Iterator

from .module import Module


def _position(index: Any, length: int, owner: str) -> int:
    if not isinstance(index, int) or isinstance(index, bool):
        raise TypeError(f"{owner} indices must be integers or slices, not {type(index).__name__}")
    if not -length <= index < length:
        raise IndexError(f"index {index} is out of range for {owner} of length {length}")
    return index % length


def _view(container: Module, items: list) -> Module:
    """A new container of the same type holding `items` ((name, module) pairs) without
    adopting them: the layers keep their parent, hence their parameters' names."""
    view = type(container)()
    for name, module in items:
        view._register(2, name, module, adopt=False)
    return view


class Sequential(Module):
    """Calls its modules in order, each on the previous one's output.

    `Sequential(a, b, c)` names them "0", "1", "2"; `Sequential(OrderedDict(...))` uses
    the given names. Indexing with an int gives a module, with a slice a new Sequential.

    >>> import autograd_lite as al, nn
    >>> model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    >>> len(model), model(al.ones((3, 4))).shape
    (3, (3, 2))
    """

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for name, module in modules[0].items():
                self.add_module(name, module)
        else:
            for index, module in enumerate(modules):
                self.add_module(str(index), module)

    def forward(self, x: Any) -> Any:
        for module in self._modules.values():
            x = module(x)
        return x

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return _view(self, list(self._modules.items())[index])
        return list(self._modules.values())[_position(index, len(self), "Sequential")]

    def __setitem__(self, index: int, module: Module) -> None:
        key = list(self._modules)[_position(index, len(self), "Sequential")]
        self.add_module(key, module)

    def append(self, module: Module) -> Sequential:
        """Add `module` at the end (named by its position); returns self.

        >>> import nn
        >>> len(nn.Sequential(nn.Linear(2, 2)).append(nn.ReLU()))
        2
        """
        self.add_module(str(len(self)), module)
        return self


class ModuleList(Module):
    """A list of modules whose parameters are registered (named "0", "1", ...).

    >>> import nn
    >>> layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    >>> len(layers), len(list(layers.parameters()))
    (3, 6)
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return _view(self, [(str(i), m) for i, m in enumerate(list(self._modules.values())[index])])
        return self._modules[str(_position(index, len(self), "ModuleList"))]

    def __setitem__(self, index: int, module: Module) -> None:
        self.add_module(str(_position(index, len(self), "ModuleList")), module)

    def append(self, module: Module) -> ModuleList:
        """Add `module` at the end; returns self.

        >>> import nn
        >>> len(nn.ModuleList().append(nn.ReLU()))
        1
        """
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Append each of `modules`; returns self.

        >>> import nn
        >>> len(nn.ModuleList([nn.ReLU()]).extend([nn.Tanh(), nn.Sigmoid()]))
        3
        """
        if isinstance(modules, Module) and not isinstance(modules, ModuleList):
            raise TypeError("ModuleList.extend expects an iterable of modules, got a single module")
        for module in modules:
            self.append(module)
        return self

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("ModuleList has no forward(); iterate over it in your own forward")

    def __repr__(self) -> str:
        # As PyTorch: a run of children that print alike is one line, "(0-2): 3 x Linear(...)".
        texts = [repr(module).replace("\n", "\n  ") for module in self._modules.values()]
        if not texts:
            return "ModuleList()"
        lines = []
        start = 0
        for end in range(1, len(texts) + 1):
            if end == len(texts) or texts[end] != texts[start]:
                count = end - start
                if count == 1:
                    lines.append(f"({start}): {texts[start]}")
                else:
                    lines.append(f"({start}-{end - 1}): {count} x {texts[start]}")
                start = end
        return "ModuleList(\n  " + "\n  ".join(lines) + "\n)"
