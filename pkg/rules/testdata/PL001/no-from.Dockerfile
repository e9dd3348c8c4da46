# want PL001
RUN echo no base image
