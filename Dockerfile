# plimsoll's own image: the plimsoll binary, buildkitd and buildctl of the
# BuildKit version go.mod pins, and runc, on Debian bookworm-slim. Use it as
# a GitLab CI job image or with `docker run`; a daemonless build inside it
# needs a privileged container (or point it at a builder with --builder).
#
#   docker build -t plimsoll .
#   docker run --rm -v "$PWD:/src" -w /src plimsoll lint .

FROM golang:1.26-bookworm AS build

WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download

COPY . .
ARG VERSION=dev
# Static binaries; buildkitd and buildctl from exactly go.mod's pin.
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false \
        -ldflags "-s -w -X github.com/plimsoll/plimsoll/pkg/version.Version=${VERSION}" \
        -o /out/plimsoll ./cmd/plimsoll \
    && bk="$(go list -m -f '{{.Version}}' github.com/moby/buildkit)" \
    && CGO_ENABLED=0 go build -trimpath -buildvcs=false \
        -ldflags "-s -w -X github.com/moby/buildkit/version.Version=${bk}" \
        -o /out/ github.com/moby/buildkit/cmd/buildkitd github.com/moby/buildkit/cmd/buildctl

FROM debian:bookworm-slim

# runc runs the RUN steps of a daemonless build; ca-certificates let it
# pull from and push to registries over https.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        ca-certificates \
        runc \
    && rm -rf /var/lib/apt/lists/*

COPY --from=build /out/ /usr/local/bin/

# A private buildkitd needs root, so the image keeps it; with --builder
# pointing at a running builder, run it as any user (docker run --user).
ENTRYPOINT ["plimsoll"]
CMD ["help"]
