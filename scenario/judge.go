package scenario

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/guanxi-dev/guanxi/report"
	"github.com/guanxi-dev/guanxi/scoring"
)

// Counts are the hits and misses of a yes/no judgement over accounts.
type Counts struct {
	TP, FP, FN, TN int
}

func (c *Counts) add(want, got bool) {
	switch {
	case want && got:
		c.TP++
	case got:
		c.FP++
	case want:
		c.FN++
	default:
		c.TN++
	}
}

// Precision is the share of flagged accounts the analyst flagged too; 1
// when nothing was flagged, since then nothing was flagged wrongly.
func (c Counts) Precision() float64 {
	if c.TP+c.FP == 0 {
		return 1
	}
	return float64(c.TP) / float64(c.TP+c.FP)
}

// Recall is the share of the analyst's flags that were found; 1 when the
// analyst flagged nothing.
func (c Counts) Recall() float64 {
	if c.TP+c.FN == 0 {
		return 1
	}
	return float64(c.TP) / float64(c.TP+c.FN)
}

// F1 is the harmonic mean of precision and recall.
func (c Counts) F1() float64 {
	p, r := c.Precision(), c.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// Agreement is how many account pairs are ordered by score as the analyst
// ranks them. A pair tied on score counts half.
type Agreement struct {
	Pairs int
	// Agree counts matching pairs, ties as 0.5.
	Agree float64
}

// Share is Agree/Pairs, 1 when there are no pairs.
func (a Agreement) Share() float64 {
	if a.Pairs == 0 {
		return 1
	}
	return a.Agree / float64(a.Pairs)
}

// KindCounts are the counts of one warning kind.
type KindCounts struct {
	Kind scoring.Kind
	Counts
}

// Row compares one account's expected and actual state.
type Row struct {
	AccountID string
	Name      string
	Want      ExpectedAccount
	// Found is false when the run never saw the account.
	Found bool
	Got   Outcome
	// Missing and Extra are the warning kinds expected but not raised, and
	// raised but not expected.
	Missing, Extra []scoring.Kind
}

// Report is the judgement of a run against the analyst.
type Report struct {
	AtRisk Counts
	// Kinds has one entry per warning kind, in scoring.Kinds order.
	Kinds []KindCounts
	// AllKinds pools the warning kinds over every account.
	AllKinds Counts
	// Ordering is the pairwise agreement per dimension; Overall pools them.
	Ordering map[scoring.Dimension]Agreement
	Overall  Agreement
	Rows     []Row
	// Unexpected lists accounts the run scored that the analyst did not
	// judge; they do not count in the figures.
	Unexpected []string
}

// Judge compares outcomes with the analyst's expectations. Only accounts
// the analyst judged count; an expected account the run never saw counts
// as not at risk, with no warnings and no score (it is left out of the
// ordering).
func Judge(exp Expected, got []Outcome) Report {
	byID := map[string]Outcome{}
	for _, o := range got {
		byID[o.AccountID] = o
	}
	r := Report{Ordering: map[scoring.Dimension]Agreement{}}
	kinds := map[scoring.Kind]*Counts{}
	for _, k := range scoring.Kinds {
		kinds[k] = &Counts{}
	}
	judged := map[string]bool{}
	for _, want := range exp.Accounts {
		judged[want.AccountID] = true
		o, found := byID[want.AccountID]
		row := Row{AccountID: want.AccountID, Name: cmp.Or(want.Name, o.Name), Want: want, Found: found, Got: o}
		r.AtRisk.add(want.AtRisk, found && o.Score.AtRisk)
		gotKinds := o.Kinds()
		for _, k := range scoring.Kinds {
			w, g := slices.Contains(want.Warnings, k), slices.Contains(gotKinds, k)
			kinds[k].add(w, g)
			r.AllKinds.add(w, g)
			switch {
			case w && !g:
				row.Missing = append(row.Missing, k)
			case g && !w:
				row.Extra = append(row.Extra, k)
			}
		}
		r.Rows = append(r.Rows, row)
	}
	for _, k := range scoring.Kinds {
		r.Kinds = append(r.Kinds, KindCounts{Kind: k, Counts: *kinds[k]})
	}
	for _, o := range got {
		if !judged[o.AccountID] {
			r.Unexpected = append(r.Unexpected, o.AccountID)
		}
	}
	slices.Sort(r.Unexpected)
	for _, d := range Dimensions {
		a := ordering(r.Rows, d)
		r.Ordering[d] = a
		r.Overall.Pairs += a.Pairs
		r.Overall.Agree += a.Agree
	}
	return r
}

// ordering counts, over every pair of ranked accounts the run scored,
// whether the higher-ranked one (smaller rank) has the higher score.
func ordering(rows []Row, d scoring.Dimension) Agreement {
	var a Agreement
	for i := range rows {
		for j := i + 1; j < len(rows); j++ {
			x, y := rows[i], rows[j]
			rx, okx := x.Want.TrustRank[d]
			ry, oky := y.Want.TrustRank[d]
			if !okx || !oky || !x.Found || !y.Found || rx == ry {
				continue
			}
			if rx > ry {
				x, y = y, x // x is the one the analyst trusts more
			}
			sx, sy := scoreOf(x.Got.Score, d), scoreOf(y.Got.Score, d)
			a.Pairs++
			switch {
			case sx > sy:
				a.Agree++
			case sx == sy:
				a.Agree += 0.5
			}
		}
	}
	return a
}

func scoreOf(s scoring.Score, d scoring.Dimension) float64 {
	switch d {
	case scoring.Technical:
		return s.Technical
	case scoring.Commercial:
		return s.Commercial
	}
	return s.Emotional
}

// Write prints the figures and the per-account table.
func (r Report) Write(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "At-risk accounts: precision %.2f  recall %.2f  F1 %.2f  (TP %d, FP %d, FN %d, TN %d)\n\n",
		r.AtRisk.Precision(), r.AtRisk.Recall(), r.AtRisk.F1(), r.AtRisk.TP, r.AtRisk.FP, r.AtRisk.FN, r.AtRisk.TN)

	rows := [][]string{{"warning", "precision", "recall", "TP", "FP", "FN"}}
	for _, k := range r.Kinds {
		rows = append(rows, []string{string(k.Kind), fmt.Sprintf("%.2f", k.Precision()), fmt.Sprintf("%.2f", k.Recall()),
			fmt.Sprint(k.TP), fmt.Sprint(k.FP), fmt.Sprint(k.FN)})
	}
	rows = append(rows, []string{"all kinds", fmt.Sprintf("%.2f", r.AllKinds.Precision()), fmt.Sprintf("%.2f", r.AllKinds.Recall()),
		fmt.Sprint(r.AllKinds.TP), fmt.Sprint(r.AllKinds.FP), fmt.Sprint(r.AllKinds.FN)})
	report.WriteAligned(&b, rows)

	b.WriteString("\nTrust ordering (account pairs ordered as the analyst ranks them, ties half):\n")
	rows = [][]string{{"dimension", "agreement", "pairs"}}
	for _, d := range Dimensions {
		a := r.Ordering[d]
		rows = append(rows, []string{string(d), fmt.Sprintf("%.2f", a.Share()), fmt.Sprintf("%g/%d", a.Agree, a.Pairs)})
	}
	rows = append(rows, []string{"overall", fmt.Sprintf("%.2f", r.Overall.Share()), fmt.Sprintf("%g/%d", r.Overall.Agree, r.Overall.Pairs)})
	report.WriteAligned(&b, rows)

	b.WriteString("\nAccounts (expected → got; rank is the analyst's, 1 = most trusted):\n")
	rows = [][]string{{"account", "at risk", "technical", "commercial", "emotional", "warnings", "missing", "extra"}}
	for _, row := range r.Rows {
		risk := fmt.Sprintf("%s → %s", yesNo(row.Want.AtRisk), yesNo(row.Got.Score.AtRisk))
		if row.Want.AtRisk != row.Got.Score.AtRisk {
			risk += " ✗"
		}
		cells := []string{cmp.Or(row.Name, row.AccountID), risk}
		for _, d := range Dimensions {
			if !row.Found {
				cells = append(cells, fmt.Sprintf("#%d → -", row.Want.TrustRank[d]))
				continue
			}
			cells = append(cells, fmt.Sprintf("#%d → %.1f", row.Want.TrustRank[d], scoreOf(row.Got.Score, d)))
		}
		if !row.Found {
			cells[1] += " (no messages)"
		}
		cells = append(cells, kindList(row.Got.Kinds()), kindList(row.Missing), kindList(row.Extra))
		rows = append(rows, cells)
	}
	report.WriteAligned(&b, rows)
	if len(r.Unexpected) > 0 {
		fmt.Fprintf(&b, "\nAccounts not in the expectations (not counted): %s\n", strings.Join(r.Unexpected, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func kindList(ks []scoring.Kind) string {
	if len(ks) == 0 {
		return "-"
	}
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ",")
}
