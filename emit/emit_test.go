package emit

import (
	"bufio"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/ingest"
	"github.com/guanxi-dev/guanxi/ingest/broker"
	"github.com/guanxi-dev/guanxi/scoring"
)

// emitter is the method set both emitters share.
type emitter interface {
	Emit(ctx context.Context, recs ...Record) error
	Close() error
}

var (
	_ emitter = (*KafkaEmitter)(nil)
	_ emitter = (*FileEmitter)(nil)
)

var asOf = time.Date(2025, 3, 14, 18, 0, 0, 0, time.FixedZone("CST", 8*3600))

// sample returns one record per stream, as the pipeline would emit them.
func sample() []Record {
	item := extract.Item{
		MessageID: "em-20250304-001", AccountID: "acct-hzyf", Type: extract.Objection, Subtype: "price",
		Party: "customer", Speaker: "p-wang", Text: "报价比预算高了30%左右，我们老板觉得有点贵。",
		Confidence: 0.93, Model: "objection-zh@1.0.0", Field: "body", Start: 18, End: 40,
	}
	score := scoring.Score{
		AccountID: "acct-hzyf", AsOf: asOf, Technical: 62, Commercial: 41.5, Emotional: 70, AtRisk: true,
		Evidence: []scoring.Evidence{{Dimension: scoring.Commercial, MessageID: "em-20250304-001",
			Quote: "有点贵", Signal: "price_objection", Delta: -8, At: asOf}},
	}
	warning := scoring.Warning{
		AccountID: "acct-hzyf", Kind: scoring.CommercialSensitivity, Severity: scoring.SeverityMedium, Since: asOf,
		Evidence: score.Evidence,
		Message:  "客户对价格敏感：王磊认为报价高于预算约30%。建议：准备分阶段付款方案 & 重新报价。",
	}
	dl := ingest.NewDeadLetter(ingest.Record{Value: []byte("不是JSON"), Line: 3},
		&ingest.ValidationError{Reason: "malformed JSON at offset 0: invalid character '不' looking for beginning of value"})
	return []Record{
		{Stream: Items, Key: "acct-hzyf", Value: item},
		{Stream: Scores, Key: "acct-hzyf", Value: score},
		{Stream: Warnings, Key: "acct-hzyf", Value: warning},
		{Stream: DLQ, Value: dl},
	}
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	require.NoError(t, sc.Err())
	return out
}

func TestFileEmitter(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	e, err := NewFileEmitter(dir)
	require.NoError(t, err)

	recs := sample()
	require.NoError(t, e.Emit(t.Context(), recs...))
	// Emit flushes: the lines are on disk before Close.
	for _, s := range Streams {
		assert.Len(t, readLines(t, e.Path(s)), 1, "%s", s)
	}
	second := recs[0]
	second.Value = extract.Item{MessageID: "call-20250310-001", AccountID: "acct-hzyf", Type: extract.Commitment,
		Party: "vendor", Speaker: "r-li", Text: "我让张工明天上午给您回电话", Due: "2025-03-11", Model: "commitment-zh@1.0.0",
		Field: "turns[2]", Start: 3, End: 16}
	require.NoError(t, e.Emit(t.Context(), second))
	require.NoError(t, e.Close())
	assert.ErrorContains(t, e.Emit(t.Context(), second), "closed")
	require.NoError(t, e.Close(), "closing twice is harmless")

	items := readLines(t, filepath.Join(dir, "items.jsonl"))
	require.Len(t, items, 2)
	for i, want := range []any{recs[0].Value, second.Value} {
		var got extract.Item
		require.NoError(t, json.Unmarshal([]byte(items[i]), &got))
		assert.Equal(t, want, got)
	}

	warnings := readLines(t, filepath.Join(dir, "warnings.jsonl"))
	require.Len(t, warnings, 1)
	assert.Contains(t, warnings[0], "准备分阶段付款方案 & 重新报价", "no HTML escaping, no \\u escapes")

	var sc scoring.Score
	require.NoError(t, json.Unmarshal([]byte(readLines(t, filepath.Join(dir, "scores.jsonl"))[0]), &sc))
	assert.True(t, sc.AsOf.Equal(asOf))
	assert.InDelta(t, 41.5, sc.Commercial, 1e-9)

	var dl ingest.DeadLetter
	require.NoError(t, json.Unmarshal([]byte(readLines(t, filepath.Join(dir, "dlq.jsonl"))[0]), &dl))
	assert.Equal(t, "不是JSON", dl.Raw)
	assert.Equal(t, 3, dl.Line)

	// A restarted pipeline appends.
	e, err = NewFileEmitter(dir)
	require.NoError(t, err)
	require.NoError(t, e.Emit(t.Context(), recs[0]))
	require.NoError(t, e.Close())
	assert.Len(t, readLines(t, filepath.Join(dir, "items.jsonl")), 3)
}

func TestEmitRejectsBadRecords(t *testing.T) {
	tests := []struct {
		name string
		rec  Record
		err  string
	}{
		{"unknown stream", Record{Stream: "alerts", Key: "a", Value: 1}, `unknown stream "alerts"`},
		{"empty stream", Record{Key: "a", Value: 1}, `unknown stream ""`},
		{"unencodable value", Record{Stream: Scores, Key: "a", Value: math.NaN()}, "unsupported value: NaN"},
		{"invalid raw JSON", Record{Stream: Items, Key: "a", Value: json.RawMessage(`{"a":`)}, "record 1 (items"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			e, err := NewFileEmitter(dir)
			require.NoError(t, err)
			defer e.Close()
			good := Record{Stream: Items, Key: "a", Value: map[string]string{"ok": "好"}}
			err = e.Emit(t.Context(), good, tt.rec)
			assert.ErrorContains(t, err, tt.err)
			// Nothing from the failed call was written, the good record
			// included.
			for _, s := range Streams {
				assert.Empty(t, readLines(t, e.Path(s)), "%s", s)
			}
		})
	}
}

func TestRawMessageIsOneLine(t *testing.T) {
	dir := t.TempDir()
	e, err := NewFileEmitter(dir)
	require.NoError(t, err)
	raw := json.RawMessage("{\n  \"account_id\": \"acct-1\",\n  \"text\": \"好的\"\n}")
	require.NoError(t, e.Emit(t.Context(), Record{Stream: Items, Key: "acct-1", Value: raw}))
	require.NoError(t, e.Close())
	assert.Equal(t, []string{`{"account_id":"acct-1","text":"好的"}`}, readLines(t, filepath.Join(dir, "items.jsonl")))
}

func TestKafkaEmitter(t *testing.T) {
	topics := []string{"guanxi.items", "guanxi.scores", "guanxi.warnings", "dead.letters"}
	b, err := broker.Start(t.Context(), topics...)
	require.NoError(t, err)
	t.Cleanup(b.Close)

	e, err := NewKafkaEmitter(KafkaConfig{Brokers: []string{b.Addr()}, Topics: map[Stream]string{DLQ: "dead.letters"}})
	require.NoError(t, err)
	recs := sample()
	// More outputs for a second account, to see keys kept apart.
	extra := Record{Stream: Scores, Key: "acct-szhx", Value: scoring.Score{AccountID: "acct-szhx", AsOf: asOf, Technical: 80}}
	require.NoError(t, e.Emit(t.Context(), append(recs, extra)...))
	require.NoError(t, e.Emit(t.Context(), recs[1]))
	require.NoError(t, e.Close())
	assert.ErrorContains(t, e.Emit(t.Context(), recs[0]), "closed")

	items := readTopic(t, b, "guanxi.items", 1)
	assert.Equal(t, "acct-hzyf", string(items[0].Key))
	var item extract.Item
	require.NoError(t, json.Unmarshal(items[0].Value, &item))
	assert.Equal(t, recs[0].Value, item)

	scores := readTopic(t, b, "guanxi.scores", 3)
	part := map[string]int{}
	for _, m := range scores {
		var sc scoring.Score
		require.NoError(t, json.Unmarshal(m.Value, &sc))
		assert.Equal(t, sc.AccountID, string(m.Key))
		if p, ok := part[string(m.Key)]; ok {
			assert.Equal(t, p, m.Partition, "one account, one partition")
		}
		part[string(m.Key)] = m.Partition
	}
	assert.Len(t, part, 2)

	warnings := readTopic(t, b, "guanxi.warnings", 1)
	assert.Contains(t, string(warnings[0].Value), "& 重新报价")

	dlq := readTopic(t, b, "dead.letters", 1)
	assert.Nil(t, dlq[0].Key, "no account, no key")
	var dl ingest.DeadLetter
	require.NoError(t, json.Unmarshal(dlq[0].Value, &dl))
	assert.Equal(t, 3, dl.Line)
}

// readTopic reads n messages from every partition of topic.
func readTopic(t *testing.T, b *broker.Broker, topic string, n int) []kafka.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers:           []string{b.Addr()},
		Topic:             topic,
		GroupID:           "emit-test-" + topic,
		StartOffset:       kafka.FirstOffset,
		MaxWait:           100 * time.Millisecond,
		SessionTimeout:    time.Second,
		HeartbeatInterval: 300 * time.Millisecond,
	})
	defer r.Close()
	var out []kafka.Message
	for len(out) < n {
		m, err := r.FetchMessage(ctx)
		require.NoError(t, err, "%s: %d of %d messages", topic, len(out), n)
		out = append(out, m)
	}
	return out
}

func TestKafkaConfig(t *testing.T) {
	cfg := KafkaConfig{Topics: map[Stream]string{Items: "crm.items"}}
	assert.Equal(t, "crm.items", cfg.Topic(Items))
	assert.Equal(t, "guanxi.scores", cfg.Topic(Scores))
	assert.Equal(t, "guanxi.warnings", cfg.Topic(Warnings))
	assert.Equal(t, "guanxi.dlq", cfg.Topic(DLQ))

	_, err := NewKafkaEmitter(KafkaConfig{})
	assert.ErrorContains(t, err, "no brokers")
	_, err = NewKafkaEmitter(KafkaConfig{Brokers: []string{"127.0.0.1:9092"}, Topics: map[Stream]string{"alerts": "x"}})
	assert.ErrorContains(t, err, `unknown stream "alerts"`)
}
