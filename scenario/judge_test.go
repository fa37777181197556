package scenario

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/extract/gold"
	"github.com/guanxi-dev/guanxi/ingest"
	"github.com/guanxi-dev/guanxi/scoring"
)

func want(id string, atRisk bool, t, c, e int, kinds ...scoring.Kind) ExpectedAccount {
	return ExpectedAccount{AccountID: id, AtRisk: atRisk, Warnings: kinds,
		TrustRank: map[scoring.Dimension]int{scoring.Technical: t, scoring.Commercial: c, scoring.Emotional: e}}
}

func got(id string, atRisk bool, t, c, e float64, kinds ...scoring.Kind) Outcome {
	o := Outcome{AccountID: id, Score: scoring.Score{AccountID: id, AtRisk: atRisk, Technical: t, Commercial: c, Emotional: e}}
	for _, k := range kinds {
		o.Warnings = append(o.Warnings, scoring.Warning{AccountID: id, Kind: k})
	}
	return o
}

func TestJudge(t *testing.T) {
	exp := Expected{AsOf: "2026-11-20", Accounts: []ExpectedAccount{
		want("a", true, 3, 3, 3, scoring.GoingDark, scoring.OverdueCommitment),
		want("b", true, 2, 2, 2, scoring.GoingDark),
		want("c", false, 1, 1, 1),
	}}
	tests := []struct {
		name     string
		got      []Outcome
		atRisk   Counts
		dark     Counts
		overdue  Counts
		ordering map[scoring.Dimension]Agreement
		missing  map[string][]scoring.Kind
		extra    map[string][]scoring.Kind
		unknown  []string
	}{
		{
			name: "all right",
			got: []Outcome{
				got("a", true, 10, 10, 10, scoring.OverdueCommitment, scoring.GoingDark),
				got("b", true, 20, 20, 20, scoring.GoingDark),
				got("c", false, 30, 30, 30),
			},
			atRisk:   Counts{TP: 2, TN: 1},
			dark:     Counts{TP: 2, TN: 1},
			overdue:  Counts{TP: 1, TN: 2},
			ordering: map[scoring.Dimension]Agreement{scoring.Technical: {3, 3}, scoring.Commercial: {3, 3}, scoring.Emotional: {3, 3}},
		},
		{
			name: "a healthy account flagged, a dark one missed, ties and inversions",
			got: []Outcome{
				got("a", true, 10, 30, 20, scoring.OverdueCommitment),
				got("b", false, 20, 20, 20),
				got("c", true, 30, 10, 30, scoring.GoingDark),
			},
			atRisk:  Counts{TP: 1, FP: 1, FN: 1},
			dark:    Counts{FP: 1, FN: 2},
			overdue: Counts{TP: 1, TN: 2},
			// technical: all three pairs in order; commercial: all
			// inverted; emotional: a–b tied, the others in order.
			ordering: map[scoring.Dimension]Agreement{scoring.Technical: {3, 3}, scoring.Commercial: {3, 0}, scoring.Emotional: {3, 2.5}},
			missing:  map[string][]scoring.Kind{"a": {scoring.GoingDark}, "b": {scoring.GoingDark}},
			extra:    map[string][]scoring.Kind{"c": {scoring.GoingDark}},
		},
		{
			name: "an account never seen counts as not flagged and leaves the ordering",
			got: []Outcome{
				got("a", true, 10, 10, 10, scoring.OverdueCommitment, scoring.GoingDark),
				got("c", false, 30, 30, 30),
				got("z", true, 0, 0, 0),
			},
			atRisk:   Counts{TP: 1, FN: 1, TN: 1},
			dark:     Counts{TP: 1, FN: 1, TN: 1},
			overdue:  Counts{TP: 1, TN: 2},
			ordering: map[scoring.Dimension]Agreement{scoring.Technical: {1, 1}, scoring.Commercial: {1, 1}, scoring.Emotional: {1, 1}},
			missing:  map[string][]scoring.Kind{"b": {scoring.GoingDark}},
			unknown:  []string{"z"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Judge(exp, tt.got)
			assert.Equal(t, tt.atRisk, r.AtRisk)
			for _, k := range r.Kinds {
				switch k.Kind {
				case scoring.GoingDark:
					assert.Equal(t, tt.dark, k.Counts, "going_dark")
				case scoring.OverdueCommitment:
					assert.Equal(t, tt.overdue, k.Counts, "overdue_commitment")
				}
			}
			assert.Len(t, r.Kinds, len(scoring.Kinds))
			assert.Equal(t, tt.ordering, r.Ordering)
			var pairs int
			var agree float64
			for _, a := range tt.ordering {
				pairs += a.Pairs
				agree += a.Agree
			}
			assert.Equal(t, Agreement{pairs, agree}, r.Overall)
			for _, row := range r.Rows {
				assert.Equal(t, tt.missing[row.AccountID], row.Missing, "missing of %s", row.AccountID)
				assert.Equal(t, tt.extra[row.AccountID], row.Extra, "extra of %s", row.AccountID)
			}
			assert.Equal(t, tt.unknown, r.Unexpected)
			var b strings.Builder
			require.NoError(t, r.Write(&b))
			assert.Contains(t, b.String(), "At-risk accounts: precision")
			assert.Contains(t, b.String(), "overall")
		})
	}
}

func TestCounts(t *testing.T) {
	tests := []struct {
		c       Counts
		p, r, f float64
	}{
		{Counts{TP: 6}, 1, 1, 1},
		{Counts{TP: 5, FP: 1, FN: 1}, 5.0 / 6, 5.0 / 6, 5.0 / 6},
		{Counts{TP: 1, FN: 3}, 1, 0.25, 0.4},
		{Counts{TN: 3}, 1, 1, 1}, // nothing to find and nothing flagged
		{Counts{FP: 2, FN: 2}, 0, 0, 0},
	}
	for _, tt := range tests {
		assert.InDelta(t, tt.p, tt.c.Precision(), 1e-9, "%+v", tt.c)
		assert.InDelta(t, tt.r, tt.c.Recall(), 1e-9, "%+v", tt.c)
		assert.InDelta(t, tt.f, tt.c.F1(), 1e-9, "%+v", tt.c)
	}
}

func TestExpectedValidate(t *testing.T) {
	ok := want("a", true, 1, 1, 1)
	tests := []struct {
		name string
		exp  Expected
		errs []string
	}{
		{"valid", Expected{AsOf: "2026-11-20", Accounts: []ExpectedAccount{ok}}, nil},
		{"bad date", Expected{AsOf: "20.11.2026", Accounts: []ExpectedAccount{ok}}, []string{"as_of"}},
		{"no accounts", Expected{AsOf: "2026-11-20"}, []string{"no accounts"}},
		{"twice and unknown kind", Expected{AsOf: "2026-11-20", Accounts: []ExpectedAccount{ok, want("a", true, 2, 2, 2, "ghosting")}},
			[]string{"listed twice", `unknown warning kind "ghosting"`}},
		{"rank clash and out of range", Expected{AsOf: "2026-11-20", Accounts: []ExpectedAccount{ok, want("b", true, 1, 5, 2)}},
			[]string{"technical rank 1 is also given to a", "commercial rank 5 is outside 1…2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.exp.Validate()
			if tt.errs == nil {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, e := range tt.errs {
				assert.Contains(t, err.Error(), e)
			}
		})
	}
}

func TestExpectedTime(t *testing.T) {
	tm, err := Expected{AsOf: "2026-11-20"}.Time()
	require.NoError(t, err)
	assert.Equal(t, "2026-11-20T23:59:59+08:00", tm.Format("2006-01-02T15:04:05Z07:00"), "a bare date is the end of that day in China")
	tm, err = Expected{AsOf: "2026-11-20T09:00:00Z"}.Time()
	require.NoError(t, err)
	assert.Equal(t, 9, tm.Hour())
}

func TestGoldExtractor(t *testing.T) {
	msgs := []ingest.Message{
		{ID: "m1", Account: ingest.Account{ID: "acct"}, Body: "您好：\n报价偏高，希望再优惠。我周五前答复。"},
		{ID: "m2", Account: ingest.Account{ID: "acct"}, Turns: []ingest.Turn{{Speaker: "v", Text: "好的"}, {Speaker: "c", Text: "那个 账期 太长了"}}},
	}
	g := NewGoldExtractor([]gold.Item{
		{MessageID: "m1", Type: extract.Commitment, Party: "vendor", Speaker: "v", Text: "我周五前答复", Due: "2026-11-13"},
		{MessageID: "m2", Type: extract.Objection, Subtype: "terms", Party: "customer", Speaker: "c", Text: "账期 太长了"},
	})
	items, err := g.Extract(context.Background(), msgs)
	require.NoError(t, err)
	require.Len(t, items, 2)
	require.Len(t, items[0], 1)
	assert.Equal(t, extract.Item{MessageID: "m1", AccountID: "acct", Type: extract.Commitment, Party: "vendor", Speaker: "v",
		Text: "我周五前答复", Due: "2026-11-13", Confidence: 1, Model: GoldModel, Field: "body", Start: 15, End: 21}, items[0][0])
	require.Len(t, items[1], 1)
	assert.Equal(t, "turns[1]", items[1][0].Field)
	assert.Equal(t, 3, items[1][0].Start, "offsets are runes")

	_, err = NewGoldExtractor([]gold.Item{{MessageID: "m1", Type: extract.Objection, Text: "不在消息里"}}).Extract(context.Background(), msgs)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "不在消息里")
	assert.Contains(t, err.Error(), "m1")
}
