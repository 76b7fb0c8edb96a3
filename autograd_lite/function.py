"""Graph nodes. `Function` is what users subclass (as `torch.autograd.Function`);
`Op` is its array-level form, which every built-in operation uses.

A node is the `grad_fn` of the tensor its forward produced. It holds its input
tensors (`inputs`, `None` where no gradient is needed) and what its forward saved;
it never refers to its own output, so graphs are freed by reference counting.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from . import grad_mode, inplace

# Set by tensor.py (which imports this module) to avoid an import cycle.
Tensor: Any = None

_FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or to read saved values after "
    "they were freed): the arrays saved by '{name}' were released by an earlier backward. "
    "Specify retain_graph=True in the first backward() or autograd_lite.grad() call if "
    "you need to backward through the graph again."
)


class Function:
    """A differentiable operation with a hand-written derivative.

    Subclass it with two static methods and call it with `apply`:

    >>> import autograd_lite as al
    >>> class Cube(al.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x * x * x
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         (x,) = ctx.saved_tensors
    ...         return grad * 3 * x * x
    >>> x = al.tensor(2.0, requires_grad=True)
    >>> Cube.apply(x).backward(); x.grad.item()
    12.0

    `forward` receives the arguments given to `apply` (tensors as tensors, with
    grad mode off) and returns a Tensor; `backward` receives the gradient of the
    output as a Tensor and returns one gradient (or None) per argument of `forward`.
    """

    # _first, _second, _arity: the input tensors (see `inputs`). A node with one or two
    # inputs (nearly all) keeps them in slots rather than in a tuple of its own: in a big
    # graph every tuple is one more object for the cycle collector to walk, again and again.
    # _arity is 1 or 2 then, and 0 when _first holds the tuple of any other number of inputs.
    # guard: read-only guards on arrays user code can reach (see inplace.py), or None.
    # calls: the module calls that returned this node's output (module_calls.py), or None.
    __slots__ = (
        "_first", "_second", "_arity", "saved", "hooks", "retained", "out_index", "created", "guard", "calls",
    )  # fmt: skip

    #: short op name shown as `grad_fn.name` and by `draw_graph`.
    name: str = "function"

    #: whether `backward` takes and returns arrays (built-in ops) rather than Tensors.
    takes_arrays: bool = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" not in cls.__dict__ and not cls.__module__.startswith("autograd_lite"):
            cls.name = cls.__name__

    # -- the context interface used inside forward/backward ---------------------

    def save_for_backward(self, *values: Any) -> None:
        """Keep `values` (tensors or arrays) for `backward`."""
        self.saved = values

    @property
    def saved_tensors(self) -> tuple:
        """What `save_for_backward` kept; RuntimeError once a backward has freed it."""
        saved = self.saved
        if saved is None:
            raise RuntimeError(_FREED_MESSAGE.format(name=self.name))
        return saved

    @property
    def inputs(self) -> tuple:
        """One entry per forward argument: the input Tensor, or None where no gradient is needed."""
        arity = self._arity
        if arity == 2:
            return (self._first, self._second)
        return (self._first,) if arity == 1 else self._first

    @inputs.setter
    def inputs(self, inputs: tuple) -> None:
        count = len(inputs)
        if count == 2:
            self._first, self._second = inputs
            self._arity = 2
        elif count == 1:
            self._first = inputs[0]
            self._arity = 1
        else:
            self._first = tuple(inputs)
            self._arity = 0

    @property
    def needs_input_grad(self) -> tuple[bool, ...]:
        """One bool per forward argument: whether its gradient is needed."""
        return tuple(t is not None for t in self.inputs)

    def __repr__(self) -> str:
        return f"<{self.name}>"

    # -- the user-level protocol: tensors in, tensors out ------------------------

    @staticmethod
    def forward(ctx: Any, *args: Any) -> Any:
        raise NotImplementedError("Function subclasses must define forward(ctx, *args)")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError("Function subclasses must define backward(ctx, *grad_outputs)")

    @classmethod
    def apply(cls, *args: Any) -> Any:
        """Run `forward` on `args` and record the node when any input requires grad."""
        inputs = []
        needs_grad = False
        for arg in args:
            if isinstance(arg, Tensor) and arg.requires_grad:
                inputs.append(arg)
                needs_grad = True
            else:
                inputs.append(None)
        ctx = cls.__new__(cls)
        ctx.inputs = tuple(inputs)
        ctx.saved = ()
        ctx.hooks = None
        ctx.retained = None
        ctx.guard = None
        ctx.calls = None
        with grad_mode.no_grad():
            result = cls.forward(ctx, *args)
        if isinstance(result, tuple):
            raise TypeError(f"{cls.__name__}.forward must return a single Tensor, got a tuple")
        data = result._data if isinstance(result, Tensor) else np.asarray(result)
        if needs_grad and grad_mode._state.enabled:
            if data.dtype.kind != "f":
                raise TypeError(
                    f"{cls.__name__}.forward returned dtype {data.dtype}; only floating "
                    "outputs can require grad"
                )
            if ctx.saved:
                inplace.guard_function(ctx)
            if _anomaly_hook is not None:
                _anomaly_hook(ctx, data)
            return Tensor._make(data, ctx)
        return Tensor._make(data, None)

    def _run_backward(self, grad: Any, create_graph: bool) -> tuple:
        """Call `backward` with Tensor gradients, returning one array per input."""
        grad_tensor = grad if isinstance(grad, Tensor) else Tensor._make(grad, None)
        grads = type(self).backward(self, grad_tensor)
        if not isinstance(grads, tuple):
            grads = (grads,)
        if len(grads) != len(self.inputs):
            raise RuntimeError(
                f"{type(self).__name__}.backward returned {len(grads)} gradients, "
                f"expected {len(self.inputs)} (one per forward argument)"
            )
        if create_graph:
            return grads
        return tuple(g._data if isinstance(g, Tensor) else g for g in grads)


class Op(Function):
    """A built-in operation: `forward` and `backward` take and return NumPy arrays.

    `forward(ctx, *arrays, **options)` receives each Tensor argument's array and any
    other argument as given. `backward(ctx, grad)` returns one gradient per
    positional argument (a bare value for one argument) with the argument's shape
    or broadcastable to it: the engine sums broadcast dimensions away and casts to
    the input's dtype, so rules never mention broadcasting.

    Rules are written with NumPy operators, methods and ufuncs. With
    `create_graph=True` the engine passes Tensors instead of arrays (the saved
    inputs and output become the graph's own tensors); NumPy dispatches the same
    expressions to differentiable operations, so one rule serves both.
    """

    __slots__ = ()

    takes_arrays = True

    @classmethod
    def apply(cls, *args: Any, **options: Any) -> Any:
        ctx = _new_object(cls)
        ctx.saved = ()
        # This runs once per operation, so its own cost is the per-op overhead on small
        # arrays: one- and two-argument calls (nearly all of them) skip the general loop.
        # `*_outside` / `reachable`: the arrays of arguments whose memory user code can reach
        # (leaves' arrays and NumPy arrays); what the node keeps of them is made read-only.
        if len(args) == 2 and not options:
            a, b = args
            a_input = b_input = a_outside = b_outside = None
            if isinstance(a, Tensor):
                if a._requires_grad:
                    a_input = a
                if a.grad_fn is None:
                    a_outside = a._data
                a = a._data
            elif a.__class__ is _ndarray:
                a_outside = a
            if isinstance(b, Tensor):
                if b._requires_grad:
                    b_input = b
                if b.grad_fn is None:
                    b_outside = b._data
                b = b._data
            elif b.__class__ is _ndarray:
                b_outside = b
            result = cls.forward(ctx, a, b)
            needs_grad = a_input is not None or b_input is not None
            arity = 2
        elif len(args) == 1 and not options and isinstance(args[0], Tensor):
            x = args[0]
            result = cls.forward(ctx, x._data)
            needs_grad = x._requires_grad
            a_input = x if needs_grad else None
            a_outside = x._data if x.grad_fn is None else None
            b_outside = None
            arity = 1
        else:
            arrays = []
            input_list = []
            reachable = []
            needs_grad = False
            for arg in args:
                if isinstance(arg, Tensor):
                    arrays.append(arg._data)
                    if arg.grad_fn is None:
                        reachable.append(arg._data)
                    if arg._requires_grad:
                        input_list.append(arg)
                        needs_grad = True
                        continue
                else:
                    if arg.__class__ is _ndarray:
                        reachable.append(arg)
                    arrays.append(arg)
                input_list.append(None)
            result = cls.forward(ctx, *arrays, **options)
            arity = -1
        # NumPy returns scalars for 0-d results; a Tensor always holds an ndarray.
        out = result if result.__class__ is _ndarray else np.asarray(result)
        if needs_grad and _grad_state.enabled:
            if arity == 2:
                ctx._first = a_input
                ctx._second = b_input
                ctx._arity = 2
            elif arity == 1:
                ctx._first = a_input
                ctx._arity = 1
            else:
                ctx.inputs = input_list
            ctx.hooks = None
            ctx.retained = None
            ctx.guard = None
            ctx.calls = None
            saved = ctx.saved
            if saved:
                for value in saved:
                    if value is result:
                        _note_saved_output(ctx, saved, result, out)
                        break
            if saved or out.base is not None:
                if arity < 0:
                    if reachable:
                        inplace.guard_op(ctx, reachable, out)
                elif a_outside is not None:
                    inplace.guard_op(ctx, [a_outside] if b_outside is None else [a_outside, b_outside], out)
                elif b_outside is not None:
                    inplace.guard_op(ctx, [b_outside], out)
            if _anomaly_hook is not None:
                _anomaly_hook(ctx, out)
            return _make_tensor(out, ctx)
        return _make_tensor(out, None)

    def _run_backward(self, grad: Any, create_graph: bool) -> tuple:
        if not create_graph:
            grads = type(self).backward(self, grad)
            return grads if type(grads) is tuple else (grads,)
        # Swap in the graph's tensors for the saved arrays for the time of the rule.
        saved = self.saved
        if saved is None:
            raise RuntimeError(_FREED_MESSAGE.format(name=self.name))
        self.saved = self._saved_as_tensors(saved)
        try:
            grads = type(self).backward(self, grad)
        finally:
            self.saved = saved
        return grads if type(grads) is tuple else (grads,)

    def _saved_as_tensors(self, saved: tuple) -> tuple:
        out_index = getattr(self, "out_index", -1)
        converted = []
        for position, value in enumerate(saved):
            if type(value) is not np.ndarray:
                converted.append(value)
            elif position == out_index:
                # The output tensor itself is not referenced by its node (no cycle);
                # a new tensor on the same array and node stands for it.
                converted.append(Tensor._make(value, self))
            else:
                for tensor in self.inputs:
                    if tensor is not None and tensor._data is value:
                        converted.append(tensor)
                        break
                else:
                    converted.append(value)  # a constant such as a mask
        return tuple(converted)


def _note_saved_output(ctx: Op, saved: tuple, result: Any, out: np.ndarray) -> None:
    """Record where `forward` saved its own result (the node's output) in `saved`."""
    for position, value in enumerate(saved):
        if value is result:
            ctx.out_index = position
            if value is not out:
                ctx.saved = saved[:position] + (out,) + saved[position + 1 :]


_new_object = object.__new__
_ndarray = np.ndarray
_make_tensor: Any = None  # Tensor._make, set by tensor.py
# The per-thread grad-mode flag (one object for the process; its attribute is per thread).
_grad_state = grad_mode._state

# Anomaly mode installs a callable here; None keeps the hot path free of checks.
_anomaly_hook: Callable[[Any, np.ndarray], None] | None = None

