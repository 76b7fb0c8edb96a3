"""ReduceLROnPlateau driven by a validation metric."""

import torch
from torch.optim.lr_scheduler import ReduceLROnPlateau

w = torch.tensor([1.0], requires_grad=True)
optimizer = torch.optim.SGD([w], lr=1.0)
scheduler = ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=2)

val_losses = [1.0, 0.9, 0.95, 0.93, 0.92, 0.91, 0.91, 0.5, 0.6, 0.6, 0.6, 0.6]
for epoch, val in enumerate(val_losses):
    optimizer.step()
    scheduler.step(val)
    print("epoch", epoch, "val", val, "lr", optimizer.param_groups[0]["lr"])

opt2 = torch.optim.Adam([w], lr=0.1)
maxer = ReduceLROnPlateau(opt2, mode="max", factor=0.1, patience=0, threshold=0.01, min_lr=0.0005)
for acc in [0.5, 0.6, 0.6, 0.605, 0.7, 0.7, 0.7, 0.7]:
    opt2.step()
    maxer.step(acc)
    print("acc", acc, "lr", opt2.param_groups[0]["lr"])
