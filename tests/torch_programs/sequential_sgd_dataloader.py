"""nn.Sequential trained with SGD (momentum) over a DataLoader."""

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

rng = np.random.default_rng(0)
X = rng.normal(size=(64, 3)).astype(np.float32)
true_w = np.array([[1.5], [-2.0], [0.5]], dtype=np.float32)
Y = X @ true_w + 0.3 + 0.01 * rng.normal(size=(64, 1)).astype(np.float32)

dataset = TensorDataset(torch.from_numpy(X), torch.from_numpy(Y))
loader = DataLoader(dataset, batch_size=16, shuffle=False)
print("dataset size", len(dataset), "batches", len(loader))

model = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 1))
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.tensor(rng.normal(0.0, 0.4, size=tuple(p.shape))))
print("len", len(model), "first layer", type(model[0]).__name__)

criterion = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

for epoch in range(5):
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * xb.shape[0]
    print("epoch", epoch, "loss", total / len(dataset))

with torch.no_grad():
    final = criterion(model(torch.from_numpy(X)), torch.from_numpy(Y)).item()
print("final loss", final)
print("weight[0]", model[2].weight[0].tolist())
