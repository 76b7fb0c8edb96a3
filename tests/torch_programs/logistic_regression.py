"""Binary logistic regression with BCEWithLogitsLoss and BCELoss on sigmoid outputs."""

import numpy as np
import torch
import torch.nn as nn

rng = np.random.default_rng(10)
X = rng.normal(size=(40, 2)).astype(np.float32)
labels = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(np.float32)
inputs = torch.from_numpy(X)
targets = torch.from_numpy(labels).unsqueeze(1)


class LogisticRegression(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 1)

    def forward(self, x):
        return self.linear(x)


model = LogisticRegression()
with torch.no_grad():
    model.linear.weight.copy_(torch.tensor([[0.1, -0.1]]))
    model.linear.bias.zero_()
criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
for _ in range(15):
    optimizer.zero_grad()
    logits = model(inputs)
    loss = criterion(logits, targets)
    loss.backward()
    optimizer.step()
print("loss", loss.item())
print("weight", model.linear.weight.tolist(), "bias", model.linear.bias.item())

with torch.no_grad():
    probs = torch.sigmoid(model(inputs))
    predicted = (probs > 0.5).float()
    accuracy = (predicted == targets).sum().item() / targets.shape[0]
print("accuracy", accuracy)
bce = nn.BCELoss()(probs, targets)
print("bce on probabilities", bce.item())
weighted = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.0]))(model(inputs), targets)
print("pos_weight loss", weighted.item())
