"""Tensor factories: zeros, ones, full, arange, linspace, eye, *_like, from_numpy."""

import numpy as np
import torch

print("zeros", torch.zeros(2, 3).tolist())
print("zeros tuple", tuple(torch.zeros((2, 4)).shape))
print("ones", torch.ones(3).tolist())
print("full", torch.full((2, 2), 3.5).tolist())
print("full int", torch.full((2,), 7).tolist(), torch.full((2,), 7).dtype == torch.int64)
print("arange", torch.arange(5).tolist())
print("arange start stop step", torch.arange(1.0, 2.0, 0.25).tolist())
print("arange dtype", torch.arange(3, dtype=torch.float32).tolist())
print("linspace", torch.linspace(0, 1, steps=5).tolist())
print("linspace negative", torch.linspace(-2.0, 2.0, 4).tolist())
print("eye", torch.eye(3).tolist())
print("eye rect", torch.eye(2, 3).tolist())
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
print("zeros_like", torch.zeros_like(x).tolist())
print("ones_like", torch.ones_like(x).tolist())
print("full_like", torch.full_like(x, -1.0).tolist())
print("empty shape", tuple(torch.empty(3, 2).shape))
print("tril", torch.tril(torch.ones(3, 3)).tolist())
print("triu", torch.ones(3, 3).triu(diagonal=1).tolist())

arr = np.arange(6, dtype=np.float32).reshape(2, 3)
shared = torch.from_numpy(arr)
arr[0, 0] = 100.0
print("from_numpy shares memory", shared[0, 0].item())
copied = torch.tensor(arr)
arr[0, 1] = 200.0
print("torch.tensor copies", copied[0, 1].item())

p = torch.full((3,), 2.0, requires_grad=True)
(p * p).sum().backward()
print("factory requires_grad", p.grad.tolist())
z = torch.zeros(2, requires_grad=True, dtype=torch.float64)
print("zeros requires_grad", z.requires_grad, z.dtype == torch.float64)
print("scalar", torch.tensor(3.0).item(), torch.tensor(3.0).dim())
