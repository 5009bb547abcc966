# Build a static binary, then ship it alone on a minimal, non-root image.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/scamguard ./cmd/scamguard

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/scamguard /usr/local/bin/scamguard
USER nonroot:nonroot
# /healthz, /metrics, the webhook and the console, when SCAMGUARD_HTTP_ADDR=:8080.
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/scamguard"]
CMD ["bot"]
