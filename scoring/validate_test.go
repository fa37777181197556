package scoring_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/graph"
	"github.com/guanxi-dev/guanxi/scoring"
)

func TestValidate(t *testing.T) {
	require.NoError(t, scoring.Validate(healthy().facts()))

	tests := []struct {
		name  string
		spoil func(f *graph.AccountFacts)
		want  string
	}{
		{"malformed due date", func(f *graph.AccountFacts) { f.Items[0].Due = "下周五" }, `due "下周五" is not a YYYY-MM-DD date`},
		{"unknown item type", func(f *graph.AccountFacts) { f.Items[0].Type = "question" }, `unknown type "question"`},
		{"unknown side", func(f *graph.AccountFacts) { f.Items[0].Party = ""; f.Items[0].Speaker = "nobody" }, `party "" is neither customer nor vendor and speaker "nobody"`},
		{"item of another account", func(f *graph.AccountFacts) { f.Items[0].AccountID = "acct-other" }, `belongs to account "acct-other"`},
		{"unknown activity", func(f *graph.AccountFacts) { f.Activities[0].Kind = "liked" }, `unknown kind "liked"`},
		{"no time", func(f *graph.AccountFacts) { f.Interactions[0].OccurredAt = time.Time{} }, "no occurred_at"},
		{"person without side", func(f *graph.AccountFacts) { f.People[0].Side = "partner" }, `side "partner" is neither customer nor vendor`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := healthy().facts()
			tt.spoil(&f)
			err := scoring.Validate(f)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			// Evaluate still works on what it can read.
			assert.NotPanics(t, func() { scoring.Evaluate(f, at("2025-03-31 18:00")) })
		})
	}
}

func TestEvaluateIgnoresMalformedDue(t *testing.T) {
	a := newAccount()
	a.regular("2025-01-06", "2025-03-29", 3, wang, li, zhao)
	m := a.msg("2025-03-03 14:00", "meeting", liu, "评审会", liu, wang)
	a.item(m, extract.Commitment, "deliver", "vendor", liu, "尽快提供压测报告", "ASAP")
	_, ws := scoring.Evaluate(a.facts(), at("2025-03-31 18:00"))
	assert.NotContains(t, kinds(ws), scoring.OverdueCommitment, "a due date that cannot be read is no due date")
	assert.Error(t, scoring.Validate(a.facts()))
}
