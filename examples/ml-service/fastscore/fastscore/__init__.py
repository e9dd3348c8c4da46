"""fastscore: logistic scoring with a C inner loop."""

from ._fastscore import score

__all__ = ["score"]
__version__ = "0.1.0"
