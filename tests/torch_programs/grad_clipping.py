"""Gradient clipping by norm and by value."""

import torch
import torch.nn as nn

model = nn.Linear(3, 2)
with torch.no_grad():
    model.weight.copy_(torch.tensor([[1.0, -2.0, 3.0], [0.5, 0.5, -1.0]]))
    model.bias.copy_(torch.tensor([0.1, -0.1]))
x = torch.tensor([[10.0, 20.0, -5.0], [3.0, 1.0, 2.0]])

loss = (model(x) ** 2).sum()
loss.backward()
print("grad before", model.weight.grad.tolist())
total = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
print("total norm", total.item())
norm_after = torch.sqrt(sum((p.grad**2).sum() for p in model.parameters()))
print("norm after", norm_after.item())
print("weight grad after", model.weight.grad.tolist())

model.zero_grad()
(model(x) ** 2).sum().backward()
torch.nn.utils.clip_grad_value_(model.parameters(), clip_value=5.0)
print("clipped by value", model.weight.grad.tolist(), model.bias.grad.tolist())

model.zero_grad()
(model(x) ** 2).sum().backward()
inf_norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=10.0, norm_type=float("inf"))
print("inf norm", inf_norm.item())
print("max abs grad", model.weight.grad.abs().max().item())

# A training step with clipping.
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for _ in range(3):
    opt.zero_grad()
    loss = (model(x) ** 2).mean()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 2.0)
    opt.step()
    print("loss", loss.item())
