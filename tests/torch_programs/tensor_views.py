"""view, reshape, permute, transpose, t, flatten and contiguous."""

import numpy as np
import torch

x = torch.arange(24, dtype=torch.float32)
a = x.view(2, 3, 4)
print("view", tuple(a.shape), a[1, 2].tolist())
b = a.reshape(4, -1)
print("reshape", tuple(b.shape), b[3].tolist())
c = a.permute(2, 0, 1)
print("permute", tuple(c.shape), c[:, 1, 2].tolist())
d = a.transpose(0, 2)
print("transpose", tuple(d.shape), d[3, 2].tolist())
e = a.flatten(1)
print("flatten(1)", tuple(e.shape))
print("flatten()", tuple(a.flatten().shape))
m = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print("t", m.t().tolist())
print("T", m.T.tolist())
print("contiguous view", m.t().contiguous().view(-1).tolist())
print("size", tuple(a.size()), a.size(1), a.dim(), a.numel())
print("view_as", tuple(torch.zeros(6).view_as(m).shape))

# gradients flow through views
w = torch.tensor(np.arange(6.0), requires_grad=True)
out = (w.view(2, 3).t() * torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], dtype=torch.float64)).sum()
out.backward()
print("grad through view+t", w.grad.tolist())

z = torch.tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
z.permute(1, 0).reshape(2, 6)[1].sum().backward()
print("grad through permute+reshape", z.grad.tolist())
