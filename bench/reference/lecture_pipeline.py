#!/usr/bin/python3
"""The lectures' PyTorch pipeline (seeds/000, specs/teaching-pipeline.md), timed phase by phase.

This is the reference `wavelearn train --config configs/seed-fcnet.toml` is compared with, so
it is written the way the lectures write it, not tuned: the whole file is read with h5py
(`np.array(file["raw_waveform"])[sel][randind][:, 500:1500]`), events above an energy
threshold are kept and shuffled, each waveform is min-max normalised in the Dataset's
__getitem__ (where the lectures put datapoint-level preprocessing), the split is 70/30 by
index with a SubsetRandomSampler per split, DataLoader(batch_size, drop_last=True), FCNet
1000-512-256-32-1 with a sigmoid and BCELoss, Adam, N epochs; ROC AUC with sklearn on the
test split. Nothing is tuned beyond torch.set_num_threads(--threads), which both sides get.

Phases timed: load (file read to a ready Dataset), train (all epochs), inference (the test
loader under no_grad). Prints a summary; --json writes the figures for scripts/bench.
"""
import argparse
import json
import os
import resource
import sys
import time

T_START = time.perf_counter()

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.utils.data as data_utils  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from torch.utils.data.sampler import SubsetRandomSampler  # noqa: E402

T_IMPORTED = time.perf_counter()


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", required=True, help="MJD-format HDF5 file")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--energy-threshold", type=float, default=0.0, help="keV; keep energy_label > this")
    p.add_argument("--label", default="psd_label_low_avse")
    p.add_argument("--lr", type=float, default=1e-3, help="Adam learning rate")
    p.add_argument("--window", default="500:1500", help="sample window BEGIN:END (lectures: 500:1500)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", help="write the figures to this JSON file")
    p.add_argument("--quiet", action="store_true", help="no per-epoch lines")
    return p.parse_args()


class NeutrinoDataset(torch.utils.data.Dataset):
    """The lectures' Dataset: the whole selection in memory, normalisation per item."""

    def __init__(self, file_path, energy_threshold, label, begin, end):
        self.energy_threshold = energy_threshold
        with h5py.File(file_path, "r") as file:
            energy = np.array(file["energy_label"])
            # only selecting higher energy event to make the task easier
            selection_flag = energy > self.energy_threshold
            randind = np.arange(selection_flag.sum())
            np.random.shuffle(randind)
            self.waveform = np.array(file["raw_waveform"])[selection_flag][randind][:, begin:end]
            self.psd_label_low_avse = np.array(file[label])[selection_flag][randind]
            self.energy_label = np.array(file["energy_label"])[selection_flag][randind]
        if len(self.waveform) == 0:
            raise ValueError(f"{file_path}: no event with energy_label > {energy_threshold}")

    def __len__(self):
        return len(self.waveform)

    def __getitem__(self, idx):
        wf = self.waveform[idx]
        wf_norm = (wf - wf.min()) / (wf.max() - wf.min())
        return wf_norm, self.psd_label_low_avse[idx], self.energy_label[idx]


class FCNet(nn.Module):
    def __init__(self, n_in):
        super(FCNet, self).__init__()
        self.feature_extractor = nn.Sequential(
            torch.nn.Linear(n_in, 512),
            torch.nn.ReLU(),
            torch.nn.Linear(512, 256),
            torch.nn.ReLU(),
            torch.nn.Linear(256, 32),
            torch.nn.ReLU(),
        )
        self.task_layer = torch.nn.Linear(32, 1)

    def forward(self, x):
        x = self.feature_extractor(x)
        x = self.task_layer(x)
        return torch.sigmoid(x)


def get_dataloader(dataset, batch_size):
    train_test_split = int(0.7 * len(dataset))
    train_indices = list(range(train_test_split))
    val_indices = list(range(train_test_split, len(dataset)))
    np.random.shuffle(train_indices)
    np.random.shuffle(val_indices)
    train_sampler = SubsetRandomSampler(train_indices)
    valid_sampler = SubsetRandomSampler(val_indices)
    train_loader = data_utils.DataLoader(dataset, batch_size=batch_size, sampler=train_sampler,
                                         drop_last=True)
    test_loader = data_utils.DataLoader(dataset, batch_size=batch_size, sampler=valid_sampler,
                                        drop_last=True)
    return train_loader, test_loader


def train(classifier, criterion, optimizer, train_loader, epochs, quiet):
    n_samples = 0
    loss = None
    for epoch in range(epochs):
        for i, (waveform, labels, energies) in enumerate(train_loader):
            classifier.train()
            waveform = waveform.float()
            labels = labels.view(-1, 1).float()
            outputs = classifier(waveform).view(-1, 1)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            n_samples += waveform.shape[0]
        if not quiet and loss is not None:
            print(f"Epoch [{epoch + 1}/{epochs}], Iter [{len(train_loader)}] Loss: {loss.item():.4f}",
                  file=sys.stderr)
    return n_samples, (loss.item() if loss is not None else float("nan"))


def infer(classifier, test_loader):
    classifier.eval()
    y_true, y_pred = [], []
    with torch.no_grad():
        for waveform, labels, energies in test_loader:
            outputs = classifier(waveform.float()).view(-1)
            y_pred.append(outputs.numpy())
            y_true.append(labels.numpy())
    if not y_pred:
        return 0, np.empty(0), np.empty(0)
    y_true = np.concatenate(y_true).astype(np.float64)
    y_pred = np.concatenate(y_pred).astype(np.float64)
    return len(y_pred), y_true, y_pred


def main():
    a = parse_args()
    if a.threads < 1 or a.batch_size < 1 or a.epochs < 0:
        sys.exit("error: --threads and --batch-size must be >= 1, --epochs >= 0")
    try:
        begin, end = (int(x) for x in a.window.split(":"))
    except ValueError:
        sys.exit(f"error: --window {a.window!r} is not BEGIN:END")
    torch.set_num_threads(a.threads)
    np.random.seed(a.seed)
    torch.manual_seed(a.seed)

    t0 = time.perf_counter()
    dataset = NeutrinoDataset(a.data, a.energy_threshold, a.label, begin, end)
    train_loader, test_loader = get_dataloader(dataset, a.batch_size)
    t_load = time.perf_counter() - t0

    classifier = FCNet(end - begin)
    criterion = torch.nn.BCELoss()
    optimizer = torch.optim.Adam(classifier.parameters(), lr=a.lr)
    t0 = time.perf_counter()
    n_train, last_loss = train(classifier, criterion, optimizer, train_loader, a.epochs, a.quiet)
    t_train = time.perf_counter() - t0

    t0 = time.perf_counter()
    n_test, y_true, y_pred = infer(classifier, test_loader)
    t_infer = time.perf_counter() - t0
    auc = float("nan")
    if n_test and 0 < y_true.sum() < len(y_true):
        auc = float(roc_auc_score(y_true, y_pred))

    wall = time.perf_counter() - T_START
    # ru_maxrss is in KiB on Linux.
    peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    res = {
        "tool": "lecture_pipeline.py",
        "data": os.path.abspath(a.data),
        "events_selected": len(dataset),
        "window": [begin, end],
        "epochs": a.epochs,
        "batch_size": a.batch_size,
        "threads": a.threads,
        "energy_threshold_kev": a.energy_threshold,
        "label": a.label,
        "import_s": T_IMPORTED - T_START,
        "load_s": t_load,
        "train_s": t_train,
        "inference_s": t_infer,
        "wall_s": wall,
        "train_samples": n_train,
        "train_samples_per_s": n_train / t_train if t_train > 0 and n_train else None,
        "inference_samples": n_test,
        "inference_samples_per_s": n_test / t_infer if t_infer > 0 and n_test else None,
        "final_train_loss": last_loss,
        "test_auc": auc,
        "peak_rss_mib": peak_rss_mib,
    }
    print(f"events {len(dataset)}  load {t_load:.2f} s  train {t_train:.2f} s "
          f"({res['train_samples_per_s'] or 0:.0f} samples/s)  inference {t_infer:.2f} s "
          f"({res['inference_samples_per_s'] or 0:.0f} samples/s)  AUC {auc:.4f}  "
          f"wall {wall:.2f} s  peak RSS {peak_rss_mib:.0f} MiB")
    if a.json:
        tmp = a.json + ".tmp"
        with open(tmp, "w") as f:
            json.dump(res, f, indent=1)
        os.replace(tmp, a.json)


if __name__ == "__main__":
    main()
