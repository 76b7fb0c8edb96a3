"""Reductions with dim and keepdim: sum, mean, prod, cumsum, norm, amax, logsumexp."""

import numpy as np
import torch

data = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.5]], dtype=np.float32)
x = torch.tensor(data, requires_grad=True)

print("sum", x.sum().item())
print("sum dim0", x.sum(dim=0).tolist())
print("sum dim1 keepdim", x.sum(dim=1, keepdim=True).tolist())
print("sum (0,1)", x.sum(dim=(0, 1)).item())
print("mean dim=-1", x.mean(dim=-1).tolist())
print("mean keepdim shape", tuple(x.mean(1, keepdim=True).shape))
print("prod dim1", x.prod(dim=1).tolist())
print("cumsum dim1", x.cumsum(dim=1).tolist())
print("norm", x.norm().item())
print("norm dim1", x.norm(dim=1).tolist())
print("norm p=1", x.norm(p=1).item())
print("amax dim0", x.amax(dim=0).tolist())
print("amin", x.amin().item())
print("logsumexp dim1", torch.logsumexp(x, dim=1).tolist())
print("torch.sum dim", torch.sum(x, dim=1).tolist())
print("torch.mean", torch.mean(x).item())

loss = x.mean(dim=1, keepdim=True).pow(2).sum() + x.norm(dim=0).sum() + x.prod(dim=1).sum()
loss.backward()
print("loss", loss.item())
print("grad", x.grad.tolist())

b = torch.tensor([[True, False], [True, True]])
print("all any", b.all().item(), b.any().item(), b.all(dim=1).tolist())
