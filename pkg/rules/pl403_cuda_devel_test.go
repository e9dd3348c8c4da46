package rules

import "testing"

func TestPL403(t *testing.T) {
	t.Parallel()
	runRuleCases(t, PL403{}, []ruleCase{
		{name: "devel final", df: "FROM nvidia/cuda:12.2.2-devel-ubuntu22.04\nRUN true\n", want: []int{1}, contains: "nvidia/cuda:12.2.2-runtime-ubuntu22.04"},
		{name: "cudnn devel", df: "FROM nvidia/cuda:11.8.0-cudnn8-devel-ubuntu22.04\n", want: []int{1}, contains: "11.8.0-cudnn8-runtime-ubuntu22.04"},
		{name: "cudnn devel 12.4", df: "FROM nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04\n", want: []int{1}, contains: "12.4.1-cudnn-runtime-ubuntu22.04"},
		{name: "runtime", df: "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\n", want: nil},
		{name: "base", df: "FROM nvidia/cuda:12.4.1-base-ubuntu22.04\n", want: nil},
		{name: "nvcr", df: "FROM nvcr.io/nvidia/cuda:12.4.1-devel-ubuntu22.04\n", want: []int{1}},
		{name: "arg", df: "ARG CUDA=12.1.1\nFROM nvidia/cuda:${CUDA}-devel-ubuntu22.04\n", want: []int{2}},
		{name: "other image with devel in tag", df: "FROM acme/cuda:12.4.1-devel-ubuntu22.04\n", want: nil},
		{
			name: "devel builder, runtime final",
			df:   "FROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS build\nRUN nvcc -o /app app.cu\nFROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nCOPY --from=build /app /app\n",
			want: nil,
		},
		{
			name: "final built on a devel stage",
			df:   "FROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS build\nRUN true\nFROM build\nRUN true\n",
			want: []int{1},
		},
		{
			name: "whole filesystem copied from a devel stage ships it",
			df:   "FROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS build\nRUN true\nFROM scratch\nCOPY --from=build / /\n",
			want: []int{1},
		},
	})
}
