"""CosineAnnealingLR, LambdaLR and ExponentialLR schedules."""

import torch
from torch.optim.lr_scheduler import CosineAnnealingLR, ExponentialLR, LambdaLR

p = torch.zeros(2, requires_grad=True)

opt = torch.optim.SGD([p], lr=0.1)
cosine = CosineAnnealingLR(opt, T_max=10, eta_min=0.001)
values = []
for _ in range(12):
    opt.step()
    cosine.step()
    values.append(cosine.get_last_lr()[0])
print("cosine", values)

opt = torch.optim.Adam([p], lr=0.01)
warmup = LambdaLR(opt, lr_lambda=lambda epoch: min(1.0, (epoch + 1) / 4))
values = [opt.param_groups[0]["lr"]]
for _ in range(6):
    opt.step()
    warmup.step()
    values.append(opt.param_groups[0]["lr"])
print("lambda warmup", values)

opt = torch.optim.SGD([p], lr=0.5)
expo = ExponentialLR(opt, gamma=0.9)
for _ in range(5):
    opt.step()
    expo.step()
print("exponential", expo.get_last_lr())
