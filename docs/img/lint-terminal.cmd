plimsoll lint examples/ml-service examples/gpu-torch
