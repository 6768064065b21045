#!/usr/bin/python3
"""Trains the reference Deep_Emotion on a FER2013 CSV with the Python project's recipe, for
`scripts/bench quality` to set beside `emotion train`.

The recipe: Adam, CrossEntropyLoss, a DataLoader that shuffles the Training rows every epoch, pixels
normalised as ToTensor + Normalize((0.5,), (0.5,)) do, torch.manual_seed(SEED) before the model is
built. Training uses the Training rows, validation the PublicTest rows, in the file's order, the
rows `emotion train` takes (its reader maps PublicTest to validation; PrivateTest is left out).

Dropout: the model is deep_emotion_reference.DeepEmotion, whose nn.Dropout is off in eval mode. The
seed project calls F.dropout(out), which stays on in eval too, so its validation figures are noisy and
lower than its weights deserve; ours evaluates without dropout, so the reference is scored the same way
(training is unchanged: dropout 0.5 before fc1 in both).

Prints one line per epoch, then `result best B last L` (validation accuracies, as fractions).
"""
import argparse
import csv
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

from deep_emotion_reference import DeepEmotion, normalise


def read_splits(path):
    """(pixels, labels) of the Training and of the PublicTest rows, in file order."""
    rows = {"training": ([], []), "publictest": ([], [])}
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        columns = {name.lower().strip(): name for name in reader.fieldnames}
        if "usage" not in columns:
            sys.exit("%s has no Usage column: the bench compares runs on the file's own split" % path)
        for row in reader:
            usage = row[columns["usage"]].strip().lower()
            if usage not in rows:
                continue
            pixels = np.array(row[columns["pixels"]].split(), dtype=np.uint8)
            if pixels.size != 48 * 48:
                sys.exit("%s: a %s row has %d pixels, not 2304" % (path, usage, pixels.size))
            rows[usage][0].append(pixels)
            rows[usage][1].append(int(row[columns["emotion"]]))

    def tensors(split):
        pixels, labels = rows[split]
        images = torch.tensor(np.stack(pixels).reshape(-1, 1, 48, 48), dtype=torch.float32)
        return normalise(images), torch.tensor(labels, dtype=torch.int64)

    return tensors("training"), tensors("publictest")


def accuracy(model, images, labels, batch_size):
    model.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(labels), batch_size):
            logits = model(images[start:start + batch_size])
            correct += (logits.argmax(1) == labels[start:start + batch_size]).sum().item()
    return correct / len(labels)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("csv")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.002)
    parser.add_argument("--dropout", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if os.environ.get("OMP_NUM_THREADS"):
        torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))

    (train_x, train_y), (val_x, val_y) = read_splits(args.csv)
    print("torch %s, %d threads: %d training and %d validation faces" % (
        torch.__version__, torch.get_num_threads(), len(train_y), len(val_y)), flush=True)
    torch.manual_seed(args.seed)
    model = DeepEmotion(dropout=args.dropout)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    criterion = nn.CrossEntropyLoss()
    loader = DataLoader(TensorDataset(train_x, train_y), batch_size=args.batch_size, shuffle=True)

    accuracies = []
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        model.train()
        loss_sum = 0.0
        for images, labels in loader:
            optimizer.zero_grad()
            loss = criterion(model(images), labels)
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * len(labels)
        accuracies.append(accuracy(model, val_x, val_y, args.batch_size))
        print("epoch %d/%d  train loss %.4f  val acc %.4f  %.0f images/s" % (
            epoch, args.epochs, loss_sum / len(train_y), accuracies[-1],
            len(train_y) / (time.perf_counter() - start)), flush=True)
    print("result best %.6f last %.6f" % (max(accuracies), accuracies[-1]), flush=True)


if __name__ == "__main__":
    main()
