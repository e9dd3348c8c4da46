package rules

import "testing"

func TestPL401(t *testing.T) {
	t.Parallel()
	runRuleCases(t, PL401{}, []ruleCase{
		{name: "python full", df: "FROM python:3.11\nCMD [\"python\"]\n", want: []int{1}, contains: "python:3.11-slim"},
		{name: "python full with release", df: "FROM python:3.11-bookworm\n", want: []int{1}, contains: "python:3.11-slim-bookworm"},
		{name: "python slim", df: "FROM python:3.11-slim\n", want: nil},
		{name: "python slim release", df: "FROM python:3.11-slim-bookworm\n", want: nil},
		{name: "python alpine", df: "FROM python:3.11-alpine\n", want: nil},
		{name: "docker.io spelled out", df: "FROM docker.io/library/python:3.12\n", want: []int{1}},
		{name: "node release", df: "FROM node:20-bookworm\n", want: []int{1}, contains: "node:20-bookworm-slim"},
		{name: "node version", df: "FROM node:20.11.0\n", want: []int{1}, contains: "node:20.11.0-slim"},
		{name: "ruby", df: "FROM ruby:3.3\n", want: []int{1}, contains: "ruby:3.3-slim"},
		{name: "rust", df: "FROM rust:1.79-bookworm\n", want: []int{1}, contains: "rust:1.79-slim-bookworm"},
		{name: "debian", df: "FROM debian:bookworm\n", want: []int{1}, contains: "debian:bookworm-slim"},
		{name: "debian slim", df: "FROM debian:bookworm-slim\n", want: nil},
		{name: "untagged python", df: "FROM python\n", want: []int{1}, contains: "python:slim"},
		{name: "golang has no slim", df: "FROM golang:1.22\n", want: nil},
		{name: "not official", df: "FROM ghcr.io/acme/python:3.11\n", want: nil},
		{name: "windows", df: "FROM python:3.11-windowsservercore\n", want: nil},
		{name: "unresolved arg", df: "ARG V\nFROM python:${V}\n", want: nil},
		{name: "arg resolved", df: "ARG V=3.10\nFROM python:${V}\n", want: []int{2}, contains: "python:3.10-slim"},
		{
			name: "builder stage is not shipped",
			df:   "FROM python:3.11 AS build\nRUN pip wheel -w /w numpy==1.26.4\nFROM python:3.11-slim\nCOPY --from=build /w /w\n",
			want: nil,
		},
		{
			name: "final stage full",
			df:   "FROM python:3.11-slim AS build\nRUN true\nFROM python:3.11\nCOPY --from=build /a /a\n",
			want: []int{3},
		},
		{
			name: "reported once at the stage that names the image",
			df:   "FROM python:3.11 AS base\nRUN true\nFROM base\nRUN true\n",
			want: []int{1},
		},
		{
			name:   "target picks the builder",
			df:     "FROM python:3.11 AS build\nRUN true\nFROM python:3.11-slim\nRUN true\n",
			target: "build",
			want:   []int{1},
		},
	})
}

func TestSlimTag(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, tag, want string
	}{
		{"python", "3", "3-slim"},
		{"python", "latest", "slim"},
		{"node", "lts", "lts-slim"},
		{"node", "iron", ""},
		{"debian", "12", "12-slim"},
		{"debian", "", "stable-slim"},
		{"python", "3.13-rc-bookworm", ""},
		{"python", "3.12-onbuild", ""},
	}
	for _, tt := range tests {
		got, ok := slimTag(tt.name, tt.tag, slimImages[tt.name])
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("slimTag(%s, %q) = %q %v, want %q", tt.name, tt.tag, got, ok, tt.want)
		}
	}
}
