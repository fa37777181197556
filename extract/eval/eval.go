// Package eval measures extraction against gold annotations: precision,
// recall and F1 per item type, micro and macro F1, and how often the party,
// the due date and the subtype of matched items are right.
package eval

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"unicode"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/extract/gold"
)

// Types are the item types scored, in report order.
var Types = []extract.Type{extract.Commitment, extract.Objection, extract.PainPoint}

// Counts are the tallies of one item type.
type Counts struct {
	Gold, Predicted, Matched int
}

// Precision is matched / predicted (0 when nothing was predicted).
func (c Counts) Precision() float64 { return ratio(c.Matched, c.Predicted) }

// Recall is matched / gold (0 when there is no gold item).
func (c Counts) Recall() float64 { return ratio(c.Matched, c.Gold) }

// F1 is the harmonic mean of precision and recall.
func (c Counts) F1() float64 {
	p, r := c.Precision(), c.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// Report is the result of one evaluation.
type Report struct {
	PerType map[extract.Type]Counts
	// Party, Due and Subtype count matched items whose attribute agrees
	// with the gold item: Right of Of. Due is over matched commitments, and
	// an item with no due date is right when the gold has none either.
	Party, Due, Subtype Agreement
	// Errors lists every miss, false alarm and wrong attribute, in the
	// order of the gold items and predictions, for error analysis.
	Errors []Error
}

// Error is one disagreement between the extraction and the gold.
type Error struct {
	// Kind is "miss" (a gold item nothing matched), "false_alarm" (a
	// prediction that matched no gold item), or "party", "due" or
	// "subtype" (a match whose attribute is wrong).
	Kind      string       `json:"kind"`
	MessageID string       `json:"message_id"`
	Type      extract.Type `json:"type"`
	// Text is the gold text for a miss or a wrong attribute, the predicted
	// text for a false alarm.
	Text string `json:"text"`
	// Want and Got are the gold and the predicted attribute.
	Want string `json:"want,omitempty"`
	Got  string `json:"got,omitempty"`
	// ConfusedWith is the type of an item on the other side that overlaps
	// this one with another type: a miss the model read as an objection, a
	// false alarm where the gold has a pain point.
	ConfusedWith extract.Type `json:"confused_with,omitempty"`
	Confidence   float64      `json:"confidence,omitempty"`
}

// Agreement counts attribute checks over matched items.
type Agreement struct{ Right, Of int }

// Accuracy is Right / Of.
func (a Agreement) Accuracy() float64 { return ratio(a.Right, a.Of) }

// Micro returns the counts summed over types.
func (r Report) Micro() Counts {
	var m Counts
	for _, c := range r.PerType {
		m.Gold += c.Gold
		m.Predicted += c.Predicted
		m.Matched += c.Matched
	}
	return m
}

// MacroF1 is the mean of the per-type F1 scores.
func (r Report) MacroF1() float64 {
	sum := 0.0
	for _, t := range Types {
		sum += r.PerType[t].F1()
	}
	return sum / float64(len(Types))
}

// Evaluate matches predicted items to gold items. A prediction matches a
// gold item of the same message and type when the shorter of the two texts,
// ignoring blanks and punctuation, is at least half covered by the longer
// (their longest common substring); each gold item matches at most once,
// and the most confident predictions choose first.
func Evaluate(golds []gold.Item, predicted []extract.Item) Report {
	r := Report{PerType: map[extract.Type]Counts{}}
	byMsg := map[string][]int{}
	for i, g := range golds {
		byMsg[g.MessageID] = append(byMsg[g.MessageID], i)
		c := r.PerType[g.Type]
		c.Gold++
		r.PerType[g.Type] = c
	}
	order := make([]int, len(predicted))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return predicted[order[a]].Confidence > predicted[order[b]].Confidence })
	used := make([]bool, len(golds))
	matched := make([]bool, len(predicted))
	for _, pi := range order {
		p := predicted[pi]
		c := r.PerType[p.Type]
		c.Predicted++
		best, bestCov := -1, 0.0
		for _, gi := range byMsg[p.MessageID] {
			if used[gi] || golds[gi].Type != p.Type {
				continue
			}
			if cov := Coverage(p.Text, golds[gi].Text); cov >= 0.5 && cov > bestCov {
				best, bestCov = gi, cov
			}
		}
		if best >= 0 {
			used[best], matched[pi] = true, true
			c.Matched++
			g := golds[best]
			r.Party.check(&r.Errors, "party", g, p.Party, g.Party)
			if g.Type == extract.Commitment {
				r.Due.check(&r.Errors, "due", g, p.Due, g.Due)
			}
			if g.Subtype != "" {
				r.Subtype.check(&r.Errors, "subtype", g, p.Subtype, g.Subtype)
			}
		}
		r.PerType[p.Type] = c
	}
	predByMsg := map[string][]int{}
	for pi, p := range predicted {
		predByMsg[p.MessageID] = append(predByMsg[p.MessageID], pi)
	}
	for gi, g := range golds {
		if !used[gi] {
			e := Error{Kind: "miss", MessageID: g.MessageID, Type: g.Type, Text: g.Text}
			for _, pi := range predByMsg[g.MessageID] {
				if p := predicted[pi]; p.Type != g.Type && Coverage(p.Text, g.Text) >= 0.5 {
					e.ConfusedWith, e.Confidence = p.Type, p.Confidence
					break
				}
			}
			r.Errors = append(r.Errors, e)
		}
	}
	for pi, p := range predicted {
		if !matched[pi] {
			e := Error{Kind: "false_alarm", MessageID: p.MessageID, Type: p.Type, Text: p.Text, Confidence: p.Confidence}
			for _, gi := range byMsg[p.MessageID] {
				if golds[gi].Type != p.Type && Coverage(p.Text, golds[gi].Text) >= 0.5 {
					e.ConfusedWith = golds[gi].Type
					break
				}
			}
			r.Errors = append(r.Errors, e)
		}
	}
	return r
}

// check counts one attribute of a matched item and records it when wrong.
func (a *Agreement) check(errs *[]Error, kind string, g gold.Item, got, want string) {
	a.Of++
	if got == want {
		a.Right++
		return
	}
	*errs = append(*errs, Error{Kind: kind, MessageID: g.MessageID, Type: g.Type, Text: g.Text, Want: want, Got: got})
}

// Coverage is the share of the shorter text, blanks and punctuation
// ignored, that the longest common substring of the two covers.
func Coverage(a, b string) float64 {
	x, y := significant(a), significant(b)
	if len(x) > len(y) {
		x, y = y, x
	}
	if len(x) == 0 {
		return 0
	}
	return float64(longestCommon(x, y)) / float64(len(x))
}

func significant(s string) []rune {
	var out []rune
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// longestCommon is the length of the longest common substring, by dynamic
// programming over one row.
func longestCommon(x, y []rune) int {
	prev := make([]int, len(y)+1)
	cur := make([]int, len(y)+1)
	best := 0
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			if x[i-1] == y[j-1] {
				cur[j] = prev[j-1] + 1
				best = max(best, cur[j])
			} else {
				cur[j] = 0
			}
		}
		prev, cur = cur, prev
	}
	return best
}

// Summary is the report's figures for programs: what `guanxi eval --json`
// prints.
type Summary struct {
	PerType  map[extract.Type]TypeSummary `json:"per_type"`
	Micro    TypeSummary                  `json:"micro"`
	MacroF1  float64                      `json:"macro_f1"`
	Party    float64                      `json:"party_accuracy"`
	Due      float64                      `json:"due_accuracy"`
	Subtype  float64                      `json:"subtype_accuracy"`
	Matched  int                          `json:"matched"`
	Messages int                          `json:"messages,omitempty"`
}

// TypeSummary is the figures of one type, or of all together.
type TypeSummary struct {
	Gold      int     `json:"gold"`
	Predicted int     `json:"predicted"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
}

func (c Counts) summary() TypeSummary {
	return TypeSummary{Gold: c.Gold, Predicted: c.Predicted, Precision: round(c.Precision()), Recall: round(c.Recall()), F1: round(c.F1())}
}

// Summary returns the report's figures, rounded to four places.
func (r Report) Summary() Summary {
	s := Summary{
		PerType: map[extract.Type]TypeSummary{},
		Micro:   r.Micro().summary(),
		MacroF1: round(r.MacroF1()),
		Party:   round(r.Party.Accuracy()),
		Due:     round(r.Due.Accuracy()),
		Subtype: round(r.Subtype.Accuracy()),
		Matched: r.Party.Of,
	}
	for _, t := range Types {
		s.PerType[t] = r.PerType[t].summary()
	}
	return s
}

func round(f float64) float64 { return math.Round(f*1e4) / 1e4 }

// Write prints the report as a table.
func (r Report) Write(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%-12s %6s %9s %9s %7s %7s\n", "type", "gold", "predicted", "precision", "recall", "F1")
	for _, t := range Types {
		c := r.PerType[t]
		fmt.Fprintf(&b, "%-12s %6d %9d %9.3f %7.3f %7.3f\n", t, c.Gold, c.Predicted, c.Precision(), c.Recall(), c.F1())
	}
	m := r.Micro()
	fmt.Fprintf(&b, "%-12s %6d %9d %9.3f %7.3f %7.3f\n", "micro", m.Gold, m.Predicted, m.Precision(), m.Recall(), m.F1())
	fmt.Fprintf(&b, "macro F1 %.3f\n", r.MacroF1())
	fmt.Fprintf(&b, "party accuracy %.3f (%d of %d matched items)\n", r.Party.Accuracy(), r.Party.Right, r.Party.Of)
	fmt.Fprintf(&b, "due-date accuracy %.3f (%d of %d matched commitments)\n", r.Due.Accuracy(), r.Due.Right, r.Due.Of)
	fmt.Fprintf(&b, "subtype accuracy %.3f (%d of %d matched items)\n", r.Subtype.Accuracy(), r.Subtype.Right, r.Subtype.Of)
	_, err := io.WriteString(w, b.String())
	return err
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
