package lifecycle

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/graph"
	"github.com/guanxi-dev/guanxi/ingest"
	"github.com/guanxi-dev/guanxi/scoring"
)

func readJSONL[T any](t *testing.T, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var v T
		require.NoError(t, json.Unmarshal(sc.Bytes(), &v), "%s: %s", path, sc.Text())
		out = append(out, v)
	}
	require.NoError(t, sc.Err())
	return out
}

// locate places a gold item's text in its message, as the extractor would.
func locate(msg ingest.Message, it extract.Item) (extract.Item, bool) {
	fields := map[string]string{"body": msg.Body}
	order := []string{"body"}
	for i, turn := range msg.Turns {
		name := fmt.Sprintf("turns[%d]", i)
		fields[name] = turn.Text
		order = append(order, name)
	}
	for _, name := range order {
		text := fields[name]
		if i := strings.Index(text, it.Text); i >= 0 && it.Text != "" {
			it.Field = name
			it.Start = utf8.RuneCountInString(text[:i])
			it.End = it.Start + utf8.RuneCountInString(it.Text)
			it.Confidence, it.Model = 1, "gold@1"
			return it, true
		}
	}
	return it, false
}

// TestDemoScenario runs the demo corpus with its hand-annotated items
// through a real graph, records what Detect finds, and compares the
// accounts at risk as of the demo's day with and without the transitions
// against the analyst's expectations.
func TestDemoScenario(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the segmenter and the whole demo corpus")
	}
	ctx := context.Background()
	d := detector(t)
	msgs := readJSONL[ingest.Message](t, "../testdata/demo/messages.jsonl")
	gold := readJSONL[extract.Item](t, "../testdata/demo/gold.jsonl")
	var expected struct {
		Accounts []struct {
			AccountID string   `json:"account_id"`
			AtRisk    bool     `json:"at_risk"`
			Warnings  []string `json:"warnings"`
		} `json:"accounts"`
	}
	raw, err := os.ReadFile("../testdata/demo/expected.json")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &expected))

	byMsg := map[string][]extract.Item{}
	for _, it := range gold {
		byMsg[it.MessageID] = append(byMsg[it.MessageID], it)
	}
	store, err := graph.Open(ctx, graph.Config{Backend: graph.BackendMemstore})
	require.NoError(t, err)
	defer store.Close()
	slices.SortStableFunc(msgs, func(a, b ingest.Message) int { return a.OccurredAt.Compare(b.OccurredAt) })
	recorded := 0
	for _, msg := range msgs {
		var items []extract.Item
		for _, g := range byMsg[msg.ID] {
			it, ok := locate(msg, g)
			require.True(t, ok, "gold item %q not found in message %s", g.Text, msg.ID)
			items = append(items, it)
		}
		require.NoError(t, store.PutMessage(ctx, msg, items), msg.ID)
		facts, err := store.AccountFacts(ctx, msg.Account.ID)
		require.NoError(t, err)
		for _, tr := range d.Detect(facts, msg, items) {
			require.NoError(t, store.RecordTransition(ctx, tr))
			it, _ := graph.FindItem(facts, tr.ItemID)
			t.Logf("%s %s %-9s %q ← %q", msg.OccurredAt.Format(time.DateOnly), msg.ID, tr.Kind, it.Text, tr.Evidence)
			recorded++
		}
	}
	assert.Positive(t, recorded)

	asOf := time.Date(2026, 11, 20, 23, 59, 59, 0, time.FixedZone("CST", 8*3600))
	type result struct{ tp, fp, fn int }
	measure := func(strip bool) result {
		var r result
		for _, want := range expected.Accounts {
			facts, err := store.AccountFacts(ctx, want.AccountID)
			require.NoError(t, err)
			if strip {
				for i := range facts.Items {
					facts.Items[i].Transitions = nil
				}
			}
			score, warnings := scoring.Evaluate(facts, asOf)
			var kinds []string
			for _, w := range warnings {
				kinds = append(kinds, string(w.Kind))
			}
			t.Logf("strip=%v %-24s at_risk=%v (want %v) T%.1f C%.1f E%.1f warnings=%v (want %v)",
				strip, want.AccountID, score.AtRisk, want.AtRisk, score.Technical, score.Commercial, score.Emotional, kinds, want.Warnings)
			switch {
			case score.AtRisk && want.AtRisk:
				r.tp++
			case score.AtRisk:
				r.fp++
			case want.AtRisk:
				r.fn++
			}
		}
		return r
	}
	before, after := measure(true), measure(false)
	pr := func(r result) (float64, float64) {
		return float64(r.tp) / float64(max(r.tp+r.fp, 1)), float64(r.tp) / float64(max(r.tp+r.fn, 1))
	}
	pb, rb := pr(before)
	pa, ra := pr(after)
	t.Logf("at-risk accounts without transitions: precision %.2f recall %.2f %+v", pb, rb, before)
	t.Logf("at-risk accounts with transitions:    precision %.2f recall %.2f %+v", pa, ra, after)
	assert.GreaterOrEqual(t, pa, pb, "recorded transitions must not make at-risk precision worse")
	assert.GreaterOrEqual(t, ra, rb, "recorded transitions must not make at-risk recall worse")
}
