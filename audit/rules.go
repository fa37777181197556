package audit

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/guanxi-dev/guanxi/graph"
	"github.com/guanxi-dev/guanxi/report"
	"github.com/guanxi-dev/guanxi/scoring"
)

// Rule is one entry of the advice table.
type Rule struct {
	// ID names the rule in Advice.Rule.
	ID string
	// Dimension is the trust dimension the advice reinforces; empty for
	// advice about the relationship as a whole.
	Dimension scoring.Dimension
	// Warnings: the rule fires when any of them is active.
	Warnings []scoring.Kind
	// Signals: the rule fires when any of them lowered the account's trust
	// and Dimension is a weak spot.
	Signals []scoring.Signal
	// Gap: the rule fires when Dimension is the weakest, trails the
	// strongest by at least Options.Gap and no earlier rule advised on it.
	Gap bool
	// Action is the next step recommended, in Chinese.
	Action string
	// finding overrides the generic description of what was found.
	finding func(a *assessment, m match) string
}

// Rules is the advice table, in the order advice is given: departures and
// broken promises first, since they undo everything else, then the
// dimension-specific rules, then the gap rules that catch a weak dimension
// no specific rule explained.
var Rules = []Rule{
	{
		ID:       "champion_left",
		Warnings: []scoring.Kind{scoring.ChampionLeft},
		Action:   "建议尽快与接任者及其上级建立联系，由我方高层拜访重申合作价值，并把已达成的共识书面移交。",
		finding:  championFinding,
	},
	{
		ID:        "vendor_promise_overdue",
		Dimension: scoring.Emotional,
		Warnings:  []scoring.Kind{scoring.OverdueCommitment},
		Signals:   []scoring.Signal{scoring.SigVendorCommitmentOverdue, scoring.SigCommitmentRescheduled, scoring.SigVendorCommitmentLate},
		Action:    "建议先兑现或给出明确的新时间，由主管出面说明原因，之后每个承诺都写明交付日期并提前确认。",
	},
	{
		ID:        "tech_material_ignored",
		Dimension: scoring.Technical,
		Signals:   []scoring.Signal{scoring.SigTechAttachmentIgnored},
		Action:    "建议安排架构师一对一技术交流，围绕对方关注的问题当面讲解方案，而不是继续发送材料。",
	},
	{
		ID:        "technical_doubt",
		Dimension: scoring.Technical,
		Warnings:  []scoring.Kind{scoring.TechnicalTrustDecline},
		Signals:   []scoring.Signal{scoring.SigObjectionTechnical, scoring.SigObjectionRisk},
		Action:    "建议组织针对性的技术验证（POC、测试环境演示或同行案例参观），用数据回应技术疑虑。",
	},
	{
		ID:        "payment_terms",
		Dimension: scoring.Commercial,
		Warnings:  []scoring.Kind{scoring.CommercialSensitivity},
		Signals:   []scoring.Signal{scoring.SigPaymentTermsRepeat, scoring.SigObjectionPrice, scoring.SigObjectionTerms},
		Action:    "建议一次性给出完整商务方案（价格、账期、付款节点和可选项），由有权限的人当面确认，避免逐条拉锯。",
	},
	{
		ID:        "competitor",
		Dimension: scoring.Commercial,
		Warnings:  []scoring.Kind{scoring.CompetitorThreat},
		Signals:   []scoring.Signal{scoring.SigObjectionCompetitor, scoring.SigCompetitorMentioned},
		Action:    "建议准备与该竞品的差异化对比和同行案例，邀请决策人参与价值评估，不要只在价格上应对。",
	},
	{
		ID:        "single_threaded",
		Dimension: scoring.Commercial,
		Warnings:  []scoring.Kind{scoring.SingleThreaded},
		Signals:   []scoring.Signal{scoring.SigSingleThreaded, scoring.SigObjectionAuthority},
		Action:    "建议请其引荐技术、采购和决策层的同事，安排多方参加的交流，建立多线联系。",
		finding:   threadFinding,
	},
	{
		ID:        "meeting_friction",
		Dimension: scoring.Emotional,
		Signals:   []scoring.Signal{scoring.SigMeetingDeclined, scoring.SigMeetingCancelled, scoring.SigAttachmentIgnored},
		Action:    "建议由主管电话回访，了解推迟的真实原因，再约对方方便、议题明确的短会。",
	},
	{
		ID:        "cooling",
		Dimension: scoring.Emotional,
		Warnings:  []scoring.Kind{scoring.EmotionalTrustDecline},
		Signals:   []scoring.Signal{scoring.SigColdTone, scoring.SigObjectionNeed, scoring.SigObjectionTiming, scoring.SigCustomerCommitmentLapsed},
		Action:    "建议放慢推进节奏，请客户直说顾虑，围绕其关心的业务成果重新对齐需求和时间表。",
	},
	{
		ID:        "going_dark",
		Dimension: scoring.Emotional,
		Warnings:  []scoring.Kind{scoring.GoingDark},
		Signals:   []scoring.Signal{scoring.SigGoingDark, scoring.SigResponsivenessDrop},
		Action:    "建议换一位联系人或换一个渠道，带着对客户有价值的内容（行业案例、问题进展）重新打开对话，而不是催促。",
		finding:   darkFinding,
	},
	{
		ID:       "unresolved_objection",
		Warnings: []scoring.Kind{scoring.UnresolvedObjection},
		Action:   "建议逐条书面回应这些异议，约定回应后的确认时间，并记录客户的反馈。",
	},
	{
		ID:        "technical_gap",
		Dimension: scoring.Technical,
		Gap:       true,
		Action:    "建议安排技术交流或小范围试点，让客户的技术负责人亲自验证产品。",
	},
	{
		ID:        "commercial_gap",
		Dimension: scoring.Commercial,
		Gap:       true,
		Action:    "建议与采购和预算负责人确认采购流程、预算和决策人，尽早给出完整商务方案。",
	},
	{
		ID:        "emotional_gap",
		Dimension: scoring.Emotional,
		Gap:       true,
		Action:    "建议增加有价值的当面接触（拜访、高层会面、阶段成果回顾），并及时兑现每个小承诺。",
	},
}

// dimensionNames are the Chinese names of the dimensions.
var dimensionNames = map[scoring.Dimension]string{
	scoring.Technical:  "技术",
	scoring.Commercial: "商务",
	scoring.Emotional:  "情感",
}

// DimensionName is the Chinese name of a trust dimension.
func DimensionName(d scoring.Dimension) string {
	if n, ok := dimensionNames[d]; ok {
		return n
	}
	return string(d)
}

// signalPhrases say what a signal means, as the predicate of a sentence
// whose subject is the person involved.
var signalPhrases = map[string]string{
	string(scoring.SigTechAttachmentIgnored):    "未打开技术资料",
	string(scoring.SigAttachmentIgnored):        "未打开我方资料",
	string(scoring.SigObjectionTechnical):       "提出技术异议",
	string(scoring.SigObjectionRisk):            "提出风险顾虑",
	string(scoring.SigObjectionPrice):           "对价格提出异议",
	string(scoring.SigObjectionTerms):           "对付款条款提出异议",
	string(scoring.SigPaymentTermsRepeat):       "追问账期或价格",
	string(scoring.SigObjectionCompetitor):      "拿竞品作比较",
	string(scoring.SigCompetitorMentioned):      "提到竞品",
	string(scoring.SigObjectionAuthority):       "表示自己不能拍板",
	string(scoring.SigMeetingDeclined):          "拒绝会议邀请",
	string(scoring.SigMeetingCancelled):         "取消会议",
	string(scoring.SigColdTone):                 "语气转冷",
	string(scoring.SigObjectionNeed):            "质疑需求",
	string(scoring.SigObjectionTiming):          "表示时机不合适",
	string(scoring.SigCustomerCommitmentLapsed): "答应的事没有推进",
	string(scoring.SigVendorCommitmentOverdue):  "收到的我方承诺逾期未兑现",
	string(scoring.SigVendorCommitmentLate):     "收到的我方承诺延期兑现",
	string(scoring.SigCommitmentRescheduled):    "收到的我方承诺一再改期",
	string(scoring.SigResponsivenessDrop):       "回复明显变少",
	string(scoring.SigGoingDark):                "最后一次联系",
	string(scoring.SigSingleThreaded):           "是唯一保持联系的客户联系人",
}

// match is what made a rule fire.
type match struct {
	warnings []scoring.Warning
	// gap is set when a gap rule fired on dimension gap.
	gap scoring.Dimension
	// occ are the evidence entries the finding rests on, oldest first.
	occ []scoring.Evidence
}

// assessment is the state the rules read.
type assessment struct {
	audit    *AccountAudit
	facts    graph.AccountFacts
	evidence []scoring.Evidence
	opts     Options
}

// adviceEvidence caps the evidence attached to one piece of advice.
const adviceEvidence = 5

func advise(a *assessment) []Advice {
	out := []Advice{}
	advised := map[scoring.Dimension]bool{}
	// cited holds the facts already quoted per dimension: a warning that
	// rests on the same facts as earlier advice adds nothing.
	cited := map[scoring.Dimension]map[string]bool{}
	key := func(e scoring.Evidence) string { return e.Signal + "\x00" + e.MessageID }
	for _, r := range Rules {
		m, ok := a.match(r, advised)
		if !ok {
			continue
		}
		if r.Dimension != "" && len(m.occ) > 0 && !slices.ContainsFunc(m.occ, func(e scoring.Evidence) bool { return !cited[r.Dimension][key(e)] }) {
			continue
		}
		if r.Dimension != "" {
			if cited[r.Dimension] == nil {
				cited[r.Dimension] = map[string]bool{}
			}
			for _, e := range m.occ {
				cited[r.Dimension][key(e)] = true
			}
		}
		text := a.prefix(r, m)
		switch {
		case m.gap != "":
			text += a.gapFinding(m)
		case r.finding != nil:
			text += r.finding(a, m)
		default:
			text += a.describe(m)
		}
		text += "。" + r.Action
		ev := m.occ
		if len(ev) > adviceEvidence {
			ev = ev[len(ev)-adviceEvidence:]
		}
		out = append(out, Advice{Rule: r.ID, Dimension: r.Dimension, Text: text, Evidence: slices.Clone(ev)})
		if r.Dimension != "" {
			advised[r.Dimension] = true
		}
	}
	return out
}

// match tells whether r fires and on what.
func (a *assessment) match(r Rule, advised map[scoring.Dimension]bool) (match, bool) {
	var m match
	for _, w := range a.audit.Warnings {
		if slices.Contains(r.Warnings, w.Kind) {
			m.warnings = append(m.warnings, w)
			m.occ = append(m.occ, w.Evidence...)
		}
	}
	if len(m.warnings) == 0 && len(r.Signals) > 0 && a.weak(r.Dimension) {
		m.occ = a.occurrences(r.Signals)
	}
	if len(m.warnings) == 0 && len(m.occ) == 0 && r.Gap {
		d := a.dim(r.Dimension)
		if a.audit.Weakest != r.Dimension || a.audit.Spread < a.opts.Gap || advised[r.Dimension] || d == nil {
			return match{}, false
		}
		// The largest drags on the dimension, if it has any.
		neg := a.occurrencesIn(r.Dimension)
		slices.SortStableFunc(neg, func(x, y scoring.Evidence) int { return cmp.Compare(x.Delta, y.Delta) })
		m.occ = neg[:min(len(neg), 2)]
		m.gap = r.Dimension
		sortByTime(m.occ)
		return m, true
	}
	if len(m.warnings) == 0 && len(m.occ) == 0 {
		return match{}, false
	}
	sortByTime(m.occ)
	return m, true
}

func sortByTime(es []scoring.Evidence) {
	slices.SortStableFunc(es, func(x, y scoring.Evidence) int {
		return cmp.Or(x.At.Compare(y.At), cmp.Compare(x.MessageID, y.MessageID))
	})
}

func (a *assessment) dim(d scoring.Dimension) *DimensionAudit {
	for i := range a.audit.Dimensions {
		if a.audit.Dimensions[i].Dimension == d {
			return &a.audit.Dimensions[i]
		}
	}
	return nil
}

func (a *assessment) weak(d scoring.Dimension) bool {
	x := a.dim(d)
	return x != nil && x.Weak
}

// occurrences lists each time one of the signals lowered trust, once per
// message, whatever dimensions it moved.
func (a *assessment) occurrences(sigs []scoring.Signal) []scoring.Evidence {
	var out []scoring.Evidence
	seen := map[string]bool{}
	for _, e := range a.evidence {
		if e.Delta >= 0 || !slices.Contains(sigs, scoring.Signal(e.Signal)) {
			continue
		}
		key := e.Signal + "\x00" + e.MessageID + "\x00" + e.At.String()
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, e)
	}
	return out
}

// occurrencesIn lists what lowered dimension d.
func (a *assessment) occurrencesIn(d scoring.Dimension) []scoring.Evidence {
	var out []scoring.Evidence
	for _, e := range a.evidence {
		if e.Dimension == d && e.Delta < 0 {
			out = append(out, e)
		}
	}
	return out
}

// prefix heads the advice with the weak dimension, or else the warning.
func (a *assessment) prefix(r Rule, m match) string {
	switch {
	case r.Dimension != "" && a.weak(r.Dimension):
		return DimensionName(r.Dimension) + "信任偏弱："
	case len(m.warnings) > 0:
		return report.KindName(m.warnings[0].Kind) + "："
	case r.Dimension != "":
		return DimensionName(r.Dimension) + "信任："
	}
	return ""
}

// describe says what happened: who, since when, how often, where and in
// what words. With a warning it describes the warning's evidence, else the
// most frequent of the rule's signals.
func (a *assessment) describe(m match) string {
	occ := m.occ
	phrase := ""
	if len(m.warnings) > 0 {
		w := m.warnings[0]
		occ = w.Evidence
		phrase = "出现" + report.KindName(w.Kind) + "迹象"
		for _, e := range occ {
			if p := signalPhrases[e.Signal]; p != "" {
				phrase = p
				break
			}
		}
	} else {
		// The signal that happened most often speaks for the rest.
		count := map[string]int{}
		best := ""
		for _, e := range occ {
			count[e.Signal]++
			if best == "" || count[e.Signal] > count[best] {
				best = e.Signal
			}
		}
		occ = slices.DeleteFunc(slices.Clone(occ), func(e scoring.Evidence) bool { return e.Signal != best })
		phrase = signalPhrases[best]
	}
	if len(occ) == 0 {
		if len(m.warnings) > 0 {
			return strings.TrimSuffix(m.warnings[0].Message, "。")
		}
		return ""
	}
	sortByTime(occ)
	return a.sentence(occ, phrase)
}

// sentence writes "<who><date>起<n>次<phrase>（<ids>）：“<quote>”".
func (a *assessment) sentence(occ []scoring.Evidence, phrase string) string {
	var names, ids []string
	for _, e := range occ {
		if n := a.who(e); n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
		if !slices.Contains(ids, e.MessageID) {
			ids = append(ids, e.MessageID)
		}
	}
	who := "客户"
	switch {
	case len(names) == 1:
		who = names[0]
	case len(names) > 1:
		who = strings.Join(names[:min(len(names), 2)], "、")
		if len(names) > 2 {
			who += "等人"
		}
	}
	var b strings.Builder
	b.WriteString(who + " " + a.date(occ[0].At))
	if len(ids) > 1 {
		fmt.Fprintf(&b, "起%d次%s", len(ids), phrase)
	} else {
		b.WriteString(phrase)
	}
	shown := ids[max(0, len(ids)-3):]
	fmt.Fprintf(&b, "（%s）", strings.Join(shown, "、"))
	if q := latestQuote(occ); q != "" {
		fmt.Fprintf(&b, "：“%s”", clip(q, 40))
	}
	return b.String()
}

// gapFinding describes a dimension trailing the others and what dragged it
// down most.
func (a *assessment) gapFinding(m match) string {
	d := a.dim(m.gap)
	s := a.dim(a.audit.Strongest)
	text := fmt.Sprintf("%s信任 %.1f 分，比%s信任低 %.1f 分", DimensionName(d.Dimension), d.Score, DimensionName(s.Dimension), a.audit.Spread)
	var parts []string
	for _, e := range m.occ {
		p := a.date(e.At)
		if n := a.who(e); n != "" {
			p = n + " " + p
		}
		if e.Quote != "" {
			p += "“" + clip(e.Quote, 30) + "”"
		}
		parts = append(parts, p+"（"+e.MessageID+"）")
	}
	if len(parts) == 0 {
		return text + "，缺少能提升它的互动"
	}
	return text + "，主要拖累：" + strings.Join(parts, "；")
}

func championFinding(a *assessment, m match) string {
	for _, e := range m.occ {
		if e.Signal == string(scoring.SigChampionLeft) || e.Signal == string(scoring.SigContactLeft) {
			who := a.who(e)
			if who == "" {
				who = "关键联系人"
			}
			return fmt.Sprintf("%s %s离职（%s）", who, a.date(e.At), e.MessageID)
		}
	}
	return a.describe(m)
}

func threadFinding(a *assessment, m match) string {
	if len(m.occ) == 0 {
		return a.describe(m)
	}
	last := m.occ[len(m.occ)-1]
	who := a.who(last)
	if who == "" {
		return a.describe(m)
	}
	first := m.occ[0]
	return fmt.Sprintf("只与1位客户联系人沟通：%s（%s以来的往来都只有其一人，最近一次是%s %s%s）", who,
		a.date(first.At), a.date(last.At), last.MessageID, quoteSuffix(last.Quote))
}

func darkFinding(a *assessment, m match) string {
	for _, e := range m.occ {
		if e.Signal == string(scoring.SigGoingDark) {
			days := int(a.opts.AsOf.Sub(e.At).Hours() / 24)
			who := a.who(e)
			if who != "" {
				who += " "
			}
			return fmt.Sprintf("客户已沉默%d天，最后一次联系是%s%s（%s%s）", days, who, a.date(e.At), e.MessageID, quoteSuffix(e.Quote))
		}
	}
	return a.describe(m)
}

func quoteSuffix(q string) string {
	if q == "" {
		return ""
	}
	return "“" + clip(q, 30) + "”"
}

func latestQuote(occ []scoring.Evidence) string {
	for i := len(occ) - 1; i >= 0; i-- {
		if occ[i].Quote != "" {
			return occ[i].Quote
		}
	}
	return ""
}

// who names the customer person an evidence entry is about: the actor of
// an activity, the speaker of a quoted item, the customer author of a
// message, or its only customer participant.
func (a *assessment) who(e scoring.Evidence) string {
	for _, act := range a.facts.Activities {
		if act.MessageID == e.MessageID && act.Actor != "" {
			return a.person(act.Actor)
		}
	}
	quote := strings.TrimSuffix(e.Quote, "…")
	for _, it := range a.facts.Items {
		if it.MessageID == e.MessageID && it.Speaker != "" && quote != "" && strings.HasPrefix(it.Text, quote) {
			return a.person(it.Speaker)
		}
	}
	for _, in := range a.facts.Interactions {
		if in.MessageID != e.MessageID {
			continue
		}
		if p, ok := a.lookup(in.From); ok && p.Side == "customer" {
			return a.person(in.From)
		}
		var customers []string
		for _, id := range in.Participants {
			if p, ok := a.lookup(id); ok && p.Side == "customer" {
				customers = append(customers, id)
			}
		}
		if len(customers) == 1 {
			return a.person(customers[0])
		}
	}
	return ""
}

func (a *assessment) lookup(id string) (graph.Person, bool) {
	for _, p := range a.facts.People {
		if p.ID == id {
			return p, true
		}
	}
	return graph.Person{}, false
}

// person is "title name" when the title is known: 采购经理张伟.
func (a *assessment) person(id string) string {
	p, ok := a.lookup(id)
	if !ok || p.Name == "" {
		return id
	}
	return p.Title + p.Name
}

// date is a Chinese calendar date in the scoring zone, with the year only
// when it differs from the audit's.
func (a *assessment) date(t time.Time) string {
	loc := a.opts.Scoring.Location
	t = t.In(loc)
	if t.Year() != a.opts.AsOf.In(loc).Year() {
		return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
	}
	return fmt.Sprintf("%d月%d日", t.Month(), t.Day())
}

// clip cuts s to n runes, marking the cut. A closing full stop or comma
// goes, since the quote is followed by the sentence's own punctuation.
func clip(s string, n int) string {
	s = strings.TrimRight(s, "。，,. ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
