"""One AdamW training step of the names example's character transformer (two pre-LayerNorm
blocks of causal multi-head attention and an MLP), float32, against the same model in
PyTorch with the same weights. There is no hand-written NumPy floor for this one: the
table's ratio column stays empty and the engine / PyTorch ratio is in the row's note.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np

import autograd_lite as al
import nn.functional as F
import optim

from .timing import Row, measure

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "names_transformer.py"
VOCAB, LR, WEIGHT_DECAY = 27, 3e-3, 0.05


def _example():
    """The example module (its folder goes on sys.path for its `_common` import)."""
    folder = str(EXAMPLE.parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location("names_transformer", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def batch(size: int, length: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, VOCAB, (size, length + 1))
    return ids[:, :-1], ids[:, 1:]


def _torch_step(model, inputs: np.ndarray, targets: np.ndarray, width: int, heads: int):
    """The same transformer in PyTorch, with `model`'s weights (the state dict moves as is)."""
    import torch

    class Block(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.norm1 = torch.nn.LayerNorm(width)
            self.attention = torch.nn.MultiheadAttention(width, heads, batch_first=True)
            self.norm2 = torch.nn.LayerNorm(width)
            self.mlp = torch.nn.Sequential(
                torch.nn.Linear(width, 4 * width),
                torch.nn.GELU(),
                torch.nn.Linear(4 * width, width),
            )

        def forward(self, x, mask):
            h = self.norm1(x)
            x = x + self.attention(h, h, h, attn_mask=mask, need_weights=False, is_causal=True)[0]
            return x + self.mlp(self.norm2(x))

    class Transformer(torch.nn.Module):
        def __init__(self, block):
            super().__init__()
            self.token = torch.nn.Embedding(VOCAB, width)
            self.position = torch.nn.Embedding(block, width)
            self.blocks = torch.nn.ModuleList([Block() for _ in range(len(model.blocks))])
            self.norm = torch.nn.LayerNorm(width)
            self.head = torch.nn.Linear(width, VOCAB)

        def forward(self, ids, mask):
            x = self.token(ids) + self.position(torch.arange(ids.shape[1]))
            for block in self.blocks:
                x = block(x, mask)
            return self.head(self.norm(x))

    twin = Transformer(model.position.num_embeddings)
    twin.load_state_dict({k: torch.tensor(v) for k, v in model.state_dict().items()})
    optimizer = torch.optim.AdamW(twin.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)
    length = inputs.shape[1]
    mask = torch.tensor(np.triu(np.ones((length, length), dtype=bool), 1))
    ids, labels = torch.tensor(inputs), torch.tensor(targets.reshape(-1))

    def step():
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(twin(ids, mask).reshape(-1, VOCAB), labels)
        loss.backward()
        optimizer.step()
        return loss

    return step, twin


def _engine_step(model, inputs: np.ndarray, targets: np.ndarray):
    optimizer = optim.AdamW(model.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)
    labels = targets.reshape(-1)

    def step():
        optimizer.zero_grad()
        loss = F.cross_entropy(model(inputs).reshape((-1, VOCAB)), labels)
        loss.backward()
        optimizer.step()
        return loss

    return step


def _check_same_loss(model, twin, inputs: np.ndarray, targets: np.ndarray) -> None:
    import torch

    with al.no_grad():
        ours = F.cross_entropy(model(inputs).reshape((-1, VOCAB)), targets.reshape(-1)).item()
    with torch.no_grad():
        mask = torch.tensor(model.mask[: inputs.shape[1], : inputs.shape[1]])
        logits = twin(torch.tensor(inputs), mask)
        theirs = torch.nn.functional.cross_entropy(
            logits.reshape(-1, VOCAB), torch.tensor(targets.reshape(-1))
        )
    if not np.isclose(ours, theirs.item(), rtol=1e-4):
        raise AssertionError(f"transformer: engine loss {ours} differs from PyTorch's {theirs.item()}")


def run(quick: bool, repeats: int, torch_ok: bool) -> list[Row]:
    example = _example()
    sizes = ((8, 8, 32),) if quick else ((128, 9, 64), (32, 13, 64))  # (batch, length, width)
    rows = []
    for size, length, width in sizes:
        al.manual_seed(0)
        model = example.CharTransformer(VOCAB, 14, width=width)
        inputs, targets = batch(size, length)
        candidates = {"engine": _engine_step(model, inputs, targets)}
        if torch_ok:
            candidates["torch"], twin = _torch_step(model, inputs, targets, width, 4)
            _check_same_loss(model, twin, inputs, targets)
        times = measure(candidates, repeats)
        row = Row(
            f"transformer AdamW step, batch {size}x{length}, width {width}",
            times["engine"],
            None,
            times.get("torch"),
            unit="ms",
            target="<= 2.00x PyTorch" if torch_ok else "",
        )
        if torch_ok:
            ratio = times["engine"] / times["torch"]
            row.met = ratio <= 2.0
            row.note = f"{ratio:.2f}x PyTorch (no NumPy floor for this model)"
        rows.append(row)
    return rows
