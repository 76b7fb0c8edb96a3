"""In-place operations: add_, sub_, mul_, div_, zero_, fill_, copy_, clamp_ and augmented assignment."""

import torch

t = torch.tensor([1.0, 2.0, 3.0])
same = t
t.add_(1.0)
print("add_", t.tolist(), same is t)
t.mul_(2)
print("mul_", t.tolist())
t.sub_(torch.tensor([1.0, 1.0, 1.0]))
print("sub_", t.tolist())
t.div_(2.0)
print("div_", t.tolist())
t.add_(torch.tensor([10.0, 20.0, 30.0]), alpha=0.1)
print("add_ alpha", t.tolist())
t.clamp_(min=3.0, max=5.0)
print("clamp_", t.tolist())
t.fill_(7.0)
print("fill_", t.tolist())
t.zero_()
print("zero_", t.tolist())

m = torch.zeros(2, 3)
m.copy_(torch.tensor([1.0, 2.0, 3.0]))  # broadcasts
print("copy_ broadcast", m.tolist())
m.copy_(torch.tensor([[1, 2, 3], [4, 5, 6]]))  # casts int64 to float32
print("copy_ cast", m.tolist(), m.dtype == torch.float32)

a = torch.ones(3)
a += 2
a *= torch.tensor([1.0, 2.0, 3.0])
a -= 1
a /= 2
print("augmented", a.tolist())

# In-place on a non-leaf inside the graph (a residual connection).
x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
out = x * 2 + 1
out += x
out.mul_(3)
torch.relu(out).sum().backward()
print("residual grad", x.grad.tolist())

# In-place on a leaf that requires grad is refused outside no_grad.
w = torch.tensor([1.0, 2.0], requires_grad=True)
try:
    w.add_(1.0)
except RuntimeError:
    print("leaf in-place refused")
with torch.no_grad():
    w.add_(1.0)
print("under no_grad", w.tolist(), w.requires_grad)

# Shared memory: detach() and numpy() alias the tensor.
v = torch.tensor([1.0, 2.0])
d = v.detach()
d.mul_(10)
arr = v.numpy()
arr[0] = -1.0
print("shared", v.tolist())
c = v.clone()
c.zero_()
print("clone is separate", v.tolist())
