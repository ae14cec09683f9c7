"""The seed model's training step in PyTorch, for the README's comparison (not part of CI).

nn.LSTM(28, 128) over the 28 rows, nn.Linear(128, 10), cross-entropy, Adam 0.01, batch 100, the
loss and accuracy read back each step as the bench's paths do; timed as `npm run bench` times them:
5 warm-up steps, then the median of 5 repetitions of 10 steps. Needs `torch` (pip install torch).

    python3 bench/pytorch_reference.py [threads]
"""

import statistics
import sys
import time

import torch
from torch import nn

BATCH = 100
STEPS = 10


class SeedModel(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lstm = nn.LSTM(28, 128)  # time-major, as the project's tensors are
        self.dense = nn.Linear(128, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(x)
        return self.dense(out[-1])


def main() -> None:
    if len(sys.argv) > 1:
        torch.set_num_threads(int(sys.argv[1]))
    torch.manual_seed(42)
    model = SeedModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    # Timing only: random images and labels of MNIST's shape.
    images = torch.rand(28, BATCH * STEPS, 28)
    labels = torch.randint(0, 10, (BATCH * STEPS,))

    def step(i: int) -> None:
        rows = slice((i % STEPS) * BATCH, (i % STEPS + 1) * BATCH)
        optimizer.zero_grad()
        logits = model(images[:, rows])
        loss = loss_fn(logits, labels[rows])
        loss.backward()
        optimizer.step()
        _ = (loss.item(), (logits.argmax(1) == labels[rows]).sum().item())  # read back, as the bench's paths do

    for i in range(5):
        step(i)
    reps = []
    for _ in range(5):
        start = time.perf_counter()
        for i in range(STEPS):
            step(i)
        reps.append((time.perf_counter() - start) / STEPS * 1000)
    threads = torch.get_num_threads()
    print(
        f"PyTorch {torch.__version__}, {threads} thread{'' if threads == 1 else 's'}: "
        f"{statistics.median(reps):.2f} ms a step (median of 5 x {STEPS} steps)"
    )


if __name__ == "__main__":
    main()
