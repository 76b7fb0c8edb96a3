"""dtypes: float(), double(), long(), to(), dtype= and promotion."""

import numpy as np
import torch

a = torch.tensor([1.5, 2.5, -3.7])
print("default float32", a.dtype == torch.float32)
d = a.double()
print("double", d.dtype == torch.float64, d.tolist())
print("float again", d.float().dtype == torch.float32)
as_long = a.long()
print("long truncates", as_long.tolist(), as_long.dtype == torch.int64)
print("int", a.int().tolist(), a.int().dtype == torch.int32)
print("to float64", a.to(torch.float64).dtype == torch.float64)
print("to(dtype=)", a.to(dtype=torch.double).dtype == torch.float64)
print("type", a.type(torch.float64).dtype == torch.float64)
print("bool", torch.tensor([0.0, 1.0, -2.0]).bool().tolist())

i = torch.tensor([1, 2, 3])
print("int tensor", i.dtype == torch.int64)
print("int / int is float", (i / 2).dtype == torch.float32, (i / 2).tolist())
print("int + float tensor", (i + a).dtype == torch.float32)
print("float32 + float64", (a + d).dtype == torch.float64)
print("float32 * python float", (a * 2.5).dtype == torch.float32)
print("int * python float", (i * 0.5).dtype == torch.float32)
print("type_as", i.type_as(d).dtype == torch.float64)

x = torch.tensor([0.1, 0.2], dtype=torch.float64, requires_grad=True)
y = (x * 3).sum()
y.backward()
print("float64 grad dtype", x.grad.dtype == torch.float64, x.grad.tolist())

f = torch.zeros(2, 2, dtype=torch.float64)
print("zeros float64", f.dtype == torch.float64)
n = torch.from_numpy(np.array([1.0, 2.0]))
print("from_numpy float64", n.dtype == torch.float64)
print("from_numpy int32", torch.from_numpy(np.array([1, 2], dtype=np.int32)).dtype == torch.int32)
print("numpy dtype", a.numpy().dtype == np.float32)
print("new_zeros", a.new_zeros(2, 3).dtype == torch.float32, tuple(a.new_ones(4).shape))

try:
    torch.tensor([1, 2], requires_grad=True)
except RuntimeError:
    print("integer requires_grad refused")

torch.set_default_dtype(torch.float64)
print(
    "default now float64",
    torch.tensor([1.0]).dtype == torch.float64,
    torch.get_default_dtype() == torch.float64,
)
torch.set_default_dtype(torch.float32)
