"""Hand-written gradient descent: updates under no_grad, through .data, and grad.zero_()."""

import numpy as np
import torch

rng = np.random.default_rng(9)
X = torch.from_numpy(rng.normal(size=(30, 2)).astype(np.float32))
y = X @ torch.tensor([3.0, -1.0]) + 2.0

w = torch.zeros(2, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr = 0.1
for step in range(20):
    pred = X @ w + b
    loss = ((pred - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad.zero_()
    b.grad.zero_()
    if step % 5 == 4:
        print("step", step, "loss", loss.item())
print("w", w.tolist(), "b", b.tolist())

# The same with .data, as older tutorials write it.
w2 = torch.zeros(2, requires_grad=True)
for _ in range(20):
    loss = ((X @ w2 + 2.0 - y) ** 2).mean()
    loss.backward()
    w2.data -= lr * w2.grad.data
    w2.grad.data.zero_()
print("w2", w2.tolist(), "loss", loss.item())

# Parameters of a module updated through p.data.
layer = torch.nn.Linear(2, 1)
with torch.no_grad():
    layer.weight.zero_()
    layer.bias.zero_()
for _ in range(10):
    layer.zero_grad()
    loss = ((layer(X).squeeze(1) - y) ** 2).mean()
    loss.backward()
    for p in layer.parameters():
        p.data.add_(p.grad, alpha=-lr)
print("layer", layer.weight.tolist(), layer.bias.tolist(), "loss", loss.item())
print("is leaf still", layer.weight.is_leaf, w.is_leaf)
