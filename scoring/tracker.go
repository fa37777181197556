package scoring

import (
	"math"
	"slices"
	"sync"
)

// Action says what happened to a warning between two evaluations.
type Action string

// Actions of a Change.
const (
	Raised  Action = "raised"  // a condition began
	Updated Action = "updated" // its severity or evidence changed
	Cleared Action = "cleared" // it ended
)

// Change is a warning that was raised, updated or cleared. A cleared change
// carries the warning as it was last emitted.
type Change struct {
	Action  Action  `json:"action"`
	Warning Warning `json:"warning"`
}

// Tracker remembers the warnings last emitted for each account and turns
// each new evaluation into changes, so that a warning is emitted when it is
// raised, when its severity or evidence changes, and when it clears, but not
// again for every message that leaves it as it was. A warning is identified
// by its account and kind. The zero value is ready to use; a Tracker is safe
// for concurrent use.
type Tracker struct {
	mu   sync.Mutex
	last map[string]map[Kind]Warning
}

// NewTracker returns an empty Tracker.
func NewTracker() *Tracker { return &Tracker{} }

// Update records ws as the warnings now active for the account and returns
// what changed since the last Update for it: raised and updated warnings in
// the order of ws, then cleared ones in the order of Kinds. If ws holds a
// kind twice, the later one counts.
func (t *Tracker) Update(accountID string, ws []Warning) []Change {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.last == nil {
		t.last = map[string]map[Kind]Warning{}
	}
	prev := t.last[accountID]
	now := make(map[Kind]Warning, len(ws))
	var order []Kind
	for _, w := range ws {
		if _, dup := now[w.Kind]; !dup {
			order = append(order, w.Kind)
		}
		now[w.Kind] = w
	}

	var changes []Change
	next := make(map[Kind]Warning, len(now))
	for _, k := range order {
		w := now[k]
		old, had := prev[k]
		switch {
		case !had:
			changes = append(changes, Change{Action: Raised, Warning: w})
			next[k] = w
		case materiallyDifferent(old, w):
			changes = append(changes, Change{Action: Updated, Warning: w})
			next[k] = w
		default:
			// Keep what was emitted, so that slow drift is measured
			// against what the reader last saw.
			next[k] = old
		}
	}
	for _, k := range clearedOrder(prev, now) {
		changes = append(changes, Change{Action: Cleared, Warning: prev[k]})
	}
	if len(next) == 0 {
		delete(t.last, accountID)
	} else {
		t.last[accountID] = next
	}
	return changes
}

// Active returns the warnings last emitted for the account, in the order
// of Kinds.
func (t *Tracker) Active(accountID string) []Warning {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []Warning
	for _, k := range Kinds {
		if w, ok := t.last[accountID][k]; ok {
			out = append(out, w)
		}
	}
	var other []Kind
	for k := range t.last[accountID] {
		if !slices.Contains(Kinds, k) {
			other = append(other, k)
		}
	}
	slices.Sort(other)
	for _, k := range other {
		out = append(out, t.last[accountID][k])
	}
	return out
}

// Restore sets the warnings last emitted for the account, as recorded by an
// earlier process or another instance, without producing changes: the next
// Update compares against them.
func (t *Tracker) Restore(accountID string, ws []Warning) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.last == nil {
		t.last = map[string]map[Kind]Warning{}
	}
	if len(ws) == 0 {
		delete(t.last, accountID)
		return
	}
	m := make(map[Kind]Warning, len(ws))
	for _, w := range ws {
		m[w.Kind] = w
	}
	t.last[accountID] = m
}

// Forget drops what the Tracker remembers of the account.
func (t *Tracker) Forget(accountID string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.last, accountID)
}

// clearedOrder lists the kinds in prev but not in now: known kinds in the
// order of Kinds, then any others sorted.
func clearedOrder(prev, now map[Kind]Warning) []Kind {
	var known, other []Kind
	for k := range prev {
		if _, still := now[k]; still {
			continue
		}
		if slices.Contains(Kinds, k) {
			known = append(known, k)
		} else {
			other = append(other, k)
		}
	}
	slices.SortFunc(known, func(a, b Kind) int { return slices.Index(Kinds, a) - slices.Index(Kinds, b) })
	slices.Sort(other)
	return append(known, other...)
}

// materiallyDifferent reports whether a warning changed in a way worth
// telling: its severity, or which messages it rests on. Its wording alone
// (days counting up) is not.
func materiallyDifferent(a, b Warning) bool {
	return a.Severity != b.Severity || !slices.Equal(evidenceKeys(a), evidenceKeys(b))
}

func evidenceKeys(w Warning) []string {
	keys := make([]string, 0, len(w.Evidence))
	for _, e := range w.Evidence {
		keys = append(keys, e.MessageID+"\x00"+e.Signal)
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// MinScoreMove is the smallest move of a dimension that makes a new score
// line worth emitting.
const MinScoreMove = 0.1

// ScoreTracker remembers the score last emitted for each account, so that
// a score line is emitted only when a dimension moved by MinScoreMove or
// more, or the account's at-risk flag flipped. The zero value is ready to
// use; a ScoreTracker is safe for concurrent use.
type ScoreTracker struct {
	mu   sync.Mutex
	last map[string]Score
}

// NewScoreTracker returns an empty ScoreTracker.
func NewScoreTracker() *ScoreTracker { return &ScoreTracker{} }

// Update reports whether s should be emitted: it is the account's first
// score, or it differs from the last emitted one as described on
// ScoreTracker. When it returns true, s becomes the last emitted score.
func (t *ScoreTracker) Update(s Score) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.last == nil {
		t.last = map[string]Score{}
	}
	old, had := t.last[s.AccountID]
	if had && !scoreMoved(old, s) {
		return false
	}
	t.last[s.AccountID] = s
	return true
}

// Restore sets the score last emitted for s's account, as recorded by an
// earlier process or another instance.
func (t *ScoreTracker) Restore(s Score) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.last == nil {
		t.last = map[string]Score{}
	}
	t.last[s.AccountID] = s
}

// Forget drops the score last emitted for the account.
func (t *ScoreTracker) Forget(accountID string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.last, accountID)
}

// Last returns the score last emitted for the account.
func (t *ScoreTracker) Last(accountID string) (Score, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s, ok := t.last[accountID]
	return s, ok
}

func scoreMoved(a, b Score) bool {
	// Scores are rounded to one decimal, so compare with a little slack
	// for floating-point error.
	moved := func(x, y float64) bool { return math.Abs(x-y) >= MinScoreMove-1e-9 }
	return a.AtRisk != b.AtRisk || moved(a.Technical, b.Technical) ||
		moved(a.Commercial, b.Commercial) || moved(a.Emotional, b.Emotional)
}
