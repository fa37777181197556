package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/ingest/broker"
)

const testTopic = "guanxi.messages"

func startBroker(t *testing.T) *broker.Broker {
	t.Helper()
	b, err := broker.Start(t.Context(), testTopic)
	require.NoError(t, err)
	t.Cleanup(b.Close)
	return b
}

func newTestSource(t *testing.T, b *broker.Broker, group string) *KafkaSource {
	t.Helper()
	src, err := NewKafkaSource(KafkaConfig{
		Brokers:          []string{b.Addr()},
		Topic:            testTopic,
		GroupID:          group,
		MaxWait:          100 * time.Millisecond,
		SessionTimeout:   time.Second,
		RebalanceTimeout: 2 * time.Second,
	})
	require.NoError(t, err)
	return src
}

type pos struct {
	Partition int
	Offset    int64
}

func posOf(r Record) pos { return pos{r.Partition, r.Offset} }

// fetchN fetches n records, failing the test if they do not arrive in time.
func fetchN(t *testing.T, src *KafkaSource, n int) []Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	recs := make([]Record, 0, n)
	for len(recs) < n {
		r, err := src.Fetch(ctx)
		require.NoError(t, err, "after %d of %d records", len(recs), n)
		recs = append(recs, r)
	}
	return recs
}

// assertNoMore checks that nothing else is delivered for a while.
func assertNoMore(t *testing.T, src *KafkaSource) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 1500*time.Millisecond)
	defer cancel()
	r, err := src.Fetch(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded, "unexpected record %v", r)
}

// publishMessages writes n valid messages spread over accounts through
// PublishFile and returns their ids in file order.
func publishMessages(t *testing.T, b *broker.Broker, n, accounts int) []string {
	t.Helper()
	var sb strings.Builder
	var ids []string
	for i := range n {
		id := fmt.Sprintf("chat-%03d", i)
		ids = append(ids, id)
		fmt.Fprintf(&sb, `{"id":%q,"channel":"chat","account":{"id":"acct-%d","name":"客户%d"},`+
			`"occurred_at":"2025-03-12T09:%02d:00+08:00","participants":[{"id":"p1","name":"陈静","side":"customer"}],`+
			`"turns":[{"speaker":"p1","text":"第%d条：价格还能再谈吗？","at":"2025-03-12T09:%02d:00+08:00"}]}`+"\n",
			id, i%accounts, i%accounts, i%60, i, i%60)
	}
	path := filepath.Join(t.TempDir(), "messages.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(sb.String()), 0o644))
	w := NewKafkaWriter([]string{b.Addr()}, testTopic)
	defer w.Close()
	published, err := PublishFile(t.Context(), w, path)
	require.NoError(t, err)
	require.Equal(t, n, published)
	return ids
}

func TestKafkaSourceRoundTrip(t *testing.T) {
	b := startBroker(t)
	const n = 24
	publishMessages(t, b, n, 6)

	src := newTestSource(t, b, "pipeline")
	recs := fetchN(t, src, n)
	for _, r := range recs {
		m, err := Parse(r.Value)
		require.NoError(t, err)
		assert.Equal(t, m.Account.ID, string(r.Key), "keyed by account")
		assert.Equal(t, testTopic, r.Topic)
		assert.Zero(t, r.Line)
	}

	// Per partition, in offset order: commit the first half of each
	// partition's records, and additionally the last record of each
	// partition, which is committed while the records before it are not.
	byPart := map[int][]Record{}
	for _, r := range recs {
		byPart[r.Partition] = append(byPart[r.Partition], r)
	}
	require.Greater(t, len(byPart), 1, "records spread over partitions")
	var commit []Record
	want := map[pos]bool{} // records that must come again
	for _, rs := range byPart {
		slices.SortFunc(rs, func(a, b Record) int { return int(a.Offset - b.Offset) })
		half := len(rs) / 2
		commit = append(commit, rs[:half]...)
		if len(rs)-half >= 2 {
			commit = append(commit, rs[len(rs)-1])
		}
		for _, r := range rs[half:] {
			want[posOf(r)] = true
		}
	}
	// Commit in a scrambled order and in two calls, as a concurrent
	// pipeline would.
	slices.Reverse(commit)
	require.NoError(t, src.Commit(t.Context(), commit[:len(commit)/2]...))
	require.NoError(t, src.Commit(t.Context(), commit[len(commit)/2:]...))
	require.NoError(t, src.Close())

	// The group's next consumer gets exactly the records not covered by a
	// committed offset: the uncommitted ones and the last of each
	// partition, which waited on them.
	src = newTestSource(t, b, "pipeline")
	again := fetchN(t, src, len(want))
	got := map[pos]bool{}
	for _, r := range again {
		got[posOf(r)] = true
	}
	assert.Equal(t, want, got)
	assertNoMore(t, src)

	require.NoError(t, src.Commit(t.Context(), again...))
	require.NoError(t, src.Close())

	// Everything is committed now.
	src = newTestSource(t, b, "pipeline")
	assertNoMore(t, src)
	require.NoError(t, src.Close())

	// A different group starts from the beginning.
	other := newTestSource(t, b, "audit")
	assert.Len(t, fetchN(t, other, n), n)
	require.NoError(t, other.Close())
}

func TestKafkaSourceFetchAfterClose(t *testing.T) {
	b := startBroker(t)
	src := newTestSource(t, b, "closing")
	require.NoError(t, src.Close())
	_, err := src.Fetch(t.Context())
	assert.ErrorIs(t, err, io.EOF)
}

func TestKafkaSourceCommitChecks(t *testing.T) {
	b := startBroker(t)
	publishMessages(t, b, 3, 1)
	src := newTestSource(t, b, "checks")
	defer src.Close()
	recs := fetchN(t, src, 3)

	err := src.Commit(t.Context(), Record{Topic: "other.topic", Partition: 0, Offset: 0})
	assert.ErrorContains(t, err, "is not from topic guanxi.messages")

	// A record this source never fetched is ignored, not committed.
	require.NoError(t, src.Commit(t.Context(), Record{Topic: testTopic, Partition: 3, Offset: 99}))
	require.NoError(t, src.Commit(t.Context(), recs...))
}

func TestNewKafkaSourceConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  KafkaConfig
		err  string
	}{
		{"no brokers", KafkaConfig{Topic: "t", GroupID: "g"}, "no brokers"},
		{"no topic", KafkaConfig{Brokers: []string{"127.0.0.1:9092"}, GroupID: "g"}, "no topic"},
		{"no group", KafkaConfig{Brokers: []string{"127.0.0.1:9092"}, Topic: "t"}, "no consumer group id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewKafkaSource(tt.cfg)
			assert.ErrorContains(t, err, tt.err)
		})
	}
}

func TestPublishFileKeys(t *testing.T) {
	b := startBroker(t)
	w := NewKafkaWriter([]string{b.Addr()}, testTopic)
	defer w.Close()
	n, err := PublishFile(t.Context(), w, "../testdata/bad/mixed.jsonl")
	require.NoError(t, err)
	want := readWant(t)
	require.Equal(t, len(want), n, "every non-blank line is published, bad ones included")

	src := newTestSource(t, b, "publish")
	defer src.Close()
	recs := fetchN(t, src, n)

	raw, err := os.ReadFile("../testdata/bad/mixed.jsonl")
	require.NoError(t, err)
	fileLines := strings.Split(string(raw), "\n")
	byValue := map[string][]byte{}
	lastOffset := map[string]int64{}
	lastPart := map[string]int{}
	for _, r := range recs {
		byValue[string(r.Value)] = r.Key
		if r.Key == nil {
			continue
		}
		k := string(r.Key)
		if p, ok := lastPart[k]; ok {
			assert.Equal(t, p, r.Partition, "account %s on one partition", k)
		}
		lastPart[k] = r.Partition
		lastOffset[k] = r.Offset
	}
	for _, w := range want {
		line := fileLines[w.Line-1]
		key, ok := byValue[line]
		require.True(t, ok, "line %d was published", w.Line)
		switch {
		case w.OK:
			m, err := Parse([]byte(line))
			require.NoError(t, err)
			assert.Equal(t, m.Account.ID, string(key), "line %d", w.Line)
		case strings.HasPrefix(w.Reason, "malformed JSON"):
			assert.Nil(t, key, "line %d has no readable account", w.Line)
		}
	}
}

// failingWriter rejects every write, as a broker that is down would.
type failingWriter struct{ calls int }

func (f *failingWriter) WriteMessages(ctx context.Context, msgs ...kafka.Message) error {
	f.calls++
	return errors.New("broker unavailable")
}

func TestPublishFileErrors(t *testing.T) {
	_, err := PublishFile(t.Context(), &failingWriter{}, filepath.Join(t.TempDir(), "missing.jsonl"))
	assert.ErrorIs(t, err, os.ErrNotExist)

	fw := &failingWriter{}
	n, err := PublishFile(t.Context(), fw, "../testdata/bad/mixed.jsonl")
	assert.Zero(t, n)
	assert.ErrorContains(t, err, "lines 1-22: broker unavailable")
	assert.Equal(t, 1, fw.calls)
}
