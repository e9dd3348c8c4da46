package rules

import "testing"

func TestPL603(t *testing.T) {
	t.Parallel()
	runRuleCases(t, PL603{}, []ruleCase{
		{
			name: "ubuntu 18.04 python3.6 with torch 2",
			df:   "FROM nvidia/cuda:11.8.0-runtime-ubuntu18.04\nRUN apt-get update && apt-get install -y python3 python3-pip\nRUN pip3 install torch==2.0.1\n",
			want: []int{3}, contains: "Python 3.6 (python3 from ubuntu 18.04)",
		},
		{name: "ubuntu 22.04 fine", df: "FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\nRUN apt-get install -y python3-pip\nRUN pip install torch==2.3.1\n", want: nil},
		{name: "python image too new", df: "FROM python:3.13-slim\nRUN pip install torch==2.3.1\n", want: []int{2}, contains: "3.8-3.12"},
		{name: "python image too new for tensorflow", df: "FROM python:3.12-slim\nRUN pip install tensorflow==2.15.0\n", want: []int{2}, contains: "TensorFlow 2.15 publishes wheels for Python 3.9-3.11"},
		{name: "experimental python accepted", df: "FROM python:3.13-slim\nRUN pip install torch==2.5.1\n", want: nil},
		{name: "tensorflow-cpu", df: "FROM python:3.8-slim\nRUN pip install tensorflow-cpu==2.16.1\n", want: []int{2}},
		{name: "unpinned is not checked", df: "FROM python:3.13-slim\nRUN pip install torch\n", want: nil},
		{name: "unknown python", df: "FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\nRUN pip install torch==2.3.1\n", want: nil},
		{name: "deadsnakes python wins over distro", df: "FROM ubuntu:18.04\nRUN apt-get install -y python3.10 python3-pip\nRUN pip install torch==2.3.1\n", want: nil},
		{name: "debian bullseye with TF 2.16", df: "FROM debian:bullseye-slim\nRUN apt-get install -y python3-pip && pip install tensorflow==2.16.1\n", want: nil},
		{name: "debian buster with TF 2.16", df: "FROM debian:buster-slim\nRUN apt-get install -y python3-pip && pip install tensorflow==2.16.1\n", want: []int{2}, contains: "3.7"},
		{
			name:  "requirements pin",
			df:    "FROM python:3.7-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n",
			files: map[string]string{"requirements.txt": "# ML\ntorch==2.1.2\n"},
			want:  []int{3}, contains: "requirements.txt:2",
		},
		{
			name: "python of the stage that installs",
			df:   "FROM python:3.12-slim AS build\nRUN pip install --prefix /i torch==2.1.2\nFROM python:3.11-slim\nCOPY --from=build /i /usr/local\n",
			want: []int{2},
		},
	})
}
