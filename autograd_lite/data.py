"""Datasets and batching (TensorDataset, DataLoader)."""
