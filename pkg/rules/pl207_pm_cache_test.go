package rules

import "testing"

func TestPL207(t *testing.T) {
	runLintCases(t, "PL207", []lintCase{
		{name: "conda without clean", src: "FROM continuumio/miniconda3:24.1.2-0\nRUN conda install -y numpy=1.26\n", want: []string{"PL207@2"}},
		{name: "conda env create with clean", src: "FROM continuumio/miniconda3:24.1.2-0\nRUN conda env create -f env.yml && conda clean -afy\n"},
		{name: "apk without --no-cache", src: "FROM alpine:3.20\nRUN apk add curl\n", want: []string{"PL207@2"}},
		{name: "apk --no-cache", src: "FROM alpine:3.20\nRUN apk add --no-cache curl\n"},
		{name: "apk cache removed", src: "FROM alpine:3.20\nRUN apk add curl && rm -rf /var/cache/apk/*\n"},
		{name: "dnf without clean", src: "FROM fedora:40\nRUN dnf install -y gcc\n", want: []string{"PL207@2"}},
		{name: "yum clean", src: "FROM centos:7\nRUN yum install -y gcc && yum clean all\n"},
		{name: "npm ci without clean", src: "FROM node:20-slim\nRUN npm ci\n", want: []string{"PL207@2"}},
		{name: "npm cache clean", src: "FROM node:20-slim\nRUN npm ci && npm cache clean --force\n"},
		{name: "npm cache mount", src: "FROM node:20-slim\nRUN --mount=type=cache,target=/root/.npm npm ci\n"},
		{name: "builder", src: "FROM node:20 AS b\nRUN npm ci\nFROM nginx:1.27\nCOPY --from=b /app/dist /usr/share/nginx/html\n"},
		{name: "two managers", src: "FROM node:20-slim\nRUN apk add git && npm install\n", want: []string{"PL207@2", "PL207@2"}},
	})
}
