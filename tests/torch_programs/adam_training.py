"""Linear regression trained with Adam."""

import numpy as np
import torch
import torch.nn as nn

rng = np.random.default_rng(1)
X = torch.tensor(rng.normal(size=(50, 2)), dtype=torch.float32)
y = X @ torch.tensor([2.0, -1.0]) + 0.5

model = nn.Linear(2, 1)
with torch.no_grad():
    model.weight.copy_(torch.tensor([[0.1, 0.2]]))
    model.bias.fill_(0.0)

optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
loss_fn = nn.MSELoss()
for step in range(30):
    optimizer.zero_grad()
    loss = loss_fn(model(X).squeeze(1), y)
    loss.backward()
    optimizer.step()
    if step % 5 == 0:
        print("step", step, "loss", loss.item())

print("weight", model.weight.tolist())
print("bias", model.bias.item())
state = optimizer.state[model.weight]
print("adam step count", int(state["step"]))
print("exp_avg", state["exp_avg"].tolist())
print("exp_avg_sq", state["exp_avg_sq"].tolist())
