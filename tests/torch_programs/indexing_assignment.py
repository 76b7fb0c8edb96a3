"""Indexing (slices, integer arrays, masks) and item assignment."""

import torch

x = torch.arange(12.0).reshape(3, 4)
print("row", x[1].tolist())
print("col", x[:, 2].tolist())
print("slice", x[1:, ::2].tolist())
print("negative", x[-1, -2].item())
print("ellipsis", x[..., 1].tolist())
print("none", tuple(x[None, :, 0].shape))
print("int list", x[[0, 2]].tolist())
print("pairs", x[torch.tensor([0, 1, 2]), torch.tensor([3, 2, 1])].tolist())
print("bool mask", x[x > 6].tolist())

y = x.clone()
y[0] = 100.0
y[1, 1:3] = torch.tensor([-1.0, -2.0])
y[y > 9] = 0.0
y[2][3] = 7.0
print("assigned", y.tolist())
print("original untouched", x[0].tolist())

# Gradients of indexing: repeated indices accumulate.
w = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
idx = torch.tensor([0, 2, 2, 3])
(w[idx] * torch.tensor([1.0, 10.0, 100.0, 1000.0])).sum().backward()
print("index grad", w.grad.tolist())

# Assignment into a non-leaf keeps the graph correct.
a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
b = a * 2
b[1] = 0.0
b.sum().backward()
print("grad after setitem", a.grad.tolist())

# Writing through a view changes the base.
base = torch.zeros(2, 3)
row = base[1]
row[0] = 5.0
row += 1
print("through view", base.tolist())
