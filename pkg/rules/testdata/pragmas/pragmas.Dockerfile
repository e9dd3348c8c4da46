# plimsoll global ignore=PL204
FROM python:3.11-slim
# plimsoll ignore=PL201
RUN pip install flask==3.0.3
# hadolint ignore=DL3042
RUN pip install numpy==1.26.4
# hadolint ignore=DL3059,DL3013
RUN pip install --no-cache-dir pandas
# want PL201
RUN pip install scipy==1.13.1
# want PL102
RUN pip install --no-cache-dir requests
