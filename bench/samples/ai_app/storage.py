"""Loading cached models and settings."""
import pickle

import torch
import yaml


def load_settings(path):
    with open(path) as handle:
        return yaml.load(handle)


def load_cached(blob: bytes):
    return pickle.loads(blob)


def load_model(path):
    return torch.load(path)


def load_safe_settings(path):
    with open(path) as handle:
        return yaml.safe_load(handle)
