"""Graph nodes. `Function` is what users subclass (as `torch.autograd.Function`); `Op` is
its array-level form, which every built-in operation uses.

A node is the `grad_fn` of the tensor its forward produced. Its `inputs` are the graph's
edges, one per forward argument: the node that produced the argument, the argument itself
if it is a leaf, or None where no gradient is needed (`input_tensors(node)` gives them as
Tensors). A node holds its output's array (`out`) and what its forward saved, but no
Tensor it did not take as a leaf: intermediate Tensors live only as long as the user
keeps them, and graphs are freed by reference counting alone. Tensor arguments that need
no gradient (a batch of data, targets) are leaves too; a node keeps weak references to
them in `data_inputs`, so that drawings and narrations can show where the data came in
while the data exists (`data_tensors(node)`), without a graph keeping a batch alive.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from . import anomaly, grad_mode, inplace
from .tensor import Tensor

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or to read saved values after "
    "they were freed): the arrays saved by '{name}' were released by an earlier backward. "
    "Specify retain_graph=True in the first backward() or autograd_lite.grad() call if "
    "you need to backward through the graph again."
)

_weak = weakref.ref
_grad_state = grad_mode._state  # the per-thread flag, read once per operation


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

    `forward` receives the arguments given to `apply` (tensors as tensors, with grad mode
    off) and returns a Tensor; `backward` receives the gradient of the output as a Tensor
    and returns one gradient (or None) per argument of `forward`.
    """

    # inputs: one edge per forward argument: the node that produced it, the leaf Tensor
    # itself, or None (no gradient needed).
    # data_inputs: one entry per forward argument, a weak reference to the Tensor where a
    # Tensor that needs no gradient was passed (data, targets), else None; unset when none.
    # out: the output's array (its shape and dtype are the gradient's; create_graph reads it).
    # saved: what forward saved; None once a backward freed it (inplace.RAN if it was empty).
    # guards: what protects the saved values from in-place changes (inplace.py), or None.
    # _hooks: hooks and retain_grad() of the output tensor (tensor.Hooks), or None.
    # created: where anomaly mode saw the node created, or None.
    # out_index: where in `saved` forward put its own result (-1: nowhere).
    __slots__ = (
        "inputs",
        "data_inputs",
        "out",
        "saved",
        "guards",
        "_hooks",
        "created",
        "out_index",
        "output_name",
        "__weakref__",
    )

    #: short op name shown as `grad_fn.name` and by `draw_graph`.
    name: str = "function"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" not in cls.__dict__ and not cls.__module__.startswith("autograd_lite"):
            cls.name = cls.__name__

    # -- the context interface used inside forward/backward ---------------------

    def save_for_backward(self, *values: Any) -> None:
        """Keep `values` (tensors or arrays) for `backward`, where `ctx.saved_tensors` returns
        them; they are freed after a backward that does not retain the graph."""
        self.saved = values

    @property
    def saved_tensors(self) -> tuple:
        """What `save_for_backward` kept; RuntimeError once a backward has freed it."""
        if self.saved is None:
            raise RuntimeError(FREED_MESSAGE.format(name=self.name))
        return self.saved

    @property
    def retained(self) -> Any:
        """A weak reference to the output tensor if it called `retain_grad()`, else None."""
        return None if self._hooks is None else self._hooks.retained

    @property
    def needs_input_grad(self) -> tuple[bool, ...]:
        """One bool per forward argument: whether its gradient is needed."""
        return tuple(t is not None for t in self.inputs)

    def __repr__(self) -> str:
        return f"<{self.name}>"

    # -- the user-level protocol: tensors in, tensors out ------------------------

    @staticmethod
    def forward(ctx: Any, *args: Any) -> Any:
        """Compute the output from `args` (override it as a staticmethod).

        Args:
            ctx: the graph node; `ctx.save_for_backward(...)` keeps values for `backward`,
                `ctx.needs_input_grad` tells which arguments need a gradient.
            args: the arguments given to `apply`, Tensors as Tensors; runs with grad mode
                off. Returns a single Tensor.
        """
        raise NotImplementedError("Function subclasses must define forward(ctx, *args)")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        """Return d(loss)/d(argument) for every argument of `forward` (override it as a
        staticmethod): a tuple with one Tensor, array or None per argument (a bare value for
        one argument), each of its argument's shape or broadcastable to it.

        Args:
            ctx: the node; `ctx.saved_tensors` holds what `forward` saved.
            grad_outputs: the gradient of the output, a Tensor (in a graph of its own under
                `create_graph=True`, so rules written with Tensor operations differentiate again).
        """
        raise NotImplementedError("Function subclasses must define backward(ctx, *grad_outputs)")

    @classmethod
    def apply(cls, *args: Any) -> Tensor:
        """Run `forward` on `args` and record the node when an input requires grad.

        Args:
            args: passed to `forward` as given (Tensors, arrays, numbers, options).

        Returns:
            `forward`'s Tensor; with a `grad_fn` (this node) when grad mode is on and a
            Tensor argument requires grad.
        """
        inputs = tuple(_edge(a) if isinstance(a, Tensor) and a._requires_grad else None for a in args)
        ctx = cls.__new__(cls)
        ctx.inputs, ctx.saved = inputs, ()  # forward may read needs_input_grad and save
        with grad_mode.no_grad():
            result = cls.forward(ctx, *args)
        if not isinstance(result, Tensor):
            raise TypeError(
                f"{cls.__name__}.forward must return a single Tensor, got {type(result).__name__}"
            )
        if not (any(t is not None for t in inputs) and _grad_state.enabled):
            return Tensor._make(result._data, None)
        if result._data.dtype.kind != "f":
            raise TypeError(
                f"{cls.__name__}.forward returned dtype {result.dtype}; only floating outputs can require grad"
            )
        _start(ctx, inputs, result._data)
        _note_used(args)
        _note_data(ctx, args)
        if ctx.saved:
            inplace.guard_function(ctx)
        if anomaly.active:
            anomaly.check_forward(ctx, result._data)
        return Tensor._make(result._data, ctx)

    def run_rule(self, grad: Any, create_graph: bool) -> tuple:
        """Call `backward` on the output's gradient: one gradient (or None) per input,
        arrays unless `create_graph` (then Tensors in a graph of their own)."""
        grads = type(self).backward(self, grad if isinstance(grad, Tensor) else Tensor._make(grad, None))
        if not isinstance(grads, tuple):
            grads = (grads,)
        if len(grads) != len(self.inputs):
            raise RuntimeError(
                f"{type(self).__name__}.backward returned {len(grads)} gradients, "
                f"expected {len(self.inputs)} (one per forward argument)"
            )
        if create_graph:
            return tuple(
                g if g is None or isinstance(g, Tensor) else Tensor._make(np.asarray(g), None) for g in grads
            )
        # Gradients a user's rule returns may be tensors it keeps: copies, never shared.
        return tuple(None if g is None else np.array(g._data if isinstance(g, Tensor) else g) for g in grads)


class Op(Function):
    """A built-in operation: `forward` and `backward` take and return NumPy arrays.

    `forward(ctx, *arrays, **options)` receives each Tensor argument's array and any other
    argument as given. `backward(ctx, grad)` returns one gradient per positional argument
    (a bare value for one argument) with the argument's shape or broadcastable to it: the
    engine sums broadcast dimensions away and casts to the input's dtype, so rules never
    mention broadcasting.

    Rules are written with NumPy operators, methods and ufuncs. With `create_graph=True`
    the engine passes Tensors instead of arrays (the saved inputs and output become the
    graph's own tensors); NumPy dispatches the same expressions to differentiable
    operations, so one rule serves both.
    """

    __slots__ = ()

    @classmethod
    def apply(cls, *args: Any, **options: Any) -> Tensor:
        # This runs once per operation: its own cost is the per-op overhead on small arrays.
        # Two arguments (most ops) are written out here, without lists or further calls:
        # 15% less time per op on the (16,) elementwise chain (median of five runs: 5.77 ->
        # 4.90 us forward+backward).
        if len(args) != 2 or options:
            return _apply_any(cls, args, options)
        a, b = args
        a_tensor, b_tensor = isinstance(a, Tensor), isinstance(b, Tensor)
        ctx = _new_node(cls)
        ctx.saved = ()
        result = cls.forward(ctx, a._data if a_tensor else a, b._data if b_tensor else b)
        # NumPy returns scalars for 0-d results; a Tensor always holds an ndarray.
        out = result if result.__class__ is np.ndarray else np.asarray(result)
        a_needs = a_tensor and a._requires_grad
        b_needs = b_tensor and b._requires_grad
        if not (a_needs or b_needs) or not _grad_state.enabled:
            return Tensor._make(out, None)
        a_node = a.grad_fn if a_needs else None
        b_node = b.grad_fn if b_needs else None
        ctx.inputs = (a_node or (a if a_needs else None), b_node or (b if b_needs else None))
        ctx.out = out
        ctx.guards = ctx._hooks = ctx.created = None
        ctx.out_index = -1
        if a_node is not None:
            a._used = True
        if b_node is not None:
            b._used = True
        if a_tensor != a_needs or b_tensor != b_needs:
            ctx.data_inputs = (
                _weak(a) if a_tensor and not a_needs else None,
                _weak(b) if b_tensor and not b_needs else None,
            )
        if ctx.saved or out.base is not None:
            _after_saving(ctx, args, result, out)
        if anomaly.active:
            anomaly.check_forward(ctx, out)
        return Tensor._make(out, ctx)

    def run_rule(self, grad: Any, create_graph: bool) -> tuple:
        if not create_graph:
            grads = self.backward(self, grad)
            if grads.__class__ is not tuple:
                grads = (grads,)
            if len(grads) != len(self.inputs):
                raise RuntimeError(
                    f"backward of '{self.name}' returned {len(grads)} gradients for {len(self.inputs)} inputs"
                )
            return grads
        # The rule runs on the graph's tensors in place of the saved arrays, so NumPy's
        # dispatch records what it computes.
        saved = self.saved_tensors
        self.saved = self._saved_as_tensors(saved)
        try:
            grads = type(self).backward(self, grad)
        finally:
            self.saved = saved
        grads = grads if grads.__class__ is tuple else (grads,)
        if len(grads) != len(self.inputs):
            raise RuntimeError(
                f"backward of '{self.name}' returned {len(grads)} gradients for {len(self.inputs)} inputs"
            )
        # A rule may compute some gradients from constants only: they join the graph too.
        return tuple(
            g if g is None or isinstance(g, Tensor) else Tensor._make(np.asarray(g), None) for g in grads
        )

    def _saved_as_tensors(self, saved: tuple) -> tuple:
        converted = []
        for position, value in enumerate(saved):
            if position == self.out_index:
                # The node does not refer to its output tensor (that would be a cycle);
                # a new tensor on the same array and node stands for it.
                value = Tensor._make(value, self)
            elif value.__class__ is np.ndarray:
                value = self._input_of(value)
            converted.append(value)
        return tuple(converted)

    def _input_of(self, array: np.ndarray) -> Any:
        """The graph's tensor for a saved array that is an input's, or the array (a constant)."""
        for edge in self.inputs:
            if edge is None:
                continue
            if isinstance(edge, Tensor):
                if edge._data is array:
                    return edge
            elif edge.out is array:
                return Tensor._make(array, edge)
        return array


def _apply_any(cls: type, args: tuple, options: dict) -> Tensor:
    """`Op.apply` for any number of arguments."""
    if len(args) == 1 and not options and isinstance(args[0], Tensor):
        return _apply_one(cls, args[0])
    arrays = []
    needs_grad = False
    for arg in args:
        if isinstance(arg, Tensor):
            arrays.append(arg._data)
            needs_grad = needs_grad or arg._requires_grad
        else:
            arrays.append(arg)
    ctx = _new_node(cls)
    ctx.saved = ()
    result = cls.forward(ctx, *arrays, **options)
    out = result if result.__class__ is np.ndarray else np.asarray(result)
    if not (needs_grad and _grad_state.enabled):
        return Tensor._make(out, None)
    inputs = []
    for arg in args:
        inputs.append(_edge(arg) if isinstance(arg, Tensor) and arg._requires_grad else None)
    _start(ctx, tuple(inputs), out)
    _note_used(args)
    _note_data(ctx, args)
    if ctx.saved or out.base is not None:
        _after_saving(ctx, args, result, out)
    if anomaly.active:
        anomaly.check_forward(ctx, out)
    return Tensor._make(out, ctx)


def _apply_one(cls: type, x: Tensor) -> Tensor:
    """`Op.apply` for one Tensor argument (the elementwise functions), written out without
    lists: 5% less time per op on the (16,) elementwise chain (median of five runs: 5.14 ->
    4.90 us forward+backward)."""
    ctx = _new_node(cls)
    ctx.saved = ()
    result = cls.forward(ctx, x._data)
    out = result if result.__class__ is np.ndarray else np.asarray(result)
    if not (x._requires_grad and _grad_state.enabled):
        return Tensor._make(out, None)
    if x.grad_fn is None:
        _start(ctx, (x,), out)
    else:
        _start(ctx, (x.grad_fn,), out)
        x._used = True
    if ctx.saved or out.base is not None:
        _after_saving(ctx, (x,), result, out)
    if anomaly.active:
        anomaly.check_forward(ctx, out)
    return Tensor._make(out, ctx)


def _start(ctx: Function, inputs: tuple, out: np.ndarray) -> None:
    """Make `ctx` the graph node of the array `out`, with these edges as inputs."""
    ctx.inputs = inputs
    ctx.out = out
    ctx.guards = ctx._hooks = ctx.created = None
    ctx.out_index = -1


def _edge(tensor: Tensor) -> Any:
    """The graph edge to a tensor that requires grad: its node, or the leaf itself."""
    return tensor if tensor.grad_fn is None else tensor.grad_fn


def _note_used(args: tuple) -> None:
    # A non-leaf an op has taken as an input cannot be changed in place with grad mode on
    # any more: the op may have saved its values (see ops/in_place.py).
    for arg in args:
        if isinstance(arg, Tensor) and arg.grad_fn is not None:
            arg._used = True


def _note_data(ctx: Function, args: tuple) -> None:
    """Keep the Tensor arguments that need no gradient (see `data_tensors`)."""
    data = tuple(_weak(a) if isinstance(a, Tensor) and not a._requires_grad else None for a in args)
    if any(ref is not None for ref in data):
        ctx.data_inputs = data


def data_tensors(node: Function) -> tuple:
    """`node`'s Tensor arguments that need no gradient (the data and targets it was given)
    that still exist, one entry per forward argument with None elsewhere; `()` when there
    were none. The graph holds them weakly: data the user dropped is None here.

    >>> import autograd_lite as al
    >>> w, x = al.ones(2, requires_grad=True), al.tensor([1.0, 2.0])
    >>> [t is x for t in data_tensors((w * x).grad_fn)]
    [False, True]
    """
    refs = getattr(node, "data_inputs", ())
    return tuple(None if ref is None else ref() for ref in refs)


def input_tensors(node: Function) -> tuple:
    """`node`'s inputs as Tensors (None where no gradient is needed): leaves as they are,
    and for an input an op produced, a Tensor on that op's output array and node (the
    user's own Tensor object is not kept by the graph)."""
    return tuple(
        edge if edge is None or isinstance(edge, Tensor) else output_of(edge) for edge in node.inputs
    )


def output_of(node: Function) -> Tensor:
    """A Tensor standing for `node`'s output: its array, its node, and the name the output
    was given (the graph keeps no Tensor objects of its own).

    >>> import autograd_lite as al
    >>> y = al.ones(2, requires_grad=True) * 3
    >>> output_of(y.grad_fn).tolist()
    [3.0, 3.0]
    """
    tensor = Tensor._make(node.out, node)
    tensor.name = getattr(node, "output_name", None)
    return tensor


def _after_saving(ctx: Op, args: tuple, result: Any, out: np.ndarray) -> None:
    """For a node that saved values or whose output is a view: note where forward saved its
    own result (create_graph needs it), and guard what the node keeps of memory that user
    code can reach (the arrays of leaf tensors and NumPy arguments; see inplace.py)."""
    saved = ctx.saved
    for position, value in enumerate(saved):
        if value is result:
            ctx.out_index = position
            if value is not out:  # a NumPy scalar, now wrapped: save the wrapped array
                ctx.saved = saved[:position] + (out,) + saved[position + 1 :]
            break
    reachable = []
    for arg in args:
        if isinstance(arg, Tensor):
            if arg.grad_fn is None:
                reachable.append(arg._data)
        elif arg.__class__ is np.ndarray:
            reachable.append(arg)
    if reachable:
        inplace.guard_saved(ctx, out, reachable)


_new_node = object.__new__
