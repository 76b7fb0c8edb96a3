"""retain_grad on intermediate tensors and tensor hooks."""

import torch

x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
h = x * 2
h.retain_grad()
y = (h**2).sum()
y.backward()
print("h.grad", h.grad.tolist())
print("x.grad", x.grad.tolist())
print("retains_grad", h.retains_grad)

seen = []


def remember(grad):
    seen.append(grad.clone())


def double(grad):
    return grad * 2


a = torch.tensor([0.5, 1.5], requires_grad=True)
handle = a.register_hook(remember)
b = a.register_hook(double)
(a**2).sum().backward()
print("hooked grad", a.grad.tolist())
print("seen", [g.tolist() for g in seen])

handle.remove()
b.remove()
a.grad = None
(a**2).sum().backward()
print("after remove", a.grad.tolist(), len(seen))

# Hook on an intermediate tensor changes what flows further back.
p = torch.tensor([1.0, 2.0], requires_grad=True)
q = p * 3
q.register_hook(lambda g: g * 0.5)
(q * q).sum().backward()
print("p.grad with halving hook", p.grad.tolist())
