#!/usr/bin/python3
"""Real PyTorch's side of the .pth round trips the Java tests run (PyTorchFilesWithTorchTest).

  pytorch_files.py load FILE.pth PIXELS.npz
      Loads FILE.pth into the reference Deep_Emotion as the Python project does,
      net.load_state_dict(torch.load(FILE)) (strict), and prints as JSON the file's keys in order, the
      keys the reference's own state_dict has, the dtype and shape of each batch counter, and the
      eval-mode logits on the pixels of PIXELS.npz (the parity fixture forward.npz). Where this torch
      has torch.load(weights_only=True), the file must load that way too.

  pytorch_files.py save OUT_DIR PIXELS.npz
      Takes the reference's fixed model one Adam step away from the fixtures (so its weights and its
      BatchNorm statistics and counter are its own), saves its state_dict with torch.save as a user
      would, in several forms, and prints their eval-mode logits on the pixels as JSON:
        plain.pth          torch.save(net.state_dict(), f)
        data_parallel.pth  the state_dict of nn.DataParallel(net): every key behind "module."
        checkpoint.pth     a training checkpoint dict: epoch, model_state_dict, optimizer_state_dict, loss
        float64.pth        the state_dict with every floating-point tensor as float64
        legacy.pth         torch.save(..., _use_new_zipfile_serialization=False), the pre-1.6 format
"""
import inspect
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from deep_emotion_reference import fixed_model, normalise  # noqa: E402
from deep_emotion_reference import DeepEmotion  # noqa: E402


def pixels_of(npz):
    return torch.tensor(np.load(npz)["pixels"])


def logits_of(model, pixels):
    model.eval()
    with torch.no_grad():
        return model(normalise(pixels)).tolist()


def load(path, pixels_npz):
    if "weights_only" in inspect.signature(torch.load).parameters:
        torch.load(path, weights_only=True)
    state_dict = torch.load(path)
    net = DeepEmotion()
    net.load_state_dict(state_dict)
    counters = {k: {"dtype": str(v.dtype), "shape": list(v.shape)}
                for k, v in state_dict.items() if k.endswith("num_batches_tracked")}
    print(json.dumps({
        "keys": list(state_dict.keys()),
        "referenceKeys": list(net.state_dict().keys()),
        "counters": counters,
        "logits": logits_of(net, pixels_of(pixels_npz)),
    }))


def save(out_dir, pixels_npz):
    torch.manual_seed(7)
    pixels = pixels_of(pixels_npz)
    net = fixed_model()
    net.dropout.p = 0.0
    net.train()
    optimizer = torch.optim.Adam(net.parameters(), lr=0.005)
    loss = F.cross_entropy(net(normalise(pixels)), torch.arange(len(pixels)) % 7)
    loss.backward()
    optimizer.step()
    state_dict = net.state_dict()
    torch.save(state_dict, os.path.join(out_dir, "plain.pth"))
    torch.save(nn.DataParallel(net).state_dict(), os.path.join(out_dir, "data_parallel.pth"))
    torch.save({"epoch": 3, "model_state_dict": state_dict, "optimizer_state_dict": optimizer.state_dict(),
                "loss": loss.item()}, os.path.join(out_dir, "checkpoint.pth"))
    torch.save({k: v.double() if v.is_floating_point() else v for k, v in state_dict.items()},
               os.path.join(out_dir, "float64.pth"))
    torch.save(state_dict, os.path.join(out_dir, "legacy.pth"), _use_new_zipfile_serialization=False)
    print(json.dumps({"logits": logits_of(net, pixels), "torch": torch.__version__}))


if __name__ == "__main__":
    torch.set_num_threads(1)
    {"load": load, "save": save}[sys.argv[1]](*sys.argv[2:])
