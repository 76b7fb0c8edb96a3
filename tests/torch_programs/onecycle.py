"""OneCycleLR: learning rate (and momentum) per batch over a short run."""

import numpy as np
import torch
import torch.nn as nn
from torch.optim.lr_scheduler import OneCycleLR

rng = np.random.default_rng(5)
X = torch.tensor(rng.normal(size=(32, 4)), dtype=torch.float32)
y = X[:, :1] * 2.0 - X[:, 1:2]

model = nn.Linear(4, 1)
with torch.no_grad():
    model.weight.copy_(torch.tensor(rng.normal(size=(1, 4))))
    model.bias.zero_()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
scheduler = OneCycleLR(optimizer, max_lr=0.1, total_steps=12)

lrs, momenta = [], []
for _ in range(12):
    lrs.append(optimizer.param_groups[0]["lr"])
    momenta.append(optimizer.param_groups[0]["momentum"])
    optimizer.zero_grad()
    loss = ((model(X) - y) ** 2).mean()
    loss.backward()
    optimizer.step()
    scheduler.step()
print("lrs", lrs)
print("momenta", momenta)
print("final loss", loss.item())

adam = torch.optim.Adam(model.parameters(), lr=0.001)
cycle = OneCycleLR(adam, max_lr=0.01, epochs=2, steps_per_epoch=3, pct_start=0.5, anneal_strategy="linear")
seen = []
for _ in range(6):
    seen.append(adam.param_groups[0]["lr"])
    adam.step()
    cycle.step()
print("adam linear cycle", seen)
print("betas", adam.param_groups[0]["betas"])
