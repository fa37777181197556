package graph

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/cayleygraph/quad"

	"github.com/guanxi-dev/guanxi/extract"
)

// Transition kinds: what a later message did to an earlier item. They are
// named as the status the item then has; StatusBroken is not among them
// because a broken promise is derived from its due date, never recorded.
const (
	TransitionKept      = StatusKept      // a commitment was fulfilled
	TransitionWithdrawn = StatusWithdrawn // a commitment was taken back
	TransitionAnswered  = StatusAnswered  // an objection was answered
	TransitionResolved  = StatusResolved  // an objection or pain point was settled
)

// Transition is a change of an item's follow-up state shown by a later
// message: which item, what happened, the message that showed it, when, and
// the sentence that shows it.
type Transition struct {
	ItemID    string    `json:"item_id"`
	Kind      string    `json:"kind"`
	MessageID string    `json:"message_id"`
	At        time.Time `json:"at"`
	Evidence  string    `json:"evidence"`
}

// Transition nodes. They hang off the account rather than the item: a re-put
// of the item's message rewrites every fact of the item node, and the
// transitions it already had must survive that.
const (
	prefixTransition = "transition/"
	typeTransition   = "transition"
)

var (
	predItem     = quad.IRI("gx:item")
	predKind     = quad.IRI("gx:kind")
	predBy       = quad.IRI("gx:by")
	predEvidence = quad.IRI("gx:evidence")
)

// transitionKinds lists the transitions an item of each type may take.
var transitionKinds = map[extract.Type][]string{
	extract.Commitment: {TransitionKept, TransitionWithdrawn},
	extract.Objection:  {TransitionAnswered, TransitionResolved},
	extract.PainPoint:  {TransitionResolved},
}

// TransitionKinds lists the transitions an item of type t may take; nil for
// an unknown type.
func TransitionKinds(t extract.Type) []string { return slices.Clone(transitionKinds[t]) }

// TransitionID returns the stable id of a transition: one item, one kind, one
// message. Recording the same transition again finds the same node.
func TransitionID(itemID, kind, messageID string) string {
	h := sha256.New()
	for _, part := range []string{itemID, kind, messageID} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func transitionIRI(id string) quad.IRI { return quad.IRI(prefixTransition + id) }

// RecordTransition records that a later message kept, withdrew, answered or
// resolved an item, with the time of that message and the sentence that
// shows it. Recording it again replaces the time and evidence and changes
// nothing else, so replays are harmless. The item's status is left alone:
// the state at any time is derived from the transitions by StatusAt.
//
// It returns ErrNotFound for an unknown item or message and an error
// wrapping ErrInvalid when the transition does not fit the item: a kind the
// item's type cannot take, the item's own message, a message of another
// account, a time before the item or different from the message's.
func (s *Store) RecordTransition(ctx context.Context, tr Transition) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkTransition(tr); err != nil {
		return fmt.Errorf("%w: transition of item %q: %w", ErrInvalid, tr.ItemID, err)
	}
	item, msg := itemIRI(tr.ItemID), messageIRI(tr.MessageID)
	// Lock what SetItemStatus and PutMessage lock, so that a re-put of
	// either message cannot interleave, and the account, so that readers
	// of the account see the transition whole or not at all.
	unlock, err := s.lockTransition(ctx, item, msg)
	if err != nil {
		return fmt.Errorf("graph: record transition of item %q: %w", tr.ItemID, err)
	}
	defer unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return err
	}
	subject := transitionIRI(TransitionID(tr.ItemID, tr.Kind, tr.MessageID))
	cur, err := s.describeMany(ctx, []quad.Value{item, msg, subject})
	if err != nil {
		return fmt.Errorf("graph: record transition of item %q: %w", tr.ItemID, err)
	}
	itemNode, msgNode := nodeOf(cur[item]), nodeOf(cur[msg])
	if !isItem(cur[item]) {
		return fmt.Errorf("graph: record transition of item %q: %w", tr.ItemID, ErrNotFound)
	}
	if msgNode.str(predType) != typeMessage {
		return fmt.Errorf("graph: record transition of item %q: message %q: %w", tr.ItemID, tr.MessageID, ErrNotFound)
	}
	account := itemNode.first(predAccount)
	if err := fitTransition(tr, itemNode, msgNode, account); err != nil {
		return fmt.Errorf("%w: transition of item %q: %w", ErrInvalid, tr.ItemID, err)
	}
	want := []quad.Quad{
		quad.Make(subject, predType, quad.String(typeTransition), nil),
		quad.Make(subject, predAccount, account, nil),
		quad.Make(subject, predItem, item, nil),
		quad.Make(subject, predKind, quad.String(tr.Kind), nil),
		quad.Make(subject, predBy, msg, nil),
		quad.Make(subject, predOccurredAt, timeValue(tr.At), nil),
		quad.Make(subject, predEvidence, quad.String(tr.Evidence), nil),
	}
	var d diff
	d.replace(cur[subject], want)
	if err := s.apply(ctx, &d); err != nil {
		return fmt.Errorf("graph: record transition of item %q: %w", tr.ItemID, err)
	}
	return nil
}

// lockTransition takes, on postgres, the locks of the item's message, the
// transition's message and the item's account.
func (s *Store) lockTransition(ctx context.Context, item, msg quad.IRI) (func(), error) {
	if s.pg == nil {
		return func() {}, nil
	}
	s.mu.RLock()
	err := s.usable()
	var cur []quad.Quad
	if err == nil {
		cur, err = s.describe(ctx, item)
	}
	s.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	nodes := []string{msg.String()}
	for _, q := range cur {
		if q.Predicate == predMessage || q.Predicate == predAccount {
			nodes = append(nodes, q.Object.String())
		}
	}
	return s.lockNodes(ctx, true, nodes...)
}

func checkTransition(tr Transition) error {
	if err := checkID(tr.ItemID); err != nil {
		return fmt.Errorf("item id: %w", err)
	}
	if err := checkID(tr.MessageID); err != nil {
		return fmt.Errorf("message id: %w", err)
	}
	switch tr.Kind {
	case TransitionKept, TransitionWithdrawn, TransitionAnswered, TransitionResolved:
	default:
		return fmt.Errorf("unknown kind %q (want %s, %s, %s or %s)", tr.Kind,
			TransitionKept, TransitionWithdrawn, TransitionAnswered, TransitionResolved)
	}
	if tr.At.IsZero() {
		return fmt.Errorf("no time")
	}
	if tr.Evidence == "" || !utf8.ValidString(tr.Evidence) {
		return fmt.Errorf("evidence is empty or not valid UTF-8")
	}
	return nil
}

// fitTransition checks a transition against the stored item and message.
func fitTransition(tr Transition, item, msg node, account quad.Value) error {
	typ := extract.Type(item.str(predType))
	if !slices.Contains(transitionKinds[typ], tr.Kind) {
		return fmt.Errorf("a %s cannot be %s (it can be %v)", typ, tr.Kind, transitionKinds[typ])
	}
	if own, _ := idOf(item.first(predMessage), prefixMessage); own == tr.MessageID {
		return fmt.Errorf("message %q is the item's own message: an item cannot be closed by the message that made it", tr.MessageID)
	}
	if a := msg.first(predAccount); a == nil || account == nil || a.String() != account.String() {
		return fmt.Errorf("message %q belongs to another account than the item", tr.MessageID)
	}
	at, err := parseTime(msg.first(predOccurredAt))
	if err != nil {
		return fmt.Errorf("message %q: %w", tr.MessageID, err)
	}
	if !at.Equal(tr.At) {
		return fmt.Errorf("time %s is not the time of message %q (%s)",
			tr.At.UTC().Format(time.RFC3339Nano), tr.MessageID, at.Format(time.RFC3339Nano))
	}
	return nil
}

// transitionOf reads a transition node; ok is false for a node that is not
// a complete transition.
func (n node) transitionOf() (Transition, bool) {
	item, ok1 := idOf(n.first(predItem), prefixItem)
	msg, ok2 := idOf(n.first(predBy), prefixMessage)
	at, err := parseTime(n.first(predOccurredAt))
	if !ok1 || !ok2 || err != nil {
		return Transition{}, false
	}
	return Transition{ItemID: item, Kind: n.str(predKind), MessageID: msg, At: at, Evidence: n.str(predEvidence)}, true
}

// attachTransitions gives each item the transitions recorded for it, in
// time order. A transition of an item that is gone is dropped.
func attachTransitions(items []ItemFact, trs []Transition) {
	byItem := make(map[string][]Transition, len(trs))
	for _, tr := range trs {
		byItem[tr.ItemID] = append(byItem[tr.ItemID], tr)
	}
	for i := range items {
		list := byItem[items[i].ID]
		slices.SortFunc(list, func(a, b Transition) int {
			return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.MessageID, b.MessageID))
		})
		items[i].Transitions = list
	}
}

// StatusAt returns the item's follow-up status as of t, derived from its
// recorded transitions so that evaluating old data at an old time gives the
// answer of that time: transitions after t do not count.
//
//   - A status set by hand with SetItemStatus (anything but open) wins: it
//     is a correction of the record and carries no time.
//   - A commitment is kept or withdrawn from the first such transition; not
//     closed by t and with its due day (a calendar day in China) over, it is
//     broken; otherwise open.
//   - An objection is resolved once resolved, else answered once answered.
//   - A pain point is resolved once resolved.
//
// Nothing is known of an item before it was said: StatusAt reports open for
// t before the item's time.
func StatusAt(item ItemFact, t time.Time) string {
	if item.Status != "" && item.Status != StatusOpen {
		return item.Status
	}
	if t.Before(item.OccurredAt) {
		return StatusOpen
	}
	seen := map[string]bool{}
	for _, tr := range item.Transitions {
		if tr.At.After(t) {
			continue
		}
		if item.Type == extract.Commitment && (tr.Kind == TransitionKept || tr.Kind == TransitionWithdrawn) {
			first := tr
			for _, o := range item.Transitions {
				if (o.Kind == TransitionKept || o.Kind == TransitionWithdrawn) && !o.At.After(t) && o.At.Before(first.At) {
					first = o
				}
			}
			return first.Kind
		}
		seen[tr.Kind] = true
	}
	switch item.Type {
	case extract.Commitment:
		if due, err := time.ParseInLocation(time.DateOnly, item.Due, chinaTime); err == nil && calendarDays(due, t) > 0 {
			return StatusBroken
		}
	case extract.Objection:
		if seen[TransitionResolved] {
			return StatusResolved
		}
		if seen[TransitionAnswered] {
			return StatusAnswered
		}
	case extract.PainPoint:
		if seen[TransitionResolved] {
			return StatusResolved
		}
	}
	return StatusOpen
}

// ClosedBy returns the transition that closed the item as of t (kept or
// withdrawn for a commitment, resolved for an objection or pain point, or
// answered for an objection not yet resolved), and whether there is one.
func ClosedBy(item ItemFact, t time.Time) (Transition, bool) {
	status := StatusAt(item, t)
	var first Transition
	found := false
	for _, tr := range item.Transitions {
		if !tr.At.After(t) && tr.Kind == status && (!found || tr.At.Before(first.At)) {
			first, found = tr, true
		}
	}
	return first, found
}
