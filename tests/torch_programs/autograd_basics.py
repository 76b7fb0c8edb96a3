"""Autograd basics: requires_grad, backward, .grad, leaves and grad_fn."""

import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
w = torch.tensor(0.5, requires_grad=True)
y = w * x**2 + 3 * x
loss = y.sum()
loss.backward()

print("loss", loss.item())
print("x.grad", x.grad.tolist())  # 2 * w * x + 3
print("w.grad", w.grad.item())  # sum(x ** 2)
print("leaves", x.is_leaf, w.is_leaf, y.is_leaf)
print("grad_fn is set", y.grad_fn is not None, x.grad_fn is None)
print("requires_grad", y.requires_grad, torch.tensor([1.0]).requires_grad)

# A chain of elementwise functions.
a = torch.tensor([0.1, -0.4, 0.7], requires_grad=True)
b = (torch.sin(a) * torch.exp(a) + torch.tanh(a) ** 2).mean()
b.backward()
print("b", b.item())
print("a.grad", a.grad.tolist())

# Matrix product.
m = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
v = torch.tensor([0.5, -1.0], requires_grad=True)
out = (m @ v).pow(2).sum()
out.backward()
print("out", out.item())
print("m.grad", m.grad.tolist())
print("v.grad", v.grad.tolist())
