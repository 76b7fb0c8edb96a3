"""create_graph=True and torch.autograd.grad: second derivatives and a gradient penalty."""

import torch

x = torch.tensor(2.0, requires_grad=True)
y = x**4 + torch.sin(x)
(dy,) = torch.autograd.grad(y, x, create_graph=True)
(d2y,) = torch.autograd.grad(dy, x)
print("dy", dy.item(), "d2y", d2y.item())
print("dy requires grad", dy.requires_grad)

# backward with create_graph then differentiate the gradient
w = torch.tensor([1.0, -1.0, 0.5], requires_grad=True)
loss = (w**3).sum() * w.sum()
loss.backward(create_graph=True)
g = w.grad.clone()
w.grad = None
g.pow(2).sum().backward()
print("grad", g.tolist())
print("grad of grad norm", w.grad.tolist())

# Several inputs, grad_outputs and allow_unused.
a = torch.tensor([1.0, 2.0], requires_grad=True)
b = torch.tensor([3.0, 4.0], requires_grad=True)
c = torch.tensor([5.0], requires_grad=True)
out = a * b
ga, gb, gc = torch.autograd.grad(out, (a, b, c), grad_outputs=torch.tensor([1.0, -1.0]), allow_unused=True)
print("ga", ga.tolist(), "gb", gb.tolist(), "gc is None", gc is None)

# WGAN-style gradient penalty on a tiny critic.
critic = torch.nn.Linear(2, 1)
with torch.no_grad():
    critic.weight.copy_(torch.tensor([[0.6, -0.8]]))
    critic.bias.fill_(0.2)
points = torch.tensor([[0.5, 1.0], [-1.0, 2.0]], requires_grad=True)
scores = torch.tanh(critic(points))
(grads,) = torch.autograd.grad(scores.sum(), points, create_graph=True)
penalty = ((grads.norm(dim=1) - 1) ** 2).mean()
penalty.backward()
print("penalty", penalty.item())
print("critic weight grad", critic.weight.grad.tolist())
print("critic bias grad", critic.bias.grad.tolist())

# Third derivative of exp(2x) at 0.
t = torch.tensor(0.0, requires_grad=True)
f = torch.exp(2 * t)
for order in range(3):
    (f,) = torch.autograd.grad(f, t, create_graph=True)
    print("order", order + 1, f.item())
