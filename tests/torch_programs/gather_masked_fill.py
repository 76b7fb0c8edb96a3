"""gather, masked_fill, where and index_select."""

import torch

scores = torch.tensor([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.25, 0.25, 0.5]], requires_grad=True)
labels = torch.tensor([1, 0, 2])
picked = scores.gather(1, labels.unsqueeze(1))
print("gather", tuple(picked.shape), picked.squeeze(1).tolist())
picked.sum().backward()
print("gather grad", scores.grad.tolist())

x = torch.tensor([[1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]], requires_grad=True)
mask = x < 0
print("mask", mask.tolist())
y = x.masked_fill(mask, 0.0)
print("masked_fill", y.tolist())
(y * 2).sum().backward()
print("masked_fill grad", x.grad.tolist())

# A causal attention mask, as in a transformer.
logits = torch.tensor([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])
causal = torch.triu(torch.ones(3, 3, dtype=torch.bool), diagonal=1)
att = logits.masked_fill(causal, float("-inf")).softmax(dim=-1)
print("causal softmax", att.tolist())

a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
b = torch.tensor([10.0, 20.0, 30.0], requires_grad=True)
w = torch.where(a > 1.5, a * a, b)
print("where", w.tolist())
w.sum().backward()
print("where grads", a.grad.tolist(), b.grad.tolist())

t = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
print("index_select", torch.index_select(t, 0, torch.tensor([2, 0])).tolist())
print("index_select dim1", t.index_select(1, torch.tensor([1])).tolist())
