from setuptools import Extension, setup

setup(
    name="fastscore",
    version="0.1.0",
    description="Logistic scoring with a C inner loop (ml-service example)",
    packages=["fastscore"],
    ext_modules=[Extension("fastscore._fastscore", ["fastscore/_fastscore.c"], libraries=["m"])],
    python_requires=">=3.9",
)
