#!/usr/bin/python3
"""Reference Deep_Emotion in PyTorch and the fixtures our DJL port is checked against.

Writes into the directory given as the first argument (default src/test/resources/reference):
  model.pt          TorchScript trace of the reference in eval mode; input is the normalised
                    (N, 1, 48, 48) float tensor, output the 7 logits
  state_dict.npz    the whole state_dict under torch's names: every parameter and BatchNorm buffer
                    (float32) and BatchNorm's batch counter (int64), as a user's file holds them
  state_dict.pth    the same state_dict as torch.save writes it (net.state_dict(), zip format)
  forward.npz       pixels (uint8 as float32, N x 1 x 48 x 48) and the eval-mode logits
  grid_sample.npz   affine_grid + grid_sample cases: input, theta, upstream gradient, output and
                    the gradients with respect to input and theta
  adam_step.npz     one Adam step in training mode with dropout off: pixels, labels, lr, the loss,
                    the gradients (prefix "grad.") and every state_dict entry after the step
                    (prefix "after.")
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 42
ADAM_LR = 0.005
BATCH = 8


class DeepEmotion(nn.Module):
    """Layer for layer the seed project's Deep_Emotion, with its attribute names."""

    def __init__(self, dropout=0.5):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, 3)
        self.conv2 = nn.Conv2d(10, 10, 3)
        self.pool2 = nn.MaxPool2d(2, 2)
        self.conv3 = nn.Conv2d(10, 10, 3)
        self.conv4 = nn.Conv2d(10, 10, 3)
        self.pool4 = nn.MaxPool2d(2, 2)
        self.norm = nn.BatchNorm2d(10)
        self.fc1 = nn.Linear(810, 50)
        self.fc2 = nn.Linear(50, 7)
        self.dropout = nn.Dropout(dropout)
        self.localization = nn.Sequential(
            nn.Conv2d(1, 8, kernel_size=7),
            nn.MaxPool2d(2, stride=2),
            nn.ReLU(True),
            nn.Conv2d(8, 10, kernel_size=5),
            nn.MaxPool2d(2, stride=2),
            nn.ReLU(True),
        )
        self.fc_loc = nn.Sequential(nn.Linear(640, 32), nn.ReLU(True), nn.Linear(32, 6))
        self.fc_loc[2].weight.data.zero_()
        self.fc_loc[2].bias.data.copy_(torch.tensor([1, 0, 0, 0, 1, 0], dtype=torch.float))

    def stn(self, x):
        xs = self.localization(x).view(-1, 640)
        theta = self.fc_loc(xs).view(-1, 2, 3)
        grid = F.affine_grid(theta, list(x.size()), align_corners=False)
        return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)

    def forward(self, x):
        out = self.stn(x)
        out = F.relu(self.conv1(out))
        out = F.relu(self.pool2(self.conv2(out)))
        out = F.relu(self.conv3(out))
        out = F.relu(self.pool4(self.norm(self.conv4(out))))
        out = self.dropout(out)
        out = out.view(-1, 810)
        out = F.relu(self.fc1(out))
        return self.fc2(out)


def normalise(pixels):
    return (pixels / 255.0 - 0.5) / 0.5


def fixed_model():
    torch.manual_seed(SEED)
    model = DeepEmotion()
    with torch.no_grad():
        # A non-identity transform so the spatial transformer really resamples.
        model.fc_loc[2].weight.normal_(0.0, 0.01)
        model.fc_loc[2].bias.copy_(torch.tensor([0.9, 0.1, 0.05, -0.08, 1.05, -0.03]))
        model.norm.weight.uniform_(0.5, 1.5)
        model.norm.bias.uniform_(-0.2, 0.2)
        model.norm.running_mean.uniform_(-0.3, 0.3)
        model.norm.running_var.uniform_(0.5, 1.5)
    return model


def state_dict_arrays(model, prefix=""):
    return {prefix + k: v.detach().numpy() for k, v in model.state_dict().items()}


def fixed_pixels():
    rng = np.random.RandomState(SEED)
    # Smooth blobs plus noise, so convolutions see structure rather than white noise only.
    ys, xs = np.mgrid[0:48, 0:48]
    faces = []
    for _ in range(BATCH):
        cy, cx, r = rng.uniform(12, 36), rng.uniform(12, 36), rng.uniform(6, 16)
        blob = 200.0 * np.exp(-((ys - cy) ** 2 + (xs - cx) ** 2) / (2 * r * r))
        faces.append(np.clip(blob + rng.uniform(0, 55, (48, 48)), 0, 255).astype(np.uint8))
    return np.stack(faces)[:, None, :, :].astype(np.float32)


def grid_sample_cases():
    rng = np.random.RandomState(SEED + 1)
    cases = {}
    shapes = [(2, 3, 5, 7), (3, 1, 48, 48)]
    for i, shape in enumerate(shapes):
        n = shape[0]
        image = torch.tensor(rng.normal(size=shape).astype(np.float32), requires_grad=True)
        # Scales, rotations and shifts, some reaching well outside the image (zero padding).
        theta_np = np.tile(np.array([[1, 0, 0], [0, 1, 0]], np.float32), (n, 1, 1))
        theta_np += rng.normal(0, 0.35, size=(n, 2, 3)).astype(np.float32)
        theta = torch.tensor(theta_np, requires_grad=True)
        grid = F.affine_grid(theta, list(shape), align_corners=False)
        out = F.grid_sample(image, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
        upstream = torch.tensor(rng.normal(size=out.shape).astype(np.float32))
        out.backward(upstream)
        p = "case%d." % i
        cases[p + "input"] = image.detach().numpy()
        cases[p + "theta"] = theta.detach().numpy()
        cases[p + "upstream"] = upstream.numpy()
        cases[p + "output"] = out.detach().numpy()
        cases[p + "gradInput"] = image.grad.numpy()
        cases[p + "gradTheta"] = theta.grad.numpy()
    return cases


def adam_step(pixels, labels):
    model = fixed_model()
    model.dropout.p = 0.0
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=ADAM_LR)
    optimizer.zero_grad()
    loss = F.cross_entropy(model(normalise(torch.tensor(pixels))), torch.tensor(labels))
    loss.backward()
    gradients = {"grad." + name: p.grad.numpy().copy() for name, p in model.named_parameters()}
    optimizer.step()
    arrays = state_dict_arrays(model, "after.")
    arrays.update(gradients)
    arrays["pixels"] = pixels
    arrays["labels"] = labels.astype(np.int64)
    arrays["lr"] = np.array([ADAM_LR], np.float32)
    arrays["loss"] = np.array([loss.item()], np.float32)
    return arrays


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/reference"
    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(1)
    model = fixed_model().eval()
    pixels = fixed_pixels()
    labels = np.arange(BATCH) % 7
    with torch.no_grad():
        logits = model(normalise(torch.tensor(pixels)))
        traced = torch.jit.trace(model, normalise(torch.tensor(pixels)))
    traced.save(os.path.join(out_dir, "model.pt"))
    np.savez(os.path.join(out_dir, "state_dict.npz"), **state_dict_arrays(model))
    torch.save(model.state_dict(), os.path.join(out_dir, "state_dict.pth"))
    np.savez(os.path.join(out_dir, "forward.npz"), pixels=pixels, logits=logits.numpy())
    np.savez(os.path.join(out_dir, "grid_sample.npz"), **grid_sample_cases())
    np.savez(os.path.join(out_dir, "adam_step.npz"), **adam_step(pixels, labels))
    print("parameters:", sum(p.numel() for p in model.parameters()), "torch", torch.__version__)


if __name__ == "__main__":
    main()
