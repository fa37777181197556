package broker

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBroker(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()

	b, err := Start(ctx, "guanxi.messages", "guanxi.items")
	require.NoError(t, err)
	defer b.Close()
	assert.Regexp(t, `^127\.0\.0\.1:\d+$`, b.Addr())

	conn, err := kafka.DialContext(ctx, "tcp", b.Addr())
	require.NoError(t, err)
	parts, err := conn.ReadPartitions("guanxi.messages", "guanxi.items")
	require.NoError(t, err)
	require.NoError(t, conn.Close())
	count := map[string]int{}
	for _, p := range parts {
		count[p.Topic]++
	}
	assert.Equal(t, map[string]int{"guanxi.messages": Partitions, "guanxi.items": Partitions}, count)

	w := &kafka.Writer{
		Addr:         kafka.TCP(b.Addr()),
		Topic:        "guanxi.messages",
		Balancer:     &kafka.Hash{},
		RequiredAcks: kafka.RequireAll,
		BatchTimeout: time.Millisecond,
	}
	var msgs []kafka.Message
	for i := range 20 {
		msgs = append(msgs, kafka.Message{
			Key:   fmt.Appendf(nil, "acct-%d", i%5),
			Value: fmt.Appendf(nil, `{"n":%d,"text":"第%d条"}`, i, i),
		})
	}
	require.NoError(t, w.WriteMessages(ctx, msgs...))
	require.NoError(t, w.Close())

	// A consumer group with a session timeout far below Kafka's usual 6s
	// floor must be able to join.
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers:           []string{b.Addr()},
		Topic:             "guanxi.messages",
		GroupID:           "broker-test",
		SessionTimeout:    time.Second,
		HeartbeatInterval: 300 * time.Millisecond,
		RebalanceTimeout:  2 * time.Second,
		MaxWait:           100 * time.Millisecond,
		StartOffset:       kafka.FirstOffset,
	})
	defer r.Close()
	seen := map[string]int{} // key -> partition
	for range msgs {
		m, err := r.FetchMessage(ctx)
		require.NoError(t, err)
		if p, ok := seen[string(m.Key)]; ok {
			assert.Equal(t, p, m.Partition, "one key, one partition")
		}
		seen[string(m.Key)] = m.Partition
	}
	assert.Len(t, seen, 5)
	parts2 := map[int]bool{}
	for _, p := range seen {
		parts2[p] = true
	}
	assert.Greater(t, len(parts2), 1, "keys spread over partitions")
}

func TestStartCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := Start(ctx)
	assert.ErrorIs(t, err, context.Canceled)
}
