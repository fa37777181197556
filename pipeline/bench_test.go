package pipeline_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/emit"
	"github.com/guanxi-dev/guanxi/graph"
	"github.com/guanxi-dev/guanxi/ingest"
	"github.com/guanxi-dev/guanxi/pipeline"
)

// BenchmarkPipelineFile runs the whole pipeline over the demo corpus from a
// JSONL file into a fresh graph, per backend, and reports messages per
// second. bbolt syncs every message's transaction to disk; nosync shows
// what that costs.
func BenchmarkPipelineFile(b *testing.B) {
	ex := extractor(b)
	for _, bc := range []struct {
		name string
		cfg  func(dir string) graph.Config
	}{
		{"bbolt", func(dir string) graph.Config { return graph.Config{Path: filepath.Join(dir, "g")} }},
		{"bbolt-nosync", func(dir string) graph.Config { return graph.Config{Path: filepath.Join(dir, "g"), NoSync: true} }},
		{"memstore", func(string) graph.Config { return graph.Config{Backend: graph.BackendMemstore} }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var msgs int64
			var elapsed time.Duration
			for b.Loop() {
				dir := b.TempDir()
				src, err := ingest.NewFileSource("../testdata/demo/messages.jsonl", "")
				require.NoError(b, err)
				out, err := emit.NewFileEmitter(dir)
				require.NoError(b, err)
				store, err := graph.Open(context.Background(), bc.cfg(dir))
				require.NoError(b, err)
				p := &pipeline.Pipeline{Source: src, Extractor: ex, Store: store, Emitter: out}
				start := time.Now()
				require.NoError(b, p.Run(context.Background()))
				elapsed += time.Since(start)
				msgs += p.Stats().Accepted
				require.NoError(b, store.Close())
				require.NoError(b, out.Close())
				require.NoError(b, src.Close())
			}
			b.ReportMetric(float64(msgs)/elapsed.Seconds(), "msgs/s")
		})
	}
}
