package api

import (
	"slices"
	"strings"
	"time"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/graph"
	"github.com/guanxi-dev/guanxi/scoring"
)

// report is everything an endpoint may tell about one account. Handlers
// fill the parts they serve and pass the report through redact before
// writing any of it, so what a role may see is decided here and nowhere
// else.
type report struct {
	Score       *scoreView
	Warnings    []scoring.Warning
	Commitments []graph.ItemEvidence
	Objections  []graph.ItemEvidence
	Contacts    []contactView
	Timeline    []graph.Event
	Left        []graph.Departure
}

// scoreView is a score as the API shows it: Commercial is a pointer so that
// it can be left out for roles that may not see it.
type scoreView struct {
	AccountID  string             `json:"account_id"`
	AsOf       time.Time          `json:"as_of"`
	Technical  float64            `json:"technical"`
	Commercial *float64           `json:"commercial,omitempty"`
	Emotional  float64            `json:"emotional"`
	AtRisk     bool               `json:"at_risk"`
	Evidence   []scoring.Evidence `json:"evidence"`
	Trend      *trendView         `json:"trend,omitempty"`
}

func newScoreView(s scoring.Score) *scoreView {
	c := s.Commercial
	return &scoreView{
		AccountID: s.AccountID, AsOf: s.AsOf, Technical: s.Technical,
		Commercial: &c, Emotional: s.Emotional, AtRisk: s.AtRisk, Evidence: nonNil(s.Evidence),
		Trend: newTrendView(s.Trend),
	}
}

// levelsView is scoring.Levels with a commercial value that can be left
// out.
type levelsView struct {
	Technical  float64  `json:"technical"`
	Commercial *float64 `json:"commercial,omitempty"`
	Emotional  float64  `json:"emotional"`
}

// trendView is scoring.Trend as the API shows it.
type trendView struct {
	Since      time.Time  `json:"since"`
	Technical  float64    `json:"technical"`
	Commercial *float64   `json:"commercial,omitempty"`
	Emotional  float64    `json:"emotional"`
	Before     levelsView `json:"before"`
}

func newTrendView(t *scoring.Trend) *trendView {
	if t == nil {
		return nil
	}
	c, bc := t.Commercial, t.Before.Commercial
	return &trendView{
		Since: t.Since, Technical: t.Technical, Commercial: &c, Emotional: t.Emotional,
		Before: levelsView{Technical: t.Before.Technical, Commercial: &bc, Emotional: t.Before.Emotional},
	}
}

// hideCommercial drops the commercial values of a trend.
func (t *trendView) hideCommercial() {
	if t != nil {
		t.Commercial, t.Before.Commercial = nil, nil
	}
}

// contactView is a customer contact as the contacts endpoint shows it:
// coverage (how often and through whom we reach them) and their trust.
type contactView struct {
	graph.Coverage
	Technical  float64             `json:"technical"`
	Commercial *float64            `json:"commercial,omitempty"`
	Emotional  float64             `json:"emotional"`
	WeakLink   bool                `json:"weak_link"`
	WeakIn     []scoring.Dimension `json:"weak_in,omitempty"`
	Evidence   []scoring.Evidence  `json:"evidence"`
	Trend      *trendView          `json:"trend,omitempty"`
}

// newContactViews joins the coverage of each contact with their score,
// in the order of the coverage. A contact without a score (none is
// expected) shows the coverage alone, at the neutral baseline.
func newContactViews(cov []graph.Coverage, scores []scoring.ContactScore, baseline float64) []contactView {
	byID := make(map[string]scoring.ContactScore, len(scores))
	for _, s := range scores {
		byID[s.ContactID] = s
	}
	out := make([]contactView, 0, len(cov))
	for _, c := range cov {
		s, ok := byID[c.ID]
		if !ok {
			s = scoring.ContactScore{Technical: baseline, Commercial: baseline, Emotional: baseline}
		}
		commercial := s.Commercial
		out = append(out, contactView{
			Coverage:  c,
			Technical: s.Technical, Commercial: &commercial, Emotional: s.Emotional,
			WeakLink: s.WeakLink, WeakIn: slices.Clone(s.WeakIn),
			Evidence: nonNil(slices.Clone(s.Evidence)), Trend: newTrendView(s.Trend),
		})
	}
	return out
}

// redactedMark stands in a warning's message where a commercial quote was.
const redactedMark = "［商务信息已隐藏］"

// commercialWarnings are the warning kinds that are about commercial terms
// as a whole.
var commercialWarnings = []scoring.Kind{scoring.CommercialSensitivity, scoring.CompetitorThreat}

// isCommercial reports whether an item states commercial terms: an
// objection about price, terms, payment, cost or a competitor, or a
// promise to pay.
func isCommercial(t extract.Type, subtype string) bool {
	switch t {
	case extract.Objection:
		switch subtype {
		case "price", "terms", "payment", "cost", "competitor":
			return true
		}
	case extract.Commitment:
		return subtype == "payment"
	}
	return false
}

// redact removes from r what u's role may not see. Delivery sees delivery
// facts: commitments, technical objections, pain points, technical and
// emotional trust, but no commercial score, no commercial evidence, no
// price / terms / competitor objections, no warning about commercial
// terms, and no commercial trend or contact score. Its at_risk flag, and
// each contact's weak_link, are recomputed from what it can see, so that
// they do not betray a low commercial score. Every other role sees the report
// as it is; which accounts they see is decided by visible.
func redact(u *User, f graph.AccountFacts, r *report, riskThreshold float64) {
	if u.Role != RoleDelivery {
		return
	}
	quotes := make(map[string]bool)
	for _, it := range f.Items {
		if isCommercial(it.Type, it.Subtype) {
			quotes[it.Text] = true
		}
	}
	hidden := func(e scoring.Evidence) bool {
		return e.Dimension == scoring.Commercial || (e.Quote != "" && quotes[e.Quote])
	}

	ws := r.Warnings[:0:0]
	for _, w := range r.Warnings {
		if slices.Contains(commercialWarnings, w.Kind) {
			continue
		}
		had := len(w.Evidence)
		w.Evidence = slices.DeleteFunc(slices.Clone(w.Evidence), hidden)
		if had > 0 && len(w.Evidence) == 0 {
			continue
		}
		for q := range quotes {
			w.Message = strings.ReplaceAll(w.Message, q, redactedMark)
		}
		ws = append(ws, w)
	}
	r.Warnings = ws

	if s := r.Score; s != nil {
		s.Commercial = nil
		s.Evidence = slices.DeleteFunc(slices.Clone(s.Evidence), hidden)
		s.AtRisk = s.Technical < riskThreshold || s.Emotional < riskThreshold
		for _, w := range r.Warnings {
			if w.Severity == scoring.SeverityHigh {
				s.AtRisk = true
			}
		}
		s.Trend.hideCommercial()
	}
	for i := range r.Contacts {
		c := &r.Contacts[i]
		c.Commercial = nil
		c.Evidence = slices.DeleteFunc(slices.Clone(c.Evidence), hidden)
		c.WeakIn = slices.DeleteFunc(slices.Clone(c.WeakIn), func(d scoring.Dimension) bool { return d == scoring.Commercial })
		c.WeakLink = len(c.WeakIn) > 0
		c.Trend.hideCommercial()
	}
	commercial := func(e graph.ItemEvidence) bool { return isCommercial(e.Type, e.Subtype) }
	r.Commitments = slices.DeleteFunc(r.Commitments, commercial)
	r.Objections = slices.DeleteFunc(r.Objections, commercial)
	r.Timeline = slices.DeleteFunc(r.Timeline, func(e graph.Event) bool {
		return e.Kind == graph.EventItem && isCommercial(e.ItemType, e.Subtype)
	})
}
