"""Adversarial tests: the gate's guarantees (issue 9), each through a real interface."""
