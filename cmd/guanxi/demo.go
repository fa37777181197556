package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/guanxi-dev/guanxi/emit"
	"github.com/guanxi-dev/guanxi/graph"
	"github.com/guanxi-dev/guanxi/ingest"
	"github.com/guanxi-dev/guanxi/ingest/broker"
	"github.com/guanxi-dev/guanxi/report"
	"github.com/guanxi-dev/guanxi/scoring"
)

// demoAsOf is the day the sample corpus is read as of: its timelines end
// shortly before, so the warnings are those an analyst would give then.
const demoAsOf = "2026-11-20"

func runDemo(ctx context.Context, args []string) error {
	fs := newFlags("demo", "[flags]")
	var c common
	c.register(fs, "")
	corpus := fs.String("corpus", "testdata/demo/messages.jsonl", "JSONL file of messages to publish")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.asOf == "" {
		c.asOf = demoAsOf
	}
	asOf, err := c.asOfFunc()
	if err != nil {
		return err
	}
	if c.store == "" {
		dir, err := os.MkdirTemp("", "guanxi-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		c.store = filepath.Join(dir, "graph.db")
	}

	topics := []string{"guanxi.messages"}
	for _, s := range emit.Streams {
		topics = append(topics, emit.DefaultTopic(s))
	}
	b, err := broker.Start(ctx, topics...)
	if err != nil {
		return fmt.Errorf("start embedded broker: %w", err)
	}
	defer b.Close()
	slog.Info("embedded broker started", "addr", b.Addr())

	w := ingest.NewKafkaWriter([]string{b.Addr()}, "guanxi.messages")
	published, err := ingest.PublishFile(ctx, w, *corpus)
	w.Close()
	if err != nil {
		return fmt.Errorf("publish %s: %w", *corpus, err)
	}
	slog.Info("corpus published", "file", *corpus, "messages", published)

	src, err := ingest.NewKafkaSource(ingest.KafkaConfig{Brokers: []string{b.Addr()}, Topic: "guanxi.messages", GroupID: "guanxi-demo"})
	if err != nil {
		return err
	}
	defer src.Close()
	out, err := emit.NewKafkaEmitter(emit.KafkaConfig{Brokers: []string{b.Addr()}})
	if err != nil {
		return err
	}
	defer out.Close()
	p, store, closePipeline, err := c.newPipeline(ctx, src, out, asOf)
	if err != nil {
		return err
	}
	defer closePipeline()
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- p.Run(runCtx) }()
	// The demo ends when every published message is stored or dead-lettered.
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
wait:
	for {
		select {
		case err := <-done:
			cancel()
			return fmt.Errorf("pipeline stopped early: %w", err)
		case <-ctx.Done():
			break wait
		case <-tick.C:
			if st := p.Stats(); st.Accepted+st.Rejected >= int64(published) {
				break wait
			}
		}
	}
	cancel()
	if err := <-done; err != nil {
		return err
	}
	st := p.Stats()
	slog.Info("pipeline done", "accepted", st.Accepted, "rejected", st.Rejected, "took", time.Since(start).Round(time.Millisecond))
	return printAccounts(ctx, store, asOf())
}

// printAccounts evaluates every account as of a time and prints the table.
func printAccounts(ctx context.Context, store *graph.Store, asOf time.Time) error {
	accounts, err := store.Accounts(ctx)
	if err != nil {
		return err
	}
	var rows []report.Account
	items := 0
	for _, a := range accounts {
		facts, err := store.AccountFacts(ctx, a.ID)
		if err != nil {
			return err
		}
		items += len(facts.Items)
		score, warnings := scoring.Evaluate(facts, asOf)
		rows = append(rows, report.Account{Name: a.Name, Score: score, Warnings: warnings})
	}
	fmt.Printf("\n客户关系健康度（截至 %s，%d 个客户，%d 条承诺/异议/痛点）\n\n", asOf.Format("2006-01-02"), len(accounts), items)
	return report.WriteTable(os.Stdout, rows)
}
