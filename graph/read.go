package graph

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	cayleykv "github.com/cayleygraph/cayley/graph/kv"
	"github.com/cayleygraph/cayley/graph/refs"
	"github.com/cayleygraph/cayley/query/path"
	"github.com/cayleygraph/quad"

	"github.com/guanxi-dev/guanxi/extract"
)

// Stats counts what the graph holds.
type Stats struct {
	// Nodes counts nodes by gx:type: account, person, message, commitment,
	// objection and pain_point.
	Nodes map[string]int64
	// Quads is the number of quads stored.
	Quads int64
}

// HasMessage reports whether the message was written.
func (s *Store) HasMessage(ctx context.Context, id string) (bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.usable(); err != nil {
		return false, err
	}
	n, err := path.StartPath(s.qs, messageIRI(id)).
		Has(predType, quad.String(typeMessage)).
		Iterate(ctx).Count()
	if err != nil {
		return false, fmt.Errorf("graph: look up message %q: %w", id, err)
	}
	return n > 0, nil
}

// Accounts lists every account, ordered by id.
func (s *Store) Accounts(ctx context.Context) ([]Account, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.usable(); err != nil {
		return nil, err
	}
	p := path.StartPath(s.qs, quad.String(typeAccount)).In(predType).Tag("a").
		SaveOptional(predName, "name")
	byID := make(map[string]*Account)
	err := s.eachRow(ctx, p, func(row map[string]quad.Value) error {
		id, ok := idOf(row["a"], prefixAccount)
		if !ok {
			return fmt.Errorf("node %v is typed account but is not an account IRI", row["a"])
		}
		a := byID[id]
		if a == nil {
			a = &Account{ID: id}
			byID[id] = a
		}
		if name, ok := stringOf(row["name"]); ok {
			a.Name = name
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("graph: list accounts: %w", err)
	}
	out := make([]Account, 0, len(byID))
	for _, a := range byID {
		out = append(out, *a)
	}
	slices.SortFunc(out, func(a, b Account) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// AccountFacts returns everything the graph holds about one account: its
// people (customer contacts and everyone who took part in its messages),
// its interactions in time order, its items and its activities. It follows
// the account's own edges and never scans other accounts. It returns
// ErrNotFound for an unknown account.
func (s *Store) AccountFacts(ctx context.Context, accountID string) (AccountFacts, error) {
	// Every write of the account's messages and items holds its lock, so
	// sharing it keeps the several queries below consistent even when
	// other processes write.
	unlock, err := s.lockNodes(ctx, false, accountIRI(accountID).String())
	if err != nil {
		return AccountFacts{}, fmt.Errorf("graph: facts of account %q: %w", accountID, err)
	}
	defer unlock()
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.usable(); err != nil {
		return AccountFacts{}, err
	}
	f, err := s.accountFacts(ctx, accountID)
	if err != nil {
		return AccountFacts{}, fmt.Errorf("graph: facts of account %q: %w", accountID, err)
	}
	return f, nil
}

func (s *Store) accountFacts(ctx context.Context, accountID string) (AccountFacts, error) {
	acc := accountIRI(accountID)
	accQuads, err := s.describe(ctx, acc)
	if err != nil {
		return AccountFacts{}, err
	}
	accNode := nodeOf(accQuads)
	if accNode.str(predType) != typeAccount {
		return AccountFacts{}, ErrNotFound
	}
	f := AccountFacts{Account: Account{ID: accountID, Name: accNode.str(predName)}}

	linked, err := path.StartPath(s.qs, acc).In(predAccount).Iterate(ctx).AllValues(s.qs)
	if err != nil {
		return AccountFacts{}, fmt.Errorf("find nodes of account: %w", err)
	}
	people := make(map[string]bool)
	var messages []node
	var items []node
	var transitions []Transition
	described, err := s.describeMany(ctx, linked)
	if err != nil {
		return AccountFacts{}, err
	}
	for _, v := range linked {
		n := nodeOf(described[v])
		n.subject = v
		switch t := n.str(predType); {
		case t == typeMessage:
			messages = append(messages, n)
		case t == typePerson:
			id, _ := idOf(v, prefixPerson)
			people[id] = true
		case slices.Contains(itemTypes, extract.Type(t)):
			items = append(items, n)
		case t == typeTransition:
			if tr, ok := n.transitionOf(); ok {
				transitions = append(transitions, tr)
			}
		}
	}

	msgTime := make(map[string]time.Time, len(messages))
	for _, m := range messages {
		in, err := m.interaction()
		if err != nil {
			return AccountFacts{}, err
		}
		msgTime[in.MessageID] = in.OccurredAt
		f.Interactions = append(f.Interactions, in)
		for _, p := range in.Participants {
			people[p] = true
		}
		if kind := m.str(predActivityKind); kind != "" {
			actor, ok := idOf(m.first(predActor), prefixPerson)
			if ok {
				people[actor] = true
			}
			f.Activities = append(f.Activities, ActivityFact{
				MessageID:  in.MessageID,
				OccurredAt: in.OccurredAt,
				Kind:       kind,
				Actor:      actor,
				Ref:        m.str(predRef),
			})
		}
	}
	slices.SortFunc(f.Interactions, func(a, b Interaction) int {
		return cmp.Or(a.OccurredAt.Compare(b.OccurredAt), cmp.Compare(a.MessageID, b.MessageID))
	})
	slices.SortFunc(f.Activities, func(a, b ActivityFact) int {
		return cmp.Or(a.OccurredAt.Compare(b.OccurredAt), cmp.Compare(a.MessageID, b.MessageID))
	})

	for _, n := range items {
		it, err := n.itemFact()
		if err != nil {
			return AccountFacts{}, err
		}
		it.OccurredAt = msgTime[it.MessageID]
		f.Items = append(f.Items, it)
	}
	slices.SortFunc(f.Items, func(a, b ItemFact) int {
		return cmp.Or(a.OccurredAt.Compare(b.OccurredAt), cmp.Compare(a.MessageID, b.MessageID),
			cmp.Compare(a.Field, b.Field), cmp.Compare(a.Start, b.Start), cmp.Compare(a.ID, b.ID))
	})
	attachTransitions(f.Items, transitions)

	f.People, err = s.people(ctx, people)
	if err != nil {
		return AccountFacts{}, err
	}
	return f, nil
}

// people reads the given persons, ordered by id, with the time each one was
// recorded as having left.
func (s *Store) people(ctx context.Context, ids map[string]bool) ([]Person, error) {
	out := make([]Person, 0, len(ids))
	iris := make([]quad.Value, 0, len(ids))
	for id := range ids {
		iris = append(iris, personIRI(id))
	}
	described, err := s.describeMany(ctx, iris)
	if err != nil {
		return nil, err
	}
	for id := range ids {
		n := nodeOf(described[personIRI(id)])
		account, _ := idOf(n.first(predAccount), prefixAccount)
		out = append(out, Person{
			ID:      id,
			Name:    n.str(predName),
			Side:    n.str(predSide),
			Title:   n.str(predTitle),
			Account: account,
		})
	}
	slices.SortFunc(out, func(a, b Person) int { return cmp.Compare(a.ID, b.ID) })
	if len(iris) == 0 {
		return out, nil
	}

	// A contact_left event may be recorded under any account, so look it up
	// from the people rather than among this account's activities.
	left := make(map[string]time.Time)
	p := path.StartPath(s.qs, iris...).Tag("p").
		In(predActor).Has(predActivityKind, quad.String("contact_left")).
		Save(predOccurredAt, "at")
	err = s.eachRow(ctx, p, func(row map[string]quad.Value) error {
		id, _ := idOf(row["p"], prefixPerson)
		at, err := parseTime(row["at"])
		if err != nil {
			return err
		}
		if prev, ok := left[id]; !ok || at.Before(prev) {
			left[id] = at
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("find departures: %w", err)
	}
	for i := range out {
		if at, ok := left[out[i].ID]; ok {
			out[i].LeftAt = &at
		}
	}
	return out, nil
}

// OpenCommitments returns the open commitments of an account made by party
// ("customer", "vendor", or "" for both), each with the message it came
// from, ordered by the time of that message. It runs as a single path query.
func (s *Store) OpenCommitments(ctx context.Context, accountID string, party string) ([]Commitment, error) {
	if party != "" && party != "customer" && party != "vendor" {
		return nil, fmt.Errorf("%w: party %q is not customer, vendor or empty", ErrInvalid, party)
	}
	unlock, err := s.lockNodes(ctx, false, accountIRI(accountID).String())
	if err != nil {
		return nil, fmt.Errorf("graph: open commitments of account %q: %w", accountID, err)
	}
	defer unlock()
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.usable(); err != nil {
		return nil, err
	}
	if s.pg != nil {
		out, err := s.openCommitmentsByNodes(ctx, accountID, party)
		if err != nil {
			return nil, fmt.Errorf("graph: open commitments of account %q: %w", accountID, err)
		}
		sortCommitments(out)
		return out, nil
	}
	p := path.StartPath(s.qs, accountIRI(accountID)).
		In(predAccount).
		Has(predType, quad.String(extract.Commitment)).
		Has(predStatus, quad.String(StatusOpen))
	if party != "" {
		p = p.Has(predParty, quad.String(party))
	}
	p = p.Tag("item").
		Save(predParty, "party").
		Save(predText, "text").
		Save(predConfidence, "confidence").
		Save(predModel, "model").
		Save(predField, "field").
		Save(predStart, "start").
		Save(predEnd, "end").
		SaveOptional(predSubtype, "subtype").
		SaveOptional(predSpeaker, "speaker").
		SaveOptional(predDue, "due").
		SaveOptional(predPromisedTo, "promised_to").
		Out(predMessage).Tag("message").
		Save(predChannel, "channel").
		Save(predOccurredAt, "occurred_at").
		SaveOptional(predSubject, "subject")

	byItem := make(map[string]*Commitment)
	promised := make(map[string]map[string]bool)
	err = s.eachRow(ctx, p, func(row map[string]quad.Value) error {
		id, ok := idOf(row["item"], prefixItem)
		if !ok {
			return fmt.Errorf("node %v is typed commitment but is not an item IRI", row["item"])
		}
		// promised_to has one row per person; the rest repeats.
		if to, ok := idOf(row["promised_to"], prefixPerson); ok {
			if promised[id] == nil {
				promised[id] = make(map[string]bool)
			}
			promised[id][to] = true
		}
		if byItem[id] != nil {
			return nil
		}
		c, err := commitmentOf(id, accountID, row)
		if err != nil {
			return fmt.Errorf("commitment %s: %w", id, err)
		}
		byItem[id] = c
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("graph: open commitments of account %q: %w", accountID, err)
	}
	out := make([]Commitment, 0, len(byItem))
	for id, c := range byItem {
		c.PromisedTo = sortedKeys(promised[id])
		out = append(out, *c)
	}
	sortCommitments(out)
	return out, nil
}

// sortCommitments orders commitments by message time, then position.
func sortCommitments(out []Commitment) {
	slices.SortFunc(out, func(a, b Commitment) int {
		return cmp.Or(a.OccurredAt.Compare(b.OccurredAt), cmp.Compare(a.MessageID, b.MessageID),
			cmp.Compare(a.Field, b.Field), cmp.Compare(a.Start, b.Start), cmp.Compare(a.ID, b.ID))
	})
}

func commitmentOf(id, accountID string, row map[string]quad.Value) (*Commitment, error) {
	msgID, ok := idOf(row["message"], prefixMessage)
	if !ok {
		return nil, fmt.Errorf("gx:message %v is not a message IRI", row["message"])
	}
	at, err := parseTime(row["occurred_at"])
	if err != nil {
		return nil, err
	}
	c := &Commitment{
		ItemFact: ItemFact{ID: id, OccurredAt: at, Status: StatusOpen},
		Message:  MessageRef{ID: msgID, OccurredAt: at},
	}
	c.Message.Channel, _ = stringOf(row["channel"])
	c.Message.Subject, _ = stringOf(row["subject"])
	it := &c.Item
	it.MessageID, it.AccountID, it.Type = msgID, accountID, extract.Commitment
	it.Party, _ = stringOf(row["party"])
	it.Text, _ = stringOf(row["text"])
	it.Model, _ = stringOf(row["model"])
	it.Field, _ = stringOf(row["field"])
	it.Subtype, _ = stringOf(row["subtype"])
	it.Due, _ = stringOf(row["due"])
	it.Speaker, _ = idOf(row["speaker"], prefixPerson)
	if it.Confidence, err = floatOf(row["confidence"]); err != nil {
		return nil, err
	}
	if it.Start, err = intOf(row["start"]); err != nil {
		return nil, err
	}
	if it.End, err = intOf(row["end"]); err != nil {
		return nil, err
	}
	return c, nil
}

// Stats counts nodes by type and quads.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.usable(); err != nil {
		return Stats{}, err
	}
	st := Stats{Nodes: make(map[string]int64)}
	types := []string{typeAccount, typePerson, typeMessage}
	for _, t := range itemTypes {
		types = append(types, string(t))
	}
	for _, t := range types {
		n, err := path.StartPath(s.qs, quad.String(t)).In(predType).Iterate(ctx).Count()
		if err != nil {
			return Stats{}, fmt.Errorf("graph: count %s nodes: %w", t, err)
		}
		st.Nodes[t] = n
	}
	if s.pg != nil {
		n, err := s.countQuads(ctx)
		if err != nil {
			return Stats{}, fmt.Errorf("graph: %w", err)
		}
		st.Quads = n
		return st, nil
	}
	cs, err := s.qs.Stats(ctx, false)
	switch {
	case errors.Is(err, cayleykv.ErrNoBucket):
		// A kv store writes its quad counter with the first quad.
	case err != nil:
		return Stats{}, fmt.Errorf("graph: count quads: %w", err)
	default:
		st.Quads = cs.Quads.Value
	}
	return st, nil
}

// eachRow runs p and calls fn with the tagged values of every result path.
func (s *Store) eachRow(ctx context.Context, p *path.Path, fn func(map[string]quad.Value) error) error {
	return p.Iterate(ctx).TagEach(func(tags map[string]refs.Ref) error {
		row := make(map[string]quad.Value, len(tags))
		for k, ref := range tags {
			v, err := s.qs.NameOf(ref)
			if err != nil {
				return fmt.Errorf("resolve %s: %w", k, err)
			}
			row[k] = v
		}
		return fn(row)
	})
}

// describe returns every quad whose subject is v. Callers hold mu.
func (s *Store) describe(ctx context.Context, v quad.Value) ([]quad.Quad, error) {
	m, err := s.describeMany(ctx, []quad.Value{v})
	if err != nil {
		return nil, err
	}
	return m[v], nil
}

// describeMany returns, for each subject, every quad whose subject it is,
// through the subject index. Predicates and objects recur across subjects,
// so they are resolved once each, in one batch, rather than quad by quad.
// Callers hold mu.
func (s *Store) describeMany(ctx context.Context, subjects []quad.Value) (map[quad.Value][]quad.Quad, error) {
	out := make(map[quad.Value][]quad.Quad, len(subjects))
	var (
		owners []quad.Value
		pairs  [][2]int // node indexes of predicate and object, per quad
		nodes  []refs.Ref
		index  = make(map[any]int)
	)
	node := func(q refs.Ref, d quad.Direction) (int, error) {
		r, err := s.qs.QuadDirection(q, d)
		if err != nil {
			return 0, err
		}
		if r == nil {
			return 0, fmt.Errorf("quad without %s", d)
		}
		i, ok := index[r.Key()]
		if !ok {
			i = len(nodes)
			index[r.Key()] = i
			nodes = append(nodes, r)
		}
		return i, nil
	}
	for _, v := range subjects {
		if _, done := out[v]; done {
			continue
		}
		out[v] = nil
		ref, err := s.qs.ValueOf(v)
		if err != nil {
			return nil, fmt.Errorf("look up %v: %w", v, err)
		}
		if ref == nil {
			continue
		}
		it := s.qs.QuadIterator(quad.Subject, ref).Iterate()
		for it.Next(ctx) {
			p, err := node(it.Result(), quad.Predicate)
			if err != nil {
				it.Close()
				return nil, fmt.Errorf("read quad of %v: %w", v, err)
			}
			o, err := node(it.Result(), quad.Object)
			if err != nil {
				it.Close()
				return nil, fmt.Errorf("read quad of %v: %w", v, err)
			}
			owners = append(owners, v)
			pairs = append(pairs, [2]int{p, o})
		}
		err = it.Err()
		it.Close()
		if err != nil {
			return nil, fmt.Errorf("read quads of %v: %w", v, err)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	if len(nodes) == 0 {
		return out, nil
	}
	vals, err := cgraph.ValuesOf(ctx, s.qs, nodes)
	if err != nil {
		return nil, fmt.Errorf("resolve values: %w", err)
	}
	for i, v := range owners {
		pred, obj := vals[pairs[i][0]], vals[pairs[i][1]]
		if pred == nil || obj == nil {
			return nil, fmt.Errorf("quad of %v refers to a missing node", v)
		}
		out[v] = append(out[v], quad.Make(v, pred, obj, nil))
	}
	return out, nil
}

// node is the quads of one subject grouped by predicate.
type node struct {
	subject quad.Value
	preds   map[quad.Value][]quad.Value
}

func nodeOf(qs []quad.Quad) node {
	n := node{preds: make(map[quad.Value][]quad.Value)}
	for _, q := range qs {
		n.subject = q.Subject
		n.preds[q.Predicate] = append(n.preds[q.Predicate], q.Object)
	}
	return n
}

func (n node) first(pred quad.IRI) quad.Value {
	if vs := n.preds[pred]; len(vs) > 0 {
		return vs[0]
	}
	return nil
}

func (n node) str(pred quad.IRI) string {
	s, _ := stringOf(n.first(pred))
	return s
}

func (n node) ids(pred quad.IRI, prefix string) []string {
	var out []string
	for _, v := range n.preds[pred] {
		if id, ok := idOf(v, prefix); ok {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

func (n node) interaction() (Interaction, error) {
	id, ok := idOf(n.subject, prefixMessage)
	if !ok {
		return Interaction{}, fmt.Errorf("node %v is typed message but is not a message IRI", n.subject)
	}
	at, err := parseTime(n.first(predOccurredAt))
	if err != nil {
		return Interaction{}, fmt.Errorf("message %s: %w", id, err)
	}
	from, _ := idOf(n.first(predFrom), prefixPerson)
	return Interaction{
		MessageID:    id,
		Channel:      n.str(predChannel),
		OccurredAt:   at,
		Subject:      n.str(predSubject),
		From:         from,
		Participants: n.ids(predParticipant, prefixPerson),
	}, nil
}

func (n node) itemFact() (ItemFact, error) {
	id, ok := idOf(n.subject, prefixItem)
	if !ok {
		return ItemFact{}, fmt.Errorf("node %v is typed as an item but is not an item IRI", n.subject)
	}
	f := ItemFact{ID: id, Status: n.str(predStatus), PromisedTo: n.ids(predPromisedTo, prefixPerson)}
	it := &f.Item
	it.MessageID, _ = idOf(n.first(predMessage), prefixMessage)
	it.AccountID, _ = idOf(n.first(predAccount), prefixAccount)
	it.Type = extract.Type(n.str(predType))
	it.Subtype = n.str(predSubtype)
	it.Party = n.str(predParty)
	it.Speaker, _ = idOf(n.first(predSpeaker), prefixPerson)
	it.Text = n.str(predText)
	it.Due = n.str(predDue)
	it.Model = n.str(predModel)
	it.Field = n.str(predField)
	var err error
	if it.Confidence, err = floatOf(n.first(predConfidence)); err != nil {
		return ItemFact{}, fmt.Errorf("item %s: %w", id, err)
	}
	if it.Start, err = intOf(n.first(predStart)); err != nil {
		return ItemFact{}, fmt.Errorf("item %s: %w", id, err)
	}
	if it.End, err = intOf(n.first(predEnd)); err != nil {
		return ItemFact{}, fmt.Errorf("item %s: %w", id, err)
	}
	return f, nil
}

func floatOf(v quad.Value) (float64, error) {
	f, ok := v.(quad.Float)
	if !ok {
		return 0, fmt.Errorf("value %v (%T) is not a float", v, v)
	}
	return float64(f), nil
}

func intOf(v quad.Value) (int, error) {
	i, ok := v.(quad.Int)
	if !ok {
		return 0, fmt.Errorf("value %v (%T) is not an integer", v, v)
	}
	return int(i), nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
