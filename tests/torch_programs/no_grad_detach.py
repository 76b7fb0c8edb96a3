"""no_grad, inference_mode, detach and set_grad_enabled."""

import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)

with torch.no_grad():
    y = x * 2
print("no_grad result requires grad:", y.requires_grad)
print("grad enabled inside?", torch.is_grad_enabled())

with torch.inference_mode():
    z = x + 1
print("inference_mode result requires grad:", z.requires_grad, z.tolist())

d = x.detach()
print("detached requires grad:", d.requires_grad, d.tolist())

# detach stops gradient flow through one branch
loss = (x * x.detach()).sum()
loss.backward()
print("grad through one branch only", x.grad.tolist())


@torch.no_grad()
def evaluate(t):
    return (t**2).sum()


r = evaluate(x)
print("decorated no_grad", r.item(), r.requires_grad)

with torch.set_grad_enabled(False):
    s = x * 3
print("set_grad_enabled(False)", s.requires_grad)
with torch.no_grad():
    with torch.enable_grad():
        e = x * 3
print("enable_grad inside no_grad", e.requires_grad)
