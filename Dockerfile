# Build a static binary, then ship it on a slim Debian image with Tesseract
# and its Chinese and English data (screenshots are read by running the
# tesseract command), as a non-root user.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/scamguard ./cmd/scamguard

FROM debian:bookworm-slim
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-tra tesseract-ocr-eng ca-certificates \
 && for lang in chi_sim chi_tra eng; do tesseract --list-langs 2>/dev/null | grep -qx "$lang" || { echo "tesseract lacks $lang" >&2; exit 1; }; done \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 65532 --home-dir /nonexistent --shell /usr/sbin/nologin nonroot
COPY --from=build /out/scamguard /usr/local/bin/scamguard
USER nonroot:nonroot
# /healthz, /metrics, the webhook and the console, when SCAMGUARD_HTTP_ADDR=:8080.
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/scamguard"]
CMD ["bot"]
