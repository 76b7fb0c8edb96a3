"""cat, stack, split, chunk and unbind, with gradients."""

import torch

a = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
b = torch.tensor([[5.0, 6.0]], requires_grad=True)

c = torch.cat([a, b], dim=0)
print("cat dim0", tuple(c.shape), c.tolist())
print("cat dim1", torch.cat([a, a], dim=1).tolist())
s = torch.stack([a, a * 2], dim=1)
print("stack dim1", tuple(s.shape), s.tolist())

(c * torch.tensor([[1.0], [2.0], [3.0]])).sum().backward()
print("a.grad", a.grad.tolist(), "b.grad", b.grad.tolist())

x = torch.arange(10.0, requires_grad=True)
parts = x.split(4)
print("split(4) sizes", [len(p) for p in parts])
parts2 = torch.split(x, [2, 3, 5])
print("split([2,3,5])", [p.tolist() for p in parts2])
chunks = x.chunk(3)
print("chunk(3) sizes", [p.shape[0] for p in chunks])
loss = sum((i + 1) * p.sum() for i, p in enumerate(parts))
loss.backward()
print("x.grad via split", x.grad.tolist())

m = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
rows = m.unbind(0)
cols = torch.unbind(m, dim=1)
print("unbind rows", [r.tolist() for r in rows])
print("unbind cols", [c.tolist() for c in cols])
halves = torch.chunk(m, 2, dim=1)
print("chunk dim1", [h.tolist() for h in halves])
