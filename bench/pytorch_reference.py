"""The seed model's training step in PyTorch, for the README's comparison (not part of CI).

nn.LSTM(28, 128) over the 28 rows, nn.Linear(128, 10), cross-entropy, Adam 0.01, batch 100, the
loss and accuracy read back each step as the bench's paths do; timed as `npm run bench` times them:
warm-up steps, then the median of repetitions of a number of steps. Needs `torch` (pip install
torch); `npm run bench` runs it after its own paths when the Python it finds has torch.

    python3 bench/pytorch_reference.py [--threads N] [--warmup 5] [--reps 5] [--steps 10] [--json]
"""

import argparse
import json
import statistics
import sys
import time

try:
    import torch
    from torch import nn
except ImportError:
    print("torch is not installed for this Python", file=sys.stderr)
    sys.exit(3)

BATCH = 100


class SeedModel(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lstm = nn.LSTM(28, 128)  # time-major, as the project's tensors are
        self.dense = nn.Linear(128, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(x)
        return self.dense(out[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(42)
    model = SeedModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    # Timing only: random images and labels of MNIST's shape.
    images = torch.rand(28, BATCH * args.steps, 28)
    labels = torch.randint(0, 10, (BATCH * args.steps,))

    def step(i: int) -> None:
        rows = slice((i % args.steps) * BATCH, (i % args.steps + 1) * BATCH)
        optimizer.zero_grad()
        logits = model(images[:, rows])
        loss = loss_fn(logits, labels[rows])
        loss.backward()
        optimizer.step()
        _ = (loss.item(), (logits.argmax(1) == labels[rows]).sum().item())  # read back, as the bench's paths do

    for i in range(args.warmup):
        step(i)
    reps = []
    for _ in range(args.reps):
        start = time.perf_counter()
        for i in range(args.steps):
            step(i)
        reps.append((time.perf_counter() - start) / args.steps * 1000)
    ms = statistics.median(reps)
    threads = torch.get_num_threads()
    if args.json:
        print(json.dumps({"version": torch.__version__, "threads": threads, "trainStepMs": ms}))
    else:
        print(f"PyTorch {torch.__version__}, {threads} thread{'' if threads == 1 else 's'}: {ms:.2f} ms a step")


if __name__ == "__main__":
    main()
