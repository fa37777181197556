package scoring

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/graph"
)

// Sides and channels as they appear in the facts.
const (
	sideCustomer = "customer"
	sideVendor   = "vendor"

	chanEmail    = "email"
	chanMeeting  = "meeting"
	chanCall     = "call"
	chanChat     = "chat"
	chanActivity = "activity"
)

// Activity kinds as they appear in the facts.
const (
	actAttachmentOpened  = "attachment_opened"
	actAttachmentIgnored = "attachment_ignored"
	actEmailOpened       = "email_opened"
	actMeetingAccepted   = "meeting_accepted"
	actMeetingDeclined   = "meeting_declined"
	actMeetingCancelled  = "meeting_cancelled"
	actContactLeft       = "contact_left"
)

// item is an extracted item with its side resolved and its strength.
type item struct {
	graph.ItemFact
	party string  // customer | vendor | "" when unknown
	scale float64 // the extractor's confidence, 1 when not reported
}

// departure is a customer contact leaving the company.
type departure struct {
	who   string
	at    time.Time
	msgID string
}

// touch is a message in which the customer took part: what going dark,
// cadence and threading are measured on.
type touch struct {
	at      time.Time
	msgID   string
	who     string   // the customer contact it is attributed to
	talkers []string // every customer contact who took part
	channel string
	subject string
}

// view is an account's facts as known at asOf, with the analyses that both
// scores and warnings are built from. Everything in it is sorted, so the
// results do not depend on the order of the input.
type view struct {
	cfg     Config
	asOf    time.Time
	today   time.Time // start of asOf's calendar day
	account graph.Account

	people     map[string]graph.Person
	rank       map[string]int // position in AccountFacts.People
	sides      map[string]string
	inters     []graph.Interaction
	byMsg      map[string]graph.Interaction
	items      []item
	itemsByMsg map[string][]item
	acts       []graph.ActivityFact
	gone       []departure
	goneAt     map[string]time.Time

	touches []touch
	chains  []*chain
	objs    []*objection

	terms     map[string]map[string]bool // keyTerms, memoised
	nameTerms map[string]bool            // terms of people's names
	ix        *index                     // built on first use
}

func newView(f graph.AccountFacts, asOf time.Time, cfg Config) *view {
	v := &view{
		cfg:        cfg,
		asOf:       asOf,
		account:    f.Account,
		people:     map[string]graph.Person{},
		rank:       map[string]int{},
		sides:      map[string]string{},
		byMsg:      map[string]graph.Interaction{},
		itemsByMsg: map[string][]item{},
		goneAt:     map[string]time.Time{},
		terms:      map[string]map[string]bool{},
		nameTerms:  map[string]bool{},
	}
	v.today = v.dayOf(asOf)
	for i, p := range f.People {
		if _, dup := v.people[p.ID]; dup || p.ID == "" {
			continue
		}
		v.people[p.ID] = p
		v.rank[p.ID] = i
		for t := range keyTerms(p.Name) {
			v.nameTerms[t] = true
		}
		if p.Side == sideCustomer || p.Side == sideVendor {
			v.sides[p.ID] = p.Side
		}
	}

	for _, in := range f.Interactions {
		if in.OccurredAt.After(asOf) {
			continue
		}
		v.inters = append(v.inters, in)
	}
	slices.SortStableFunc(v.inters, func(a, b graph.Interaction) int {
		return cmp.Or(a.OccurredAt.Compare(b.OccurredAt), strings.Compare(a.MessageID, b.MessageID))
	})
	for _, in := range v.inters {
		if _, dup := v.byMsg[in.MessageID]; !dup {
			v.byMsg[in.MessageID] = in
		}
	}

	for _, it := range f.Items {
		if it.OccurredAt.After(asOf) {
			continue
		}
		scale := it.Confidence
		if scale <= 0 || scale > 1 || math.IsNaN(scale) {
			scale = 1
		} else if scale < cfg.MinConfidence {
			continue
		}
		v.items = append(v.items, item{ItemFact: it, party: it.Party, scale: scale})
	}
	slices.SortStableFunc(v.items, func(a, b item) int {
		return cmp.Or(a.OccurredAt.Compare(b.OccurredAt), strings.Compare(a.MessageID, b.MessageID),
			cmp.Compare(a.Start, b.Start), strings.Compare(a.ID, b.ID), strings.Compare(a.Text, b.Text))
	})
	// A speaker missing from People takes the side their items were said
	// from; an item without a side takes its speaker's.
	for _, it := range v.items {
		if _, known := v.sides[it.Speaker]; !known && it.Speaker != "" && (it.party == sideCustomer || it.party == sideVendor) {
			v.sides[it.Speaker] = it.party
		}
	}
	for i := range v.items {
		if p := v.items[i].party; p != sideCustomer && p != sideVendor {
			v.items[i].party = v.sides[v.items[i].Speaker]
		}
		v.itemsByMsg[v.items[i].MessageID] = append(v.itemsByMsg[v.items[i].MessageID], v.items[i])
	}

	for _, a := range f.Activities {
		if !a.OccurredAt.After(asOf) {
			v.acts = append(v.acts, a)
		}
	}
	slices.SortStableFunc(v.acts, func(a, b graph.ActivityFact) int {
		return cmp.Or(a.OccurredAt.Compare(b.OccurredAt), strings.Compare(a.MessageID, b.MessageID),
			strings.Compare(a.Kind, b.Kind), strings.Compare(a.Actor, b.Actor), strings.Compare(a.Ref, b.Ref))
	})

	v.findDepartures()
	v.findTouches()
	v.buildChains()
	v.findObjections()
	return v
}

// interAfter, itemAfter and actAfter return the index of the first fact
// that occurred after t (the facts are sorted by time).
func (v *view) interAfter(t time.Time) int {
	return sort.Search(len(v.inters), func(i int) bool { return v.inters[i].OccurredAt.After(t) })
}

func (v *view) itemAfter(t time.Time) int {
	return sort.Search(len(v.items), func(i int) bool { return v.items[i].OccurredAt.After(t) })
}

func (v *view) actAfter(t time.Time) int {
	return sort.Search(len(v.acts), func(i int) bool { return v.acts[i].OccurredAt.After(t) })
}

// side returns "customer", "vendor" or "" for a participant id.
func (v *view) side(id string) string { return v.sides[id] }

func (v *view) isCustomer(id string) bool { return id != "" && v.sides[id] == sideCustomer }

func (v *view) title(id string) string { return v.people[id].Title }

// left reports whether a customer contact had left by t.
func (v *view) left(id string, t time.Time) bool {
	at, ok := v.goneAt[id]
	return ok && !at.After(t)
}

// dayOf returns the start of t's calendar day where the account is.
func (v *view) dayOf(t time.Time) time.Time {
	y, m, d := t.In(v.cfg.Location).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, v.cfg.Location)
}

// daysBetween counts calendar days from day a to day b (both day starts).
func daysBetween(a, b time.Time) int {
	return int(math.Round(b.Sub(a).Hours() / 24))
}

// parseDue reads an item's YYYY-MM-DD due date as a day where the account is.
func (v *view) parseDue(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(time.DateOnly, s, v.cfg.Location)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

func (v *view) findDepartures() {
	for _, a := range v.acts {
		if a.Kind != actContactLeft {
			continue
		}
		who := ""
		switch {
		case v.isCustomer(a.Actor):
			who = a.Actor
		case v.isCustomer(a.Ref):
			who = a.Ref
		case a.Actor != "" && v.side(a.Actor) == "":
			who = a.Actor
		}
		if who == "" {
			continue
		}
		if _, dup := v.goneAt[who]; dup {
			continue
		}
		v.goneAt[who] = a.OccurredAt
		v.gone = append(v.gone, departure{who: who, at: a.OccurredAt, msgID: a.MessageID})
	}
	// A departure may be known only from the person record.
	ids := make([]string, 0, len(v.people))
	for id := range v.people {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		p := v.people[id]
		if p.LeftAt == nil || p.LeftAt.After(v.asOf) || p.Side == sideVendor {
			continue
		}
		if _, dup := v.goneAt[id]; dup {
			continue
		}
		v.goneAt[id] = *p.LeftAt
		v.gone = append(v.gone, departure{who: id, at: *p.LeftAt})
	}
	slices.SortStableFunc(v.gone, func(a, b departure) int {
		return cmp.Or(a.at.Compare(b.at), strings.Compare(a.who, b.who))
	})
}

// findTouches picks the messages the customer took part in. An email counts
// when a customer contact wrote it; a meeting or call counts when customer
// contacts attended; a chat counts when a customer contact is in it (chats
// name no author, so an item's speaker is preferred when there is one).
func (v *view) findTouches() {
	for _, in := range v.inters {
		if in.Channel == chanActivity {
			continue
		}
		var customers []string
		for _, p := range in.Participants {
			if v.isCustomer(p) && !slices.Contains(customers, p) {
				customers = append(customers, p)
			}
		}
		var speakers []string
		for _, it := range v.itemsByMsg[in.MessageID] {
			if it.party == sideCustomer && v.isCustomer(it.Speaker) && !slices.Contains(speakers, it.Speaker) {
				speakers = append(speakers, it.Speaker)
			}
		}
		t := touch{at: in.OccurredAt, msgID: in.MessageID, channel: in.Channel, subject: in.Subject}
		switch {
		case v.isCustomer(in.From):
			t.who = in.From
			t.talkers = union([]string{in.From}, speakers)
		case in.Channel == chanMeeting || in.Channel == chanCall:
			if len(customers) == 0 && len(speakers) == 0 {
				continue
			}
			t.talkers = union(customers, speakers)
			t.who = t.talkers[0]
			if len(speakers) > 0 {
				t.who = speakers[0]
			}
		case in.Channel == chanChat || (in.From == "" && in.Channel != chanEmail):
			switch {
			case len(speakers) > 0:
				t.who, t.talkers = speakers[0], speakers
			case in.From == "" && len(customers) > 0:
				t.who, t.talkers = customers[0], customers[:1]
			default:
				continue
			}
		default:
			continue
		}
		// Someone who has left cannot be talking to us any more.
		t.talkers = slices.DeleteFunc(slices.Clone(t.talkers), func(id string) bool { return v.left(id, t.at.Add(-time.Nanosecond)) })
		v.touches = append(v.touches, t)
	}
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// promiseKind tells how keeping a promise shows in the facts.
type promiseKind int

const (
	// deliverable: something named is sent or done; kept when a later
	// message or activity is about it.
	deliverable promiseKind = iota
	// meetingPromise: a meeting, visit, demo or training; kept by any later
	// meeting or call with the customer, or an accepted invitation.
	meetingPromise
	// replyPromise: an answer or follow-up; kept by any later message from
	// the side that promised it, or a meeting or call.
	replyPromise
)

var (
	replyCues   = []string{"答复", "回复", "回您", "反馈", "准信", "给您回", "给你回", "告诉您", "告诉你", "回个话", "问问"}
	meetingCues = []string{"会议", "开会", "拜访", "演示", "上门", "现场", "过来", "过去", "培训", "交流", "复盘", "讲解", "启动会", "见面", "来一趟"}
)

func kindOf(it item) promiseKind {
	switch {
	case it.Subtype == "meeting" || containsAny(it.Text, meetingCues):
		return meetingPromise
	case containsAny(it.Text, replyCues):
		return replyPromise
	}
	return deliverable
}

// chain is one promise, possibly made several times over (restated,
// rescheduled): the members are commitments of the same side about the
// same thing.
type chain struct {
	party   string
	kind    promiseKind
	members []item
	terms   map[string]bool
	topic   Dimension

	fulfilled bool
	sign      sign
	// withdrawn is set when a recorded transition or a manual status says
	// the promise was called off: it is then neither kept nor overdue.
	withdrawn bool

	// probe caches the earliest sign of keeping the promise as the chain
	// now stands; adding a member invalidates it.
	probe      sign
	probed     bool
	probeFound bool
}

// sign is a fact suggesting that a promise was kept.
type sign struct {
	at    time.Time
	msgID string
	quote string
}

// due is a distinct due date in a chain, with the member that set it.
type due struct {
	day    time.Time
	member item
}

// dues returns the chain's distinct due dates, earliest first.
func (v *view) dues(c *chain) []due {
	var out []due
	for _, m := range c.members {
		d, ok := v.parseDue(m.Due)
		if !ok || slices.ContainsFunc(out, func(x due) bool { return x.day.Equal(d) }) {
			continue
		}
		out = append(out, due{day: d, member: m})
	}
	slices.SortStableFunc(out, func(a, b due) int { return a.day.Compare(b.day) })
	return out
}

// missed returns the due dates the chain let pass: before the day it was
// fulfilled, or before today when it was not.
func (v *view) missed(c *chain) []due {
	end := v.today
	if c.fulfilled {
		end = v.dayOf(c.sign.at)
	}
	var out []due
	for _, d := range v.dues(c) {
		if d.day.Before(end) {
			out = append(out, d)
		}
	}
	return out
}

// overdue reports whether a chain is an unkept promise past due: a vendor
// promise from the day after a due date, a customer promise CustomerGrace
// after one, and only while the customer contact who made it has not
// engaged positively since making it (they may have kept it out of our
// sight, and either way the project is moving). days counts from the first
// missed due.
func (v *view) overdue(c *chain) (missed []due, days int, ok bool) {
	if c.fulfilled || c.withdrawn {
		return nil, 0, false
	}
	missed = v.missed(c)
	if len(missed) == 0 {
		return nil, 0, false
	}
	days = daysBetween(missed[0].day, v.today)
	if c.party == sideCustomer {
		if time.Duration(days)*day < v.cfg.CustomerGrace {
			return nil, 0, false
		}
		if _, moved := v.positiveAfter(c.members[0].Speaker, c.members[0].OccurredAt); moved {
			return nil, 0, false
		}
	}
	return missed, days, true
}

// commitmentTerms are the content terms of a promise, without the names of
// people (meeting minutes prefix promises with who made them).
func (v *view) commitmentTerms(text string) map[string]bool {
	terms := keyTerms(text)
	for t := range v.nameTerms {
		delete(terms, t)
	}
	return terms
}

// termsOf returns the content terms of a text, computed once per view.
func (v *view) termsOf(s string) map[string]bool {
	t, ok := v.terms[s]
	if !ok {
		t = keyTerms(s)
		v.terms[s] = t
	}
	return t
}

// buildChains groups commitments into promises and looks for signs that
// each was kept. A commitment joins an open chain of the same side when it
// shares a content term with it, when it repeats a member's message, speaker
// and due date, or, having no content terms of its own ("周五前一定给您"),
// when the same speaker made the chain's latest promise within 30 days. A
// chain is open until a sign that it was kept; a message that both keeps a
// promise and makes a new one starts a new chain.
func (v *view) buildChains() {
	for _, it := range v.items {
		if it.Type != extract.Commitment || it.party == "" {
			continue
		}
		terms := v.commitmentTerms(it.Text)
		var into *chain
		for i := len(v.chains) - 1; i >= 0 && into == nil; i-- {
			c := v.chains[i]
			if c.party != it.party {
				continue
			}
			last := c.members[len(c.members)-1]
			sameSpot := slices.ContainsFunc(c.members, func(m item) bool {
				return m.MessageID == it.MessageID && m.Speaker == it.Speaker && m.Due == it.Due
			})
			vague := len(terms) == 0 && last.Speaker == it.Speaker && it.OccurredAt.Sub(last.OccurredAt) <= 30*day
			if it.OccurredAt.Sub(last.OccurredAt) > v.cfg.Lookback {
				continue
			}
			if !sameSpot && !vague && !sharesTerm(c.terms, terms) {
				continue
			}
			if !sameSpot {
				if !c.probed {
					c.probe, c.probeFound = v.findSign(c, v.asOf)
					c.probed = true
				}
				if c.probeFound && !c.probe.at.After(it.OccurredAt) {
					continue // kept before this promise was made: a new one
				}
			}
			into = c
		}
		if into == nil {
			into = &chain{party: it.party, kind: kindOf(it), terms: map[string]bool{}, topic: topicOf(it.Subtype, it.Text)}
			v.chains = append(v.chains, into)
		}
		into.members = append(into.members, it)
		into.probed = false
		for t := range terms {
			into.terms[t] = true
		}
	}
	for _, c := range v.chains {
		c.sign, c.fulfilled = v.findSign(c, v.asOf)
		v.applyRecorded(c)
	}
}

// applyRecorded lets what the graph records about a chain's promises win
// over the guesses of findSign: a kept or withdrawn transition at or before
// asOf (the earliest of any member), or a status an administrator set by
// hand (kept, withdrawn, or broken, which overrides any sign).
func (v *view) applyRecorded(c *chain) {
	var (
		best  graph.Transition
		found bool
	)
	for _, m := range c.members {
		switch m.Status {
		case graph.StatusKept:
			if !found || m.OccurredAt.Before(best.At) {
				best, found = graph.Transition{Kind: graph.StatusKept, MessageID: m.MessageID, At: m.OccurredAt, Evidence: m.Text}, true
			}
			continue
		case graph.StatusWithdrawn:
			c.withdrawn, c.fulfilled = true, false
			return
		case graph.StatusBroken:
			c.fulfilled = false
			return
		}
		if tr, ok := graph.ClosedBy(m.ItemFact, v.asOf); ok && (!found || tr.At.Before(best.At)) {
			best, found = tr, true
		}
	}
	if !found {
		return
	}
	switch best.Kind {
	case graph.TransitionKept:
		c.fulfilled = true
		c.sign = sign{at: best.At, msgID: best.MessageID, quote: best.Evidence}
	case graph.TransitionWithdrawn:
		c.withdrawn, c.fulfilled = true, false
	}
}

func sharesTerm(a, b map[string]bool) bool {
	for t := range b {
		if a[t] {
			return true
		}
	}
	return false
}

// replyPrefixes mark subjects inherited from the message replied to.
var replyPrefixes = []string{"re:", "re：", "回复", "答复", "fw:", "fwd:", "转发"}

// delayCues mark messages about a promise that is not kept yet: chasing,
// progress notes, complaints that it is missing.
var delayCues = []string{
	"进度", "延期", "推迟", "延后", "催", "暂缓", "还在", "没有", "没收到", "还没", "尚未", "未收到",
	"迟迟", "无法", "仍未", "什么时候", "还在等", "等报告", "到了再说", "出来之前", "拿不到", "一直没",
	"整改",
}

func isReply(subject string) bool {
	s := strings.ToLower(strings.TrimSpace(subject))
	for _, p := range replyPrefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// findSign returns the earliest sign, after the chain's first promise and
// at or before end, that the promise was kept:
//   - any promise: a later message whose subject is about it and does not
//     say it is still missing (for a customer promise: the customer's own
//     message, or a meeting or call), or our material about it being opened
//     (by the customer, for a customer promise);
//   - a vendor promise: also a customer item about it that does not say it
//     is missing ("报价超出预算" means the quote arrived), and our material
//     about it left unopened or our email about it opened;
//   - a meeting promise: also any later meeting or call with the customer,
//     or an accepted invitation;
//   - a reply promise: also any later message from the side that promised,
//     or a meeting or call.
//
// A chain with no content terms can only be kept in the last two ways.
func (v *view) findSign(c *chain, end time.Time) (sign, bool) {
	first := c.members[0]
	var best sign
	found := false
	consider := func(s sign) {
		if !found || s.at.Before(best.at) || (s.at.Equal(best.at) && s.msgID < best.msgID) {
			best, found = s, true
		}
	}
	// Nothing after end counts, and nothing after the best sign so far
	// can beat it.
	past := func(t time.Time) bool { return t.After(end) || (found && t.After(best.at)) }
	ix := v.postings()

	// Facts about the promise are found through the terms they share with
	// it; each posting list is in time order, so its first match is its
	// earliest.
	interStart, itemStart, actStart := v.interAfter(first.OccurredAt), v.itemAfter(first.OccurredAt), v.actAfter(first.OccurredAt)
	for t := range c.terms {
		list := ix.inters[t]
		for _, i := range list[sort.SearchInts(list, interStart):] {
			in := v.inters[i]
			if past(in.OccurredAt) {
				break
			}
			if v.interSign(c, in, true) {
				consider(sign{at: in.OccurredAt, msgID: in.MessageID, quote: in.Subject})
				break
			}
		}
		if c.party == sideVendor {
			list = ix.items[t]
			for _, i := range list[sort.SearchInts(list, itemStart):] {
				it := v.items[i]
				if past(it.OccurredAt) {
					break
				}
				if it.party == sideCustomer && !containsAny(it.Text, delayCues) {
					consider(sign{at: it.OccurredAt, msgID: it.MessageID, quote: it.Text})
					break
				}
			}
		}
		list = ix.acts[t]
		for _, i := range list[sort.SearchInts(list, actStart):] {
			a := v.acts[i]
			if past(a.OccurredAt) {
				break
			}
			if v.actSign(c, a, true) {
				consider(sign{at: a.OccurredAt, msgID: a.MessageID, quote: a.Ref})
				break
			}
		}
	}
	// Meetings and answers keep their promises whatever they are about.
	if c.kind == deliverable {
		return best, found
	}
	for _, in := range v.inters[interStart:] {
		if past(in.OccurredAt) {
			break
		}
		if v.interSign(c, in, false) {
			consider(sign{at: in.OccurredAt, msgID: in.MessageID, quote: in.Subject})
			break
		}
	}
	for _, a := range v.acts[actStart:] {
		if past(a.OccurredAt) {
			break
		}
		if v.actSign(c, a, false) {
			consider(sign{at: a.OccurredAt, msgID: a.MessageID, quote: a.Ref})
			break
		}
	}
	return best, found
}

// interSign reports whether a later message is a sign that the chain's
// promise was kept; about says whether the message's subject is about it.
func (v *view) interSign(c *chain, in graph.Interaction, about bool) bool {
	if in.MessageID == c.members[0].MessageID || in.Channel == chanActivity {
		return false
	}
	author := v.side(in.From)
	live := (in.Channel == chanMeeting || in.Channel == chanCall) && slices.ContainsFunc(in.Participants, v.isCustomer)
	if about && !containsAny(in.Subject, delayCues) && (c.party == sideVendor || author == sideCustomer || live) {
		return true
	}
	switch c.kind {
	case meetingPromise:
		return live
	case replyPromise:
		return live || author == c.party || (author == "" && in.Channel == chanChat)
	}
	return false
}

// actSign reports whether a later activity is a sign that the chain's
// promise was kept; about says whether its reference is about it.
func (v *view) actSign(c *chain, a graph.ActivityFact, about bool) bool {
	customerActor := v.side(a.Actor) != sideVendor
	switch a.Kind {
	case actAttachmentOpened:
		return about && (c.party == sideVendor || customerActor)
	case actAttachmentIgnored, actEmailOpened:
		return about && c.party == sideVendor
	case actMeetingAccepted:
		// Accepting a meeting about a deliverable is not receiving it.
		return customerActor && c.kind == meetingPromise
	}
	return false
}

// index maps content terms to the positions of the facts whose subject,
// text or reference contains them, in time order.
type index struct {
	inters, items, acts map[string][]int
}

// postings returns the view's term index, built on first use.
func (v *view) postings() *index {
	if v.ix != nil {
		return v.ix
	}
	ix := &index{inters: map[string][]int{}, items: map[string][]int{}, acts: map[string][]int{}}
	for i, in := range v.inters {
		for t := range v.termsOf(in.Subject) {
			ix.inters[t] = append(ix.inters[t], i)
		}
	}
	for i, it := range v.items {
		for t := range v.termsOf(it.Text) {
			ix.items[t] = append(ix.items[t], i)
		}
	}
	for i, a := range v.acts {
		for t := range v.termsOf(a.Ref) {
			ix.acts[t] = append(ix.acts[t], i)
		}
	}
	v.ix = ix
	return ix
}

// objection is a customer objection, or a customer item naming a
// competitor, and whether the same contact later engaged positively.
type objection struct {
	item
	competitor bool
	answered   bool
}

// findObjections collects customer objections and competitor mentions and
// decides which were answered: the same contact (any customer contact when
// the speaker is unknown) later made a commitment, shared a pain point,
// opened our material or accepted a meeting, or the graph records it as
// answered or resolved. For price and payment terms only a later commitment
// or a recorded resolution counts: a counter-offer is not agreement.
func (v *view) findObjections() {
	for _, it := range v.items {
		if it.party != sideCustomer {
			continue
		}
		comp := it.Subtype == "competitor" || mentionsCompetitor(it.Text, v.cfg.Competitors)
		if it.Type != extract.Objection && !comp {
			continue
		}
		o := &objection{item: it, competitor: comp}
		st := graph.StatusAt(it.ItemFact, v.asOf)
		if isPaymentQuestion(it.Subtype, it.Text) {
			// Our counter-offer, or the customer reading it, is not
			// agreement: a price or terms objection is settled only when
			// the contact commits to a next step or it is recorded as
			// resolved.
			_, o.answered = v.committedAfter(it.Speaker, it.OccurredAt)
			o.answered = o.answered || st == graph.StatusResolved
		} else {
			_, o.answered = v.positiveAfter(it.Speaker, it.OccurredAt)
			// A recorded answer or resolution (graph.StatusAt) counts as well.
			o.answered = o.answered || st == graph.StatusAnswered || st == graph.StatusResolved
		}
		v.objs = append(v.objs, o)
	}
}

// committedAfter finds the first commitment by who (any customer contact
// when who is unknown) after t.
func (v *view) committedAfter(who string, t time.Time) (sign, bool) {
	for _, it := range v.items[v.itemAfter(t):] {
		if it.party == sideCustomer && it.Type == extract.Commitment && (it.Speaker == who || (who == "" && v.isCustomer(it.Speaker))) {
			return sign{at: it.OccurredAt, msgID: it.MessageID, quote: it.Text}, true
		}
	}
	return sign{}, false
}

// positiveAfter finds the first positive engagement by who after t.
func (v *view) positiveAfter(who string, t time.Time) (sign, bool) {
	same := func(id string) bool {
		if who == "" {
			return v.isCustomer(id)
		}
		return id == who
	}
	var best sign
	found := false
	for _, it := range v.items[v.itemAfter(t):] {
		if it.party != sideCustomer || !same(it.Speaker) {
			continue
		}
		if it.Type == extract.Commitment || it.Type == extract.PainPoint {
			best, found = sign{at: it.OccurredAt, msgID: it.MessageID, quote: it.Text}, true
			break
		}
	}
	for _, a := range v.acts[v.actAfter(t):] {
		if !same(a.Actor) || (a.Kind != actAttachmentOpened && a.Kind != actMeetingAccepted) {
			continue
		}
		if !found || a.OccurredAt.Before(best.at) {
			best, found = sign{at: a.OccurredAt, msgID: a.MessageID, quote: a.Ref}, true
		}
		break
	}
	return best, found
}

// engagement measures how much a customer contact engaged with us in
// (from, to]: messages and meetings, promises (double), pain points,
// opened material and accepted meetings.
func (v *view) engagement(id string, from, to time.Time) int {
	in := func(t time.Time) bool { return t.After(from) && !t.After(to) }
	n := 0
	for _, t := range v.touches {
		if in(t.at) && slices.Contains(t.talkers, id) {
			n++
		}
	}
	for _, it := range v.items {
		if !in(it.OccurredAt) || it.Speaker != id || it.party != sideCustomer {
			continue
		}
		switch it.Type {
		case extract.Commitment:
			n += 2
		case extract.PainPoint:
			n++
		}
	}
	for _, a := range v.acts {
		if in(a.OccurredAt) && a.Actor == id && (a.Kind == actAttachmentOpened || a.Kind == actMeetingAccepted) {
			n++
		}
	}
	return n
}

// importance grades a departed contact: champion (the most engaged
// customer contact before leaving, with real engagement), key (engaged or
// senior), or neither.
func (v *view) importance(d departure) (champion, key bool, units int) {
	from := d.at.Add(-v.cfg.ChampionLookback)
	units = v.engagement(d.who, from, d.at)
	best := 0
	for id := range v.people {
		if id != d.who && v.isCustomer(id) {
			best = max(best, v.engagement(id, from, d.at))
		}
	}
	champion = units >= 3 && units >= best
	key = champion || units >= 2 || isSeniorTitle(v.title(d.who))
	return champion, key, units
}
