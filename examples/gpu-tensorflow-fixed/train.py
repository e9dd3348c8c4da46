import tensorflow as tf

print("GPUs:", tf.config.list_physical_devices("GPU"))
