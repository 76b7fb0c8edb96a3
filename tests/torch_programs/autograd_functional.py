"""torch.autograd.functional: jacobian, hessian, vjp, jvp, hvp and vhp."""

import torch
from torch.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp


def f(x):
    return torch.stack([x[0] ** 2 * x[1], torch.sin(x[1]) + x[0]])


def energy(x):
    return (x**3).sum() + x[0] * x[1]


x = torch.tensor([1.0, 2.0])
print("jacobian", jacobian(f, x).tolist())
print("hessian", hessian(energy, x).tolist())

out, grad = vjp(f, x, torch.tensor([1.0, -1.0]))
print("vjp", out.tolist(), grad.tolist())
out, tangent = jvp(f, x, torch.tensor([0.5, 1.0]))
print("jvp", out.tolist(), tangent.tolist())
value, product = hvp(energy, x, torch.tensor([1.0, 0.0]))
print("hvp", value.item(), product.tolist())
value, product = vhp(energy, x, torch.tensor([0.0, 1.0]))
print("vhp", value.item(), product.tolist())


def pair(a, b):
    return (a * b).sum(), a - b


a = torch.tensor([1.0, 2.0, 3.0])
b = torch.tensor([0.5, 0.5, -1.0])
jac = jacobian(pair, (a, b))
print("jacobian of pair", [[tuple(j.shape) for j in row] for row in jac])
print("d sum / d a", jac[0][0].tolist())
print("d (a-b) / d b", jac[1][1].tolist())

h = hessian(lambda v: (v**2).prod(), torch.tensor([1.0, 2.0, 3.0]))
print("hessian of prod", h.tolist())
g = jacobian(lambda v: v.softmax(dim=0), torch.tensor([0.1, 0.2, 0.7]), create_graph=True)
print("softmax jacobian", g.tolist())
