package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/segmentio/kafka-go"
)

// MessageWriter is the part of a *kafka.Writer that PublishFile uses.
type MessageWriter interface {
	WriteMessages(ctx context.Context, msgs ...kafka.Message) error
}

// NewKafkaWriter returns a writer for topic suited to PublishFile: records
// with the same key (the account id) go to the same partition, so one
// account's messages stay in order; every write waits for all in-sync
// replicas.
func NewKafkaWriter(brokers []string, topic string) *kafka.Writer {
	return &kafka.Writer{
		Addr:         kafka.TCP(brokers...),
		Topic:        topic,
		Balancer:     &kafka.Hash{},
		RequiredAcks: kafka.RequireAll,
		BatchTimeout: 5 * time.Millisecond,
	}
}

// publishBatch is how many lines go to the broker per write.
const publishBatch = 100

// PublishFile publishes each non-blank line of the JSONL file at path as one
// Kafka message keyed by its account id, and returns how many it published.
// Lines that are not JSON, or name no account, are published without a key
// so that they still reach the dead-letter path of the consumer. w should
// partition by key (see NewKafkaWriter).
func PublishFile(ctx context.Context, w MessageWriter, path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("ingest: publish: %w", err)
	}
	defer f.Close()

	lr := newLineReader(f)
	var (
		batch     []kafka.Message
		firstLine int
		n         int
	)
	flush := func(lastLine int) error {
		if len(batch) == 0 {
			return nil
		}
		if err := w.WriteMessages(ctx, batch...); err != nil {
			return fmt.Errorf("ingest: publish %s lines %d-%d: %w", path, firstLine, lastLine, err)
		}
		n += len(batch)
		batch = batch[:0]
		return nil
	}
	lastLine := 0
	for {
		line, b, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return n, fmt.Errorf("ingest: publish: read %s: %w", path, err)
		}
		if len(batch) == 0 {
			firstLine = line
		}
		lastLine = line
		batch = append(batch, kafka.Message{Key: accountKey(b), Value: b})
		if len(batch) == publishBatch {
			if err := flush(line); err != nil {
				return n, err
			}
		}
	}
	if err := flush(lastLine); err != nil {
		return n, err
	}
	return n, nil
}

// accountKey returns the account id of a raw message, or nil when it has
// none that can be read.
func accountKey(raw []byte) []byte {
	var probe struct {
		Account struct {
			ID string `json:"id"`
		} `json:"account"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil || probe.Account.ID == "" {
		return nil
	}
	return []byte(probe.Account.ID)
}
