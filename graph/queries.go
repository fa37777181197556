package graph

import (
	"cmp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/guanxi-dev/guanxi/extract"
)

// Follow-up statuses beyond StatusOpen. Which ones an item may take depends
// on its type; see Statuses.
const (
	StatusKept      = "kept"      // a commitment was fulfilled
	StatusBroken    = "broken"    // a commitment was not fulfilled
	StatusWithdrawn = "withdrawn" // a commitment was taken back
	StatusAnswered  = "answered"  // an objection was answered
	StatusResolved  = "resolved"  // an objection or pain point was settled
)

// Statuses lists the statuses an item of type t may be set to, StatusOpen
// first, so that a mistaken change can be undone. It returns nil for an
// unknown type.
func Statuses(t extract.Type) []string {
	switch t {
	case extract.Commitment:
		return []string{StatusOpen, StatusKept, StatusBroken, StatusWithdrawn}
	case extract.Objection:
		return []string{StatusOpen, StatusAnswered, StatusResolved}
	case extract.PainPoint:
		return []string{StatusOpen, StatusResolved}
	}
	return nil
}

// chinaTime is the zone due dates and calendar days are read in: the
// dates in Chinese sales talk are dates in China.
var chinaTime = time.FixedZone("CST", 8*3600)

// ItemEvidence is an item together with the evidence for it: the message it
// was said in and the words used.
type ItemEvidence struct {
	ItemID      string       `json:"item_id"`
	Type        extract.Type `json:"type"`
	Subtype     string       `json:"subtype,omitempty"`
	Party       string       `json:"party"`
	Speaker     string       `json:"speaker,omitempty"`
	SpeakerName string       `json:"speaker_name,omitempty"`
	Status      string       `json:"status"`
	MessageID   string       `json:"message_id"`
	Channel     string       `json:"channel,omitempty"`
	Subject     string       `json:"subject,omitempty"`
	OccurredAt  time.Time    `json:"occurred_at"`
	// Quote is the evidence exactly as it stands in the message, at Field,
	// runes Start to End.
	Quote      string  `json:"quote"`
	Field      string  `json:"field"`
	Start      int     `json:"start"`
	End        int     `json:"end"`
	Confidence float64 `json:"confidence"`
	// Due is YYYY-MM-DD, a calendar day in China.
	Due string `json:"due,omitempty"`
	// Overdue is set when the due day has passed as of the query time;
	// DaysOverdue counts the calendar days since the due day.
	Overdue     bool     `json:"overdue"`
	DaysOverdue int      `json:"days_overdue,omitempty"`
	PromisedTo  []string `json:"promised_to,omitempty"`
	// DaysOpen counts the calendar days from the message to the query time.
	DaysOpen int `json:"days_open"`
}

// OpenCommitmentsAsOf lists the account's commitments of both sides made at
// or before asOf and neither kept nor withdrawn by then, oldest first, each
// with its evidence and whether it is overdue (status broken) as of asOf.
func OpenCommitmentsAsOf(f AccountFacts, asOf time.Time) []ItemEvidence {
	return openItems(f, extract.Commitment, asOf)
}

// UnresolvedObjections lists the account's objections raised at or before
// asOf and not resolved by then (answered ones stay until the customer
// accepts), oldest first, with their evidence and status.
func UnresolvedObjections(f AccountFacts, asOf time.Time) []ItemEvidence {
	return openItems(f, extract.Objection, asOf)
}

// OpenPainPoints lists the account's pain points told at or before asOf
// that are not resolved, oldest first.
func OpenPainPoints(f AccountFacts, asOf time.Time) []ItemEvidence {
	return openItems(f, extract.PainPoint, asOf)
}

func openItems(f AccountFacts, t extract.Type, asOf time.Time) []ItemEvidence {
	msgs := messagesByID(f)
	names := namesByID(f)
	var out []ItemEvidence
	for _, it := range f.Items {
		if it.Type != t || it.OccurredAt.After(asOf) || closed(StatusAt(it, asOf)) {
			continue
		}
		out = append(out, evidenceOf(it, msgs[it.MessageID], names, asOf))
	}
	return out
}

// closed reports whether an item in this status needs nothing more: a
// broken promise is still owed, an answered objection not yet settled.
func closed(status string) bool {
	switch status {
	case StatusKept, StatusWithdrawn, StatusResolved:
		return true
	}
	return false
}

func evidenceOf(it ItemFact, msg Interaction, names map[string]string, asOf time.Time) ItemEvidence {
	e := ItemEvidence{
		ItemID:      it.ID,
		Type:        it.Type,
		Subtype:     it.Subtype,
		Party:       it.Party,
		Speaker:     it.Speaker,
		SpeakerName: names[it.Speaker],
		Status:      StatusAt(it, asOf),
		MessageID:   it.MessageID,
		Channel:     msg.Channel,
		Subject:     msg.Subject,
		OccurredAt:  it.OccurredAt,
		Quote:       it.Text,
		Field:       it.Field,
		Start:       it.Start,
		End:         it.End,
		Confidence:  it.Confidence,
		Due:         it.Due,
		PromisedTo:  slices.Clone(it.PromisedTo),
		DaysOpen:    calendarDays(it.OccurredAt, asOf),
	}
	if due, err := time.ParseInLocation(time.DateOnly, it.Due, chinaTime); err == nil {
		// Overdue from the day after the due day: a promise for Friday is
		// kept if it arrives on Friday evening.
		if n := calendarDays(due, asOf); n > 0 {
			e.Overdue, e.DaysOverdue = true, n
		}
	}
	return e
}

// calendarDays counts the calendar days in China from a to b; negative when
// b is on an earlier day.
func calendarDays(a, b time.Time) int {
	day := func(t time.Time) time.Time {
		y, m, d := t.In(chinaTime).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	return int(day(b).Sub(day(a)).Hours() / 24)
}

// ContactRole is the part a customer contact plays in a deal.
type ContactRole string

// Contact roles. RoleOf gives the role a title implies; ContactCoverage
// promotes the most engaged contact to RoleChampion.
const (
	RoleDecisionMaker      ContactRole = "decision_maker"
	RoleTechnical          ContactRole = "technical"
	RoleProcurementFinance ContactRole = "procurement_finance"
	RoleUser               ContactRole = "user"
	RoleChampion           ContactRole = "champion"
)

var (
	procurementCues = []string{
		"采购", "财务", "CFO", "商务", "供应链", "法务", "合同", "结算", "会计", "出纳",
		"purchas", "procure", "financ", "buyer", "sourcing", "legal",
	}
	executiveCues = []string{
		"总经理", "CEO", "COO", "CTO", "CIO", "董事", "副总", "总裁", "老板", "合伙人",
		"厂长", "院长", "行长", "VP", "president", "chief", "founder", "创始人",
	}
	technicalCues = []string{
		"技术", "架构", "工程师", "研发", "开发", "运维", "信息", "数字化", "数据", "安全",
		"测试", "实施", "engineer", "architect", "developer", "devops", "tech",
	}
	managerCues = []string{
		"总监", "部长", "主任", "负责人", "主管", "director", "head",
	}
)

// RoleOf guesses a customer contact's role from their title. The first rule
// that matches wins:
//
//  1. procurement_finance: 采购, 财务, CFO, 商务, 供应链, 法务, 合同, 结算 …
//     (they hold the purse or the contract, whatever their rank);
//  2. decision_maker: top executives — 总经理, CEO, CTO, CIO, 董事, 副总,
//     总裁, 老板, 厂长, VP, chief …;
//  3. technical: IT, 技术, 架构, 工程师, 研发, 开发, 运维, 信息, 数据, 安全,
//     测试, 实施, engineer … (so 技术总监 and IT经理 are technical);
//  4. decision_maker: other heads of a department — 总监, 部长, 主任,
//     负责人, 主管, director, head;
//  5. user: anyone else, an empty title included.
//
// Latin cues match case-insensitively at the start of a word; "IT" matches
// only in capitals, as a lower-case "it" is part of ordinary words.
// A champion cannot be read from a title: see ContactCoverage.
func RoleOf(title string) ContactRole {
	switch {
	case hasCue(title, procurementCues):
		return RoleProcurementFinance
	case hasCue(title, executiveCues):
		return RoleDecisionMaker
	case atWordStart(title, "IT") || hasCue(title, technicalCues):
		return RoleTechnical
	case hasCue(title, managerCues):
		return RoleDecisionMaker
	}
	return RoleUser
}

func hasCue(s string, cues []string) bool {
	lower := strings.ToLower(s)
	for _, c := range cues {
		if c[0] < utf8.RuneSelf {
			if atWordStart(lower, strings.ToLower(c)) {
				return true
			}
		} else if strings.Contains(s, c) {
			return true
		}
	}
	return false
}

// atWordStart reports whether cue occurs in s not right after an ASCII
// letter or digit, so "CTO" is found in "集团CTO" but "VP" not in "MVP".
func atWordStart(s, cue string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], cue)
		if j < 0 {
			return false
		}
		j += i
		if j == 0 || !isASCIIAlnum(s[j-1]) {
			return true
		}
		i = j + 1
	}
}

func isASCIIAlnum(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// PersonRef names a person.
type PersonRef struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// Coverage is what the account's history says about one customer contact.
type Coverage struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Title string `json:"title,omitempty"`
	// Role is RoleOf(Title), or RoleChampion for the champion.
	Role ContactRole `json:"role"`
	// TitleRole is always RoleOf(Title).
	TitleRole ContactRole `json:"title_role"`
	// Interactions counts the messages and activities the contact took
	// part in at or before the query time; LastInteraction is the newest.
	Interactions    int        `json:"interactions"`
	LastInteraction *time.Time `json:"last_interaction,omitempty"`
	// Via lists our people who took part in those interactions, by id.
	Via    []PersonRef `json:"via"`
	LeftAt *time.Time  `json:"left_at,omitempty"`
}

// ChampionMinInteractions is the fewest interactions a champion has.
const ChampionMinInteractions = 3

// ContactCoverage reports, for each customer contact of the account, how
// often and through which of our people the account reached them, as of
// asOf: the multi-threading of the account. Contacts are ordered by
// interactions, most first, then by id.
//
// The champion is the contact who, as of asOf, has not left, has the most
// interactions (at least ChampionMinInteractions, and strictly more than
// anyone else) and has said a commitment or pain point of their own: the
// insider who engages and shares. Their Role is RoleChampion; TitleRole
// keeps what their title says.
func ContactCoverage(f AccountFacts, asOf time.Time) []Coverage {
	stats := contactStats(f, asOf)
	names := namesByID(f)
	var out []Coverage
	for _, p := range f.People {
		if p.Side != "customer" {
			continue
		}
		st := stats[p.ID]
		if st == nil {
			st = &contactStat{}
		}
		c := Coverage{
			ID: p.ID, Name: p.Name, Title: p.Title,
			Role: RoleOf(p.Title), TitleRole: RoleOf(p.Title),
			Interactions: st.count, Via: []PersonRef{},
		}
		if st.count > 0 {
			last := st.last
			c.LastInteraction = &last
		}
		if p.LeftAt != nil && !p.LeftAt.After(asOf) {
			at := *p.LeftAt
			c.LeftAt = &at
		}
		for _, v := range sortedKeys(st.via) {
			c.Via = append(c.Via, PersonRef{ID: v, Name: names[v]})
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Coverage) int {
		return cmp.Or(cmp.Compare(b.Interactions, a.Interactions), cmp.Compare(a.ID, b.ID))
	})
	if i := champion(f, out, asOf); i >= 0 {
		out[i].Role = RoleChampion
	}
	return out
}

func champion(f AccountFacts, cs []Coverage, asOf time.Time) int {
	best, second := -1, 0
	for i, c := range cs {
		if c.LeftAt != nil {
			continue
		}
		if best < 0 || c.Interactions > cs[best].Interactions {
			if best >= 0 {
				second = cs[best].Interactions
			}
			best = i
		} else if c.Interactions > second {
			second = c.Interactions
		}
	}
	if best < 0 || cs[best].Interactions < ChampionMinInteractions || cs[best].Interactions == second {
		return -1
	}
	for _, it := range f.Items {
		if it.Speaker == cs[best].ID && it.Party == "customer" && !it.OccurredAt.After(asOf) &&
			(it.Type == extract.Commitment || it.Type == extract.PainPoint) {
			return best
		}
	}
	return -1
}

type contactStat struct {
	count int
	last  time.Time
	via   map[string]bool
}

// contactStats counts, per customer contact, the interactions at or before
// asOf that they took part in, wrote, or acted in. A contact_left event is
// about a contact, not with them, and does not count.
func contactStats(f AccountFacts, asOf time.Time) map[string]*contactStat {
	side := make(map[string]string, len(f.People))
	for _, p := range f.People {
		side[p.ID] = p.Side
	}
	actor := make(map[string]ActivityFact, len(f.Activities))
	for _, a := range f.Activities {
		actor[a.MessageID] = a
	}
	out := make(map[string]*contactStat)
	for _, in := range f.Interactions {
		if in.OccurredAt.After(asOf) {
			continue
		}
		act, isActivity := actor[in.MessageID]
		if isActivity && act.Kind == "contact_left" {
			continue
		}
		who := map[string]bool{}
		for _, p := range in.Participants {
			who[p] = true
		}
		if in.From != "" {
			who[in.From] = true
		}
		if isActivity && act.Actor != "" {
			who[act.Actor] = true
		}
		var ours []string
		for id := range who {
			if side[id] == "vendor" {
				ours = append(ours, id)
			}
		}
		for id := range who {
			if side[id] != "customer" {
				continue
			}
			st := out[id]
			if st == nil {
				st = &contactStat{via: map[string]bool{}}
				out[id] = st
			}
			st.count++
			if in.OccurredAt.After(st.last) {
				st.last = in.OccurredAt
			}
			for _, v := range ours {
				st.via[v] = true
			}
		}
	}
	return out
}

// Departure is a customer contact who left the account.
type Departure struct {
	Coverage
	AccountID   string `json:"account_id"`
	AccountName string `json:"account_name,omitempty"`
	// Key is set when the contact was among the most active of the
	// account: no other customer contact had more interactions.
	Key bool `json:"key"`
}

// LeftContacts lists the account's customer contacts recorded as having
// left at or before asOf, earliest departure first, and whether each was
// key: no other contact of the account had more interactions as of asOf.
func LeftContacts(f AccountFacts, asOf time.Time) []Departure {
	cs := ContactCoverage(f, asOf)
	most := 0
	for _, c := range cs {
		most = max(most, c.Interactions)
	}
	var out []Departure
	for _, c := range cs {
		if c.LeftAt == nil {
			continue
		}
		out = append(out, Departure{
			Coverage: c, AccountID: f.Account.ID, AccountName: f.Account.Name,
			Key: c.Interactions > 0 && c.Interactions == most,
		})
	}
	slices.SortFunc(out, func(a, b Departure) int {
		return cmp.Or(a.LeftAt.Compare(*b.LeftAt), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// Kinds of timeline events.
const (
	EventInteraction = "interaction"
	EventItem        = "item"
	EventActivity    = "activity"
)

// Event is one step in an account's history.
type Event struct {
	At        time.Time `json:"at"`
	Kind      string    `json:"kind"` // EventInteraction, EventItem or EventActivity
	MessageID string    `json:"message_id"`
	Channel   string    `json:"channel,omitempty"`
	// Item events carry the item's id, type, subtype and party.
	ItemID   string       `json:"item_id,omitempty"`
	ItemType extract.Type `json:"item_type,omitempty"`
	Subtype  string       `json:"subtype,omitempty"`
	Party    string       `json:"party,omitempty"`
	// Activity is the kind of an activity event.
	Activity string `json:"activity,omitempty"`
	// Summary says in a line, in Chinese, what happened; quoted words stay
	// in the language they were said in.
	Summary string `json:"summary"`
}

// Timeline merges the account's interactions, items and activities at or
// before asOf into one history, oldest first; within one message the
// interaction comes before its items. An activity event stands for its
// message, which is not listed again as an interaction.
func Timeline(f AccountFacts, asOf time.Time) []Event {
	names := namesByID(f)
	name := func(id string) string {
		if n := names[id]; n != "" {
			return n
		}
		return id
	}
	activities := make(map[string]bool, len(f.Activities))
	var out []Event
	for _, a := range f.Activities {
		activities[a.MessageID] = true
		if a.OccurredAt.After(asOf) {
			continue
		}
		s := name(a.Actor) + " " + activityVerb(a.Kind)
		if a.Ref != "" {
			s += "：" + clip(a.Ref, 30)
		}
		out = append(out, Event{
			At: a.OccurredAt, Kind: EventActivity, MessageID: a.MessageID,
			Channel: "activity", Activity: a.Kind, Summary: s,
		})
	}
	for _, in := range f.Interactions {
		if activities[in.MessageID] || in.OccurredAt.After(asOf) {
			continue
		}
		out = append(out, Event{
			At: in.OccurredAt, Kind: EventInteraction, MessageID: in.MessageID,
			Channel: in.Channel, Summary: interactionSummary(in, name),
		})
	}
	for _, it := range f.Items {
		if it.OccurredAt.After(asOf) {
			continue
		}
		s := partyWord(it.Party) + typeWord(it.Type)
		if it.Speaker != "" {
			s += "（" + name(it.Speaker) + "）"
		}
		s += "：" + clip(it.Text, 40)
		if it.Due != "" {
			s += "（截止 " + it.Due + "）"
		}
		if st := StatusAt(it, asOf); st != StatusOpen && st != "" {
			s += " [" + st + "]"
		}
		out = append(out, Event{
			At: it.OccurredAt, Kind: EventItem, MessageID: it.MessageID,
			ItemID: it.ID, ItemType: it.Type, Subtype: it.Subtype, Party: it.Party, Summary: s,
		})
	}
	order := map[string]int{EventInteraction: 0, EventActivity: 1, EventItem: 2}
	slices.SortStableFunc(out, func(a, b Event) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.MessageID, b.MessageID),
			cmp.Compare(order[a.Kind], order[b.Kind]), cmp.Compare(a.ItemID, b.ItemID))
	})
	return out
}

func interactionSummary(in Interaction, name func(string) string) string {
	s := channelWord(in.Channel)
	if in.Subject != "" {
		s += "「" + clip(in.Subject, 30) + "」"
	}
	var others []string
	for _, p := range in.Participants {
		if p != in.From {
			others = append(others, name(p))
		}
	}
	switch {
	case in.From != "" && len(others) > 0:
		s += "：" + name(in.From) + " → " + strings.Join(others, "、")
	case in.From != "":
		s += "：" + name(in.From)
	case len(others) > 0:
		s += "：" + strings.Join(others, "、")
	}
	return s
}

func channelWord(c string) string {
	switch c {
	case "email":
		return "邮件"
	case "meeting":
		return "会议"
	case "call":
		return "电话"
	case "chat":
		return "聊天"
	}
	return c
}

func activityVerb(kind string) string {
	switch kind {
	case "attachment_opened":
		return "打开了附件"
	case "attachment_ignored":
		return "未打开附件"
	case "email_opened":
		return "打开了邮件"
	case "meeting_accepted":
		return "接受了会议邀请"
	case "meeting_declined":
		return "拒绝了会议邀请"
	case "meeting_cancelled":
		return "取消了会议"
	case "contact_left":
		return "已离职"
	}
	return kind
}

func partyWord(p string) string {
	switch p {
	case "vendor":
		return "我方"
	case "customer":
		return "客户"
	}
	return ""
}

func typeWord(t extract.Type) string {
	switch t {
	case extract.Commitment:
		return "承诺"
	case extract.Objection:
		return "异议"
	case extract.PainPoint:
		return "痛点"
	}
	return string(t)
}

// clip shortens s to at most n runes, marking a cut with an ellipsis.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// FindItem returns the item with the given id.
func FindItem(f AccountFacts, itemID string) (ItemFact, bool) {
	for _, it := range f.Items {
		if it.ID == itemID {
			return it, true
		}
	}
	return ItemFact{}, false
}

// TookPart reports whether the person wrote or took part in any of the
// account's interactions.
func TookPart(f AccountFacts, personID string) bool {
	for _, in := range f.Interactions {
		if in.From == personID || slices.Contains(in.Participants, personID) {
			return true
		}
	}
	return false
}

func messagesByID(f AccountFacts) map[string]Interaction {
	m := make(map[string]Interaction, len(f.Interactions))
	for _, in := range f.Interactions {
		m[in.MessageID] = in
	}
	return m
}

func namesByID(f AccountFacts) map[string]string {
	m := make(map[string]string, len(f.People))
	for _, p := range f.People {
		m[p.ID] = p.Name
	}
	return m
}
