"""AdamW (decoupled weight decay) and Adam with amsgrad on a small MLP."""

import numpy as np
import torch
import torch.nn as nn


def make_model(rng):
    model = nn.Sequential(nn.Linear(3, 6), nn.Tanh(), nn.Linear(6, 1))
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.tensor(rng.normal(0.0, 0.5, size=tuple(p.shape))))
    return model


rng = np.random.default_rng(2)
X = torch.tensor(rng.normal(size=(40, 3)), dtype=torch.float32)
y = torch.sin(X.sum(dim=1, keepdim=True))

for name in ["adamw", "amsgrad"]:
    model = make_model(np.random.default_rng(3))
    if name == "adamw":
        opt = torch.optim.AdamW(model.parameters(), lr=0.02, weight_decay=0.1)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=0.02, amsgrad=True)
    for _ in range(25):
        opt.zero_grad()
        loss = ((model(X) - y) ** 2).mean()
        loss.backward()
        opt.step()
    print(name, "loss", loss.item())
    print(name, "bias", model[2].bias.item())
    print(name, "weight norm", model[0].weight.norm().item())
    print(name, "defaults", opt.defaults["lr"], opt.defaults["weight_decay"])
