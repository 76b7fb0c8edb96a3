"""The classic first tutorial: fit y = 2x + 1 with nn.Linear, MSELoss and SGD."""

import numpy as np
import torch
import torch.nn as nn

x_np = np.linspace(-1, 1, 20, dtype=np.float32).reshape(-1, 1)
y_np = 2 * x_np + 1

x = torch.from_numpy(x_np)
y = torch.from_numpy(y_np)

model = nn.Linear(1, 1)
nn.init.constant_(model.weight, 0.0)
nn.init.zeros_(model.bias)
criterion = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.2)

for epoch in range(40):
    optimizer.zero_grad()
    outputs = model(x)
    loss = criterion(outputs, y)
    loss.backward()
    optimizer.step()
    if (epoch + 1) % 10 == 0:
        print(f"Epoch [{epoch + 1}/40], Loss: {loss.item():.6f}")

print("weight", model.weight.item(), "bias", model.bias.item())
with torch.no_grad():
    predicted = model(torch.tensor([[0.5], [2.0]]))
print("predictions", predicted.squeeze().tolist())
print(model)
