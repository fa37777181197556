package scoring_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/scoring"
)

func warning(kind scoring.Kind, sev scoring.Severity, msg string, ids ...string) scoring.Warning {
	w := scoring.Warning{AccountID: "acct-1", Kind: kind, Severity: sev, Since: at("2025-03-14"), Message: msg}
	for _, id := range ids {
		w.Evidence = append(w.Evidence, scoring.Evidence{MessageID: id, Signal: "s", Quote: "q"})
	}
	return w
}

func actions(cs []scoring.Change) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, string(c.Action)+":"+string(c.Warning.Kind))
	}
	return out
}

func TestTrackerUpdate(t *testing.T) {
	overdue := warning(scoring.OverdueCommitment, scoring.SeverityMedium, "已逾期 6 天", "m1")
	dark := warning(scoring.GoingDark, scoring.SeverityLow, "已 20 天没有客户消息", "m2")

	tests := []struct {
		name  string
		steps [][]scoring.Warning
		want  []string // changes of the last step
	}{
		{"first warnings are raised", [][]scoring.Warning{{overdue, dark}},
			[]string{"raised:overdue_commitment", "raised:going_dark"}},
		{"same warnings twice: no changes", [][]scoring.Warning{{overdue, dark}, {overdue, dark}},
			[]string{}},
		{"only the wording moved (days counting up): no changes", [][]scoring.Warning{{overdue},
			{warning(scoring.OverdueCommitment, scoring.SeverityMedium, "已逾期 7 天", "m1")}},
			[]string{}},
		{"severity changed: updated", [][]scoring.Warning{{overdue},
			{warning(scoring.OverdueCommitment, scoring.SeverityHigh, "已逾期 14 天", "m1")}},
			[]string{"updated:overdue_commitment"}},
		{"new evidence: updated", [][]scoring.Warning{{overdue},
			{warning(scoring.OverdueCommitment, scoring.SeverityMedium, "另有 1 项", "m1", "m9")}},
			[]string{"updated:overdue_commitment"}},
		{"condition ended: cleared", [][]scoring.Warning{{overdue, dark}, {dark}},
			[]string{"cleared:overdue_commitment"}},
		{"all ended: all cleared, in kind order", [][]scoring.Warning{{dark, overdue}, nil},
			[]string{"cleared:overdue_commitment", "cleared:going_dark"}},
		{"cleared then back: raised again", [][]scoring.Warning{{overdue}, nil, {overdue}},
			[]string{"raised:overdue_commitment"}},
		{"raised and cleared in one step", [][]scoring.Warning{{overdue}, {dark}},
			[]string{"raised:going_dark", "cleared:overdue_commitment"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tr scoring.Tracker // the zero value is ready
			var got []scoring.Change
			for _, ws := range tt.steps {
				got = tr.Update("acct-1", ws)
			}
			assert.Equal(t, tt.want, actions(got))
		})
	}
}

func TestTrackerKeepsEmittedVersion(t *testing.T) {
	tr := scoring.NewTracker()
	first := warning(scoring.OverdueCommitment, scoring.SeverityMedium, "已逾期 6 天", "m1")
	tr.Update("acct-1", []scoring.Warning{first})
	require.Empty(t, tr.Update("acct-1", []scoring.Warning{warning(scoring.OverdueCommitment, scoring.SeverityMedium, "已逾期 7 天", "m1")}))

	assert.Equal(t, []scoring.Warning{first}, tr.Active("acct-1"))
	cs := tr.Update("acct-1", nil)
	require.Len(t, cs, 1)
	assert.Equal(t, scoring.Change{Action: scoring.Cleared, Warning: first}, cs[0], "cleared carries what was emitted")
	assert.Empty(t, tr.Active("acct-1"))
}

func TestTrackerAccountsAreSeparate(t *testing.T) {
	tr := scoring.NewTracker()
	w := warning(scoring.ChampionLeft, scoring.SeverityHigh, "离职", "m1")
	assert.Len(t, tr.Update("a", []scoring.Warning{w}), 1)
	assert.Len(t, tr.Update("b", []scoring.Warning{w}), 1)
	assert.Empty(t, tr.Update("a", []scoring.Warning{w}))
	tr.Forget("a")
	assert.Equal(t, []string{"raised:champion_left"}, actions(tr.Update("a", []scoring.Warning{w})))
}

func TestTrackerConcurrent(t *testing.T) {
	tr := scoring.NewTracker()
	w := warning(scoring.GoingDark, scoring.SeverityLow, "沉默", "m1")
	var wg sync.WaitGroup
	raised := make([]int, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				account := fmt.Sprintf("acct-%d", i%10)
				for _, c := range tr.Update(account, []scoring.Warning{w}) {
					if c.Action == scoring.Raised {
						raised[g]++
					}
				}
			}
		}()
	}
	wg.Wait()
	total := 0
	for _, n := range raised {
		total += n
	}
	assert.Equal(t, 10, total, "each account's warning is raised exactly once")
}

func TestScoreTracker(t *testing.T) {
	base := scoring.Score{AccountID: "acct-1", Technical: 60, Commercial: 55.5, Emotional: 70}
	with := func(f func(*scoring.Score)) scoring.Score {
		s := base
		f(&s)
		return s
	}
	tests := []struct {
		name string
		next scoring.Score
		want bool
	}{
		{"unchanged", base, false},
		{"evidence or time only", with(func(s *scoring.Score) { s.AsOf = at("2025-04-01"); s.Evidence = []scoring.Evidence{{MessageID: "m"}} }), false},
		{"moved by 0.1", with(func(s *scoring.Score) { s.Commercial = 55.6 }), true},
		{"moved down by 0.1", with(func(s *scoring.Score) { s.Technical = 59.9 }), true},
		{"at risk flipped", with(func(s *scoring.Score) { s.AtRisk = true }), true},
		{"another account", with(func(s *scoring.Score) { s.AccountID = "acct-2" }), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var st scoring.ScoreTracker
			require.True(t, st.Update(base), "the first score is emitted")
			assert.Equal(t, tt.want, st.Update(tt.next))
		})
	}

	t.Run("slow drift is measured from the last emitted score", func(t *testing.T) {
		st := scoring.NewScoreTracker()
		st.Update(base)
		s := base
		s.Emotional = 70.04 // not a rounded score, but shows the comparison is with what was emitted
		assert.False(t, st.Update(s))
		s.Emotional = 70.1
		assert.True(t, st.Update(s))
		last, ok := st.Last("acct-1")
		require.True(t, ok)
		assert.Equal(t, 70.1, last.Emotional)
	})
}

func TestTrackerRestore(t *testing.T) {
	w := scoring.Warning{AccountID: "a", Kind: scoring.GoingDark, Severity: scoring.SeverityMedium, Evidence: []scoring.Evidence{{MessageID: "m1"}}}
	tr := scoring.NewTracker()
	tr.Restore("a", []scoring.Warning{w})
	assert.Empty(t, tr.Update("a", []scoring.Warning{w}), "a restored warning is not raised again")
	assert.Equal(t, []scoring.Warning{w}, tr.Active("a"))
	tr.Restore("a", nil)
	assert.Equal(t, []scoring.Change{{Action: scoring.Raised, Warning: w}}, tr.Update("a", []scoring.Warning{w}))

	st := scoring.NewScoreTracker()
	s := scoring.Score{AccountID: "a", Technical: 60, Commercial: 55, Emotional: 70}
	st.Restore(s)
	assert.False(t, st.Update(s))
	st.Forget("a")
	assert.True(t, st.Update(s))
}
