// Package pipeline runs guanxi's stages over a stream of messages: validate,
// extract, store in the graph, close the earlier commitments and objections
// the message fulfils or answers, rescore the touched accounts and emit items,
// score changes and warnings. A message's source offset is committed only
// after its facts are in the graph and its outputs are written, so a crash
// loses nothing; the graph ignores facts it already holds, so a replay after
// a crash counts nothing twice.
package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/guanxi-dev/guanxi/emit"
	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/graph"
	"github.com/guanxi-dev/guanxi/ingest"
	"github.com/guanxi-dev/guanxi/lifecycle"
	"github.com/guanxi-dev/guanxi/notify"
	"github.com/guanxi-dev/guanxi/scoring"
)

// Source delivers raw messages and takes commits once they are processed.
type Source interface {
	Fetch(ctx context.Context) (ingest.Record, error)
	Commit(ctx context.Context, recs ...ingest.Record) error
}

// Extractor finds the items of a batch of messages.
type Extractor interface {
	Extract(ctx context.Context, msgs []ingest.Message) ([][]extract.Item, error)
}

// Store is the part of the graph the pipeline writes and reads. Account
// state keeps what was last emitted for each account, so that neither a
// restart nor another instance announces it again.
type Store interface {
	PutMessage(ctx context.Context, msg ingest.Message, items []extract.Item) error
	AccountFacts(ctx context.Context, accountID string) (graph.AccountFacts, error)
	RecordTransition(ctx context.Context, tr graph.Transition) error
	SetAccountState(ctx context.Context, accountID, key string, value []byte) error
	AccountState(ctx context.Context, accountID, key string) ([]byte, bool, error)
}

// emittedKey is the account state holding the last emitted score and
// warnings.
const emittedKey = "emitted"

// emitted is what was last announced for an account.
type emitted struct {
	Score    *scoring.Score    `json:"score,omitempty"`
	Warnings []scoring.Warning `json:"warnings,omitempty"`
}

// Emitter writes output records durably before returning.
type Emitter interface {
	Emit(ctx context.Context, recs ...emit.Record) error
}

// Notifier delivers warning changes to people (webhooks of WeCom, DingTalk,
// Feishu …). Delivery is best effort: the warnings output is the record.
type Notifier interface {
	Notify(ctx context.Context, events []notify.Event) error
}

// Pipeline wires the stages. The zero values of the optional fields are
// sensible defaults.
type Pipeline struct {
	Source    Source
	Extractor Extractor
	Store     Store
	Emitter   Emitter
	// Notifier, when set, receives every warning raised, updated or
	// cleared, after it is written to the warnings output.
	Notifier Notifier

	// AsOf is the time scores and warnings are evaluated at; nil means now.
	AsOf func() time.Time
	// BatchSize bounds how many messages are classified together.
	BatchSize int
	// BatchWait is how long a partial batch waits for more messages.
	BatchWait time.Duration
	Logger    *slog.Logger

	warnings *scoring.Tracker
	scores   *scoring.ScoreTracker
	accepted atomic.Int64
	rejected atomic.Int64
}

// Stats counts what the pipeline has handled since it started.
type Stats struct {
	Accepted int64 // valid messages whose facts are stored
	Rejected int64 // messages sent to the dead-letter output
}

// Stats reports progress; safe to call while Run is going.
func (p *Pipeline) Stats() Stats {
	return Stats{Accepted: p.accepted.Load(), Rejected: p.rejected.Load()}
}

// Run processes messages until the source is exhausted (io.EOF), ctx is
// cancelled, or a stage fails. On cancellation the batch in hand is
// finished and committed first, so a SIGTERM never leaves work half done.
// Errors of a stage stop the run without committing the batch: the
// messages come again on restart.
func (p *Pipeline) Run(ctx context.Context) error {
	p.defaults()
	for {
		batch, srcErr := p.fill(ctx)
		if len(batch) > 0 {
			// Finish the batch even if ctx was cancelled while filling it.
			if err := p.process(context.WithoutCancel(ctx), batch); err != nil {
				return err
			}
		}
		switch {
		case srcErr == nil:
			continue
		case errors.Is(srcErr, io.EOF):
			return nil
		case ctx.Err() != nil:
			return nil
		default:
			return fmt.Errorf("fetch: %w", srcErr)
		}
	}
}

func (p *Pipeline) defaults() {
	if p.BatchSize <= 0 {
		p.BatchSize = 64
	}
	if p.BatchWait <= 0 {
		p.BatchWait = 200 * time.Millisecond
	}
	if p.Logger == nil {
		p.Logger = slog.Default()
	}
	if p.AsOf == nil {
		p.AsOf = time.Now
	}
	if p.warnings == nil {
		p.warnings = scoring.NewTracker()
		p.scores = scoring.NewScoreTracker()
	}
}

// fill fetches up to BatchSize records: it waits as long as it takes for
// the first, then at most BatchWait for the rest.
func (p *Pipeline) fill(ctx context.Context) ([]ingest.Record, error) {
	var batch []ingest.Record
	rec, err := p.Source.Fetch(ctx)
	if err != nil {
		return nil, err
	}
	batch = append(batch, rec)
	wctx, cancel := context.WithTimeout(ctx, p.BatchWait)
	defer cancel()
	for len(batch) < p.BatchSize {
		rec, err := p.Source.Fetch(wctx)
		if err != nil {
			if wctx.Err() != nil && ctx.Err() == nil {
				return batch, nil // the wait ran out: process what we have
			}
			return batch, err
		}
		batch = append(batch, rec)
	}
	return batch, nil
}

// process takes one batch through every stage and then commits it.
func (p *Pipeline) process(ctx context.Context, batch []ingest.Record) error {
	var msgs []ingest.Message
	var recs []ingest.Record
	var dead []emit.Record
	for _, rec := range batch {
		msg, err := ingest.Parse(rec.Value)
		if err != nil {
			dead = append(dead, p.deadLetter(rec, err))
			continue
		}
		msgs = append(msgs, msg)
		recs = append(recs, rec)
	}
	if len(msgs) > 0 {
		rejected, err := p.handle(ctx, msgs, recs)
		if err != nil {
			return err
		}
		dead = append(dead, rejected...)
	}
	// Dead letters are written before the commit that makes their offsets
	// pass: a rejected message is kept, with its reason, not dropped.
	if len(dead) > 0 {
		if err := p.Emitter.Emit(ctx, dead...); err != nil {
			return fmt.Errorf("emit dead letters: %w", err)
		}
		p.rejected.Add(int64(len(dead)))
	}
	if err := p.Source.Commit(ctx, batch...); err != nil {
		return fmt.Errorf("commit %d records: %w", len(batch), err)
	}
	return nil
}

func (p *Pipeline) deadLetter(rec ingest.Record, err error) emit.Record {
	dl := ingest.NewDeadLetter(rec, err)
	p.Logger.Warn("message rejected", "reason", dl.Reason, "topic", rec.Topic, "partition", rec.Partition, "offset", rec.Offset, "line", rec.Line)
	return emit.Record{Stream: emit.DLQ, Key: string(rec.Key), Value: dl}
}

// handle extracts, stores and rescores valid messages. A message the graph
// refuses as invalid comes back as a dead letter; any other failure stops
// the batch uncommitted.
func (p *Pipeline) handle(ctx context.Context, msgs []ingest.Message, recs []ingest.Record) ([]emit.Record, error) {
	items, err := p.Extractor.Extract(ctx, msgs)
	if err != nil {
		return nil, fmt.Errorf("extract: %w", err)
	}
	var out, dead []emit.Record
	var events []notify.Event
	var states []accountState
	var touched []string
	seen := map[string]bool{}
	stored := 0
	for i, msg := range msgs {
		if err := p.Store.PutMessage(ctx, msg, items[i]); err != nil {
			if errors.Is(err, graph.ErrInvalid) {
				dead = append(dead, p.deadLetter(recs[i], err))
				continue
			}
			return nil, fmt.Errorf("store message %s: %w", msg.ID, err)
		}
		if err := p.closeEarlier(ctx, msg, items[i]); err != nil {
			return nil, err
		}
		stored++
		for _, it := range items[i] {
			out = append(out, emit.Record{Stream: emit.Items, Key: it.AccountID, Value: it})
		}
		if !seen[msg.Account.ID] {
			seen[msg.Account.ID] = true
			touched = append(touched, msg.Account.ID)
		}
	}
	asOf := p.AsOf()
	for _, id := range touched {
		recs, evs, st, err := p.rescore(ctx, id, asOf)
		if err != nil {
			return nil, err
		}
		out = append(out, recs...)
		events = append(events, evs...)
		if st != nil {
			states = append(states, *st)
		}
	}
	if err := p.Emitter.Emit(ctx, out...); err != nil {
		return nil, fmt.Errorf("emit %d records: %w", len(out), err)
	}
	// Recorded after the outputs are written: a crash in between announces
	// the same change again on replay, rather than never.
	for _, st := range states {
		if err := p.Store.SetAccountState(ctx, st.account, emittedKey, st.value); err != nil {
			return nil, fmt.Errorf("record emitted state of %s: %w", st.account, err)
		}
	}
	// A failed webhook must not hold the stream back or make it replay
	// outputs already written: it is logged, and the warning stays on the
	// warnings output and in the API.
	if p.Notifier != nil && len(events) > 0 {
		if err := p.Notifier.Notify(ctx, events); err != nil {
			p.Logger.Error("warning notification failed", "warnings", len(events), "err", err)
		}
	}
	p.accepted.Add(int64(stored))
	return dead, nil
}

// closeEarlier records what a new message does to the account's earlier
// commitments and objections: a promise kept or withdrawn, an objection
// answered or resolved, each linked to the message that shows it.
// Transitions have deterministic identities, so a replay records nothing
// twice.
func (p *Pipeline) closeEarlier(ctx context.Context, msg ingest.Message, items []extract.Item) error {
	facts, err := p.Store.AccountFacts(ctx, msg.Account.ID)
	if err != nil {
		return fmt.Errorf("read account %s: %w", msg.Account.ID, err)
	}
	for _, tr := range lifecycle.Detect(facts, msg, items) {
		if err := p.Store.RecordTransition(ctx, tr); err != nil {
			return fmt.Errorf("record %s of item %s by message %s: %w", tr.Kind, tr.ItemID, msg.ID, err)
		}
	}
	return nil
}

// accountState is an emitted record waiting to be stored.
type accountState struct {
	account string
	value   []byte
}

// rescore evaluates one account against what was last emitted for it and
// returns the output records for what changed: a score line when the score
// moved, a warning line for each warning raised, updated or cleared; the
// same changes for notifying; and the new emitted state when it changed.
func (p *Pipeline) rescore(ctx context.Context, accountID string, asOf time.Time) ([]emit.Record, []notify.Event, *accountState, error) {
	facts, err := p.Store.AccountFacts(ctx, accountID)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("read account %s: %w", accountID, err)
	}
	if err := p.restore(ctx, accountID); err != nil {
		return nil, nil, nil, err
	}
	score, warnings := scoring.Evaluate(facts, asOf)
	var out []emit.Record
	scoreMoved := p.scores.Update(score)
	if scoreMoved {
		out = append(out, emit.Record{Stream: emit.Scores, Key: accountID, Value: score})
	}
	changes := p.warnings.Update(accountID, warnings)
	for _, ch := range changes {
		out = append(out, emit.Record{Stream: emit.Warnings, Key: accountID, Value: WarningLine{Warning: ch.Warning, Status: ch.Action}})
	}
	events := notify.FromChanges(changes, func(string) string { return facts.Account.Name })
	if !scoreMoved && len(changes) == 0 {
		return out, events, nil, nil
	}
	last, _ := p.scores.Last(accountID)
	value, err := json.Marshal(emitted{Score: &last, Warnings: p.warnings.Active(accountID)})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("encode emitted state of %s: %w", accountID, err)
	}
	return out, events, &accountState{accountID, value}, nil
}

// restore loads what was last emitted for the account into the trackers.
// It is read every time, not once per process: after a consumer-group
// rebalance another instance may have emitted for the account since.
func (p *Pipeline) restore(ctx context.Context, accountID string) error {
	raw, ok, err := p.Store.AccountState(ctx, accountID, emittedKey)
	if err != nil {
		return fmt.Errorf("read emitted state of %s: %w", accountID, err)
	}
	var st emitted
	if ok {
		if err := json.Unmarshal(raw, &st); err != nil {
			return fmt.Errorf("decode emitted state of %s: %w", accountID, err)
		}
	}
	if st.Score != nil {
		p.scores.Restore(*st.Score)
	} else {
		p.scores.Forget(accountID)
	}
	p.warnings.Restore(accountID, st.Warnings)
	return nil
}

// WarningLine is the pinned warning-line contract on the warnings output:
// the warning's fields and whether it was raised, updated or cleared.
type WarningLine struct {
	scoring.Warning
	Status scoring.Action `json:"status"`
}
