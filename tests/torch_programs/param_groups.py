"""Parameter groups with their own learning rates, and add_param_group."""

import torch
import torch.nn as nn

backbone = nn.Linear(3, 3)
head = nn.Linear(3, 1)
with torch.no_grad():
    backbone.weight.copy_(torch.eye(3) * 0.5)
    backbone.bias.zero_()
    head.weight.fill_(0.25)
    head.bias.fill_(0.1)

optimizer = torch.optim.SGD(
    [
        {"params": backbone.parameters()},
        {"params": head.parameters(), "lr": 0.1, "momentum": 0.5},
    ],
    lr=0.01,
)
for i, group in enumerate(optimizer.param_groups):
    print("group", i, "lr", group["lr"], "momentum", group["momentum"], "params", len(group["params"]))

x = torch.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
target = torch.tensor([[1.0], [0.0]])
for step in range(3):
    optimizer.zero_grad()
    loss = ((head(torch.relu(backbone(x))) - target) ** 2).mean()
    loss.backward()
    optimizer.step()
    print("step", step, "loss", loss.item())
print("backbone weight", backbone.weight.tolist())
print("head weight", head.weight.tolist())

extra = torch.tensor([1.0, 1.0], requires_grad=True)
optimizer.add_param_group({"params": [extra], "lr": 0.5})
print("groups", len(optimizer.param_groups), "new lr", optimizer.param_groups[2]["lr"])
optimizer.zero_grad()
(extra**2).sum().backward()
optimizer.step()
print("extra after step", extra.tolist())

for group in optimizer.param_groups:
    group["lr"] *= 0.5
print("halved lrs", [g["lr"] for g in optimizer.param_groups])
