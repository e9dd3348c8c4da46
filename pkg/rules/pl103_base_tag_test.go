package rules

import "testing"

func TestPL103(t *testing.T) {
	runLintCases(t, "PL103", []lintCase{
		{name: "no tag", src: "FROM python\n", want: []string{"PL103@1"}},
		{name: "latest", src: "FROM ubuntu:latest\n", want: []string{"PL103@1"}},
		{name: "tagged", src: "FROM python:3.11-slim\n"},
		{name: "digest", src: "FROM python@sha256:" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" + "\n"},
		{name: "scratch", src: "FROM scratch\n"},
		{name: "stage reference", src: "FROM python:3.11 AS base\nFROM base\n"},
		{name: "arg resolved", src: "ARG BASE=python\nFROM ${BASE}\n", want: []string{"PL103@2"}},
		{name: "arg with tag", src: "ARG TAG=3.11\nFROM python:${TAG}\n"},
		{name: "unresolved arg", src: "ARG BASE\nFROM ${BASE}\n"},
		{name: "arg image with a default tag", src: "ARG BASE=python:3.11-slim\nFROM $BASE AS app\n"},
		{name: "arg image without a tag", src: "ARG CUDA_IMAGE=nvidia/cuda\nFROM ${CUDA_IMAGE}\n", want: []string{"PL103@2"}},
		{name: "tag and digest", src: "FROM python:3.11-slim@sha256:" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" + "\n"},
		{name: "LATEST in capitals", src: "FROM docker.io/library/ubuntu:LATEST\n", want: []string{"PL103@1"}},
		{name: "stage named like an image", src: "FROM python:3.11-slim AS python\nFROM python\n"},
		{name: "registry with a port, no tag", src: "FROM localhost:5000/base\n", want: []string{"PL103@1"}},
		{name: "builder stage counts too", src: "FROM golang AS b\nFROM alpine:3.20\n", want: []string{"PL103@1"}},
	})
	runLintCasesWith(t, "PL103", Settings{TrustedRegistries: []string{"registry.internal"}}, []lintCase{
		{name: "trusted registry", src: "FROM registry.internal/base\n"},
		{name: "other registry", src: "FROM ghcr.io/o/base\n", want: []string{"PL103@1"}},
	})
}
