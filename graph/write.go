package graph

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/query/path"
	"github.com/cayleygraph/quad"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/ingest"
)

// testHookAfterPlan, when set, runs between reading the graph and writing a
// message, to widen the window in which concurrent writers could collide.
var testHookAfterPlan func()

// ignoreOpts makes adds and removes idempotent: the graph is a set of quads.
var ignoreOpts = cgraph.IgnoreOpts{IgnoreDup: true, IgnoreMissing: true}

// PutMessage writes a message and the items extracted from it: the account,
// its participants, the interaction, the activity and every item, in one
// transaction. Putting a message again replaces what the previous put wrote
// for it: unchanged facts stay as they are, items no longer extracted are
// removed, and items that remain keep their status. People and the account
// take their name, side and title from the newest message that mentions them.
//
// Invalid input is rejected with an error wrapping ErrInvalid before anything
// is written.
func (s *Store) PutMessage(ctx context.Context, msg ingest.Message, items []extract.Item) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	w, err := newMessageWrite(msg, items)
	if err != nil {
		return fmt.Errorf("%w: message %q: %w", ErrInvalid, msg.ID, err)
	}
	// Another instance writing the same account, person or message between
	// plan and apply would make this write undo its changes, or leave two
	// values of a single-valued attribute.
	unlock, err := s.lockNodes(ctx, true, w.lockedNodes()...)
	if err != nil {
		return fmt.Errorf("graph: put message %q: %w", msg.ID, err)
	}
	defer unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return err
	}
	var d diff
	if err := w.plan(ctx, s, &d); err != nil {
		return fmt.Errorf("graph: put message %q: %w", msg.ID, err)
	}
	if testHookAfterPlan != nil {
		testHookAfterPlan()
	}
	if err := s.apply(ctx, &d); err != nil {
		return fmt.Errorf("graph: put message %q: %w", msg.ID, err)
	}
	return nil
}

// SetItemStatus replaces the status of an item, for example when a
// commitment was kept or an objection resolved. It returns ErrNotFound for an
// unknown item.
func (s *Store) SetItemStatus(ctx context.Context, itemID, status string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkStatus(status); err != nil {
		return fmt.Errorf("%w: item %q: %w", ErrInvalid, itemID, err)
	}
	subject := itemIRI(itemID)
	if s.pg != nil {
		// A re-put of the item's message keeps the status it reads, so the
		// two must not interleave: lock the message, which is what its puts
		// lock. An item never moves to another message.
		unlock, err := s.lockItemMessage(ctx, subject)
		if err != nil {
			return fmt.Errorf("graph: set status of item %q: %w", itemID, err)
		}
		defer unlock()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return err
	}
	cur, err := s.describe(ctx, subject)
	if err != nil {
		return fmt.Errorf("graph: set status of item %q: %w", itemID, err)
	}
	if !isItem(cur) {
		return fmt.Errorf("graph: set status of item %q: %w", itemID, ErrNotFound)
	}
	var d diff
	d.replace(withPredicate(cur, predStatus), []quad.Quad{quad.Make(subject, predStatus, quad.String(status), nil)})
	if err := s.apply(ctx, &d); err != nil {
		return fmt.Errorf("graph: set status of item %q: %w", itemID, err)
	}
	return nil
}

// lockItemMessage takes the lock of the message an item belongs to; an
// unknown item locks nothing and is reported as not found later.
func (s *Store) lockItemMessage(ctx context.Context, item quad.Value) (func(), error) {
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
	var nodes []string
	for _, q := range withPredicate(cur, predMessage) {
		nodes = append(nodes, q.Object.String())
	}
	return s.lockNodes(ctx, true, nodes...)
}

func checkStatus(status string) error {
	if status == "" {
		return fmt.Errorf("empty status")
	}
	for _, r := range status {
		if (r < 'a' || r > 'z') && r != '_' {
			return fmt.Errorf("status %q is not a lower-case word", status)
		}
	}
	return nil
}

// messageWrite is a validated message with its items, ready to be planned
// against the current graph.
type messageWrite struct {
	msg   ingest.Message
	at    time.Time
	items []itemWrite
}

type itemWrite struct {
	id   string
	item extract.Item
}

func newMessageWrite(msg ingest.Message, items []extract.Item) (*messageWrite, error) {
	if err := checkID(msg.ID); err != nil {
		return nil, fmt.Errorf("message id: %w", err)
	}
	if err := checkID(msg.Account.ID); err != nil {
		return nil, fmt.Errorf("account id: %w", err)
	}
	if msg.Channel == "" {
		return nil, fmt.Errorf("no channel")
	}
	if msg.OccurredAt.IsZero() {
		return nil, fmt.Errorf("no occurred_at")
	}
	seen := make(map[string]bool, len(msg.Participants))
	for i, p := range msg.Participants {
		if err := checkID(p.ID); err != nil {
			return nil, fmt.Errorf("participants[%d]: %w", i, err)
		}
		if seen[p.ID] {
			return nil, fmt.Errorf("participants[%d]: participant %q listed twice", i, p.ID)
		}
		seen[p.ID] = true
		if p.Side != ingest.SideCustomer && p.Side != ingest.SideVendor {
			return nil, fmt.Errorf("participants[%d] %q: side %q is neither %q nor %q", i, p.ID, p.Side, ingest.SideCustomer, ingest.SideVendor)
		}
	}
	if msg.From != "" && !seen[msg.From] {
		return nil, fmt.Errorf("from %q is not a participant", msg.From)
	}
	if a := msg.Activity; a != nil {
		if a.Kind == "" {
			return nil, fmt.Errorf("activity without kind")
		}
		// The actor need not be a participant: an event such as contact_left
		// may name only the person it is about.
		if err := checkID(a.Actor); err != nil {
			return nil, fmt.Errorf("activity actor: %w", err)
		}
	}
	w := &messageWrite{msg: msg, at: msg.OccurredAt.UTC()}
	byID := make(map[string]int, len(items))
	for i, it := range items {
		if err := checkItem(msg, seen, it); err != nil {
			return nil, fmt.Errorf("items[%d]: %w", i, err)
		}
		it.MessageID, it.AccountID = msg.ID, msg.Account.ID
		id := ItemID(msg.ID, it.Field, it.Start, it.End, it.Type)
		if j, dup := byID[id]; dup {
			if w.items[j].item != it {
				return nil, fmt.Errorf("items[%d]: same type and span as another item but different content", i)
			}
			continue
		}
		byID[id] = len(w.items)
		w.items = append(w.items, itemWrite{id: id, item: it})
	}
	return w, nil
}

func checkItem(msg ingest.Message, participants map[string]bool, it extract.Item) error {
	if it.MessageID != "" && it.MessageID != msg.ID {
		return fmt.Errorf("message_id %q does not match the message", it.MessageID)
	}
	if it.AccountID != "" && it.AccountID != msg.Account.ID {
		return fmt.Errorf("account_id %q does not match the message's account %q", it.AccountID, msg.Account.ID)
	}
	if !slices.Contains(itemTypes, it.Type) {
		return fmt.Errorf("unknown type %q", it.Type)
	}
	if it.Party != string(ingest.SideCustomer) && it.Party != string(ingest.SideVendor) {
		return fmt.Errorf("party %q is neither %q nor %q", it.Party, ingest.SideCustomer, ingest.SideVendor)
	}
	if it.Speaker != "" && !participants[it.Speaker] {
		return fmt.Errorf("speaker %q is not a participant", it.Speaker)
	}
	if it.Text == "" || !utf8.ValidString(it.Text) {
		return fmt.Errorf("text is empty or not valid UTF-8")
	}
	if it.Field == "" {
		return fmt.Errorf("no field")
	}
	if it.Start < 0 || it.End < it.Start {
		return fmt.Errorf("bad span [%d, %d)", it.Start, it.End)
	}
	if n := utf8.RuneCountInString(it.Text); it.End-it.Start != n {
		return fmt.Errorf("span [%d, %d) covers %d runes but text has %d", it.Start, it.End, it.End-it.Start, n)
	}
	if it.Due != "" {
		if _, err := time.Parse(time.DateOnly, it.Due); err != nil {
			return fmt.Errorf("due %q is not YYYY-MM-DD", it.Due)
		}
	}
	if math.IsNaN(it.Confidence) || it.Confidence < 0 || it.Confidence > 1 {
		return fmt.Errorf("confidence %v outside [0, 1]", it.Confidence)
	}
	if name, version, ok := strings.Cut(it.Model, "@"); !ok || name == "" || version == "" {
		return fmt.Errorf("model %q is not name@version", it.Model)
	}
	return nil
}

// lockedNodes are the nodes whose facts the write reads and then changes:
// the account, the message (which stands for its items) and the people.
func (w *messageWrite) lockedNodes() []string {
	nodes := []string{accountIRI(w.msg.Account.ID).String(), messageIRI(w.msg.ID).String()}
	for _, p := range w.msg.Participants {
		nodes = append(nodes, personIRI(p.ID).String())
	}
	if a := w.msg.Activity; a != nil {
		nodes = append(nodes, personIRI(a.Actor).String())
	}
	return nodes
}

// plan reads the current state of every node the message touches and
// records in d what must change.
func (w *messageWrite) plan(ctx context.Context, s *Store, d *diff) error {
	msg := w.msg
	acc := accountIRI(msg.Account.ID)
	m := messageIRI(msg.ID)

	// Items of an earlier put of this message that are no longer extracted
	// must go, so look them up along with the current ones.
	old, err := path.StartPath(s.qs, m).In(predMessage).Iterate(ctx).AllValues(s.qs)
	if err != nil {
		return fmt.Errorf("find items of message: %w", err)
	}
	subjects := []quad.Value{acc, m}
	for _, p := range msg.Participants {
		subjects = append(subjects, personIRI(p.ID))
	}
	if a := msg.Activity; a != nil {
		subjects = append(subjects, personIRI(a.Actor))
	}
	for _, it := range w.items {
		subjects = append(subjects, itemIRI(it.id))
	}
	subjects = append(subjects, old...)
	cur, err := s.describeMany(ctx, subjects)
	if err != nil {
		return err
	}

	d.replace(cur[acc], mergeAttrs(acc, typeAccount, cur[acc], w.at, []attr{
		{pred: predName, val: optString(msg.Account.Name), keep: true},
	}))
	for _, p := range msg.Participants {
		subject := personIRI(p.ID)
		var account quad.Value
		if p.Side == ingest.SideCustomer {
			// Person ids are global; a customer contact belongs to the
			// account of the messages they take part in.
			account = acc
		}
		d.replace(cur[subject], mergeAttrs(subject, typePerson, cur[subject], w.at, []attr{
			{pred: predName, val: optString(p.Name), keep: true},
			{pred: predSide, val: quad.String(p.Side)},
			{pred: predTitle, val: optString(p.Title), keep: true},
			{pred: predAccount, val: account},
		}))
	}
	if a := msg.Activity; a != nil {
		subject := personIRI(a.Actor)
		if _, ok := msg.Participant(a.Actor); !ok && len(cur[subject]) == 0 {
			d.replace(nil, []quad.Quad{quad.Make(subject, predType, quad.String(typePerson), nil)})
		}
	}

	d.replace(cur[m], w.messageQuads())

	want := make(map[quad.Value]bool, len(w.items))
	for _, it := range w.items {
		subject := itemIRI(it.id)
		want[subject] = true
		status := withPredicate(cur[subject], predStatus)
		if len(status) == 0 {
			status = []quad.Quad{quad.Make(subject, predStatus, quad.String(StatusOpen), nil)}
		}
		d.replace(cur[subject], append(w.itemQuads(it), status...))
	}
	for _, subject := range old {
		if !want[subject] {
			d.replace(cur[subject], nil)
		}
	}
	return nil
}

// messageQuads are the facts of the interaction node.
func (w *messageWrite) messageQuads() []quad.Quad {
	msg := w.msg
	m := messageIRI(msg.ID)
	qs := []quad.Quad{
		quad.Make(m, predType, quad.String(typeMessage), nil),
		quad.Make(m, predAccount, accountIRI(msg.Account.ID), nil),
		quad.Make(m, predChannel, quad.String(msg.Channel), nil),
		quad.Make(m, predOccurredAt, timeValue(w.at), nil),
	}
	if msg.Subject != "" {
		qs = append(qs, quad.Make(m, predSubject, quad.String(msg.Subject), nil))
	}
	if msg.From != "" {
		qs = append(qs, quad.Make(m, predFrom, personIRI(msg.From), nil))
	}
	for _, p := range msg.Participants {
		qs = append(qs, quad.Make(m, predParticipant, personIRI(p.ID), nil))
	}
	if a := msg.Activity; a != nil {
		qs = append(qs,
			quad.Make(m, predActivityKind, quad.String(a.Kind), nil),
			quad.Make(m, predActor, personIRI(a.Actor), nil),
		)
		if a.Ref != "" {
			qs = append(qs, quad.Make(m, predRef, quad.String(a.Ref), nil))
		}
	}
	return qs
}

// itemQuads are the facts of an item node, without its status.
func (w *messageWrite) itemQuads(iw itemWrite) []quad.Quad {
	it := iw.item
	n := itemIRI(iw.id)
	qs := []quad.Quad{
		quad.Make(n, predType, quad.String(it.Type), nil),
		quad.Make(n, predParty, quad.String(it.Party), nil),
		quad.Make(n, predMessage, messageIRI(w.msg.ID), nil),
		quad.Make(n, predAccount, accountIRI(w.msg.Account.ID), nil),
		quad.Make(n, predText, quad.String(it.Text), nil),
		quad.Make(n, predConfidence, quad.Float(it.Confidence), nil),
		quad.Make(n, predModel, quad.String(it.Model), nil),
		quad.Make(n, predField, quad.String(it.Field), nil),
		quad.Make(n, predStart, quad.Int(it.Start), nil),
		quad.Make(n, predEnd, quad.Int(it.End), nil),
	}
	if it.Subtype != "" {
		qs = append(qs, quad.Make(n, predSubtype, quad.String(it.Subtype), nil))
	}
	if it.Speaker != "" {
		qs = append(qs, quad.Make(n, predSpeaker, personIRI(it.Speaker), nil))
	}
	if it.Due != "" {
		qs = append(qs, quad.Make(n, predDue, quad.String(it.Due), nil))
	}
	if it.Type == extract.Commitment {
		// A commitment is made to the other side of the conversation.
		for _, p := range w.msg.Participants {
			if string(p.Side) != it.Party {
				qs = append(qs, quad.Make(n, predPromisedTo, personIRI(p.ID), nil))
			}
		}
	}
	return qs
}

// attr is one single-valued attribute of a person or account.
type attr struct {
	pred quad.IRI
	val  quad.Value // nil: the message says nothing, or (keep false) the attribute is absent
	keep bool       // a nil val keeps the stored value instead of removing it
}

func optString(s string) quad.Value {
	if s == "" {
		return nil
	}
	return quad.String(s)
}

// mergeAttrs decides the facts of a person or account node. The newest
// message wins, judged by gx:updated_at, so replaying old messages never
// undoes a newer name or title; an older message only fills in attributes
// the node lacks.
func mergeAttrs(subject quad.IRI, typ string, cur []quad.Quad, at time.Time, attrs []attr) []quad.Quad {
	stored := make(map[quad.Value]quad.Value, len(cur))
	var last time.Time
	for _, q := range cur {
		if q.Predicate == predUpdatedAt {
			if t, err := parseTime(q.Object); err == nil && t.After(last) {
				last = t
			}
			continue
		}
		stored[q.Predicate] = q.Object
	}
	newer := last.IsZero() || !at.Before(last)
	out := []quad.Quad{quad.Make(subject, predType, quad.String(typ), nil)}
	for _, a := range attrs {
		old := stored[a.pred]
		v := a.val
		switch {
		case !newer && old != nil:
			v = old
		case !newer && !a.keep:
			// An older message does not add what the newer state lacks on
			// purpose (a vendor rep has no account).
			v = nil
		case v == nil && a.keep:
			v = old
		}
		if v != nil {
			out = append(out, quad.Make(subject, a.pred, v, nil))
		}
	}
	if newer {
		last = at
	}
	return append(out, quad.Make(subject, predUpdatedAt, timeValue(last), nil))
}

func withPredicate(qs []quad.Quad, pred quad.IRI) []quad.Quad {
	var out []quad.Quad
	for _, q := range qs {
		if q.Predicate == pred {
			out = append(out, q)
		}
	}
	return out
}

func isItem(qs []quad.Quad) bool {
	for _, q := range withPredicate(qs, predType) {
		if t, ok := stringOf(q.Object); ok && slices.Contains(itemTypes, extract.Type(t)) {
			return true
		}
	}
	return false
}

// diff collects the quads one transaction removes and adds.
type diff struct {
	del, add []quad.Quad
}

// replace records the changes that turn the quads cur into want.
func (d *diff) replace(cur, want []quad.Quad) {
	have := make(map[string]bool, len(cur))
	for _, q := range cur {
		have[q.NQuad()] = true
	}
	keep := make(map[string]bool, len(want))
	for _, q := range want {
		k := q.NQuad()
		if keep[k] {
			continue
		}
		keep[k] = true
		if !have[k] {
			d.add = append(d.add, q)
		}
	}
	for _, q := range cur {
		if !keep[q.NQuad()] {
			d.del = append(d.del, q)
		}
	}
}

// deltas turns the diff into Cayley deltas.
//
// Cayley's kv backends count, per transaction, how often each node is
// referenced by added minus removed quads, and resolve the nodes of added
// quads only among those with a count of zero or more. A node that loses
// more quads than it gains, but does gain one, would leave the added quad
// without that node. Repeating an added quad raises the count without
// writing anything twice, so such quads are repeated until no node they
// contain has a negative count. The node's reference counter then stays a
// little high, which only delays removing a node that is still in use.
func (d *diff) deltas() []cgraph.Delta {
	out := make([]cgraph.Delta, 0, len(d.del)+len(d.add))
	net := make(map[string]int)
	for _, q := range d.del {
		out = append(out, cgraph.Delta{Quad: q, Action: cgraph.Delete})
		eachNode(q, func(k string) { net[k]-- })
	}
	for _, q := range d.add {
		out = append(out, cgraph.Delta{Quad: q, Action: cgraph.Add})
		eachNode(q, func(k string) { net[k]++ })
	}
	for _, q := range d.add {
		for {
			short := false
			eachNode(q, func(k string) { short = short || net[k] < 0 })
			if !short {
				break
			}
			out = append(out, cgraph.Delta{Quad: q, Action: cgraph.Add})
			eachNode(q, func(k string) { net[k]++ })
		}
	}
	return out
}

// eachNode calls fn with the identity Cayley hashes for each node of q.
func eachNode(q quad.Quad, fn func(string)) {
	for _, v := range []quad.Value{q.Subject, q.Predicate, q.Object, q.Label} {
		if v != nil {
			fn(v.String())
		}
	}
}

// apply commits d in one transaction. Callers hold mu for writing.
func (s *Store) apply(ctx context.Context, d *diff) error {
	if len(d.del) == 0 && len(d.add) == 0 {
		return nil
	}
	// The backend cannot be interrupted mid-commit; stop before it starts.
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.applyDeltas(ctx, d.deltas()); err != nil {
		s.recover(err)
		return fmt.Errorf("commit %d removals and %d additions: %w", len(d.del), len(d.add), err)
	}
	return nil
}
