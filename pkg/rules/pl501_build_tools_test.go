package rules

import "testing"

func TestPL501(t *testing.T) {
	t.Parallel()
	runRuleCases(t, PL501{}, []ruleCase{
		{
			name:     "build-essential in final",
			df:       "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev && rm -rf /var/lib/apt/lists/*\n",
			want:     []int{2},
			contains: "build-essential, libpq-dev",
		},
		{name: "heredoc: at the first install line", df: "FROM python:3.11-slim\nRUN <<EOF\napt-get update\napt-get install -y --no-install-recommends gcc\napt-get install -y make\nEOF\n", want: []int{4}, contains: "gcc, make"},
		{name: "gcc via apk", df: "FROM python:3.12-alpine\nRUN apk add --no-cache gcc musl-dev linux-headers\n", want: []int{2}, contains: "gcc, musl-dev, linux-headers"},
		{name: "apk virtual group removed", df: "FROM python:3.12-alpine\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev && pip install x==1 && apk del .build-deps\n", want: nil},
		{name: "another virtual group kept", df: "FROM python:3.12-alpine\nRUN apk add --virtual .a gcc && apk add --virtual .b make && apk del .a\n", want: []int{2}, contains: "(make)"},
		{name: "apt purge in same RUN", df: "FROM debian:bookworm-slim\nRUN apt-get install -y gcc && make && apt-get purge -y gcc\n", want: nil},
		{name: "purge in a later RUN still ships the layer", df: "FROM debian:bookworm-slim\nRUN apt-get install -y gcc\nRUN apt-get purge -y gcc\n", want: []int{2}},
		{name: "dnf devel", df: "FROM rockylinux:9\nRUN dnf install -y gcc-c++ openssl-devel && dnf clean all\n", want: []int{2}, contains: "gcc-c++, openssl-devel"},
		{name: "yum", df: "FROM centos:7\nRUN yum install -y make cmake\n", want: []int{2}},
		{name: "conda compilers", df: "FROM continuumio/miniconda3:24.1.2-0\nRUN conda install -y -c conda-forge cxx-compiler cmake=3.29 && conda clean -afy\n", want: []int{2}, contains: "cxx-compiler, cmake=3.29"},
		{name: "git and versioned gcc", df: "FROM ubuntu:22.04\nRUN apt-get install -y git gcc-12 curl\n", want: []int{2}, contains: "git, gcc-12"},
		{name: "cuda toolkit packages", df: "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nRUN apt-get install -y cuda-nvcc-12-4 libcudnn9-dev-cuda-12\n", want: []int{2}},
		{name: "runtime packages only", df: "FROM debian:bookworm-slim\nRUN apt-get install -y --no-install-recommends libpq5 curl ca-certificates gcc-12-base libgomp1\n", want: nil},
		{name: "apt-get options before install", df: "FROM ubuntu:22.04\nRUN apt-get -o Dpkg::Options::=--force-confold -y install cmake\n", want: []int{2}, contains: "cmake"},
		{name: "sudo apt-get", df: "FROM ubuntu:22.04\nRUN sudo apt-get install -y build-essential\n", want: []int{2}},
		{name: "pinned version", df: "FROM debian:bookworm-slim\nRUN apt-get install -y gcc=4:12.2.0-3\n", want: []int{2}, contains: "gcc"},
		{
			name: "builder stage is not shipped",
			df:   "FROM python:3.11-slim AS build\nRUN apt-get install -y build-essential && pip wheel -w /w x==1\nFROM python:3.11-slim\nCOPY --from=build /w /w\nRUN pip install /w/*.whl\n",
			want: nil,
		},
		{
			name: "final built on the builder ships its compilers",
			df:   "FROM python:3.11-slim AS build\nRUN apt-get install -y gcc\nFROM build\nRUN true\n",
			want: []int{2},
		},
		{
			name: "whole filesystem copy ships the builder",
			df:   "FROM debian:bookworm-slim AS build\nRUN apt-get install -y build-essential\nFROM scratch\nCOPY --from=build / /\n",
			want: []int{2},
		},
		{
			name:   "target stage",
			df:     "FROM debian:bookworm-slim AS dev\nRUN apt-get install -y build-essential\nFROM debian:bookworm-slim\nRUN true\n",
			target: "dev",
			want:   []int{2},
		},
	})
}
