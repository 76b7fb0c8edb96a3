"""Module forward hooks and forward pre-hooks: capturing and changing activations."""

import numpy as np
import torch
import torch.nn as nn

rng = np.random.default_rng(8)
model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.tensor(rng.normal(size=tuple(p.shape))))

activations = {}


def save_output(name):
    def hook(module, inputs, output):
        activations[name] = output.detach()

    return hook


handles = [model[i].register_forward_hook(save_output(f"layer{i}")) for i in range(3)]
x = torch.tensor([[1.0, -1.0, 0.5], [0.0, 2.0, -0.5]])
y = model(x)
print("captured", sorted(activations))
print("relu out", activations["layer1"].tolist())
print("fraction active", (activations["layer1"] > 0).float().mean().item())
for h in handles:
    h.remove()
activations.clear()
model(x)
print("after remove", len(activations))


def scale_input(module, inputs):
    return (inputs[0] * 2,)


def add_one(module, inputs, output):
    return output + 1


pre = model[0].register_forward_pre_hook(scale_input)
post = model[2].register_forward_hook(add_one)
z = model(x)
print("with hooks", z.tolist())
pre.remove()
post.remove()
print("without hooks", model(x).tolist())
print("same as original", torch.allclose(model(x), y))

names = [name for name, _ in model.named_modules()]
print("named_modules", len(names))
