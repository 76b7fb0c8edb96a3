"""squeeze, unsqueeze, expand, expand_as and repeat."""

import torch

x = torch.zeros(2, 1, 3, 1)
print("squeeze()", tuple(x.squeeze().shape))
print("squeeze(1)", tuple(x.squeeze(1).shape))
print("squeeze(0) keeps", tuple(x.squeeze(0).shape))
print("unsqueeze(0)", tuple(x.unsqueeze(0).shape))
print("unsqueeze(-1)", tuple(x.unsqueeze(-1).shape))

v = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
e = v.unsqueeze(0).expand(4, -1)
print("expand", tuple(e.shape), e[2].tolist())
(e * torch.arange(4.0).unsqueeze(1)).sum().backward()
print("grad through expand", v.grad.tolist())

col = torch.tensor([[1.0], [2.0]], requires_grad=True)
big = torch.ones(2, 5)
ea = col.expand_as(big)
print("expand_as", tuple(ea.shape), ea.tolist())

r = col.repeat(2, 3)
print("repeat", tuple(r.shape), r.tolist())
r.sum().backward()
print("grad through repeat", col.grad.tolist())

w = torch.tensor([1.0, 2.0])
print("repeat 1-d", w.repeat(3).tolist())
print("repeat with new dim", tuple(w.repeat(2, 2, 1).shape))
