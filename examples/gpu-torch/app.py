import torch

print("CUDA available:", torch.cuda.is_available())
