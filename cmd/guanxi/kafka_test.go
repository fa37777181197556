package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/ingest"
	"github.com/guanxi-dev/guanxi/ingest/broker"
)

// TestRunKafkaShutdown runs 'guanxi run --brokers' against a broker on
// loopback with renamed output topics, waits for its outputs, and stops it
// with SIGTERM: it must finish cleanly.
func TestRunKafkaShutdown(t *testing.T) {
	ctx := context.Background()
	b, err := broker.Start(ctx, "in", "out.items", "out.scores", "out.warnings", "out.dlq")
	require.NoError(t, err)
	t.Cleanup(b.Close)
	w := ingest.NewKafkaWriter([]string{b.Addr()}, "in")
	n, err := ingest.PublishFile(ctx, w, "../../testdata/bad/mixed.jsonl")
	require.NoError(t, err)
	require.NoError(t, w.Close())

	var stderr bytes.Buffer
	cmd := exec.Command(bin, "run", "--brokers", b.Addr(), "--topic", "in",
		"--items-topic", "out.items", "--scores-topic", "out.scores",
		"--warnings-topic", "out.warnings", "--dlq-topic", "out.dlq",
		"--store", filepath.Join(t.TempDir(), "graph"))
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	// Every bad line reaches the renamed dead-letter topic.
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers: []string{b.Addr()}, Topic: "out.dlq", GroupID: "check",
		StartOffset: kafka.FirstOffset, MaxWait: 100 * time.Millisecond,
		SessionTimeout: time.Second, HeartbeatInterval: 200 * time.Millisecond, RebalanceTimeout: time.Second,
	})
	defer r.Close()
	got := 0
	for got < n-6 { // mixed.jsonl holds 6 valid messages
		rctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		_, err := r.ReadMessage(rctx)
		cancel()
		require.NoError(t, err, "dead letters so far: %d\n%s", got, stderr.String())
		got++
	}

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-exited:
		assert.NoError(t, err, stderr.String())
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("guanxi run did not stop on SIGTERM\n%s", stderr.String())
	}
	assert.Contains(t, stderr.String(), "pipeline stopped")
}
