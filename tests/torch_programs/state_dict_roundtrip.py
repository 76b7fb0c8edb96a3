"""state_dict / load_state_dict round trips for models and optimizers."""

import numpy as np
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(3, 5), nn.ReLU())
        self.norm = nn.BatchNorm1d(5)
        self.out = nn.Linear(5, 2)

    def forward(self, x):
        return self.out(self.norm(self.encoder(x)))


rng = np.random.default_rng(7)
a = Net()
with torch.no_grad():
    for p in a.parameters():
        p.copy_(torch.tensor(rng.normal(size=tuple(p.shape))))
X = torch.tensor(rng.normal(size=(6, 3)), dtype=torch.float32)
a(X)  # updates running statistics
a.eval()

sd = a.state_dict()
print("keys", list(sd.keys()))
print("shapes", [tuple(v.shape) for v in sd.values()])

b = Net()
result = b.load_state_dict(a.state_dict())
print("missing", list(result.missing_keys), "unexpected", list(result.unexpected_keys))
b.eval()
with torch.no_grad():
    print("same outputs", torch.allclose(a(X), b(X)))
    print("output", b(X)[0].tolist())

partial = {k: v for k, v in a.state_dict().items() if k.startswith("out.")}
res = Net().load_state_dict(partial, strict=False)
print("non-strict missing", sorted(res.missing_keys))

try:
    Net().load_state_dict(partial)
except RuntimeError:
    print("strict load raised RuntimeError")

opt = torch.optim.Adam(a.parameters(), lr=0.01)
a.train()
loss = a(X).pow(2).mean()
loss.backward()
opt.step()
osd = opt.state_dict()
print("optimizer state entries", len(osd["state"]), "lr", osd["param_groups"][0]["lr"])
opt2 = torch.optim.Adam(b.parameters(), lr=0.5)
opt2.load_state_dict(osd)
print("loaded lr", opt2.param_groups[0]["lr"])
