"""torch.nn.functional: activations, softmax family and losses, with gradients."""

import torch
import torch.nn.functional as F

x = torch.tensor([[-2.0, -0.5, 0.0, 0.5, 3.0], [1.0, 2.0, -1.0, 0.25, -3.0]], requires_grad=True)

print("relu", F.relu(x).tolist())
print("gelu", F.gelu(x).tolist())
print("gelu tanh", F.gelu(x, approximate="tanh").tolist())
print("silu", F.silu(x).tolist())
print("leaky_relu", F.leaky_relu(x, 0.1).tolist())
print("elu", F.elu(x).tolist())
print("softplus", F.softplus(x).tolist())
print("sigmoid", torch.sigmoid(x).tolist())
print("softmax", F.softmax(x, dim=1).tolist())
print("softmax dim0", F.softmax(x, dim=0).tolist())
print("log_softmax", F.log_softmax(x, dim=-1).tolist())

target = torch.tensor([4, 1])
ce = F.cross_entropy(x, target)
print("cross_entropy", ce.item())
print("cross_entropy sum", F.cross_entropy(x, target, reduction="sum").item())
print("cross_entropy none", F.cross_entropy(x, target, reduction="none").tolist())
print("nll", F.nll_loss(F.log_softmax(x, dim=1), target).item())
y = torch.tensor([[0.0, 0.5, 1.0, 1.0, 2.0], [1.0, 1.0, 0.0, 0.0, -1.0]])
print("mse", F.mse_loss(x, y).item())
print("l1", F.l1_loss(x, y).item())
print("smooth_l1", F.smooth_l1_loss(x, y).item())
print("bce with logits", F.binary_cross_entropy_with_logits(x, (y > 0.5).float()).item())

total = ce + F.mse_loss(F.gelu(x), y) + F.silu(x).sum() * 0.1 + F.softmax(x, dim=1)[:, 0].sum()
total.backward()
print("total", total.item())
print("grad", x.grad.tolist())
