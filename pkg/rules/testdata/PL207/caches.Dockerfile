FROM continuumio/miniconda3:24.1.2-0
COPY environment.yml /tmp/
# want PL207
RUN conda env create -f /tmp/environment.yml
RUN conda install -y -n base mamba=1.5.8 && conda clean --all --yes
