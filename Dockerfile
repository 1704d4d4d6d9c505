# Attest in a container: one static binary on a distroless base, run as a
# user without privileges. Not built by CI (see docs/operations.md).
#
#   docker build --build-arg VERSION=1.2.3 -t attest .
#   docker run -p 8080:8080 -v attest-data:/var/lib/attest attest serve --demo
#
# The same image runs the worker: `attest worker`.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=0.1.0-dev
# SQLite is pure Go (modernc.org/sqlite), so the binary needs no C library.
RUN CGO_ENABLED=0 go build -trimpath \
        -ldflags "-s -w -X github.com/attest-hq/attest.Version=${VERSION}" \
        -o /out/attest ./cmd/attest \
 && mkdir -p /out/data && chmod 700 /out/data

# distroless/static has CA certificates (for GitHub, AWS, Okta, Google and
# SMTP over TLS) and time zones, and no shell; :nonroot runs as uid 65532.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/attest /usr/local/bin/attest
COPY --from=build --chown=65532:65532 /out/data /var/lib/attest
USER 65532:65532
ENV ATTEST_ADDR=0.0.0.0:8080 \
    ATTEST_DATA_DIR=/var/lib/attest \
    ATTEST_LOG_FORMAT=json
VOLUME /var/lib/attest
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/attest"]
CMD ["serve"]
