package audit

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"time"

	"github.com/guanxi-dev/guanxi/graph"
	"github.com/guanxi-dev/guanxi/scoring"
)

// ErrNoAccounts is returned when there is nothing to sample.
var ErrNoAccounts = errors.New("audit: no accounts to sample")

// Source is where the audit reads accounts from; *graph.Store is one.
type Source interface {
	Accounts(ctx context.Context) ([]graph.Account, error)
	AccountFacts(ctx context.Context, accountID string) (graph.AccountFacts, error)
}

// Options configures an audit. Zero fields take the defaults documented on
// each field.
type Options struct {
	// Fraction of the accounts to sample, in (0, 1].
	Fraction float64
	// Seed makes the sample reproducible.
	Seed int64
	// AsOf is the time the audit is taken at.
	AsOf time.Time
	// TrendWindow is how far back the trend compares (30 days).
	TrendWindow time.Duration
	// Gap is how many points below the strongest dimension make a weak
	// spot and let a gap rule fire (15).
	Gap float64
	// Drop is the fall over TrendWindow that makes a dimension below
	// Baseline a weak spot (6).
	Drop float64
	// Uneven and Lopsided are the spreads from which a relationship is
	// uneven (10) or lopsided (20).
	Uneven, Lopsided float64
	// Scoring passes options to scoring.Evaluate; its RiskThreshold and
	// Baseline are used for weak spots too.
	Scoring scoring.Config
}

func (o Options) withDefaults() Options {
	if o.TrendWindow <= 0 {
		o.TrendWindow = 30 * 24 * time.Hour
	}
	set := func(v *float64, def float64) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&o.Gap, 15)
	set(&o.Drop, 6)
	set(&o.Uneven, 10)
	set(&o.Lopsided, 20)
	def := scoring.DefaultConfig()
	set(&o.Scoring.Baseline, def.Baseline)
	set(&o.Scoring.RiskThreshold, def.RiskThreshold)
	if o.Scoring.Location == nil {
		o.Scoring.Location = def.Location
	}
	return o
}

// Balance grades how far apart an account's three dimensions are.
type Balance string

// The balance grades, best first.
const (
	Balanced Balance = "balanced"
	Uneven   Balance = "uneven"
	Lopsided Balance = "lopsided"
)

// Report is the result of an audit.
type Report struct {
	AsOf     time.Time      `json:"as_of"`
	Seed     int64          `json:"seed"`
	Fraction float64        `json:"fraction"`
	Summary  Summary        `json:"summary"`
	Accounts []AccountAudit `json:"accounts"`
}

// Summary sums up the sampled accounts.
type Summary struct {
	// Total is the number of accounts sampled from.
	Total   int `json:"total_accounts"`
	Sampled int `json:"sampled"`
	AtRisk  int `json:"at_risk"`
	// Weakest counts, per dimension, the accounts whose lowest dimension
	// it is.
	Weakest map[scoring.Dimension]int `json:"weakest_counts"`
	// WeakSpots counts, per dimension, the accounts where it is a weak spot.
	WeakSpots map[scoring.Dimension]int `json:"weak_spot_counts"`
	// MostCommonWeak is the dimension most often a weak spot, or, with no
	// weak spot anywhere, most often the weakest; ties go to technical, then
	// commercial.
	MostCommonWeak scoring.Dimension `json:"most_common_weak"`
}

// AccountAudit is the audit of one account.
type AccountAudit struct {
	AccountID string `json:"account_id"`
	Name      string `json:"name"`
	AtRisk    bool   `json:"at_risk"`
	// Dimensions lists technical, commercial and emotional, in that order.
	Dimensions []DimensionAudit    `json:"dimensions"`
	Weakest    scoring.Dimension   `json:"weakest"`
	Strongest  scoring.Dimension   `json:"strongest"`
	Spread     float64             `json:"spread"`
	Balance    Balance             `json:"balance"`
	WeakSpots  []scoring.Dimension `json:"weak_spots"`
	Warnings   []scoring.Warning   `json:"warnings"`
	Advice     []Advice            `json:"advice"`
}

// DimensionAudit is one dimension now and TrendWindow earlier.
type DimensionAudit struct {
	Dimension scoring.Dimension `json:"dimension"`
	Score     float64           `json:"score"`
	Before    float64           `json:"before"`
	// Trend is Score − Before.
	Trend float64 `json:"trend"`
	Weak  bool    `json:"weak"`
	// Reasons say why it is a weak spot: "risk", "gap", "drop".
	Reasons []string `json:"reasons,omitempty"`
}

// Advice is one reinforcement recommendation.
type Advice struct {
	// Rule is the id of the rule in Rules that gave it.
	Rule      string            `json:"rule"`
	Dimension scoring.Dimension `json:"dimension,omitempty"`
	// Text says what was found, quoting message, date and words, and what
	// to do, in Chinese.
	Text     string             `json:"text"`
	Evidence []scoring.Evidence `json:"evidence"`
}

// Dimensions lists the trust dimensions in reporting order.
var Dimensions = []scoring.Dimension{scoring.Technical, scoring.Commercial, scoring.Emotional}

// Sample picks round(fraction × len(accounts)) accounts, at least one, and
// returns them ordered by id. See the package documentation for why it is
// reproducible.
func Sample(accounts []graph.Account, fraction float64, seed int64) ([]graph.Account, error) {
	if math.IsNaN(fraction) || fraction <= 0 || fraction > 1 {
		return nil, fmt.Errorf("audit: sample fraction %v is not in (0, 1]", fraction)
	}
	if len(accounts) == 0 {
		return nil, ErrNoAccounts
	}
	n := max(1, int(math.Round(fraction*float64(len(accounts)))))
	type ranked struct {
		rank uint64
		acc  graph.Account
	}
	rs := make([]ranked, len(accounts))
	for i, a := range accounts {
		rs[i] = ranked{rank(seed, a.ID), a}
	}
	slices.SortFunc(rs, func(a, b ranked) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(a.acc.ID, b.acc.ID))
	})
	out := make([]graph.Account, 0, n)
	for _, r := range rs[:n] {
		out = append(out, r.acc)
	}
	slices.SortFunc(out, func(a, b graph.Account) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// rank is an account's place in the seed's random order: FNV-1a of the seed
// and id, mixed by the splitmix64 finaliser so that nearby ids spread out.
func rank(seed int64, id string) uint64 {
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(seed))
	h.Write(b[:])
	h.Write([]byte(id))
	x := h.Sum64()
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// Run samples the accounts of src and audits each one.
func Run(ctx context.Context, src Source, opts Options) (Report, error) {
	if opts.AsOf.IsZero() {
		return Report{}, errors.New("audit: no audit time given")
	}
	accounts, err := src.Accounts(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("audit: list accounts: %w", err)
	}
	sample, err := Sample(accounts, opts.Fraction, opts.Seed)
	if err != nil {
		return Report{}, err
	}
	r := Report{AsOf: opts.AsOf, Seed: opts.Seed, Fraction: opts.Fraction}
	for _, a := range sample {
		facts, err := src.AccountFacts(ctx, a.ID)
		if err != nil {
			return Report{}, fmt.Errorf("audit: %w", err)
		}
		r.Accounts = append(r.Accounts, Assess(facts, opts))
	}
	r.Summary = summarise(len(accounts), r.Accounts)
	return r, nil
}

// Assess audits one account as of opts.AsOf.
func Assess(facts graph.AccountFacts, opts Options) AccountAudit {
	opts = opts.withDefaults()
	full := opts.Scoring
	// Advice needs every signal, not just the largest few per dimension.
	full.EvidencePerDimension = math.MaxInt32
	score, warnings := scoring.Evaluate(facts, opts.AsOf, scoring.WithConfig(full))
	before, _ := scoring.Evaluate(facts, opts.AsOf.Add(-opts.TrendWindow), scoring.WithConfig(opts.Scoring))

	a := AccountAudit{
		AccountID: facts.Account.ID,
		Name:      facts.Account.Name,
		AtRisk:    score.AtRisk,
		Warnings:  warnings,
	}
	if a.Name == "" {
		a.Name = facts.Account.ID
	}
	if a.Warnings == nil {
		a.Warnings = []scoring.Warning{}
	}
	now := [3]float64{score.Technical, score.Commercial, score.Emotional}
	then := [3]float64{before.Technical, before.Commercial, before.Emotional}
	lo, hi := 0, 0
	for i := range now {
		if now[i] < now[lo] {
			lo = i
		}
		if now[i] > now[hi] {
			hi = i
		}
	}
	a.Weakest, a.Strongest = Dimensions[lo], Dimensions[hi]
	a.Spread = round1(now[hi] - now[lo])
	switch {
	case a.Spread >= opts.Lopsided:
		a.Balance = Lopsided
	case a.Spread >= opts.Uneven:
		a.Balance = Uneven
	default:
		a.Balance = Balanced
	}
	a.WeakSpots = []scoring.Dimension{}
	for i, d := range Dimensions {
		da := DimensionAudit{Dimension: d, Score: now[i], Before: then[i], Trend: round1(now[i] - then[i])}
		if now[i] < opts.Scoring.RiskThreshold {
			da.Reasons = append(da.Reasons, "risk")
		}
		if now[hi]-now[i] >= opts.Gap {
			da.Reasons = append(da.Reasons, "gap")
		}
		if -da.Trend >= opts.Drop && now[i] < opts.Scoring.Baseline {
			da.Reasons = append(da.Reasons, "drop")
		}
		da.Weak = len(da.Reasons) > 0
		if da.Weak {
			a.WeakSpots = append(a.WeakSpots, d)
		}
		a.Dimensions = append(a.Dimensions, da)
	}
	a.Advice = advise(&assessment{audit: &a, facts: facts, evidence: score.Evidence, opts: opts})
	return a
}

func summarise(total int, accounts []AccountAudit) Summary {
	s := Summary{
		Total:     total,
		Sampled:   len(accounts),
		Weakest:   map[scoring.Dimension]int{},
		WeakSpots: map[scoring.Dimension]int{},
	}
	for _, d := range Dimensions {
		s.Weakest[d], s.WeakSpots[d] = 0, 0
	}
	for _, a := range accounts {
		if a.AtRisk {
			s.AtRisk++
		}
		s.Weakest[a.Weakest]++
		for _, d := range a.WeakSpots {
			s.WeakSpots[d]++
		}
	}
	counts := s.WeakSpots
	if total := s.WeakSpots[scoring.Technical] + s.WeakSpots[scoring.Commercial] + s.WeakSpots[scoring.Emotional]; total == 0 {
		counts = s.Weakest
	}
	best := 0
	for _, d := range Dimensions {
		if counts[d] > best {
			best, s.MostCommonWeak = counts[d], d
		}
	}
	return s
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }
