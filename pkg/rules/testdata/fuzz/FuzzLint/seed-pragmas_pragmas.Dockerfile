go test fuzz v1
[]byte("# plimsoll global ignore=PL204\nFROM python:3.11-slim\n# plimsoll ignore=PL201\nRUN pip install flask==3.0.3\n# hadolint ignore=DL3042\nRUN pip install numpy==1.26.4\n# hadolint ignore=DL3059,DL3013\nRUN pip install --no-cache-dir pandas\n# want PL201\nRUN pip install scipy==1.13.1\n# want PL102\nRUN pip install --no-cache-dir requests\n")
