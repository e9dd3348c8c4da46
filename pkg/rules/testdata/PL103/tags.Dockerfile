ARG PY=3.11
# want PL103
FROM python AS first
FROM python:${PY}-slim AS second
# want PL103
FROM ubuntu:latest AS third
FROM second
