package graph

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/ingest"
)

// BenchmarkPutMessage writes new messages of four participants and four items
// each, spread over 50 accounts, and reports messages/s and quads/s.
func BenchmarkPutMessage(b *testing.B) {
	configs := []struct {
		name string
		cfg  Config
	}{
		{"bbolt", Config{Backend: BackendBBolt}},
		{"bbolt-nosync", Config{Backend: BackendBBolt, NoSync: true}},
		{"leveldb", Config{Backend: BackendLevelDB}},
		{"leveldb-nosync", Config{Backend: BackendLevelDB, NoSync: true}},
		{"memstore", Config{Backend: BackendMemstore}},
		{"postgres", Config{Backend: BackendPostgres}},
	}
	for _, c := range configs {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			s := openBench(b, c.cfg)
			msgs := make([]ingest.Message, b.N)
			items := make([][]extract.Item, b.N)
			for i := range msgs {
				msgs[i], items[i] = benchMessage(b, i, 50)
			}
			before, err := s.Stats(ctx)
			require.NoError(b, err)

			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := s.PutMessage(ctx, msgs[i], items[i]); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()

			after, err := s.Stats(ctx)
			require.NoError(b, err)
			secs := b.Elapsed().Seconds()
			b.ReportMetric(float64(b.N)/secs, "messages/s")
			b.ReportMetric(float64(after.Quads-before.Quads)/secs, "quads/s")
		})
	}
}

// BenchmarkAccountFacts reads one account of 100 messages (400 items) out of
// a graph of ten such accounts.
func BenchmarkAccountFacts(b *testing.B) {
	for _, backend := range persistentBackends {
		b.Run(backend, func(b *testing.B) {
			ctx := context.Background()
			s := openBench(b, Config{Backend: backend, NoSync: true})
			for i := 0; i < 1000; i++ {
				msg, items := benchMessage(b, i, 10)
				require.NoError(b, s.PutMessage(ctx, msg, items))
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				f, err := s.AccountFacts(ctx, "A03")
				if err != nil {
					b.Fatal(err)
				}
				if len(f.Items) != 400 {
					b.Fatalf("got %d items, want 400", len(f.Items))
				}
			}
		})
	}
}

func openBench(b *testing.B, cfg Config) *Store {
	b.Helper()
	switch cfg.Backend {
	case BackendMemstore:
	case BackendPostgres:
		cfg.Address = postgresAddress(b, b.TempDir())
	default:
		cfg.Path = b.TempDir()
	}
	s, err := Open(context.Background(), cfg)
	require.NoError(b, err)
	b.Cleanup(func() { s.Close() })
	return s
}

const benchBody = "王总您好！我们周五前把报价单发给您。价格比竞品高了20%，我们很难接受。现在系统每天宕机两三次。我下周一安排技术评审会议。"

var benchEvidence = []struct {
	typ   extract.Type
	party ingest.Side
	text  string
}{
	{extract.Commitment, ingest.SideVendor, "我们周五前把报价单发给您。"},
	{extract.Objection, ingest.SideCustomer, "价格比竞品高了20%，我们很难接受。"},
	{extract.PainPoint, ingest.SideCustomer, "现在系统每天宕机两三次。"},
	{extract.Commitment, ingest.SideCustomer, "我下周一安排技术评审会议。"},
}

// benchMessage builds the i-th message of a synthetic history spread over
// the given number of accounts: an email with four participants and four
// items.
func benchMessage(b *testing.B, i, accounts int) (ingest.Message, []extract.Item) {
	acc := i % accounts
	msg := ingest.Message{
		ID:         fmt.Sprintf("bench-%d", i),
		Channel:    ingest.ChannelEmail,
		Account:    ingest.Account{ID: fmt.Sprintf("A%02d", acc), Name: fmt.Sprintf("客户%02d", acc)},
		OccurredAt: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute),
		Participants: []ingest.Participant{
			{ID: "v1", Name: "李雷", Side: ingest.SideVendor},
			{ID: fmt.Sprintf("c%02d-1", acc), Name: "王芳", Side: ingest.SideCustomer, Title: "IT总监"},
			{ID: fmt.Sprintf("c%02d-2", acc), Name: "张伟", Side: ingest.SideCustomer},
			{ID: fmt.Sprintf("c%02d-3", acc), Name: "陈静", Side: ingest.SideCustomer},
		},
		From:    "v1",
		Subject: "报价跟进",
		Body:    benchBody,
	}
	items := make([]extract.Item, 0, len(benchEvidence))
	for _, e := range benchEvidence {
		speaker := msg.Participants[1].ID
		if e.party == ingest.SideVendor {
			speaker = "v1"
		}
		items = append(items, item(b, msg, e.typ, e.party, speaker, "body", benchBody, e.text))
	}
	return msg, items
}
