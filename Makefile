# Everything a fresh machine needs (Go, gcc and npm present) is set up by
# these targets: the onnxruntime library is fetched and checked, the binary
# built, and the model trained when it is missing.
GO      ?= go
ORT_LIB := $(CURDIR)/.cache/onnxruntime/libonnxruntime.so.1.24.3
MODEL   := models/sentence/model.onnx
BIN     := bin/guanxi
# Address of the throwaway PostgreSQL cluster scripts/postgres.sh runs for
# the graph tests.
PG_DSN  := $(CURDIR)/.cache/postgres/dsn

export ONNXRUNTIME_LIB := $(ORT_LIB)
export GONOSUMDB := github.com/cayleygraph/cayley
export CGO_ENABLED := 1

.PHONY: demo test build train bench onnxruntime clean FORCE

demo: $(BIN) $(MODEL)
	$(BIN) demo

test: onnxruntime
	$(GO) vet ./...
	scripts/postgres.sh >/dev/null
	GUANXI_TEST_POSTGRES="$$(cat $(PG_DSN))" $(GO) test -count=1 -timeout 20m ./...

build: $(BIN)

$(BIN): onnxruntime FORCE
	$(GO) build -o $(BIN) ./cmd/guanxi

onnxruntime:
	scripts/fetch-onnxruntime.sh

$(MODEL):
	$(MAKE) train

train: $(BIN)
	$(BIN) train

bench: onnxruntime
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin .cache
