package rules

import "testing"

func TestPL602(t *testing.T) {
	t.Parallel()
	runRuleCases(t, PL602{}, []ruleCase{
		{
			name: "tensorflow on a runtime image without cuDNN",
			df:   "FROM nvidia/cuda:12.2.2-runtime-ubuntu22.04\nRUN pip install tensorflow==2.15.0\n",
			want: []int{2}, contains: "use nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04, or install tensorflow[and-cuda]",
		},
		{
			name: "unpinned tensorflow: the image's cuDNN sibling",
			df:   "FROM nvidia/cuda:12.5.1-base-ubuntu22.04\nRUN pip install tensorflow\n",
			want: []int{2}, contains: "nvidia/cuda:12.5.1-cudnn-runtime-ubuntu22.04",
		},
		{
			name: "12.3 spells cudnn9",
			df:   "FROM nvidia/cuda:12.3.2-devel-ubuntu22.04\nRUN pip install 'jax[cuda12_local]==0.4.30'\n",
			want: []int{2}, contains: "12.3.2-cudnn9-devel-ubuntu22.04",
		},
		{
			name: "tensorflow built with cuDNN 8 on CUDA 12.4: the cudnn sibling would be cuDNN 9",
			df:   "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nRUN pip install tensorflow==2.16.1\n",
			want: []int{2}, contains: "NVIDIA publishes no nvidia/cuda image with CUDA 12.3 and cuDNN 8, so install tensorflow[and-cuda]==2.16.1",
		},
		{name: "tensorflow with cudnn image", df: "FROM nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04\nRUN pip install tensorflow==2.15.0\n", want: nil},
		{name: "tensorflow[and-cuda] brings cuDNN", df: "FROM nvidia/cuda:12.2.2-runtime-ubuntu22.04\nRUN pip install 'tensorflow[and-cuda]==2.15.0'\n", want: nil},
		{name: "cuDNN from apt", df: "FROM nvidia/cuda:12.2.2-runtime-ubuntu22.04\nRUN apt-get install -y libcudnn8=8.9.7.29-1+cuda12.2 && pip install tensorflow==2.15.0\n", want: nil},
		{name: "cuDNN from pip", df: "FROM nvidia/cuda:12.2.2-runtime-ubuntu22.04\nRUN pip install nvidia-cudnn-cu12==8.9.4.25 tensorflow==2.15.0\n", want: nil},
		{name: "torch wheels carry cuDNN", df: "FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\nRUN pip install torch==2.3.1\n", want: nil},
		{name: "torch cu variant", df: "FROM nvidia/cuda:11.8.0-base-ubuntu22.04\nRUN pip install torch==2.3.1+cu118 --index-url https://download.pytorch.org/whl/cu118\n", want: nil},
		{name: "tensorflow 1.x is CPU-only", df: "FROM nvidia/cuda:10.0-runtime-ubuntu18.04\nRUN pip install tensorflow==1.15.0\n", want: nil},
		{name: "tensorflow-gpu 1.x", df: "FROM nvidia/cuda:10.0-runtime-ubuntu18.04\nRUN pip install tensorflow-gpu==1.15.0\n", want: []int{2}, contains: "cudnn7-runtime"},
		{name: "jax local", df: "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nRUN pip install 'jax[cuda12_local]==0.4.30'\n", want: []int{2}, contains: "cuda12-local"},
		{name: "jax pip", df: "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nRUN pip install 'jax[cuda12]==0.4.30'\n", want: nil},
		{name: "not a cuda image", df: "FROM python:3.11-slim\nRUN pip install tensorflow==2.15.0\n", want: nil},
		{
			name: "installed in a builder, shipped on a runtime without cuDNN",
			df: "FROM nvidia/cuda:12.2.2-cudnn8-devel-ubuntu22.04 AS build\nRUN pip install --prefix /install tensorflow==2.15.0\n" +
				"FROM nvidia/cuda:12.2.2-runtime-ubuntu22.04\nCOPY --from=build /install /usr/local\n",
			want: []int{2}, contains: "stage 1",
		},
		{
			name:  "from requirements",
			df:    "FROM nvidia/cuda:12.2.2-runtime-ubuntu22.04\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n",
			files: map[string]string{"requirements.txt": "tensorflow==2.15.0\n"},
			want:  []int{3}, contains: "requirements.txt:1",
		},
	})
}
