"""train()/eval() modes: dropout and batch norm; evaluation under no_grad and inference_mode."""

import numpy as np
import torch
import torch.nn as nn

rng = np.random.default_rng(6)
model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4, 2))
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.tensor(rng.normal(0.0, 0.5, size=tuple(p.shape))))
print("training", model.training, model[3].training)

X = torch.tensor(rng.normal(size=(10, 3)), dtype=torch.float32)
bn = model[1]
# Forward in train mode updates the running statistics (dropout's output is not printed:
# its random mask differs between libraries).
model[3].p = 0.0
for _ in range(3):
    model(X)
print("running_mean", bn.running_mean.tolist())
print("running_var", bn.running_var.tolist())
print("num_batches_tracked", int(bn.num_batches_tracked))

model[3].p = 0.5
model.eval()
print("training after eval()", model.training, model[3].training)
with torch.no_grad():
    out1 = model(X)
with torch.inference_mode():
    out2 = model(X)
print("eval output", out1[:2].tolist())
print("same twice", torch.allclose(out1, out2), out1.requires_grad, out2.requires_grad)
print("running_mean unchanged", bn.running_mean.tolist())

model.train()
print("back to training", model.training)
print("buffers in state_dict", sorted(k for k in model.state_dict() if "running" in k or "num_batches" in k))
