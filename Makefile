# Everything a fresh machine needs (Go, gcc and npm present) is set up by
# these targets: the onnxruntime library is fetched and checked, the binary
# built, and the model trained when it is missing or is not the one that
# models/sentence/config.json names. The model is built from the corpus like
# the binary from the source: the repository keeps its config.json and
# tokenizer.json, whose version pins model.onnx byte for byte.
GO      ?= go
ORT_LIB := $(CURDIR)/.cache/onnxruntime/libonnxruntime.so.1.24.3
MODEL   := models/sentence/model.onnx
MODEL_CONFIG := models/sentence/config.json
BIN     := bin/guanxi
# Address of the throwaway PostgreSQL cluster scripts/postgres.sh runs for
# the graph tests.
PG_DSN  := $(CURDIR)/.cache/postgres/dsn

export ONNXRUNTIME_LIB := $(ORT_LIB)
export GONOSUMDB := github.com/cayleygraph/cayley
export CGO_ENABLED := 1

.PHONY: demo test build train model bench onnxruntime clean FORCE

demo: model
	$(BIN) demo

test: model
	$(GO) vet ./...
	scripts/postgres.sh >/dev/null
	GUANXI_TEST_POSTGRES="$$(cat $(PG_DSN))" $(GO) test -count=1 -timeout 20m ./...

build: $(BIN)

$(BIN): onnxruntime FORCE
	$(GO) build -o $(BIN) ./cmd/guanxi

onnxruntime:
	scripts/fetch-onnxruntime.sh

# model builds model.onnx when it is missing or its hash is not the version
# config.json records; train retrains and rewrites all three files (commit
# config.json and tokenizer.json after it).
model: $(BIN)
	@want=$$(sed -n 's/.*"version": *"\([0-9a-f]*\)".*/\1/p' $(MODEL_CONFIG)); \
	have=$$(sha256sum $(MODEL) 2>/dev/null | cut -c1-12); \
	if [ "$$want" != "$$have" ]; then echo "building $(MODEL) (version $$want)"; $(BIN) train --pinned; fi

train: $(BIN)
	$(BIN) train

bench: onnxruntime
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin .cache
