# Buurtplein's container image: one static binary on distroless, as a
# non-root user, the data dir in a volume. Build and run:
#
#	docker build -t buurtplein .
#	docker run -p 8090:8090 -v buurtplein_data:/pb_data buurtplein
#
# docs/OPERATIONS.md has the rest (HTTPS, S3, the replica, metrics);
# deploy/compose.yaml runs it with its replica target.

# ---- build: Go 1.27, no cgo (SQLite is pure Go) ----
FROM golang:1.27-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOTOOLCHAIN=auto GOFLAGS=-trimpath
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -ldflags="-s -w" -o /out/buurtplein . \
 && go build -ldflags="-s -w" -o /out/healthcheck ./cmd/healthcheck \
 && mkdir /out/pb_data

# ---- run: CA certificates and time zones, no shell, user 65532 ----
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/buurtplein /out/healthcheck /usr/local/bin/
# the volume's mount point, owned by the user, so a new volume is writable
COPY --from=build --chown=65532:65532 /out/pb_data /pb_data
USER 65532:65532
VOLUME /pb_data
EXPOSE 8090
HEALTHCHECK --interval=30s --timeout=6s --start-period=2m --retries=3 \
  CMD ["/usr/local/bin/healthcheck", "http://127.0.0.1:8090/api/health"]
ENTRYPOINT ["/usr/local/bin/buurtplein"]
CMD ["serve", "--http=0.0.0.0:8090", "--dir=/pb_data"]
