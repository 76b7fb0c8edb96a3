"""max/min over a dimension (values and indices), argmax, topk and sort."""

import torch

x = torch.tensor([[3.0, 7.0, 1.0], [9.0, 2.0, 5.0]], requires_grad=True)
values, indices = x.max(dim=1)
print("max dim1", values.tolist(), indices.tolist())
out = x.min(0)
print("min dim0", out.values.tolist(), out.indices.tolist())
print("torch.max(x, 1)", torch.max(x, 1)[0].tolist())
print("max keepdim", tuple(x.max(dim=1, keepdim=True).values.shape))
print("full max", x.max().item(), "full min", x.min().item())
print("argmax", x.argmax().item(), x.argmax(dim=1).tolist(), x.argmin(dim=0).tolist())
print("elementwise max", torch.max(x, torch.full_like(x, 4.0)).tolist())

(values * torch.tensor([1.0, 10.0])).sum().backward()
print("grad to argmax", x.grad.tolist())

t = torch.tensor([4.0, 1.0, 3.0, 2.0], requires_grad=True)
top = t.topk(2)
print("topk", top.values.tolist(), top.indices.tolist())
s, order = torch.sort(t, descending=True)
print("sort desc", s.tolist(), order.tolist())
print("argsort", t.argsort().tolist())
(top.values * torch.tensor([1.0, 2.0])).sum().backward()
print("grad through topk", t.grad.tolist())

logits = torch.tensor([[0.2, 0.5, 0.3], [0.9, 0.05, 0.05]])
preds = logits.argmax(dim=1)
accuracy = (preds == torch.tensor([1, 0])).float().mean()
print("accuracy", accuracy.item())
