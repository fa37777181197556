package scoring

import (
	"slices"
	"time"

	"github.com/guanxi-dev/guanxi/graph"
)

// EvaluateContacts scores each customer contact of an account as of asOf,
// with the formula, baseline and decay of Evaluate applied to the signals
// that involve that person: what they said, promised or objected to, the
// messages and meetings they took part in, the material they opened or left
// unopened, the meetings they accepted, declined or cancelled, the promises
// we made to them, and their leaving. Conditions of the account as a whole
// (its silence, responsiveness and threading) are left out: they belong to
// no one contact. Each score carries its evidence and its trend over
// TrendWindow.
//
// Contacts are listed in the order of facts.People, then speakers known
// only from their items, by id. Like Evaluate, the result depends only on
// the arguments, and it reads no other account.
func EvaluateContacts(facts graph.AccountFacts, asOf time.Time, opts ...Option) []ContactScore {
	cfg := resolve(opts)
	v := newView(facts, asOf, cfg)
	then := newView(facts, asOf.Add(-cfg.TrendWindow), cfg)
	nowBy, thenBy := v.byContact(v.hits()), then.byContact(then.hits())

	ids := v.contactIDs()
	out := make([]ContactScore, 0, len(ids))
	for _, id := range ids {
		now, evidence := v.score(nowBy[id])
		before, _ := then.score(thenBy[id])
		p := v.people[id]
		c := ContactScore{
			AccountID:  facts.Account.ID,
			ContactID:  id,
			Name:       p.Name,
			Title:      p.Title,
			AsOf:       asOf,
			Technical:  now[0],
			Commercial: now[1],
			Emotional:  now[2],
			Left:       v.left(id, asOf),
			Evidence:   evidence,
			Trend:      newTrend(now, before, then.asOf),
		}
		if c.Evidence == nil {
			c.Evidence = []Evidence{}
		}
		if !c.Left {
			for i, d := range dimensions {
				if now[i] < cfg.RiskThreshold {
					c.WeakIn = append(c.WeakIn, d)
				}
			}
		}
		c.WeakLink = len(c.WeakIn) > 0
		out = append(out, c)
	}
	return out
}

// contactIDs lists the account's customer contacts: the people of the
// customer's side in their given order, then speakers known only from the
// side of their items, by id.
func (v *view) contactIDs() []string {
	var ids []string
	for _, id := range v.peopleIDs() {
		if v.isCustomer(id) {
			ids = append(ids, id)
		}
	}
	var extra []string
	for id, side := range v.sides {
		if _, known := v.people[id]; !known && side == sideCustomer {
			extra = append(extra, id)
		}
	}
	slices.Sort(extra)
	return append(ids, extra...)
}

// byContact files the hits under the customer contacts they involve: the
// person a hit is about and the others it concerns. A hit of the account as
// a whole goes to no one.
func (v *view) byContact(hs []hit) map[string][]hit {
	out := map[string][]hit{}
	for _, h := range hs {
		if h.whole {
			continue
		}
		var seen []string
		for _, id := range append([]string{h.who}, h.with...) {
			if !v.isCustomer(id) || slices.Contains(seen, id) {
				continue
			}
			seen = append(seen, id)
			out[id] = append(out[id], h)
		}
	}
	return out
}

// promisedTo returns the customer contacts a promise was made to: those the
// graph recorded, or else the customer participants of its message.
func (v *view) promisedTo(m item) []string {
	var out []string
	for _, id := range m.PromisedTo {
		if v.isCustomer(id) && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if len(out) > 0 {
		return out
	}
	return v.customersIn(m.MessageID)
}

// customersIn returns the customer participants of a message.
func (v *view) customersIn(msgID string) []string {
	var out []string
	in := v.byMsg[msgID]
	for _, id := range append([]string{in.From}, in.Participants...) {
		if v.isCustomer(id) && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
