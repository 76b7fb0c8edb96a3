"""A custom torch.autograd.Function: a clipped exponential with a hand-written backward."""

import torch


class ClippedExp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, limit):
        out = torch.exp(x.clamp(max=limit))
        ctx.save_for_backward(x, out)
        ctx.limit = limit
        return out

    @staticmethod
    def backward(ctx, grad_output):
        x, out = ctx.saved_tensors
        grad = grad_output * out * (x <= ctx.limit).float()
        return grad, None


class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return 2 * x * grad_output


x = torch.tensor([-1.0, 0.5, 2.0, 3.0], requires_grad=True)
y = ClippedExp.apply(x, 1.0)
print("forward", y.tolist())
y.sum().backward()
print("grad", x.grad.tolist())

z = torch.tensor([1.0, -3.0], requires_grad=True)
s = Square.apply(z * 2)
(s * torch.tensor([1.0, 0.5])).sum().backward()
print("square grad", z.grad.tolist())
print("grad_fn present", s.grad_fn is not None)
