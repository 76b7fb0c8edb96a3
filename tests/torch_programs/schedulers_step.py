"""StepLR and MultiStepLR inside a training loop."""

import torch
import torch.nn as nn
from torch.optim.lr_scheduler import MultiStepLR, StepLR

model = nn.Linear(2, 1)
with torch.no_grad():
    model.weight.fill_(0.5)
    model.bias.fill_(0.0)
x = torch.tensor([[1.0, 2.0], [3.0, -1.0]])
y = torch.tensor([[1.0], [2.0]])

optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
scheduler = StepLR(optimizer, step_size=3, gamma=0.5)
print("initial_lr", optimizer.param_groups[0]["initial_lr"])
for epoch in range(8):
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    optimizer.step()
    scheduler.step()
    print("epoch", epoch, "lr", scheduler.get_last_lr()[0], "loss", loss.item())

w = torch.zeros(1, requires_grad=True)
opt2 = torch.optim.SGD([w], lr=1.0, momentum=0.9)
multi = MultiStepLR(opt2, milestones=[2, 5], gamma=0.1)
lrs = []
for _ in range(7):
    opt2.step()
    multi.step()
    lrs.append(opt2.param_groups[0]["lr"])
print("multistep", lrs)
print("last", multi.get_last_lr())
