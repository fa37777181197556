package scoring

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// channelNames names channels in messages.
var channelNames = map[string]string{
	chanEmail:   "邮件",
	chanMeeting: "会议",
	chanCall:    "通话",
	chanChat:    "聊天",
	// A decision maker's last sign of life may be opening our material.
	chanActivity: "资料查阅或会议回复",
}

// date formats a time as the calendar day where the account is.
func (v *view) date(t time.Time) string { return t.In(v.cfg.Location).Format(time.DateOnly) }

// name is how a person is called in messages: the name, else the id.
func (v *view) name(id string) string {
	if p, ok := v.people[id]; ok && p.Name != "" {
		return p.Name
	}
	return id
}

// nameOr is name, or fallback when there is no one to name.
func (v *view) nameOr(id, fallback string) string {
	if id == "" {
		return fallback
	}
	return v.name(id)
}

// who is a person's name with the title: 王工（技术总监）.
func (v *view) who(id string) string {
	if t := v.title(id); t != "" {
		return v.name(id) + "（" + t + "）"
	}
	return v.name(id)
}

// whoOr is who, or fallback when there is no one to name.
func (v *view) whoOr(id, fallback string) string {
	if id == "" {
		return fallback
	}
	return v.who(id)
}

func (v *view) accountName() string {
	if v.account.Name != "" {
		return v.account.Name
	}
	if v.account.ID != "" {
		return v.account.ID
	}
	return "客户公司"
}

// peopleIDs lists people in the order AccountFacts gave them.
func (v *view) peopleIDs() []string {
	ids := make([]string, 0, len(v.people))
	for id := range v.people {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int { return cmp.Compare(v.rank[a], v.rank[b]) })
	return ids
}

// activeContacts lists the customer contacts still there, most engaged in
// the last ThreadWindow first.
func (v *view) activeContacts() []string {
	from := v.asOf.Add(-v.cfg.ThreadWindow)
	var ids []string
	units := map[string]int{}
	for _, id := range v.peopleIDs() {
		if v.isCustomer(id) && !v.left(id, v.asOf) {
			ids = append(ids, id)
			units[id] = v.engagement(id, from, v.asOf)
		}
	}
	slices.SortStableFunc(ids, func(a, b string) int { return cmp.Compare(units[b], units[a]) })
	return ids
}

// mainContact is the most engaged customer contact still there.
func (v *view) mainContact() string {
	if ids := v.activeContacts(); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// otherContact is the most engaged customer contact still there other
// than id.
func (v *view) otherContact(id string) string {
	for _, c := range v.activeContacts() {
		if c != id {
			return c
		}
	}
	return ""
}

// technicalContact is the most engaged technical customer contact still
// there, else the main contact.
func (v *view) technicalContact() string {
	for _, c := range v.activeContacts() {
		if isTechnicalTitle(v.title(c)) {
			return c
		}
	}
	return v.mainContact()
}

// contactFor names whom to call about a message: its customer
// participants still there, else the main contact.
func (v *view) contactFor(msgID string) string {
	var names []string
	for _, p := range v.byMsg[msgID].Participants {
		if v.isCustomer(p) && !v.left(p, v.asOf) && !slices.Contains(names, v.name(p)) {
			names = append(names, v.name(p))
		}
	}
	if len(names) == 0 {
		return v.nameOr(v.mainContact(), "客户对接人")
	}
	return strings.Join(names[:min(len(names), 2)], "、")
}

// fmtDays writes a cadence in days without false precision.
func fmtDays(d float64) string {
	if d < 1.5 {
		return "1"
	}
	return strconv.Itoa(int(d + 0.5))
}

// describe says in a few words what a hit was, for a warning's reasons.
func (v *view) describe(h hit) string {
	who := v.nameOr(h.who, "客户")
	date := v.date(h.at)
	quote := clip(h.quote, 30)
	ref := ""
	if quote != "" {
		ref = "“" + quote + "”"
	}
	switch h.sig {
	case SigTechAttachmentIgnored, SigAttachmentIgnored:
		return who + "没有打开我方资料" + ref + "（" + date + "）"
	case SigMeetingDeclined:
		return who + "在 " + date + " 拒绝了会议邀请" + ref
	case SigMeetingCancelled:
		return who + "在 " + date + " 取消了会议" + ref
	case SigVendorMeetingCancel:
		return "我方在 " + date + " 取消了会议" + ref
	case SigObjectionPrice, SigObjectionTerms, SigObjectionCompetitor, SigObjectionTiming, SigObjectionAuthority,
		SigObjectionNeed, SigObjectionTechnical, SigObjectionRisk, SigObjectionOther:
		return who + "在 " + date + " 提出异议" + ref
	case SigCompetitorMentioned:
		return who + "在 " + date + " 提到竞争对手" + ref
	case SigPaymentTermsRepeat:
		return who + "在 " + date + " 再次提出价格或付款问题" + ref
	case SigColdTone:
		return who + "在 " + date + " 的回应转冷：" + ref
	case SigVendorCommitmentOverdue:
		return "我方承诺" + ref + "已过 " + date + " 的期限仍未兑现"
	case SigVendorCommitmentLate:
		return "我方承诺延期到 " + date + " 才兑现"
	case SigCommitmentRescheduled:
		return "我方在 " + date + " 再次改期承诺" + ref
	case SigCustomerCommitmentLapsed:
		return who + "承诺的" + ref + "已过 " + date + " 的期限仍未见进展"
	case SigGoingDark:
		return "客户自 " + date + " 起没有再主动沟通"
	case SigResponsivenessDrop:
		return "近 30 天客户消息明显减少"
	case SigSingleThreaded:
		return "客户方只有" + who + "一人在与我们沟通"
	case SigContactLeft, SigChampionLeft:
		return who + "于 " + date + " 离职"
	}
	return string(h.sig) + "（" + date + "）"
}
