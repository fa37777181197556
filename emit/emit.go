// Package emit writes the pipeline's outputs: extracted items, trust scores,
// churn-risk warnings and dead letters, each to its own stream. A
// KafkaEmitter writes one topic per stream, keyed by account id; a
// FileEmitter writes one JSONL file per stream.
//
// Values are encoded as JSON with HTML escaping off, so Chinese text and
// characters such as < and & appear exactly as in the source message.
package emit

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Stream names an output stream.
type Stream string

// The pipeline's output streams.
const (
	Items    Stream = "items"
	Scores   Stream = "scores"
	Warnings Stream = "warnings"
	DLQ      Stream = "dlq"
)

// Streams lists every output stream.
var Streams = []Stream{Items, Scores, Warnings, DLQ}

// Valid reports whether s is one of the output streams.
func (s Stream) Valid() bool {
	switch s {
	case Items, Scores, Warnings, DLQ:
		return true
	}
	return false
}

// Record is one output: Value is encoded as JSON onto Stream. Key is the
// account id the value belongs to; Kafka partitions by it, so one account's
// outputs stay in order. A json.RawMessage value is written as is.
type Record struct {
	Stream Stream
	Key    string
	Value  any
}

// encode checks and encodes every record before anything is written, so a
// bad record fails the whole call and writes nothing.
func encode(recs []Record) ([][]byte, error) {
	out := make([][]byte, len(recs))
	for i, r := range recs {
		if !r.Stream.Valid() {
			return nil, fmt.Errorf("emit: record %d: unknown stream %q", i, r.Stream)
		}
		b, err := marshal(r.Value)
		if err != nil {
			return nil, fmt.Errorf("emit: record %d (%s, key %q): %w", i, r.Stream, r.Key, err)
		}
		out[i] = b
	}
	return out, nil
}

// marshal encodes v as one line of compact JSON without a trailing newline.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if bytes.IndexByte(b, '\n') >= 0 {
		// A json.RawMessage may hold indented JSON; one value per line.
		var c bytes.Buffer
		if err := json.Compact(&c, b); err != nil {
			return nil, err
		}
		b = c.Bytes()
	}
	return b, nil
}
