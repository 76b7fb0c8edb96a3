"""Gradients accumulate across backward calls until they are zeroed."""

import torch

w = torch.tensor([1.0, -2.0], requires_grad=True)
x = torch.tensor([3.0, 4.0])

for step in range(3):
    loss = (w * x).sum() ** 2
    loss.backward()
    print("step", step, "grad", w.grad.tolist())

w.grad.zero_()
print("after zero_", w.grad.tolist())

loss = (w**3).sum()
loss.backward(retain_graph=True)
print("first", w.grad.tolist())
loss.backward()
print("second (accumulated)", w.grad.tolist())

w.grad = None
(w * w).sum().backward()
print("after reset to None", w.grad.tolist())

# backward with an explicit gradient for a non-scalar output
v = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = v * v
y.backward(torch.tensor([0.1, 1.0, 10.0]))
print("vector-Jacobian product", v.grad.tolist())
