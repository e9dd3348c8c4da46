go test fuzz v1
[]byte("# want PL001\nRUN echo no base image\n")
