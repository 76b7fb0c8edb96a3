"""A custom nn.Module (an MLP), its parameters and one backward pass."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class MLP(nn.Module):
    def __init__(self, n_in, n_hidden, n_out):
        super().__init__()
        self.fc1 = nn.Linear(n_in, n_hidden)
        self.fc2 = nn.Linear(n_hidden, n_hidden)
        self.head = nn.Linear(n_hidden, n_out)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = torch.tanh(self.fc2(x))
        return self.head(x)


rng = np.random.default_rng(0)
model = MLP(4, 8, 3)
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.tensor(rng.normal(0.0, 0.5, size=tuple(p.shape))))

for name, p in model.named_parameters():
    print(name, tuple(p.shape), p.requires_grad)
print("parameter count", sum(p.numel() for p in model.parameters()))
print("children", len(list(model.children())))
print("in/out features", model.fc1.in_features, model.fc1.out_features)

x = torch.tensor(rng.normal(size=(5, 4)), dtype=torch.float32)
target = torch.tensor(rng.normal(size=(5, 3)), dtype=torch.float32)
out = model(x)
print("output shape", tuple(out.shape))
print("output row0", out[0].tolist())
loss = F.mse_loss(out, target)
loss.backward()
print("loss", loss.item())
print("fc1.weight.grad[0]", model.fc1.weight.grad[0].tolist())
print("head.bias.grad", model.head.bias.grad.tolist())

model.zero_grad()
print("after zero_grad", model.head.bias.grad is None or model.head.bias.grad.abs().sum().item() == 0.0)
