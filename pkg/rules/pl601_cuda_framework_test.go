package rules

import "testing"

func TestPL601(t *testing.T) {
	t.Parallel()
	runRuleCases(t, PL601{}, []ruleCase{
		{
			name:     "torch cu121 wheel on CUDA 11.8",
			df:       "FROM nvidia/cuda:11.8.0-runtime-ubuntu22.04\nRUN pip install torch==2.3.1+cu121\n",
			want:     []int{2},
			contains: "built for CUDA 12.1",
		},
		{
			name: "versions from ARG",
			df:   "FROM nvidia/cuda:11.8.0-runtime-ubuntu22.04\nARG TORCH=2.3.1\nARG CU=cu121\nRUN pip install torch==${TORCH} --index-url https://download.pytorch.org/whl/$CU\n",
			want: []int{4}, contains: "torch==2.3.1 installs the cu121 wheel",
		},
		{
			name: "ARG default syntax",
			df:   "FROM nvidia/cuda:11.8.0-runtime-ubuntu22.04\nRUN pip install torch==${TORCH:-2.3.1}+cu121\n",
			want: []int{2},
		},
		{name: "unknown variable is not a pin", df: "FROM nvidia/cuda:11.8.0-runtime-ubuntu22.04\nRUN pip install torch==${TORCH}+cu121\n", want: nil},
		{
			name: "conda pytorch-cuda",
			df:   "FROM nvidia/cuda:11.8.0-runtime-ubuntu22.04\nRUN conda install -y pytorch==2.1.0 pytorch-cuda=12.1 -c pytorch -c nvidia && conda clean -afy\n",
			want: []int{2}, contains: "conda install pytorch==2.1.0 pytorch-cuda=12.1 installs the CUDA 12.1 conda build",
		},
		{name: "conda cudatoolkit matching", df: "FROM nvidia/cuda:11.3.1-runtime-ubuntu20.04\nRUN mamba install -y pytorch=1.12.1 cudatoolkit=11.3 -c pytorch\n", want: nil},
		{name: "conda cpu build", df: "FROM nvidia/cuda:11.8.0-runtime-ubuntu22.04\nRUN conda install -y pytorch=2.1.0 cpuonly -c pytorch\n", want: nil},
		{
			name: "index URL variant",
			df:   "FROM nvidia/cuda:11.8.0-runtime-ubuntu22.04\nRUN pip install torch==2.3.1 --index-url https://download.pytorch.org/whl/cu121\n",
			want: []int{2}, contains: "download.pytorch.org/whl/cu121",
		},
		{
			name: "extra index URL, unpinned torch",
			df:   "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nRUN pip install --extra-index-url=https://download.pytorch.org/whl/cu118 torch\n",
			want: []int{2},
		},
		{
			name: "index from ENV",
			df:   "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nENV PIP_INDEX_URL=https://download.pytorch.org/whl/cu118\nRUN pip install torch==2.3.1\n",
			want: []int{3},
		},
		{
			name: "PyPI wheel (CUDA 12) on CUDA 11",
			df:   "FROM nvidia/cuda:11.8.0-runtime-ubuntu22.04\nRUN pip install torch==2.3.1\n",
			want: []int{2}, contains: "the PyPI wheel",
		},
		{
			name: "older wheel on a newer image: no driver argument",
			df:   "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nRUN pip install torch==2.3.1+cu118\n",
			want: []int{2}, contains: "CUDA 12 libraries are dead weight; use an nvidia/cuda:11.x image",
		},
		{
			name: "devel image: extensions",
			df:   "FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\nRUN pip install torch==2.3.1+cu118\n",
			want: []int{2}, contains: "cpp_extension",
		},
		{name: "same major, other minor is fine", df: "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nRUN pip install torch==2.3.1+cu121\n", want: nil},
		{name: "matching", df: "FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\nRUN pip install torch==2.3.1 --index-url https://download.pytorch.org/whl/cu121\n", want: nil},
		{name: "cpu wheel", df: "FROM nvidia/cuda:11.8.0-runtime-ubuntu22.04\nRUN pip install torch==2.3.1+cpu\n", want: nil},
		{name: "not a cuda image", df: "FROM python:3.11-slim\nRUN pip install torch==2.3.1+cu121\n", want: nil},
		{
			name: "variant the release does not publish",
			df:   "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nRUN pip install torch==2.3.1+cu124\n",
			want: []int{2}, contains: "publishes CUDA wheels cu118, cu121, not cu124",
		},
		{
			name:  "requirements file with index line",
			df:    "FROM nvidia/cuda:11.8.0-runtime-ubuntu22.04\nCOPY requirements.txt /app/\nRUN pip install -r /app/requirements.txt\n",
			files: map[string]string{"requirements.txt": "--extra-index-url https://download.pytorch.org/whl/cu121\nnumpy==1.26.4\ntorch==2.3.1\n"},
			want:  []int{3}, contains: "requirements.txt:3",
		},
		{
			name:  "requirements include",
			df:    "FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n",
			files: map[string]string{"requirements.txt": "-r base.txt\n", "base.txt": "torch==2.0.1+cu117\n"},
			want:  []int{4}, contains: "base.txt:1",
		},
		{
			name: "tensorflow tested with another CUDA major",
			df:   "FROM nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04\nRUN pip install tensorflow==2.15.0\n",
			want: []int{2}, contains: "CUDA 12.2 and cuDNN 8.9, but stage 0 runs on nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04 (CUDA 11.8.0): it loads libcudart.so.12, which this image does not have; use nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04",
		},
		{
			name: "tensorflow on older CUDA minor",
			df:   "FROM nvidia/cuda:12.1.1-cudnn8-runtime-ubuntu22.04\nRUN pip install tensorflow==2.15.0\n",
			want: []int{2}, contains: "older than tested",
		},
		{
			name: "tensorflow cuDNN major",
			df:   "FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04\nRUN pip install tensorflow==2.16.1\n",
			want: []int{2}, contains: "cuDNN 9",
		},
		{name: "tensorflow fits", df: "FROM nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04\nRUN pip install tensorflow==2.15.0\n", want: nil},
		{name: "tensorflow 2.18 fits cuDNN 9", df: "FROM nvidia/cuda:12.5.1-cudnn-runtime-ubuntu22.04\nRUN pip install tensorflow==2.18.0\n", want: nil},
		{name: "tensorflow and-cuda: minor does not matter", df: "FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\nRUN pip install 'tensorflow[and-cuda]==2.15.0'\n", want: nil},
		{
			name: "tensorflow and-cuda: major does",
			df:   "FROM nvidia/cuda:11.8.0-runtime-ubuntu22.04\nRUN pip install 'tensorflow[and-cuda]==2.15.0'\n",
			want: []int{2}, contains: "[and-cuda]",
		},
		{name: "tensorflow 1.x from PyPI is CPU-only", df: "FROM nvidia/cuda:11.8.0-runtime-ubuntu22.04\nRUN pip install tensorflow==1.15.0\n", want: nil},
		{name: "tensorflow-gpu 1.15 on CUDA 10.0", df: "FROM nvidia/cuda:10.0-cudnn7-runtime-ubuntu18.04\nRUN pip install tensorflow-gpu==1.15.0\n", want: nil},
		{
			name: "venv built in a devel builder, shipped on another CUDA",
			df: "FROM nvidia/cuda:12.1.1-devel-ubuntu22.04 AS build\nRUN pip install torch==2.3.1+cu121\n" +
				"FROM nvidia/cuda:11.8.0-runtime-ubuntu22.04\nCOPY --from=build /venv /venv\n",
			want: []int{2}, contains: "stage 1 runs on nvidia/cuda:11.8.0",
		},
		{
			name: "wheels built in a builder, installed in the final stage",
			df: "FROM nvidia/cuda:12.1.1-devel-ubuntu22.04 AS build\nRUN pip wheel -w /wheels torch==2.3.1+cu121\n" +
				"FROM nvidia/cuda:11.8.0-base-ubuntu22.04\nCOPY --from=build /wheels /wheels\nRUN pip install /wheels/*.whl\n",
			want: []int{2}, contains: "stage 1 runs on nvidia/cuda:11.8.0-base",
		},
		{
			name: "unused builder stage is still checked against its own image",
			df:   "FROM nvidia/cuda:11.8.0-devel-ubuntu22.04 AS scratchpad\nRUN pip install torch==2.3.1+cu121\nFROM python:3.11-slim\n",
			want: []int{2},
		},
	})
}
