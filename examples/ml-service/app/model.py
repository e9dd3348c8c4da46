"""A tiny logistic-regression model: numpy standardises the input, the
fastscore C extension scores it."""

import json
import os

import numpy as np

import fastscore

MODEL_PATH = os.environ.get("MODEL_PATH", os.path.join(os.path.dirname(__file__), "model.json"))


class Model:
    def __init__(self, params):
        self.features = list(params["features"])
        self.mean = np.asarray(params["mean"], dtype=np.float64)
        self.scale = np.asarray(params["scale"], dtype=np.float64)
        self.weights = [float(w) for w in params["weights"]]
        self.bias = float(params["bias"])
        n = len(self.features)
        if not (len(self.mean) == len(self.scale) == len(self.weights) == n):
            raise ValueError("model.json: features, mean, scale and weights differ in length")

    @classmethod
    def load(cls, path=MODEL_PATH):
        with open(path, encoding="utf-8") as f:
            return cls(json.load(f))

    def predict(self, row):
        """Returns the probability of the positive class for one row, given
        as a list in feature order or a dict by feature name."""
        if isinstance(row, dict):
            missing = [f for f in self.features if f not in row]
            if missing:
                raise ValueError("missing features: " + ", ".join(missing))
            row = [row[f] for f in self.features]
        if len(row) != len(self.features):
            raise ValueError("got %d features, want %d: %s" % (len(row), len(self.features), ", ".join(self.features)))
        x = (np.asarray(row, dtype=np.float64) - self.mean) / self.scale
        return fastscore.score(self.weights, x.tolist(), self.bias)
