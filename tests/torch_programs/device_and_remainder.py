"""The device idiom (`torch.device`, `.to(device)`, `.cpu().numpy()`) and `%`, `fmod`, one-argument `where`."""

import math

import numpy as np
import torch
import torch.nn as nn

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print("device", str(device), device.type, torch.cuda.device_count())


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 2)

    def forward(self, x):
        return self.fc(x)


rng = np.random.default_rng(7)
model = Net().to(device)
with torch.no_grad():
    model.fc.weight.copy_(torch.tensor(rng.normal(size=(2, 3)), dtype=torch.float32))
    model.fc.bias.copy_(torch.tensor(rng.normal(size=2), dtype=torch.float32))
x = torch.tensor(rng.uniform(-4, 4, size=(5, 3)), dtype=torch.float32).to(device)
y = torch.zeros(5, 2, device=x.device)
print("on", str(x.device), x.is_cuda, str(next(model.parameters()).device))

out = model(x)
wrapped = out % 1.5  # the sign of the divisor, as Python's %
loss = ((wrapped - y) ** 2).mean() + torch.fmod(out, 2.0).abs().mean()
loss.backward()
print("loss", loss.item())
print("weight grad", model.fc.weight.grad.cpu().numpy().round(6).tolist())

steps = torch.arange(-6, 7)
print("int %", (steps % 4).tolist(), (steps % -4).tolist(), (7 % torch.tensor([3, -3])).tolist())
print("remainder/fmod", torch.remainder(steps, 3).tolist(), torch.fmod(steps, 3).tolist())
print("methods", steps.remainder(5).tolist(), steps.fmod(5).tolist(), (steps % 2.5).tolist())
print("float % 0", [math.isnan(v) for v in (torch.tensor([1.0, -2.0]) % 0).tolist()])

a = torch.tensor([5.5, -5.5, 7.25], dtype=torch.float64, requires_grad=True)
b = torch.tensor([2.0, 2.0, -3.0], dtype=torch.float64, requires_grad=True)
(torch.remainder(a, b) * torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)).sum().backward()
print("remainder grads", a.grad.tolist(), b.grad.tolist())
a.grad, b.grad = None, None
torch.fmod(a, b).sum().backward()
print("fmod grads", a.grad.tolist(), b.grad.tolist())

counter = torch.tensor([10, 11, 12, 13])
counter %= 3
print("in place", counter.tolist())

mask = (steps % 3) == 0
rows = torch.where(mask)
print("where(mask)", len(rows), rows[0].tolist())
grid = torch.tensor([[0, 1], [2, 0]])
print("where 2-d", [r.tolist() for r in torch.where(grid)])
print("back on cpu", model.cpu() is model, x.cpu() is x, x.cpu().numpy().shape)
