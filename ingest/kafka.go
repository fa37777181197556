package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
)

// KafkaConfig configures a KafkaSource.
type KafkaConfig struct {
	// Brokers are host:port addresses of the cluster's brokers.
	Brokers []string
	// Topic holds the envelope v1 messages, keyed by account id.
	Topic string
	// GroupID names the consumer group; its committed offsets say where a
	// restarted consumer resumes.
	GroupID string

	// MaxWait bounds how long one fetch waits for new data, and so how long
	// Close waits for a fetch in flight. Default 250ms.
	MaxWait time.Duration
	// SessionTimeout is how long the group coordinator waits for a
	// heartbeat before it reassigns this consumer's partitions. Default 10s.
	// The broker must allow it (group.min.session.timeout.ms).
	SessionTimeout time.Duration
	// HeartbeatInterval defaults to a third of SessionTimeout, at most 3s.
	HeartbeatInterval time.Duration
	// RebalanceTimeout is how long a rebalance waits for members to rejoin.
	// Default 10s.
	RebalanceTimeout time.Duration
	// StartOffset is where a group without committed offsets starts:
	// kafka.FirstOffset (the default) or kafka.LastOffset.
	StartOffset int64

	// Logger receives the client's error reports; nil means slog.Default.
	Logger *slog.Logger
}

func (c *KafkaConfig) setDefaults() {
	if c.MaxWait <= 0 {
		c.MaxWait = 250 * time.Millisecond
	}
	if c.SessionTimeout <= 0 {
		c.SessionTimeout = 10 * time.Second
	}
	if c.HeartbeatInterval <= 0 {
		c.HeartbeatInterval = min(c.SessionTimeout/3, 3*time.Second)
	}
	if c.RebalanceTimeout <= 0 {
		c.RebalanceTimeout = 10 * time.Second
	}
	if c.StartOffset == 0 {
		c.StartOffset = kafka.FirstOffset
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// KafkaSource consumes messages from a Kafka topic in a consumer group.
// Offsets are committed only through Commit, after the caller has stored
// what it derived from the records, so a crash redelivers unfinished work.
type KafkaSource struct {
	r     *kafka.Reader
	topic string
	log   *slog.Logger

	mu    sync.Mutex // guards track
	track map[int]*inflight

	commitMu sync.Mutex // keeps commits in order so offsets never go back
}

// NewKafkaSource joins the consumer group cfg.GroupID on cfg.Topic. The group
// is joined lazily, on the first Fetch.
func NewKafkaSource(cfg KafkaConfig) (*KafkaSource, error) {
	switch {
	case len(cfg.Brokers) == 0:
		return nil, errors.New("ingest: kafka source: no brokers")
	case cfg.Topic == "":
		return nil, errors.New("ingest: kafka source: no topic")
	case cfg.GroupID == "":
		return nil, errors.New("ingest: kafka source: no consumer group id")
	}
	cfg.setDefaults()
	log := cfg.Logger.With("topic", cfg.Topic, "group", cfg.GroupID)
	rc := kafka.ReaderConfig{
		Brokers:           cfg.Brokers,
		Topic:             cfg.Topic,
		GroupID:           cfg.GroupID,
		MaxWait:           cfg.MaxWait,
		SessionTimeout:    cfg.SessionTimeout,
		HeartbeatInterval: cfg.HeartbeatInterval,
		RebalanceTimeout:  cfg.RebalanceTimeout,
		JoinGroupBackoff:  cfg.MaxWait,
		StartOffset:       cfg.StartOffset,
		// Zero makes CommitMessages synchronous: a nil error means the
		// broker stored the offset.
		CommitInterval:  0,
		ReadLagInterval: -1,
		ErrorLogger: kafka.LoggerFunc(func(msg string, args ...any) {
			text := fmt.Sprintf(msg, args...)
			// A fetch that outlives its deadline under load is retried
			// by the reader on a new connection: worth a trace, not a
			// warning.
			if strings.Contains(text, "i/o timeout") {
				log.Debug("kafka reader: " + text)
				return
			}
			log.Warn("kafka reader: " + text)
		}),
	}
	if err := rc.Validate(); err != nil {
		return nil, fmt.Errorf("ingest: kafka source: %w", err)
	}
	return &KafkaSource{
		r:     kafka.NewReader(rc),
		topic: cfg.Topic,
		log:   log,
		track: make(map[int]*inflight),
	}, nil
}

// Fetch returns the next record. It blocks until one arrives, ctx ends
// (returning ctx's error) or the source is closed (returning io.EOF).
func (s *KafkaSource) Fetch(ctx context.Context) (Record, error) {
	m, err := s.r.FetchMessage(ctx)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return Record{}, io.EOF
		}
		return Record{}, fmt.Errorf("ingest: fetch from %s: %w", s.topic, err)
	}
	s.mu.Lock()
	t := s.track[m.Partition]
	if t == nil {
		t = &inflight{}
		s.track[m.Partition] = t
	}
	t.fetched(m.Offset)
	s.mu.Unlock()
	return Record{
		Key:       m.Key,
		Value:     m.Value,
		Topic:     m.Topic,
		Partition: m.Partition,
		Offset:    m.Offset,
	}, nil
}

// Commit marks records done and commits, per partition, the offset after
// the last record below which every fetched record is done. Committing an
// offset in Kafka commits everything before it, so a record still being
// processed holds back the commit of later ones on its partition.
//
// Records this source no longer tracks, such as those fetched before a
// rebalance took their partition away, are ignored: Kafka delivers them
// again.
func (s *KafkaSource) Commit(ctx context.Context, recs ...Record) error {
	s.commitMu.Lock()
	defer s.commitMu.Unlock()

	s.mu.Lock()
	touched := make(map[int]bool)
	for _, r := range recs {
		if r.Topic != s.topic {
			s.mu.Unlock()
			return fmt.Errorf("ingest: commit %v: record is not from topic %s", r, s.topic)
		}
	}
	for _, r := range recs {
		t := s.track[r.Partition]
		if t == nil || !t.known(r.Offset) {
			s.log.Debug("commit of untracked record ignored", "record", r.String())
			continue
		}
		t.commit(r.Offset)
		touched[r.Partition] = true
	}
	var msgs []kafka.Message
	for p := range touched {
		if off, ok := s.track[p].release(); ok {
			msgs = append(msgs, kafka.Message{Topic: s.topic, Partition: p, Offset: off})
		}
	}
	s.mu.Unlock()

	if len(msgs) == 0 {
		return nil
	}
	if err := s.r.CommitMessages(ctx, msgs...); err != nil {
		return fmt.Errorf("ingest: commit offsets on %s: %w", s.topic, err)
	}
	return nil
}

// Close leaves the consumer group. Records fetched but not committed are
// delivered again to the group's next consumer.
func (s *KafkaSource) Close() error {
	if err := s.r.Close(); err != nil {
		return fmt.Errorf("ingest: close kafka source: %w", err)
	}
	return nil
}
