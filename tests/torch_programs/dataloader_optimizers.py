"""One DataLoader training loop per optimizer, over a custom Dataset and a TensorDataset."""

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset, TensorDataset


class Waves(Dataset):
    """x in R^2 -> sin(x0) + cos(x1), from a NumPy table."""

    def __init__(self, n):
        rng = np.random.default_rng(11)
        self.x = rng.uniform(-2, 2, size=(n, 2)).astype(np.float32)
        self.y = (np.sin(self.x[:, :1]) + np.cos(self.x[:, 1:])).astype(np.float32)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, index):
        return torch.from_numpy(self.x[index]), torch.from_numpy(self.y[index])


def make_model():
    rng = np.random.default_rng(12)
    model = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 1))
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.tensor(rng.normal(0.0, 0.5, size=tuple(p.shape))))
    return model


waves = Waves(48)
print("dataset", len(waves), tuple(waves[0][0].shape), tuple(waves[0][1].shape))
table = TensorDataset(torch.from_numpy(waves.x), torch.from_numpy(waves.y))
x0, y0 = table[3]
print("tensor dataset item", x0.tolist(), y0.tolist())

optimizers = {
    "SGD": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=1e-4),
    "Adam": lambda p: torch.optim.Adam(p, lr=0.01),
    "AdamW": lambda p: torch.optim.AdamW(p, lr=0.01),
    "RMSprop": lambda p: torch.optim.RMSprop(p, lr=0.005),
    "Adagrad": lambda p: torch.optim.Adagrad(p, lr=0.1),
}
for name, make in optimizers.items():
    for source in (waves, table):
        model = make_model()
        optimizer = make(model.parameters())
        loader = DataLoader(source, batch_size=12, shuffle=False, drop_last=True)
        criterion = nn.MSELoss()
        for _ in range(3):
            for xb, yb in loader:
                optimizer.zero_grad()
                loss = criterion(model(xb), yb)
                loss.backward()
                optimizer.step()
        with torch.no_grad():
            full = criterion(model(torch.from_numpy(waves.x)), torch.from_numpy(waves.y)).item()
        print(name, type(source).__name__, "batches", len(loader), "loss", full)
