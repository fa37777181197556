package scenario

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/guanxi-dev/guanxi/emit"
	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/graph"
	"github.com/guanxi-dev/guanxi/ingest"
	"github.com/guanxi-dev/guanxi/pipeline"
	"github.com/guanxi-dev/guanxi/scoring"
)

// Extractor finds the items of a batch of messages: the shipped model
// (*extract.Extractor) or a GoldExtractor.
type Extractor interface {
	Extract(ctx context.Context, msgs []ingest.Message) ([][]extract.Item, error)
}

// Config says what Run runs.
type Config struct {
	// Messages is the JSONL file of envelope v1 messages, in time order.
	Messages string
	// Extractor finds the items of each message.
	Extractor Extractor
	// AsOf is the time every account is evaluated at.
	AsOf time.Time
	// Options tune scoring, for trying weights and rules; none means the
	// defaults.
	Options []scoring.Option
	// Logger receives the pipeline's logs; nil discards them.
	Logger *slog.Logger
}

// Outcome is what guanxi says about one account as of the scenario's day.
type Outcome struct {
	AccountID string
	Name      string
	Score     scoring.Score
	Warnings  []scoring.Warning
	// Items counts the commitments, objections and pain points stored.
	Items int
}

// Kinds returns the kinds of the outcome's warnings, in reporting order.
func (o Outcome) Kinds() []scoring.Kind {
	ks := make([]scoring.Kind, 0, len(o.Warnings))
	for _, w := range o.Warnings {
		ks = append(ks, w.Kind)
	}
	return ks
}

// Result is a run of a scenario set.
type Result struct {
	Accounts []Outcome
	// Accepted and Rejected count the messages stored and dead-lettered.
	Accepted, Rejected int64
}

// Run takes the messages through the pipeline (file source, validation,
// extraction, a graph in a temporary directory with the lifecycle
// transitions the pipeline records, scoring, outputs to files there) and
// then evaluates every account as of cfg.AsOf. The temporary directory is
// removed before Run returns.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if cfg.Messages == "" || cfg.Extractor == nil || cfg.AsOf.IsZero() {
		return Result{}, fmt.Errorf("scenario: run needs messages, an extractor and a time to judge at")
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	dir, err := os.MkdirTemp("", "guanxi-scenario-")
	if err != nil {
		return Result{}, fmt.Errorf("scenario: %w", err)
	}
	defer os.RemoveAll(dir)

	src, err := ingest.NewFileSource(cfg.Messages, "")
	if err != nil {
		return Result{}, fmt.Errorf("scenario: %w", err)
	}
	defer src.Close()
	out, err := emit.NewFileEmitter(filepath.Join(dir, "out"))
	if err != nil {
		return Result{}, fmt.Errorf("scenario: %w", err)
	}
	defer out.Close()
	store, err := graph.Open(ctx, graph.Config{Backend: graph.BackendBBolt, Path: filepath.Join(dir, "graph"), NoSync: true, Logger: logger})
	if err != nil {
		return Result{}, fmt.Errorf("scenario: open graph: %w", err)
	}
	defer store.Close()

	asOf := cfg.AsOf
	p := &pipeline.Pipeline{
		Source: src, Extractor: cfg.Extractor, Store: store, Emitter: out,
		AsOf: func() time.Time { return asOf }, Logger: logger,
		// The file is all there: waiting for more lines gains nothing.
		BatchWait: time.Millisecond,
	}
	if err := p.Run(ctx); err != nil {
		return Result{}, fmt.Errorf("scenario: pipeline: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return Result{}, fmt.Errorf("scenario: %w", err)
	}
	st := p.Stats()
	res := Result{Accepted: st.Accepted, Rejected: st.Rejected}
	accounts, err := store.Accounts(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("scenario: list accounts: %w", err)
	}
	for _, a := range accounts {
		facts, err := store.AccountFacts(ctx, a.ID)
		if err != nil {
			return Result{}, fmt.Errorf("scenario: read account %s: %w", a.ID, err)
		}
		score, warnings := scoring.Evaluate(facts, asOf, cfg.Options...)
		res.Accounts = append(res.Accounts, Outcome{AccountID: a.ID, Name: a.Name, Score: score, Warnings: warnings, Items: len(facts.Items)})
	}
	return res, nil
}
