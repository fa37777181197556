package scoring

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/guanxi-dev/guanxi/extract"
)

// Kinds lists every warning kind in the order warnings are reported.
var Kinds = []Kind{
	OverdueCommitment, UnresolvedObjection, CommercialSensitivity,
	TechnicalTrustDecline, EmotionalTrustDecline, GoingDark,
	SingleThreaded, ChampionLeft, CompetitorThreat,
}

// level is a severity as a number, so that it can be raised and lowered.
type level int

func (l level) severity() Severity {
	switch {
	case l <= 0:
		return SeverityLow
	case l == 1:
		return SeverityMedium
	}
	return SeverityHigh
}

// warningEvidence caps the evidence listed on a warning.
const warningEvidence = 8

// warnings lists the warnings active at the view's time, one per kind at
// most, in the order of Kinds.
func (v *view) warnings(hs []hit, now, before [3]float64) []Warning {
	// Price and terms objections that make up commercial sensitivity are
	// reported there, not again as unresolved objections.
	commercial, sensitive := v.commercialWarning()
	reported := map[string]bool{}
	if sensitive {
		for _, e := range commercial.Evidence {
			reported[e.MessageID] = true
		}
	}
	// The only contact saying they cannot decide is what makes a single
	// thread grave; it is reported there, not again as an objection.
	th := v.threads()
	skip := func(o *objection) bool {
		return reported[o.MessageID] || (th.single && o.Subtype == "authority" && o.Speaker == th.contacts[0])
	}
	checks := []func() (Warning, bool){
		v.overdueWarning,
		func() (Warning, bool) { return v.objectionWarning(skip) },
		func() (Warning, bool) { return commercial, sensitive },
		func() (Warning, bool) { return v.declineWarning(Technical, hs, now[0], before[0]) },
		func() (Warning, bool) { return v.declineWarning(Emotional, hs, now[2], before[2]) },
		v.darkWarning,
		v.threadWarning,
		v.departureWarning,
		func() (Warning, bool) { return v.competitorWarning(reported) },
	}
	var ws []Warning
	for _, check := range checks {
		w, ok := check()
		if !ok {
			continue
		}
		w.AccountID = v.account.ID
		if len(w.Evidence) > warningEvidence {
			w.Evidence = w.Evidence[:warningEvidence]
		}
		ws = append(ws, w)
	}
	return ws
}

// overdueWarning: a vendor promise past its due date with no sign of
// fulfilment, or a customer promise past due by more than CustomerGrace.
// Since is the first missed due date. Vendor slips that nobody chased,
// while the customer kept engaging positively, warn one step milder.
func (v *view) overdueWarning() (Warning, bool) {
	type overdue struct {
		c      *chain
		missed []due
		days   int
	}
	var vendor, customer []overdue
	for _, c := range v.chains {
		missed, days, ok := v.overdue(c)
		switch {
		case !ok || time.Duration(days)*day > v.cfg.Lookback:
		case c.party == sideVendor:
			vendor = append(vendor, overdue{c, missed, days})
		default:
			customer = append(customer, overdue{c, missed, days})
		}
	}
	all := append(slices.Clone(vendor), customer...)
	if len(all) == 0 {
		return Warning{}, false
	}
	longest := func(list []overdue) overdue {
		best := list[0]
		for _, o := range list[1:] {
			if o.days > best.days {
				best = o
			}
		}
		return best
	}

	w := Warning{Kind: OverdueCommitment}
	var lvl level
	var main overdue
	if len(vendor) > 0 {
		main = longest(vendor)
		slips := 0
		for _, o := range vendor {
			slips = max(slips, len(o.missed))
		}
		switch {
		case main.days >= 14 || slips >= 2 || len(vendor) >= 3:
			lvl = 2
		case main.days >= 3:
			lvl = 1
		}
		// A slip nobody chased, while the customer keeps moving the project
		// forward, is not hurting the relationship yet: one step milder.
		if !slices.ContainsFunc(vendor, func(o overdue) bool { return !v.tolerated(o.c, o.missed[0].day) }) {
			lvl = max(lvl-1, 0)
		}
	} else {
		// We rarely see a customer keep its word in our own data, so a
		// lapsed customer promise alone is only a hint.
		main = longest(customer)
		if len(customer) >= 2 {
			lvl = 1
		}
	}
	w.Severity = lvl.severity()
	w.Since = main.missed[0].day
	// The promise the message is about comes first in the evidence.
	slices.SortStableFunc(all, func(a, b overdue) int {
		switch {
		case a.c == b.c:
			return 0
		case a.c == main.c:
			return -1
		case b.c == main.c:
			return 1
		}
		return 0
	})
	for _, o := range all {
		if o.c.party == main.c.party {
			w.Since = minTime(w.Since, o.missed[0].day)
		}
		sig := SigVendorCommitmentOverdue
		if o.c.party == sideCustomer {
			sig = SigCustomerCommitmentLapsed
		}
		for _, m := range o.c.members {
			w.Evidence = append(w.Evidence, v.evidence(m.MessageID, m.Text, string(sig), m.OccurredAt))
		}
	}

	miss := main.missed[0]
	first := miss.member
	var b strings.Builder
	if main.c.party == sideVendor {
		contact := v.contactFor(first.MessageID)
		verb, none := "完成", "尚未看到交付或客户确认收到的迹象。"
		step := "建议今天就联系" + contact + "，说明进展和原因，给出新的明确交付日期并当天书面确认；能先交付的部分先发过去。"
		switch main.c.kind {
		case meetingPromise:
			verb, none = "安排", "尚未看到会面发生或邀请被接受的记录。"
			step = "建议今天就联系" + contact + "，为错过约定致歉，敲定具体的会面时间并发出正式邀请。"
		case replyPromise:
			verb, none = "答复", "此后我方尚未再联系客户。"
			step = "建议今天就给" + contact + "答复：即使结论还没定，也先说明进展、卡在哪里和预计的答复时间。"
		}
		fmt.Fprintf(&b, "%s于 %s 承诺在 %s 前%s：“%s”，至今已逾期 %d 天",
			v.whoOr(first.Speaker, "我方"), v.date(first.OccurredAt), v.date(miss.day), verb, clip(first.Text, 60), main.days)
		if len(main.missed) > 1 {
			fmt.Fprintf(&b, "，期间已改期 %d 次", len(main.missed)-1)
		}
		if ds := v.dues(main.c); ds[len(ds)-1].day.After(main.missed[len(main.missed)-1].day) {
			fmt.Fprintf(&b, "，目前改约到 %s", v.date(ds[len(ds)-1].day))
		}
		b.WriteString("，" + none)
		if n := len(all) - 1; n > 0 {
			fmt.Fprintf(&b, "另有 %d 项承诺同样逾期。", n)
		}
		b.WriteString(step)
	} else {
		fmt.Fprintf(&b, "%s于 %s 承诺在 %s 前：“%s”，已过期 %d 天仍未见进展。客户方的承诺落空往往说明项目在对方内部的优先级在下降。",
			v.whoOr(first.Speaker, "客户"), v.date(first.OccurredAt), v.date(miss.day), clip(miss.member.Text, 60), main.days)
		if n := len(all) - 1; n > 0 {
			fmt.Fprintf(&b, "另有 %d 项承诺同样逾期。", n)
		}
		fmt.Fprintf(&b, "建议以协助的口吻联系%s，询问是否遇到阻碍，并提出我方可以分担的具体工作。", v.nameOr(first.Speaker, "客户对接人"))
	}
	w.Message = b.String()
	return w, true
}

// tolerated reports whether an overdue promise of ours seems not to
// trouble the customer: no customer message about it says it is missing or
// chases it, and a customer contact engaged positively (a commitment, a
// pain point, opened material, an accepted meeting) after the missed due
// date.
func (v *view) tolerated(c *chain, missed time.Time) bool {
	if _, moved := v.positiveAfter("", missed.Add(day-time.Nanosecond)); !moved {
		return false
	}
	from := c.members[0].OccurredAt
	chases := func(text string) bool {
		return containsAny(text, delayCues) && sharesTerm(c.terms, v.termsOf(text))
	}
	for _, in := range v.inters[v.interAfter(from):] {
		if v.isCustomer(in.From) && chases(in.Subject) {
			return false
		}
	}
	for _, it := range v.items[v.itemAfter(from):] {
		if it.party == sideCustomer && chases(it.Text) {
			return false
		}
	}
	return true
}

// objectionWarning: customer objections left unanswered for longer than
// ObjectionGrace. Competitor objections have their own kind, and those
// already reported elsewhere (skip: as commercial sensitivity, or as the
// single thread's contact saying they cannot decide) are left out.
func (v *view) objectionWarning(skip func(*objection) bool) (Warning, bool) {
	var open []*objection
	for _, o := range v.objs {
		age := v.asOf.Sub(o.OccurredAt)
		if o.Type != extract.Objection || o.competitor || o.answered || skip(o) ||
			age < v.cfg.ObjectionGrace || age > v.cfg.Lookback {
			continue
		}
		open = append(open, o)
	}
	if len(open) == 0 {
		return Warning{}, false
	}
	oldest := open[0]
	days := int(v.asOf.Sub(oldest.OccurredAt).Hours() / 24)
	var lvl level
	switch {
	case len(open) >= 3 || days >= 30:
		lvl = 2
	case len(open) >= 2 || days >= 14:
		lvl = 1
	}
	w := Warning{Kind: UnresolvedObjection, Severity: lvl.severity(), Since: oldest.OccurredAt}
	for _, o := range open {
		w.Evidence = append(w.Evidence, v.evidence(o.MessageID, o.Text, string(objectionSignal(o)), o.OccurredAt))
	}
	slices.Reverse(w.Evidence) // the freshest concern first

	var b strings.Builder
	fmt.Fprintf(&b, "%s于 %s 提出%s异议：“%s”，已过去 %d 天，其本人之后没有新的承诺或积极回应，异议仍未解决。",
		v.whoOr(oldest.Speaker, "客户"), v.date(oldest.OccurredAt), subtypeNames[oldest.Subtype], clip(oldest.Text, 60), days)
	if len(open) > 1 {
		var topics []string
		for _, o := range open[1:] {
			if n := strings.TrimSuffix(subtypeNames[o.Subtype], "方面的"); n != "" && !slices.Contains(topics, n) {
				topics = append(topics, n)
			}
		}
		fmt.Fprintf(&b, "另有 %d 条未解决的异议", len(open)-1)
		if len(topics) > 0 {
			fmt.Fprintf(&b, "（涉及%s）", strings.Join(topics, "、"))
		}
		b.WriteString("。")
	}
	focus := mainObjection(open)
	fmt.Fprintf(&b, "建议%s。", nextStep(focus.Subtype, v.nameOr(focus.Speaker, "对方")))
	w.Message = b.String()
	return w, true
}

// mainObjection picks what the next step should address: the most common
// subtype among the open objections, the oldest of that subtype.
func mainObjection(open []*objection) *objection {
	count := map[string]int{}
	for _, o := range open {
		count[o.Subtype]++
	}
	best := open[0]
	for _, o := range open[1:] {
		if count[o.Subtype] > count[best.Subtype] {
			best = o
		}
	}
	return best
}

// subtypeNames names objection subtypes in messages.
var subtypeNames = map[string]string{
	"price":      "价格方面的",
	"terms":      "付款条款方面的",
	"competitor": "竞争对手方面的",
	"timing":     "时间安排方面的",
	"authority":  "决策权限方面的",
	"need":       "需求方面的",
	"technical":  "技术方面的",
	"risk":       "风险方面的",
}

// nextStep suggests how to answer an objection of a subtype.
func nextStep(subtype, name string) string {
	switch subtype {
	case "price":
		return "准备分档报价和按价值拆分的投资回报测算，约" + name + "当面讲清价格构成，而不是直接降价"
	case "terms":
		return "先与财务确认可接受的付款和账期方案，再给" + name + "一份书面的条款选项"
	case "timing":
		return "与" + name + "确认对方的时间窗口和卡点，提出分阶段上线的方案"
	case "authority":
		return "请" + name + "引荐真正拍板的人，并准备一页面向决策层的方案摘要供其内部汇报"
	case "need":
		return "回到客户的业务痛点，与" + name + "重新确认需求、成功标准和不做的代价"
	case "technical":
		return "安排售前或技术专家与" + name + "做一次针对性的技术答疑或演示，并留下书面结论"
	case "risk":
		return "向" + name + "提供同类客户的成功案例、试点方案或服务保障条款，降低对方的顾虑"
	}
	return "尽快与" + name + "约一次沟通，逐条回应其顾虑，并确认问题是否已经解决"
}

// commercialWarning: price or payment terms raised PaymentRepeat times or
// more within PaymentWindow. One question is not sensitivity; more are,
// graver when procurement or finance asks or when the customer pushes back
// again after our answer, milder when the asker committed to a next step
// after the latest one. Since is the question that made it a repetition.
func (v *view) commercialWarning() (Warning, bool) {
	var qs []mention
	all := v.paymentQuestions()
	rejected := 0 // questions raised again after we had answered the one before
	for i, q := range all {
		if v.asOf.Sub(q.at) >= v.cfg.PaymentWindow {
			continue
		}
		qs = append(qs, q)
		if i > 0 && v.vendorWroteBetween(all[i-1].at, q.at, q.who) {
			rejected++
		}
	}
	if len(qs) < v.cfg.PaymentRepeat {
		return Warning{}, false
	}
	lvl := level(min(len(qs)-v.cfg.PaymentRepeat, 2))
	// Pushing back after our answer means the concession did not close
	// the gap: the negotiation is stuck, not just starting.
	if rejected > 0 {
		lvl++
	}
	var askers, buyers []string
	for _, q := range qs {
		if !slices.Contains(askers, q.who) {
			askers = append(askers, q.who)
		}
		if isProcurementTitle(v.title(q.who)) && !slices.Contains(buyers, q.who) {
			buyers = append(buyers, q.who)
		}
	}
	if len(buyers) > 0 {
		lvl++
	}
	latest := qs[len(qs)-1]
	// Opening our revised offer does not settle a negotiation; a commitment
	// to the next step does.
	if _, settled := v.committedAfter(latest.who, latest.at); settled {
		lvl--
	}
	if lvl < 0 {
		return Warning{}, false
	}
	w := Warning{Kind: CommercialSensitivity, Severity: lvl.severity(), Since: qs[v.cfg.PaymentRepeat-1].at}
	for i := len(qs) - 1; i >= 0; i-- {
		w.Evidence = append(w.Evidence, v.evidence(qs[i].msgID, qs[i].quote, string(SigPaymentTermsRepeat), qs[i].at))
	}
	names := make([]string, 0, len(askers))
	for _, id := range askers {
		names = append(names, v.nameOr(id, "客户"))
	}
	main := latest.who
	if len(buyers) > 0 {
		main = buyers[0]
	}
	var b strings.Builder
	fmt.Fprintf(&b, "近 %d 天内，客户已 %d 次提出价格或付款条件问题（%s），最近一次是%s在 %s：“%s”。",
		days(v.cfg.PaymentWindow), len(qs), strings.Join(names, "、"), v.nameOr(latest.who, "客户"), v.date(latest.at), clip(latest.quote, 60))
	if len(buyers) > 0 {
		b.WriteString("提问者包括采购或财务人员，")
	}
	if rejected > 0 {
		fmt.Fprintf(&b, "其中 %d 次是在我方答复或让步之后再次提出，", rejected)
	}
	fmt.Fprintf(&b, "说明客户对商务条款高度敏感，可能正在压价或比价。建议由销售与财务一起准备一份完整的商务方案（付款方式、账期、折扣的可选组合及对应价格），一次性书面答复%s，避免逐条让步。",
		v.nameOr(main, "客户"))
	w.Message = b.String()
	return w, true
}

// vendorWroteBetween reports whether we sent who (any customer contact
// when who is unknown) a message of ours, an email, chat, call or meeting
// we authored, after from and before to.
func (v *view) vendorWroteBetween(from, to time.Time, who string) bool {
	for _, in := range v.inters[v.interAfter(from):] {
		if !in.OccurredAt.Before(to) {
			return false
		}
		if in.Channel != chanActivity && v.side(in.From) == sideVendor && (who == "" || slices.Contains(in.Participants, who)) {
			return true
		}
	}
	return false
}

// declineWarning: a dimension fell by DeclineDrop or more over TrendWindow
// and is now clearly below Baseline (by half of DeclineDrop): a score coming
// down from a high to neutral is not a decline. Since is the first negative signal of the
// window; the evidence is the largest negative signals.
func (v *view) declineWarning(d Dimension, hs []hit, now, before float64) (Warning, bool) {
	drop := before - now
	if drop < v.cfg.DeclineDrop || now > v.cfg.Baseline-v.cfg.DeclineDrop/2 {
		return Warning{}, false
	}
	kind := TechnicalTrustDecline
	idx := 0
	if d == Emotional {
		kind, idx = EmotionalTrustDecline, 2
	}
	var lvl level
	switch {
	case drop >= 3*v.cfg.DeclineDrop || now < v.cfg.RiskThreshold:
		lvl = 2
	case drop >= 2*v.cfg.DeclineDrop:
		lvl = 1
	}
	from := v.asOf.Add(-v.cfg.TrendWindow)
	w := Warning{Kind: kind, Severity: lvl.severity(), Since: from}
	var neg []contribution
	for _, c := range v.contributions(hs)[idx] {
		if c.delta < 0 && (c.h.standing || c.h.at.After(from)) {
			neg = append(neg, c)
		}
	}
	if len(neg) > 0 {
		w.Since = neg[0].h.at
	}
	var reasons []string
	for _, c := range neg {
		if c.h.at.Before(w.Since) {
			w.Since = c.h.at
		}
		if len(w.Evidence) < warningEvidence {
			e := v.evidence(c.h.msgID, c.h.quote, string(c.h.sig), c.h.at)
			e.Dimension, e.Delta = d, math.Round(c.delta*100)/100
			w.Evidence = append(w.Evidence, e)
		}
		if len(reasons) < 3 {
			reasons = append(reasons, v.describe(*c.h))
		}
	}
	w.Since = maxTime(w.Since, from)

	var b strings.Builder
	if d == Technical {
		fmt.Fprintf(&b, "技术信任度从 %d 天前的 %.1f 降到 %.1f。", days(v.cfg.TrendWindow), before, now)
	} else {
		fmt.Fprintf(&b, "客户关系温度（情感信任度）从 %d 天前的 %.1f 降到 %.1f。", days(v.cfg.TrendWindow), before, now)
	}
	if len(reasons) > 0 {
		fmt.Fprintf(&b, "主要原因：%s。", strings.Join(reasons, "；"))
	}
	// Talk to whoever is behind the main cause, if they are still there.
	contact := ""
	for _, c := range neg {
		if v.isCustomer(c.h.who) && !v.left(c.h.who, v.asOf) {
			contact = c.h.who
			break
		}
	}
	if d == Technical {
		if contact == "" {
			contact = v.technicalContact()
		}
		fmt.Fprintf(&b, "建议安排售前或技术专家直接联系%s，了解对方对方案的具体疑虑，必要时做一次针对性的演示或技术答疑，而不是继续发送资料。",
			v.nameOr(contact, "客户的技术负责人"))
	} else {
		if contact == "" {
			contact = v.mainContact()
		}
		fmt.Fprintf(&b, "建议由客户经理主动约%s做一次非正式沟通（电话或面谈），坦诚了解态度变化的原因，必要时请上级一同出面表达重视。",
			v.nameOr(contact, "客户对接人"))
	}
	w.Message = b.String()
	return w, true
}

// darkWarning: the customer's silence is DarkFactor times its own usual gap
// and at least DarkMinGap, or a decision maker has gone quiet while we keep
// reaching out (quietDecider). Graver the longer the silence, and when our
// own messages go unanswered. Since is the last customer message (the
// decision maker's own, for a quiet decider).
func (v *view) darkWarning() (Warning, bool) {
	d, ok := v.goingDark()
	if !ok {
		return Warning{}, false
	}
	ratio := d.gap / d.threshold
	var lvl level
	switch {
	case ratio >= 2:
		lvl = 2
	case ratio >= 1.5:
		lvl = 1
	}
	if len(d.unanswered)+d.refusals >= 2 {
		lvl++
	}
	w := Warning{Kind: GoingDark, Severity: lvl.severity(), Since: d.last.at}
	w.Evidence = append(w.Evidence, v.evidence(d.last.msgID, d.last.subject, string(SigGoingDark), d.last.at))
	for i := len(d.unanswered) - 1; i >= 0 && len(w.Evidence) < warningEvidence; i-- {
		in := d.unanswered[i]
		w.Evidence = append(w.Evidence, v.evidence(in.MessageID, in.Subject, "vendor_message_unanswered", in.OccurredAt))
	}

	var b strings.Builder
	contact := d.last.who
	if d.decider != "" {
		contact = d.decider
		fmt.Fprintf(&b, "%s最近一次直接与我们沟通是在 %s 的%s", v.who(d.decider), v.date(d.last.at), channelNames[d.last.channel])
		if d.last.subject != "" {
			fmt.Fprintf(&b, "（“%s”）", clip(d.last.subject, 40))
		}
		fmt.Fprintf(&b, "，此后已 %d 天没有回应（平时大约每 %s 天就有一次往来）", int(d.gap), fmtDays(d.cadence))
		if d.refusals > 0 {
			fmt.Fprintf(&b, "，其间 %d 次未打开我方资料或拒绝、取消会议", d.refusals)
		}
		b.WriteString("；客户方虽仍有人与我们往来，但决策人已经沉默。")
	} else {
		fmt.Fprintf(&b, "客户方最近一次与我们沟通是%s在 %s 的%s", v.nameOr(d.last.who, "客户"), v.date(d.last.at), channelNames[d.last.channel])
		if d.last.subject != "" {
			fmt.Fprintf(&b, "（“%s”）", clip(d.last.subject, 40))
		}
		fmt.Fprintf(&b, "，此后已 %d 天没有客户消息，而该客户平时大约每 %s 天就有一次往来。", int(d.gap), fmtDays(d.cadence))
	}
	if n := len(d.unanswered); n > 0 {
		last := d.unanswered[n-1]
		fmt.Fprintf(&b, "期间我方已发出 %d 条消息未获回复（最近一条是 %s", n, v.date(last.OccurredAt))
		if last.Subject != "" {
			fmt.Fprintf(&b, " 的“%s”", clip(last.Subject, 40))
		}
		b.WriteString("）。")
	}
	fmt.Fprintf(&b, "建议换一种方式触达：今天直接给%s打电话", v.nameOr(contact, "客户对接人"))
	if other := v.otherContact(contact); other != "" {
		fmt.Fprintf(&b, "，或通过%s了解近况", v.name(other))
	}
	b.WriteString("；如仍无回应，请上级出面约一次拜访。")
	w.Message = b.String()
	return w, true
}

// threadWarning: one customer contact alone engages with us (see threads).
// Milder when that contact decides, graver when they have said they cannot.
// Since is when the other contacts fell silent.
func (v *view) threadWarning() (Warning, bool) {
	th := v.threads()
	if !th.single {
		return Warning{}, false
	}
	only := th.contacts[0]
	var lvl level = 1
	if isSeniorTitle(v.title(only)) {
		lvl = 0
	}
	// Talking only to someone who says they cannot decide is worse.
	cannotDecide := slices.ContainsFunc(v.objs, func(o *objection) bool {
		return o.Speaker == only && o.Subtype == "authority" && v.asOf.Sub(o.OccurredAt) <= v.cfg.Lookback
	})
	if cannotDecide {
		lvl = 2
	}
	w := Warning{Kind: SingleThreaded, Severity: lvl.severity()}
	var lastOther, firstOwn time.Time
	for _, t := range v.touches {
		if slices.ContainsFunc(t.talkers, func(id string) bool { return id != only }) {
			lastOther = t.at
		}
		if firstOwn.IsZero() && slices.Contains(t.talkers, only) {
			firstOwn = t.at
		}
	}
	w.Since = firstOwn
	if !lastOther.IsZero() {
		w.Since = maxTime(lastOther, firstOwn)
	}
	from := v.asOf.Add(-v.cfg.ThreadWindow)
	for i := len(v.touches) - 1; i >= 0 && len(w.Evidence) < 5; i-- {
		t := v.touches[i]
		if t.at.After(from) && slices.Contains(t.talkers, only) {
			w.Evidence = append(w.Evidence, v.evidence(t.msgID, t.subject, string(SigSingleThreaded), t.at))
		}
	}

	var others []string
	for _, id := range v.peopleIDs() {
		if id != only && v.isCustomer(id) && !v.left(id, v.asOf) {
			others = append(others, v.name(id))
		}
	}
	var roles []string
	title := v.title(only)
	if !isTechnicalTitle(title) {
		roles = append(roles, "技术负责人")
	}
	if !isProcurementTitle(title) {
		roles = append(roles, "采购或财务负责人")
	}
	if !isSeniorTitle(title) {
		roles = append(roles, "业务决策人")
	}
	if len(roles) == 0 {
		roles = append(roles, "其他相关部门的同事")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "过去 %d 天里，客户方只有%s一人在与我们沟通（共 %d 次，最近一次是 %s）",
		days(v.cfg.ThreadWindow), v.who(only), th.count, v.date(th.last.at))
	if len(others) > 0 {
		fmt.Fprintf(&b, "，%s等其他联系人都没有参与", strings.Join(others[:min(len(others), 3)], "、"))
	} else {
		b.WriteString("，我们还不认识客户方的其他人")
	}
	b.WriteString("。")
	if cannotDecide {
		fmt.Fprintf(&b, "%s已表示自己做不了主，", v.name(only))
	}
	fmt.Fprintf(&b, "一旦其态度变化、调岗或离职，项目就会失去抓手。建议请%s引荐%s，并在两周内至少与其中一位建立直接联系。",
		v.name(only), strings.Join(roles, "、"))
	w.Message = b.String()
	return w, true
}

// departureWarning: a champion (high) or key contact (medium) left within
// DepartureWindow; one step milder once another customer contact has
// engaged positively since. Since is the departure.
func (v *view) departureWarning() (Warning, bool) {
	type gone struct {
		d           departure
		lvl         level
		units       int
		champion    bool
		replacement string
		replacedAt  time.Time
	}
	var list []gone
	for _, d := range v.gone {
		if v.asOf.Sub(d.at) > v.cfg.DepartureWindow {
			continue
		}
		champion, key, units := v.importance(d)
		if !key {
			continue
		}
		g := gone{d: d, units: units, champion: champion, lvl: 1}
		if champion {
			g.lvl = 2
		}
		if repl, at, ok := v.replacement(d); ok {
			g.replacement, g.replacedAt = repl, at
			g.lvl--
		}
		list = append(list, g)
	}
	if len(list) == 0 {
		return Warning{}, false
	}
	main := list[0]
	for _, g := range list[1:] {
		if g.lvl > main.lvl || (g.lvl == main.lvl && g.d.at.After(main.d.at)) {
			main = g
		}
	}
	w := Warning{Kind: ChampionLeft, Severity: main.lvl.severity(), Since: main.d.at}
	for _, g := range list {
		sig := SigContactLeft
		if g.champion {
			sig = SigChampionLeft
		}
		w.Evidence = append(w.Evidence, v.evidence(g.d.msgID, v.name(g.d.who)+"离职", string(sig), g.d.at))
	}

	name := v.name(main.d.who)
	var b strings.Builder
	fmt.Fprintf(&b, "%s已于 %s 离开%s。", v.who(main.d.who), v.date(main.d.at), v.accountName())
	if main.champion {
		fmt.Fprintf(&b, "%s是该客户最活跃的联系人（离开前 %d 天内有 %d 次有效互动），项目推进很大程度上依赖其支持。",
			name, days(v.cfg.ChampionLookback), main.units)
	} else {
		fmt.Fprintf(&b, "%s是该客户的关键联系人。", name)
	}
	if n := len(list) - 1; n > 0 {
		fmt.Fprintf(&b, "近期另有 %d 位关键联系人离开。", n)
	}
	successor := v.successor(main.d)
	switch other := v.otherContact(main.d.who); {
	case successor != "" && successor != main.replacement:
		fmt.Fprintf(&b, "从职务看，%s已经接手，但尚未表现出积极态度。建议尽快约%s单独见面，同步项目背景、已作出的承诺和下一步计划，重新确认项目的价值和优先级。",
			v.who(successor), v.name(successor))
	case main.replacement != "":
		fmt.Fprintf(&b, "%s已于 %s 开始与我们沟通。建议尽快与%s单独见面，同步项目背景、已作出的承诺和下一步计划，确认其对项目的态度。",
			v.who(main.replacement), v.date(main.replacedAt), v.name(main.replacement))
	case other != "":
		fmt.Fprintf(&b, "建议尽快通过%s确认接任人选，两周内安排与新对接人的介绍会，同步项目背景、已作出的承诺和下一步计划。", v.name(other))
	default:
		fmt.Fprintf(&b, "我们在客户方已没有其他联系人。建议若仍能联系上%s，请其引荐接任者；否则通过客户总机或其上级尽快找到新的对接人。", name)
	}
	w.Message = b.String()
	return w, true
}

// successor finds the contact who seems to have taken over from someone
// who left: same title, and in touch with us since.
func (v *view) successor(d departure) string {
	title := v.title(d.who)
	if title == "" {
		return ""
	}
	for _, t := range v.touches {
		if !t.at.After(d.at) {
			continue
		}
		for _, id := range t.talkers {
			if id != d.who && v.title(id) == title && !v.left(id, v.asOf) {
				return id
			}
		}
	}
	return ""
}

// replacement finds another customer contact who engaged positively after
// a departure.
func (v *view) replacement(d departure) (string, time.Time, bool) {
	for _, it := range v.items {
		if it.OccurredAt.After(d.at) && it.party == sideCustomer && it.Speaker != d.who && v.isCustomer(it.Speaker) &&
			!v.left(it.Speaker, v.asOf) && (it.Type == extract.Commitment || it.Type == extract.PainPoint) {
			return it.Speaker, it.OccurredAt, true
		}
	}
	for _, a := range v.acts {
		if a.OccurredAt.After(d.at) && a.Actor != d.who && v.isCustomer(a.Actor) && !v.left(a.Actor, v.asOf) &&
			(a.Kind == actAttachmentOpened || a.Kind == actMeetingAccepted) {
			return a.Actor, a.OccurredAt, true
		}
	}
	return "", time.Time{}, false
}

// competitorWarning: the customer named a competitor within Lookback and
// the same contact has not engaged positively since. Graver when it
// happens more than once, or when a decision maker or buyer says it. A
// rival's price or terms quoted in a negotiation already reported as
// commercial sensitivity is leverage in that negotiation and is reported
// there.
func (v *view) competitorWarning(reported map[string]bool) (Warning, bool) {
	var open []*objection
	for _, o := range v.objs {
		if reported[o.MessageID] && isPaymentQuestion(o.Subtype, o.Text) {
			continue
		}
		if o.competitor && !o.answered && v.asOf.Sub(o.OccurredAt) <= v.cfg.Lookback {
			open = append(open, o)
		}
	}
	if len(open) == 0 {
		return Warning{}, false
	}
	var lvl level = 1
	for _, o := range open {
		if t := v.title(o.Speaker); isSeniorTitle(t) || isProcurementTitle(t) {
			lvl = 2
		}
	}
	if len(open) >= 2 {
		lvl = 2
	}
	first, latest := open[0], open[len(open)-1]
	w := Warning{Kind: CompetitorThreat, Severity: lvl.severity(), Since: first.OccurredAt}
	for i := len(open) - 1; i >= 0; i-- {
		w.Evidence = append(w.Evidence, v.evidence(open[i].MessageID, open[i].Text, string(objectionSignal(open[i])), open[i].OccurredAt))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s在 %s 提到竞争对手：“%s”", v.whoOr(latest.Speaker, "客户"), v.date(latest.OccurredAt), clip(latest.Text, 60))
	if len(open) > 1 {
		fmt.Fprintf(&b, "（自 %s 以来共 %d 次提及）", v.date(first.OccurredAt), len(open))
	}
	fmt.Fprintf(&b, "，之后未见其有积极回应，客户可能正在认真比较其他方案。建议本周内准备一份针对性的对比材料，突出我方在对方关心的点上的差异和同类客户案例，并约%s当面沟通评估标准和决策时间表。",
		v.nameOr(latest.Speaker, "客户对接人"))
	w.Message = b.String()
	return w, true
}

// evidence builds one evidence entry.
func (v *view) evidence(msgID, quote, signal string, at time.Time) Evidence {
	return Evidence{MessageID: msgID, Quote: clip(quote, quoteRunes), Signal: signal, At: at}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func days(d time.Duration) int { return int(d / day) }
