package pipeline_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/emit"
	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/graph"
	"github.com/guanxi-dev/guanxi/ingest"
	"github.com/guanxi-dev/guanxi/ingest/broker"
	"github.com/guanxi-dev/guanxi/models"
	"github.com/guanxi-dev/guanxi/pipeline"
)

const inTopic = "guanxi.messages"

var (
	extractorOnce sync.Once
	sharedEx      *extract.Extractor
	extractorErr  error
)

// extractor loads the shipped model through onnxruntime once per test run.
func extractor(t testing.TB) *extract.Extractor {
	t.Helper()
	extractorOnce.Do(func() {
		lib, err := models.LibraryPath()
		if err != nil {
			extractorErr = err
			return
		}
		if err = models.InitRuntime(lib); err != nil {
			extractorErr = err
			return
		}
		dir, err := models.ShippedDir()
		if err != nil {
			extractorErr = err
			return
		}
		clf, err := models.Load(dir)
		if err != nil {
			extractorErr = err
			return
		}
		seg, err := extract.LoadSegmenter()
		if err != nil {
			extractorErr = err
			return
		}
		sharedEx = extract.New(seg, clf)
	})
	require.NoError(t, extractorErr)
	return sharedEx
}

func openStore(t testing.TB, path string) *graph.Store {
	t.Helper()
	s, err := graph.Open(context.Background(), graph.Config{Path: path})
	require.NoError(t, err)
	return s
}

// corpus is the demo timelines followed by the mixed good and bad lines.
var corpus = []string{"../testdata/demo/messages.jsonl", "../testdata/bad/mixed.jsonl"}

// validMessages reads the corpus files and returns the messages that pass
// validation.
func validMessages(t *testing.T) []ingest.Message {
	t.Helper()
	var valid []ingest.Message
	for _, path := range corpus {
		src, err := ingest.NewFileSource(path, "")
		require.NoError(t, err)
		for {
			rec, err := src.Fetch(context.Background())
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err)
			if m, err := ingest.Parse(rec.Value); err == nil {
				valid = append(valid, m)
			}
		}
		require.NoError(t, src.Close())
	}
	return valid
}

// expectedItems runs extraction alone over the valid messages: the graph
// must end up holding exactly these items, once each.
func expectedItems(t *testing.T, msgs []ingest.Message) map[string]extract.Item {
	t.Helper()
	found, err := extractor(t).Extract(context.Background(), msgs)
	require.NoError(t, err)
	want := map[string]extract.Item{}
	for _, items := range found {
		for _, it := range items {
			want[graph.ItemID(it.MessageID, it.Field, it.Start, it.End, it.Type)] = it
		}
	}
	return want
}

// storedItems reads every item of every account from the graph.
func storedItems(t *testing.T, s *graph.Store) map[string]graph.ItemFact {
	t.Helper()
	ctx := context.Background()
	accounts, err := s.Accounts(ctx)
	require.NoError(t, err)
	got := map[string]graph.ItemFact{}
	for _, a := range accounts {
		facts, err := s.AccountFacts(ctx, a.ID)
		require.NoError(t, err)
		for _, it := range facts.Items {
			_, dup := got[it.ID]
			require.False(t, dup, "item %s stored twice", it.ID)
			got[it.ID] = it
		}
	}
	return got
}

func startBroker(t *testing.T) *broker.Broker {
	t.Helper()
	topics := []string{inTopic}
	for _, s := range emit.Streams {
		topics = append(topics, emit.DefaultTopic(s))
	}
	b, err := broker.Start(context.Background(), topics...)
	require.NoError(t, err)
	t.Cleanup(b.Close)
	return b
}

func publish(t *testing.T, b *broker.Broker) int {
	t.Helper()
	w := ingest.NewKafkaWriter([]string{b.Addr()}, inTopic)
	defer w.Close()
	total := 0
	for _, path := range corpus {
		n, err := ingest.PublishFile(context.Background(), w, path)
		require.NoError(t, err)
		total += n
	}
	return total
}

func kafkaPipeline(t *testing.T, b *broker.Broker, store pipeline.Store) (*pipeline.Pipeline, *ingest.KafkaSource) {
	t.Helper()
	src, err := ingest.NewKafkaSource(ingest.KafkaConfig{Brokers: []string{b.Addr()}, Topic: inTopic, GroupID: "guanxi-test"})
	require.NoError(t, err)
	out, err := emit.NewKafkaEmitter(emit.KafkaConfig{Brokers: []string{b.Addr()}})
	require.NoError(t, err)
	t.Cleanup(func() { out.Close() })
	asOf := time.Date(2026, 11, 20, 23, 59, 59, 0, time.FixedZone("CST", 8*3600))
	return &pipeline.Pipeline{
		Source: src, Extractor: extractor(t), Store: store, Emitter: out,
		AsOf: func() time.Time { return asOf }, BatchSize: 16,
	}, src
}

// runUntil runs p until it has handled n messages, then stops it.
func runUntil(t *testing.T, p *pipeline.Pipeline, n int64) error {
	t.Helper()
	return runWhile(t, p, func() bool {
		st := p.Stats()
		return st.Accepted+st.Rejected < n
	})
}

// runWhile runs p as long as busy reports true, then stops it.
func runWhile(t *testing.T, p *pipeline.Pipeline, busy func() bool) error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	deadline := time.After(2 * time.Minute)
	for {
		select {
		case err := <-done:
			cancel()
			return err
		case <-deadline:
			cancel()
			t.Fatalf("pipeline did not finish in time: %+v", p.Stats())
		case <-time.After(20 * time.Millisecond):
			if !busy() {
				cancel()
				return <-done
			}
		}
	}
}

// readTopic reads every record of a topic from the start.
func readTopic(t *testing.T, b *broker.Broker, topic string, want int) []map[string]any {
	t.Helper()
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers: []string{b.Addr()}, Topic: topic, GroupID: "reader-" + topic,
		StartOffset: kafka.FirstOffset, MaxWait: 100 * time.Millisecond,
		SessionTimeout: time.Second, HeartbeatInterval: 200 * time.Millisecond, RebalanceTimeout: time.Second,
	})
	defer r.Close()
	var out []map[string]any
	for len(out) < want {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		m, err := r.ReadMessage(ctx)
		cancel()
		if err != nil {
			break
		}
		var v map[string]any
		require.NoError(t, json.Unmarshal(m.Value, &v), "topic %s: %s", topic, m.Value)
		out = append(out, v)
	}
	return out
}

func TestKafkaRoundTrip(t *testing.T) {
	b := startBroker(t)
	published := publish(t, b)
	valid := validMessages(t)
	invalid := published - len(valid)
	want := expectedItems(t, valid)
	require.NotEmpty(t, want)

	store := openStore(t, filepath.Join(t.TempDir(), "g"))
	defer store.Close()
	p, src := kafkaPipeline(t, b, store)
	require.NoError(t, runUntil(t, p, int64(published)))
	require.NoError(t, src.Close())
	assert.Equal(t, pipeline.Stats{Accepted: int64(len(valid)), Rejected: int64(invalid)}, p.Stats())

	// Facts: every valid message and exactly the extracted items.
	ctx := context.Background()
	for _, m := range valid {
		ok, err := store.HasMessage(ctx, m.ID)
		require.NoError(t, err)
		assert.True(t, ok, "message %s in the graph", m.ID)
	}
	got := storedItems(t, store)
	assert.Len(t, got, len(want))
	for id, it := range got {
		if _, ok := want[id]; !ok {
			t.Logf("unexpected stored item %s: %+v", id, it)
		}
	}
	for id, it := range want {
		if assert.Contains(t, got, id) {
			assert.Equal(t, it.Text, got[id].Text)
			assert.Equal(t, it.Model, got[id].Model)
		}
	}

	// Outputs: one item line per item, every bad line dead-lettered with
	// its reason, score lines and warnings for the accounts.
	items := readTopic(t, b, emit.DefaultTopic(emit.Items), len(want))
	assert.Len(t, items, len(want))
	for _, it := range items {
		for _, field := range []string{"message_id", "account_id", "type", "party", "speaker", "text", "confidence", "model"} {
			assert.Contains(t, it, field)
		}
	}
	dlq := readTopic(t, b, emit.DefaultTopic(emit.DLQ), invalid)
	assert.Len(t, dlq, invalid)
	for _, d := range dlq {
		assert.NotEmpty(t, d["reason"])
		assert.Contains(t, d, "offset")
		assert.Contains(t, d, "raw")
	}
	scores := readTopic(t, b, emit.DefaultTopic(emit.Scores), 1)
	require.NotEmpty(t, scores)
	assert.Contains(t, scores[0], "technical")
	assert.Contains(t, scores[0], "at_risk")
	warnings := readTopic(t, b, emit.DefaultTopic(emit.Warnings), 1)
	require.NotEmpty(t, warnings)
	for _, field := range []string{"account_id", "kind", "severity", "since", "evidence", "message", "status"} {
		assert.Contains(t, warnings[0], field)
	}
}

// crashingStore is the real graph store that fails, as a crashed process
// would stop, after a number of messages.
type crashingStore struct {
	*graph.Store
	left int
}

var errCrash = errors.New("simulated crash")

func (c *crashingStore) PutMessage(ctx context.Context, msg ingest.Message, items []extract.Item) error {
	if c.left == 0 {
		return errCrash
	}
	c.left--
	return c.Store.PutMessage(ctx, msg, items)
}

func TestCrashAndResume(t *testing.T) {
	b := startBroker(t)
	published := publish(t, b)
	valid := validMessages(t)
	want := expectedItems(t, valid)
	path := filepath.Join(t.TempDir(), "g")

	// First run: dies in the middle of its third batch, after some of that
	// batch's facts are written but before the batch is committed.
	store := openStore(t, path)
	p, src := kafkaPipeline(t, b, &crashingStore{Store: store, left: 16*2 + 5})
	err := p.Run(context.Background())
	require.ErrorIs(t, err, errCrash)
	require.NoError(t, src.Close())
	require.NoError(t, store.Close())
	partial := openStore(t, path)
	assert.Less(t, len(storedItems(t, partial)), len(want), "the crash left work undone")
	require.NoError(t, partial.Close())

	// Second run, on the reopened store and the same consumer group: the
	// uncommitted messages come again and everything ends up there once.
	store = openStore(t, path)
	defer store.Close()
	p, src = kafkaPipeline(t, b, store)
	// How many messages come again depends on how the batches fell over
	// the partitions, so the run goes until every message is in the graph.
	require.NoError(t, runWhile(t, p, func() bool {
		for _, m := range valid {
			if ok, _ := store.HasMessage(context.Background(), m.ID); !ok {
				return true
			}
		}
		return false
	}))
	require.NoError(t, src.Close())
	assert.LessOrEqual(t, p.Stats().Accepted+p.Stats().Rejected, int64(published))
	for _, m := range valid {
		ok, err := store.HasMessage(context.Background(), m.ID)
		require.NoError(t, err)
		assert.True(t, ok, "message %s lost", m.ID)
	}
	got := storedItems(t, store)
	assert.Len(t, got, len(want), "every item once")
	for id := range want {
		assert.Contains(t, got, id)
	}
}

func TestFileModeBadInput(t *testing.T) {
	dir := t.TempDir()
	// mixed.jsonl, then an email whose body is over the size limit, then a
	// good message after it.
	mixed, err := os.ReadFile("../testdata/bad/mixed.jsonl")
	require.NoError(t, err)
	lines := bytes.Count(mixed, []byte("\n"))
	oversize := fmt.Sprintf(`{"id":"big-1","channel":"email","account":{"id":"acct-big","name":"大客户"},"occurred_at":"2025-03-20T10:00:00+08:00","participants":[{"id":"big-a","name":"王强","side":"customer"}],"from":"big-a","subject":"附件","body":"%s"}`,
		strings.Repeat("报价单", ingest.DefaultMaxBytes/9+1))
	after := `{"id":"after-big-1","channel":"chat","account":{"id":"acct-big","name":"大客户"},"occurred_at":"2025-03-20T11:00:00+08:00","participants":[{"id":"big-a","name":"王强","side":"customer"},{"id":"big-v","name":"李娜","side":"vendor"}],"turns":[{"speaker":"big-v","text":"好的，明天上午我把报价单发您。","at":"2025-03-20T11:00:00+08:00"}]}`
	input := filepath.Join(dir, "in.jsonl")
	require.NoError(t, os.WriteFile(input, append(mixed, []byte(oversize+"\n"+after+"\n")...), 0o644))

	src, err := ingest.NewFileSource(input, filepath.Join(dir, ".checkpoint"))
	require.NoError(t, err)
	defer src.Close()
	out, err := emit.NewFileEmitter(dir)
	require.NoError(t, err)
	store := openStore(t, filepath.Join(dir, "g"))
	defer store.Close()
	p := &pipeline.Pipeline{Source: src, Extractor: extractor(t), Store: store, Emitter: out}
	require.NoError(t, p.Run(context.Background()))
	require.NoError(t, out.Close())

	// Every bad line is in dlq.jsonl with the reason the validator gives,
	// and every good line around them is in the graph.
	wantLines := readJSONL(t, "../testdata/bad/mixed.want.jsonl")
	wantLines = append(wantLines,
		map[string]any{"line": float64(lines + 1), "ok": false, "reason": fmt.Sprintf("message is %d bytes, over the 1048576 bytes limit", len(oversize))},
		map[string]any{"line": float64(lines + 2), "ok": true, "id": "after-big-1"})
	dlq := readJSONL(t, filepath.Join(dir, "dlq.jsonl"))
	byLine := map[float64]map[string]any{}
	for _, d := range dlq {
		byLine[d["line"].(float64)] = d
	}
	good := 0
	for _, w := range wantLines {
		line := w["line"].(float64)
		if w["ok"].(bool) {
			good++
			ok, err := store.HasMessage(context.Background(), w["id"].(string))
			require.NoError(t, err)
			assert.True(t, ok, "line %v processed", line)
			assert.NotContains(t, byLine, line)
			continue
		}
		if assert.Contains(t, byLine, line, "line %v dead-lettered", line) {
			assert.Equal(t, w["reason"], byLine[line]["reason"])
		}
	}
	assert.Len(t, dlq, len(wantLines)-good)
	assert.Equal(t, pipeline.Stats{Accepted: int64(good), Rejected: int64(len(wantLines) - good)}, p.Stats())
}

func readJSONL(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var v map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &v))
		out = append(out, v)
	}
	require.NoError(t, sc.Err())
	return out
}
