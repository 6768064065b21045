#!/usr/bin/python3
"""Times the PyTorch reference Deep_Emotion like ModelBench times ours: training images/s at batch
128 (Adam, dropout on), inference images/s at batch 1, 2 and 128. Inference runs eager in
torch.inference_mode() (no autograd, the fastest eager setting), from the faces' uint8 pixels to a
numpy array of probabilities, the same scope as our EmotionPredictor.predict (bytes in, probabilities
in Java arrays out). Prints "name value" lines."""
import os
import sys
import time

import torch
import torch.nn.functional as F

from deep_emotion_reference import DeepEmotion, normalise


# Both benches warm up alike: long enough for the allocator's heap and the JVM's JIT to settle.
WARMUP = 20
# Calls at batch 1 and 2, ~1 ms each: the JVM's JIT needs seconds, not batches (ModelBench).
SMALL_BATCH_WARMUP = 3000


def measure(repeats, warmup, images, step):
    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(repeats):
        step()
    return repeats * images / (time.perf_counter() - start)


def main():
    batches = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    if os.environ.get("OMP_NUM_THREADS"):
        torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
    torch.manual_seed(7)
    model = DeepEmotion()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.005)
    faces = torch.randint(0, 256, (128, 1, 48, 48), dtype=torch.uint8).numpy()
    pixels = torch.from_numpy(faces).float()
    labels = torch.randint(0, 7, (128,))

    def train():
        model.train()
        optimizer.zero_grad()
        F.cross_entropy(model(normalise(pixels)), labels).backward()
        optimizer.step()

    def infer(count):
        model.eval()
        with torch.inference_mode():
            F.softmax(model(normalise(torch.from_numpy(faces[:count]).float())), dim=1).numpy()

    print("torch_train_b128_images_per_s %.0f" % measure(batches, WARMUP, 128, train))
    for count in (1, 2):
        infer_small = measure(batches * 20, SMALL_BATCH_WARMUP, count, lambda: infer(count))
        print("torch_infer_b%d_images_per_s %.0f" % (count, infer_small))
    print("torch_infer_b128_images_per_s %.0f" % measure(batches, WARMUP, 128, lambda: infer(128)))
    print("torch_version %s threads %d" % (torch.__version__, torch.get_num_threads()), file=sys.stderr)


if __name__ == "__main__":
    main()
