"""var and std: unbiased by default, unbiased=False, correction, dim and keepdim."""

import numpy as np
import torch

rng = np.random.default_rng(0)
x = torch.tensor(rng.normal(size=(4, 5)), dtype=torch.float32, requires_grad=True)

print("var", x.var().item())
print("var unbiased=False", x.var(unbiased=False).item())
print("var correction=0", x.var(correction=0).item())
print("std", x.std().item())
print("var dim0", x.var(dim=0).tolist())
print("std dim1 keepdim", x.std(dim=1, keepdim=True).tolist())
print("torch.var", torch.var(x, dim=1).tolist())
print("torch.std unbiased False", torch.std(x, dim=0, unbiased=False).tolist())

loss = x.std(dim=1).sum() + x.var()
loss.backward()
print("loss", loss.item())
print("grad row0", x.grad[0].tolist())

# Standardize features as in preprocessing.
feats = torch.tensor(rng.normal(2.0, 3.0, size=(8, 3)), dtype=torch.float32)
mean = feats.mean(dim=0, keepdim=True)
std = feats.std(dim=0, keepdim=True)
z = (feats - mean) / std
print("standardized mean", z.mean(dim=0).abs().max().item() < 1e-5)
print("standardized std", z.std(dim=0).tolist())
