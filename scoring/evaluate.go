package scoring

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/graph"
)

// dimensions in the order scores and evidence are listed.
var dimensions = [3]Dimension{Technical, Commercial, Emotional}

// Evaluate scores an account's trust as of asOf and lists the churn-risk
// warnings active then. Only facts that occurred at or before asOf count, so
// evaluating old data at an old time gives the answers of that time. The
// result depends only on the arguments: not on the wall clock, nor on the
// order of the facts.
func Evaluate(facts graph.AccountFacts, asOf time.Time, opts ...Option) (Score, []Warning) {
	cfg := resolve(opts)

	v := newView(facts, asOf, cfg)
	hs := v.hits()
	now, evidence := v.score(hs)

	then := newView(facts, asOf.Add(-cfg.TrendWindow), cfg)
	before, _ := then.score(then.hits())

	ws := v.warnings(hs, now, before)
	s := Score{
		AccountID:  facts.Account.ID,
		AsOf:       asOf,
		Technical:  now[0],
		Commercial: now[1],
		Emotional:  now[2],
		Evidence:   evidence,
		// The earlier values are needed for the decline warnings anyway,
		// so the trend costs nothing extra.
		Trend: newTrend(now, before, then.asOf),
	}
	for _, x := range now {
		if x < cfg.RiskThreshold {
			s.AtRisk = true
		}
	}
	for _, w := range ws {
		if w.Severity == SeverityHigh {
			s.AtRisk = true
		}
	}
	return s, ws
}

// resolve applies the options to the default configuration.
func resolve(opts []Option) Config {
	cfg := DefaultConfig()
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	return cfg.withDefaults()
}

// newTrend compares the dimensions now with their values at since.
func newTrend(now, before [3]float64, since time.Time) *Trend {
	return &Trend{
		Since:      since,
		Technical:  round1(now[0] - before[0]),
		Commercial: round1(now[1] - before[1]),
		Emotional:  round1(now[2] - before[2]),
		Before:     Levels{Technical: before[0], Commercial: before[1], Emotional: before[2]},
	}
}

// hit is one occurrence of a signal.
type hit struct {
	sig   Signal
	at    time.Time
	msgID string
	quote string
	who   string // the person it is about, when there is one
	// with lists the other people it concerns: everyone who took part in
	// a message, the contacts a promise of ours was made to.
	with []string
	// whole marks a condition of the account as a whole (its silence, its
	// threading), which no single contact's score carries.
	whole bool
	topic Dimension // the dimension the text is about, for Weight.Topic
	// scale multiplies the weight: the extractor's confidence, the
	// resolved-objection factor, or how long a standing signal has stood.
	scale float64
	// standing signals describe the account as it is now and do not decay.
	standing bool
}

// hits lists every signal occurrence in the view.
func (v *view) hits() []hit {
	var hs []hit
	add := func(h hit) { hs = append(hs, h) }

	for _, t := range v.touches {
		sig := SigCustomerMessage
		if t.channel == chanMeeting || t.channel == chanCall {
			sig = SigMeetingHeld
		}
		add(hit{sig: sig, at: t.at, msgID: t.msgID, quote: t.subject, who: t.who, with: t.talkers, scale: 1})
	}

	for _, it := range v.items {
		if it.party != sideCustomer {
			continue
		}
		if it.Type == extract.PainPoint {
			add(hit{sig: SigPainPointShared, at: it.OccurredAt, msgID: it.MessageID, quote: it.Text,
				who: it.Speaker, topic: topicOf(it.Subtype, it.Text), scale: it.scale})
		}
		if sig, ok := tone(it.Text); ok {
			add(hit{sig: sig, at: it.OccurredAt, msgID: it.MessageID, quote: it.Text, who: it.Speaker, scale: it.scale})
		}
	}

	perMsg := map[string]int{}
	for _, o := range v.objs {
		scale := o.scale
		if o.answered {
			scale *= v.cfg.ResolvedFactor
		}
		// One message raising several objections ("too dear, bad terms,
		// and your rival is cheaper") is one bad moment, not three.
		if perMsg[o.MessageID] > 0 {
			scale *= 0.5
		}
		perMsg[o.MessageID]++
		add(hit{sig: objectionSignal(o), at: o.OccurredAt, msgID: o.MessageID, quote: o.Text, who: o.Speaker, scale: scale})
	}

	qs := v.paymentQuestions()
	for i, q := range qs {
		if i > 0 && q.at.Sub(qs[i-1].at) < v.cfg.PaymentWindow {
			add(hit{sig: SigPaymentTermsRepeat, at: q.at, msgID: q.msgID, quote: q.quote, who: q.who, scale: q.scale})
		}
	}

	for _, c := range v.chains {
		v.chainHits(c, add)
	}

	for _, a := range v.acts {
		h := hit{at: a.OccurredAt, msgID: a.MessageID, quote: a.Ref, who: a.Actor, topic: topicOf("", a.Ref), scale: 1}
		customer := v.side(a.Actor) != sideVendor // activities track the customer unless we know otherwise
		tech := isTechnicalTitle(v.title(a.Actor))
		if tech {
			// What a technical contact does with our material or meetings
			// is about technical trust, whatever the material's title.
			h.topic = Technical
		}
		switch {
		case !customer && a.Kind == actMeetingCancelled:
			h.sig = SigVendorMeetingCancel
			h.with = v.customersIn(a.MessageID)
		case !customer:
			continue
		case a.Kind == actAttachmentOpened && tech:
			h.sig = SigTechAttachmentOpened
		case a.Kind == actAttachmentOpened:
			h.sig = SigAttachmentOpened
		case a.Kind == actAttachmentIgnored && tech:
			h.sig = SigTechAttachmentIgnored
		case a.Kind == actAttachmentIgnored:
			h.sig = SigAttachmentIgnored
		case a.Kind == actEmailOpened:
			h.sig = SigEmailOpened
		case a.Kind == actMeetingAccepted:
			h.sig = SigMeetingAccepted
		case a.Kind == actMeetingDeclined:
			h.sig = SigMeetingDeclined
		case a.Kind == actMeetingCancelled:
			h.sig = SigMeetingCancelled
		default:
			continue
		}
		add(h)
	}

	for _, d := range v.gone {
		champion, _, _ := v.importance(d)
		sig := SigContactLeft
		if champion {
			sig = SigChampionLeft
		}
		add(hit{sig: sig, at: d.at, msgID: d.msgID, who: d.who, scale: 1})
	}

	if d, ok := v.goingDark(); ok {
		// The account's silence is everyone's; a quiet decision maker's is
		// their own.
		add(hit{sig: SigGoingDark, at: d.last.at, msgID: d.last.msgID, quote: d.last.subject, who: d.last.who,
			scale: min(d.gap/d.threshold, 3), standing: true, whole: d.decider == ""})
	}
	if recent, usual, ok := v.responsiveness(); ok && recent <= usual/2 {
		last := v.touches[len(v.touches)-1]
		add(hit{sig: SigResponsivenessDrop, at: v.asOf, msgID: last.msgID, quote: last.subject, who: last.who,
			scale: 2 * (1 - recent/usual), standing: true, whole: true})
	}
	th := v.threads()
	switch {
	case th.single:
		add(hit{sig: SigSingleThreaded, at: th.first.at, msgID: th.last.msgID, quote: th.last.subject, who: th.contacts[0], scale: 1, standing: true, whole: true})
	case len(th.contacts) >= 3:
		add(hit{sig: SigMultiThreaded, at: v.asOf, scale: float64(min(len(th.contacts)-2, 3)), standing: true, whole: true})
	}
	return hs
}

// objectionSignal names the signal of an objection by its subtype.
func objectionSignal(o *objection) Signal {
	if o.Type != extract.Objection {
		return SigCompetitorMentioned
	}
	switch o.Subtype {
	case "price":
		return SigObjectionPrice
	case "terms":
		return SigObjectionTerms
	case "competitor":
		return SigObjectionCompetitor
	case "timing":
		return SigObjectionTiming
	case "authority":
		return SigObjectionAuthority
	case "need":
		return SigObjectionNeed
	case "technical":
		return SigObjectionTechnical
	case "risk":
		return SigObjectionRisk
	}
	return SigObjectionOther
}

// mention is a customer raising something: who, when, where, in what words.
type mention struct {
	at    time.Time
	msgID string
	quote string
	who   string
	scale float64
}

// paymentQuestions returns the times the customer raised price or payment
// terms, one per message: price and terms objections, and customer emails
// whose own subject (not a reply's) is about them. Customer promises to pay
// are not questions.
func (v *view) paymentQuestions() []mention {
	var out []mention
	seen := map[string]bool{}
	for _, it := range v.items {
		if it.party != sideCustomer || it.Type != extract.Objection || seen[it.MessageID] || !isPaymentQuestion(it.Subtype, it.Text) {
			continue
		}
		seen[it.MessageID] = true
		out = append(out, mention{at: it.OccurredAt, msgID: it.MessageID, quote: it.Text, who: it.Speaker, scale: it.scale})
	}
	for _, in := range v.inters {
		if seen[in.MessageID] || !v.isCustomer(in.From) || isReply(in.Subject) || !containsAny(in.Subject, paymentCues) {
			continue
		}
		seen[in.MessageID] = true
		out = append(out, mention{at: in.OccurredAt, msgID: in.MessageID, quote: in.Subject, who: in.From, scale: 1})
	}
	slices.SortStableFunc(out, func(a, b mention) int {
		return cmp.Or(a.at.Compare(b.at), strings.Compare(a.msgID, b.msgID))
	})
	return out
}

// overdueGrowth scales a standing overdue signal: full weight on the first
// day, growing linearly to three times the weight after four weeks.
func overdueGrowth(days int) float64 {
	return 1 + float64(min(max(days, 0), 28))/14
}

// chainHits scores one promise: each customer promise is engagement; a
// re-made vendor promise is a slip; a kept promise scores when the sign of
// keeping it appears; an overdue one stands against the account until it is
// kept (or for Lookback, after which it decays like any event), a vendor
// one growing with the days overdue.
func (v *view) chainHits(c *chain, add func(hit)) {
	msgs := map[string]bool{}
	var to []string // the customer contacts our promise was made to
	if c.party == sideVendor {
		for _, m := range c.members {
			to = union(to, v.promisedTo(m))
		}
	}
	for i, m := range c.members {
		switch {
		case c.party == sideCustomer:
			add(hit{sig: SigCustomerCommitment, at: m.OccurredAt, msgID: m.MessageID, quote: m.Text, who: m.Speaker, topic: c.topic, scale: m.scale})
		case i > 0 && !msgs[m.MessageID]:
			add(hit{sig: SigCommitmentRescheduled, at: m.OccurredAt, msgID: m.MessageID, quote: m.Text, who: m.Speaker, with: to, topic: c.topic, scale: m.scale})
		}
		msgs[m.MessageID] = true
	}
	first := c.members[0]
	if c.withdrawn {
		return
	}
	if c.fulfilled {
		sig := SigCustomerCommitmentKept
		if c.party == sideVendor {
			sig = SigVendorCommitmentKept
			if len(v.missed(c)) > 0 {
				sig = SigVendorCommitmentLate
			}
		}
		add(hit{sig: sig, at: c.sign.at, msgID: c.sign.msgID, quote: c.sign.quote, who: first.Speaker, with: to, topic: c.topic, scale: first.scale})
		return
	}
	missed, days, ok := v.overdue(c)
	if !ok {
		return
	}
	m := missed[0]
	h := hit{sig: SigVendorCommitmentOverdue, at: m.day, msgID: m.member.MessageID, quote: m.member.Text, who: m.member.Speaker, with: to, topic: c.topic, scale: m.member.scale}
	if c.party == sideCustomer {
		h.sig = SigCustomerCommitmentLapsed
	}
	if time.Duration(days)*day <= v.cfg.Lookback {
		h.standing = true
		if c.party == sideVendor {
			h.scale *= overdueGrowth(days)
		}
	}
	add(h)
}

// dark describes the customer's current silence.
type dark struct {
	last       touch
	cadence    float64 // usual gap between days with customer messages, in days
	threshold  float64 // silence that counts as going dark, in days
	gap        float64 // current silence, in days
	dark       bool
	unanswered []graph.Interaction // our messages since the customer went quiet
	// decider is set when the account as a whole still talks to us but a
	// senior contact has gone quiet: last is then that contact's last touch.
	decider string
	// refusals are that contact's unopened material and declined or
	// cancelled meetings since.
	refusals int
}

// goingDark returns the account's silence when it is going dark, or else
// the silence of a decision maker who has gone quiet (quietDecider).
func (v *view) goingDark() (dark, bool) {
	if d, ok := v.darkness(); ok && d.dark {
		return d, true
	}
	return v.quietDecider()
}

// quietDecider finds a senior customer contact, still there, who has gone
// quiet while we keep reaching out: a VP who promised an answer and stopped
// replying, a CTO who stopped opening anything, while a junior contact
// still chats with us now and then. Their silence since their own last
// touch, opened material or accepted meeting must be at least DarkFactor times their own cadence (the account's
// when they have fewer than three days of touches) and at least DarkMinGap,
// with at least two of our approaches to them since (our messages to them,
// material they left unopened, meetings they declined or cancelled) and no
// positive engagement from them.
func (v *view) quietDecider() (dark, bool) {
	account, ok := v.darkness()
	if !ok {
		return dark{}, false
	}
	var best dark
	found := false
	for _, id := range v.peopleIDs() {
		if !v.isCustomer(id) || v.left(id, v.asOf) || !isSeniorTitle(v.title(id)) {
			continue
		}
		var days []time.Time
		var last touch
		for _, t := range v.touches {
			if !slices.Contains(t.talkers, id) {
				continue
			}
			last = t
			if d := v.dayOf(t.at); len(days) == 0 || !days[len(days)-1].Equal(d) {
				days = append(days, d)
			}
		}
		if len(days) == 0 {
			continue
		}
		// Opening our material or accepting a meeting is engagement too:
		// the silence starts after the last of them.
		for _, a := range v.acts[v.actAfter(last.at):] {
			if a.Actor == id && (a.Kind == actAttachmentOpened || a.Kind == actMeetingAccepted) {
				last = touch{at: a.OccurredAt, msgID: a.MessageID, who: id, talkers: []string{id}, channel: chanActivity, subject: a.Ref}
			}
		}
		d := dark{last: last, cadence: account.cadence, decider: id}
		if len(days) >= 3 {
			d.cadence = medianGap(days)
		}
		d.threshold = max(v.cfg.DarkFactor*d.cadence, v.cfg.DarkMinGap.Hours()/24)
		d.gap = v.asOf.Sub(last.at).Hours() / 24
		if d.gap < d.threshold {
			continue
		}
		if _, moved := v.positiveAfter(id, last.at); moved {
			continue
		}
		for _, in := range v.inters[v.interAfter(last.at):] {
			if in.Channel != chanActivity && v.side(in.From) == sideVendor && slices.Contains(in.Participants, id) {
				d.unanswered = append(d.unanswered, in)
			}
		}
		for _, a := range v.acts[v.actAfter(last.at):] {
			if a.Actor == id && (a.Kind == actAttachmentIgnored || a.Kind == actMeetingDeclined || a.Kind == actMeetingCancelled) {
				d.refusals++
			}
		}
		if len(d.unanswered)+d.refusals < 2 {
			continue
		}
		d.dark = true
		if !found || d.gap/d.threshold > best.gap/best.threshold {
			best, found = d, true
		}
	}
	return best, found
}

// medianGap is the median number of days between successive days.
func medianGap(days []time.Time) float64 {
	gaps := make([]float64, 0, len(days)-1)
	for i := 1; i < len(days); i++ {
		gaps = append(gaps, days[i].Sub(days[i-1]).Hours()/24)
	}
	slices.Sort(gaps)
	if len(gaps)%2 == 0 {
		return (gaps[len(gaps)/2-1] + gaps[len(gaps)/2]) / 2
	}
	return gaps[len(gaps)/2]
}

// darkness measures the current silence against the account's own cadence:
// the median gap between the last 13 calendar days with customer messages.
// ok is false until there are three such days: without a cadence there is
// no "usual" to fall silent against.
func (v *view) darkness() (dark, bool) {
	var days []time.Time
	for _, t := range v.touches {
		d := v.dayOf(t.at)
		if len(days) == 0 || !days[len(days)-1].Equal(d) {
			days = append(days, d)
		}
	}
	if len(days) < 3 {
		return dark{}, false
	}
	if len(days) > 13 {
		days = days[len(days)-13:]
	}
	d := dark{last: v.touches[len(v.touches)-1], cadence: medianGap(days)}
	d.threshold = max(v.cfg.DarkFactor*d.cadence, v.cfg.DarkMinGap.Hours()/24)
	d.gap = v.asOf.Sub(d.last.at).Hours() / 24
	d.dark = d.gap >= d.threshold
	for _, in := range v.inters {
		if in.OccurredAt.After(d.last.at) && in.Channel != chanActivity && v.side(in.From) == sideVendor {
			d.unanswered = append(d.unanswered, in)
		}
	}
	return d, true
}

// responsiveness compares customer messages in the last 30 days with the
// monthly rate of the 60 days before. ok is false while there is too little
// history to have a usual rate (fewer than two a month).
func (v *view) responsiveness() (recent, usual float64, ok bool) {
	var r, p int
	for _, t := range v.touches {
		age := v.asOf.Sub(t.at)
		switch {
		case age < 30*day:
			r++
		case age < 90*day:
			p++
		}
	}
	usual = float64(p) / 2
	return float64(r), usual, usual >= 2
}

// threading lists which customer contacts engage with us.
type threading struct {
	contacts    []string // customer contacts, still there, who engaged within ThreadWindow
	single      bool     // one contact alone, talking to us repeatedly, in a relationship older than ThreadMinSpan
	first, last touch    // that contact's first and last message in the window
	count       int      // that contact's messages in the window
}

// threads finds who engaged within ThreadWindow: took part in a message or
// meeting, or opened our material or accepted a meeting.
func (v *view) threads() threading {
	var th threading
	from := v.asOf.Add(-v.cfg.ThreadWindow)
	engage := func(id string) {
		if v.isCustomer(id) && !v.left(id, v.asOf) && !slices.Contains(th.contacts, id) {
			th.contacts = append(th.contacts, id)
		}
	}
	for _, t := range v.touches {
		if t.at.After(from) {
			for _, id := range t.talkers {
				engage(id)
			}
		}
	}
	for _, a := range v.acts {
		if a.OccurredAt.After(from) && (a.Kind == actAttachmentOpened || a.Kind == actMeetingAccepted) {
			engage(a.Actor)
		}
	}
	if len(th.contacts) != 1 || len(v.touches) == 0 {
		return th
	}
	only := th.contacts[0]
	for _, t := range v.touches {
		if !t.at.After(from) || !slices.Contains(t.talkers, only) {
			continue
		}
		if th.count == 0 {
			th.first = t
		}
		th.last = t
		th.count++
	}
	th.single = th.count >= 2 && v.asOf.Sub(v.touches[0].at) >= v.cfg.ThreadMinSpan
	return th
}

// contribution is a hit's effect on one dimension.
type contribution struct {
	h     *hit
	delta float64
}

// contributions applies the weights: a hit moves a dimension by weight ×
// scale × decay, where decay halves the effect every HalfLife and standing
// hits do not decay.
func (v *view) contributions(hs []hit) [3][]contribution {
	var out [3][]contribution
	for k := range hs {
		h := &hs[k]
		w := v.cfg.Weights[h.sig]
		decay := 1.0
		if !h.standing {
			age := v.asOf.Sub(h.at)
			decay = math.Exp2(-max(age, 0).Hours() / v.cfg.HalfLife.Hours())
		}
		for i, d := range dimensions {
			base := [3]float64{w.Technical, w.Commercial, w.Emotional}[i]
			if h.topic == d {
				base += w.Topic
			}
			if delta := base * h.scale * decay; delta != 0 {
				out[i] = append(out[i], contribution{h: h, delta: delta})
			}
		}
	}
	for i := range out {
		slices.SortStableFunc(out[i], func(a, b contribution) int {
			return cmp.Or(cmp.Compare(math.Abs(b.delta), math.Abs(a.delta)), b.h.at.Compare(a.h.at),
				strings.Compare(a.h.msgID, b.h.msgID), strings.Compare(string(a.h.sig), string(b.h.sig)))
		})
	}
	return out
}

// score applies the formula: each dimension is Baseline plus the sum of
// its contributions, clamped to 0–100 and rounded to one decimal. The
// evidence is the largest contributions of each dimension.
func (v *view) score(hs []hit) ([3]float64, []Evidence) {
	contribs := v.contributions(hs)
	var out [3]float64
	var evidence []Evidence
	for i, d := range dimensions {
		sum := 0.0
		for _, c := range contribs[i] {
			sum += c.delta
		}
		out[i] = round1(min(max(v.cfg.Baseline+sum, 0), 100))
		cs := contribs[i]
		for _, c := range cs[:min(len(cs), v.cfg.EvidencePerDimension)] {
			evidence = append(evidence, Evidence{
				Dimension: d,
				MessageID: c.h.msgID,
				Quote:     clip(c.h.quote, quoteRunes),
				Signal:    string(c.h.sig),
				Delta:     math.Round(c.delta*100) / 100,
				At:        c.h.at,
			})
		}
	}
	return out, evidence
}

// quoteRunes caps quotes in evidence.
const quoteRunes = 120

func round1(x float64) float64 { return math.Round(x*10) / 10 }
