package emit

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
)

// DefaultTopic returns the Kafka topic of stream s unless overridden:
// guanxi.items, guanxi.scores, guanxi.warnings or guanxi.dlq.
func DefaultTopic(s Stream) string { return "guanxi." + string(s) }

// KafkaConfig configures a KafkaEmitter.
type KafkaConfig struct {
	// Brokers are host:port addresses of the cluster's brokers.
	Brokers []string
	// Topics overrides DefaultTopic per stream.
	Topics map[Stream]string
	// BatchTimeout is how long a write waits to fill a batch; default 5ms.
	BatchTimeout time.Duration
	// WriteTimeout bounds one write to the broker; default 10s.
	WriteTimeout time.Duration
	// AllowAutoTopicCreation lets the broker create missing topics.
	AllowAutoTopicCreation bool
}

// Topic returns the topic stream s is written to.
func (c KafkaConfig) Topic(s Stream) string {
	if t, ok := c.Topics[s]; ok && t != "" {
		return t
	}
	return DefaultTopic(s)
}

// KafkaEmitter writes records to Kafka, one topic per stream, keyed by
// account id. Emit is synchronous: a nil error means every record was
// acknowledged by all in-sync replicas.
type KafkaEmitter struct {
	w      *kafka.Writer
	topics map[Stream]string

	mu     sync.RWMutex
	closed bool
}

// NewKafkaEmitter returns an emitter writing to cfg.Brokers.
func NewKafkaEmitter(cfg KafkaConfig) (*KafkaEmitter, error) {
	if len(cfg.Brokers) == 0 {
		return nil, errors.New("emit: kafka emitter: no brokers")
	}
	for s := range cfg.Topics {
		if !s.Valid() {
			return nil, fmt.Errorf("emit: kafka emitter: topic for unknown stream %q", s)
		}
	}
	if cfg.BatchTimeout <= 0 {
		cfg.BatchTimeout = 5 * time.Millisecond
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 10 * time.Second
	}
	topics := make(map[Stream]string, len(Streams))
	for _, s := range Streams {
		topics[s] = cfg.Topic(s)
	}
	w := &kafka.Writer{
		Addr: kafka.TCP(cfg.Brokers...),
		// Same key, same partition: one account's outputs stay in order.
		Balancer:               &kafka.Hash{},
		RequiredAcks:           kafka.RequireAll,
		BatchTimeout:           cfg.BatchTimeout,
		WriteTimeout:           cfg.WriteTimeout,
		AllowAutoTopicCreation: cfg.AllowAutoTopicCreation,
	}
	return &KafkaEmitter{w: w, topics: topics}, nil
}

// Emit writes recs and returns once all are acknowledged. Records are
// checked and encoded first: an unknown stream or a value that cannot be
// encoded fails the call before anything is written.
func (e *KafkaEmitter) Emit(ctx context.Context, recs ...Record) error {
	if len(recs) == 0 {
		return nil
	}
	vals, err := encode(recs)
	if err != nil {
		return err
	}
	msgs := make([]kafka.Message, len(recs))
	for i, r := range recs {
		msgs[i] = kafka.Message{Topic: e.topics[r.Stream], Value: vals[i]}
		if r.Key != "" {
			msgs[i].Key = []byte(r.Key)
		}
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.closed {
		return errors.New("emit: kafka emitter is closed")
	}
	if err := e.w.WriteMessages(ctx, msgs...); err != nil {
		return fmt.Errorf("emit: write %d records to kafka: %w", len(msgs), err)
	}
	return nil
}

// Close flushes and closes the writer.
func (e *KafkaEmitter) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil
	}
	e.closed = true
	if err := e.w.Close(); err != nil {
		return fmt.Errorf("emit: close kafka emitter: %w", err)
	}
	return nil
}
