"""RMSprop (plain, centered, momentum) and Adagrad on a quadratic bowl."""

import torch


def run(make_optimizer, steps=20):
    w = torch.tensor([3.0, -2.0], requires_grad=True)
    scale = torch.tensor([1.0, 10.0])
    opt = make_optimizer([w])
    for _ in range(steps):
        opt.zero_grad()
        loss = (scale * w**2).sum()
        loss.backward()
        opt.step()
    return w.detach(), loss.item()


configs = {
    "rmsprop": lambda p: torch.optim.RMSprop(p, lr=0.05),
    "rmsprop centered": lambda p: torch.optim.RMSprop(p, lr=0.05, centered=True),
    "rmsprop momentum": lambda p: torch.optim.RMSprop(p, lr=0.01, momentum=0.9, weight_decay=0.01),
    "adagrad": lambda p: torch.optim.Adagrad(p, lr=0.5),
    "adagrad decay": lambda p: torch.optim.Adagrad(p, lr=0.5, lr_decay=0.01, initial_accumulator_value=0.1),
    "sgd nesterov": lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9, nesterov=True),
}
for name, make in configs.items():
    w, loss = run(make)
    print(name, w.tolist(), loss)
