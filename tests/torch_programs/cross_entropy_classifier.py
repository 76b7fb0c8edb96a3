"""A three-class classifier with CrossEntropyLoss; accuracy under no_grad."""

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

rng = np.random.default_rng(4)
centers = np.array([[2.0, 0.0], [-2.0, 1.0], [0.0, -2.5]])
labels = np.repeat(np.arange(3), 20)
points = centers[labels] + 0.6 * rng.normal(size=(60, 2))

X = torch.tensor(points, dtype=torch.float32)
y = torch.tensor(labels)
print("label dtype is int64", y.dtype == torch.int64)
loader = DataLoader(TensorDataset(X, y), batch_size=20)

model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.tensor(rng.normal(0.0, 0.3, size=tuple(p.shape))))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

for epoch in range(8):
    model.train()
    running = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        running += loss.item()
    model.eval()
    with torch.no_grad():
        logits = model(X)
        pred = logits.argmax(dim=1)
        acc = (pred == y).float().mean().item()
    print(f"epoch {epoch} loss {running / len(loader):.6f} acc {acc:.4f}")

with torch.no_grad():
    probs = torch.softmax(model(X[:3]), dim=1)
print("probs", probs.tolist())
print("label smoothing", nn.CrossEntropyLoss(label_smoothing=0.1)(model(X), y).item())
