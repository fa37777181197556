// Package notify delivers churn-risk warnings to the places sales managers
// read them: a generic JSON webhook and the group robots of WeCom
// (企业微信), DingTalk (钉钉) and Feishu/Lark (飞书).
//
// A Webhook turns warning events (raised, updated, cleared) into Chinese
// messages sized for a phone screen and each platform's limits, signs them
// where the platform asks for it, and posts them with bounded retries. A
// Notifier fans the same events out to several webhooks, each with its own
// severity and kind filter.
package notify

import (
	"github.com/guanxi-dev/guanxi/report"
	"github.com/guanxi-dev/guanxi/scoring"
)

// Event is one warning change to tell managers about: a warning that was
// raised, updated or cleared, with the account's display name.
type Event struct {
	Action  scoring.Action
	Warning scoring.Warning
	// AccountName is the customer's name as managers know it; when empty,
	// messages fall back to the account id.
	AccountName string
}

// FromChanges turns tracker changes into events. name, when not nil, looks
// up an account's display name by id; an empty answer falls back to the id.
func FromChanges(changes []scoring.Change, name func(accountID string) string) []Event {
	out := make([]Event, 0, len(changes))
	for _, ch := range changes {
		ev := Event{Action: ch.Action, Warning: ch.Warning}
		if name != nil {
			ev.AccountName = name(ch.Warning.AccountID)
		}
		out = append(out, ev)
	}
	return out
}

// KindName is the Chinese label of a warning kind, e.g. 承诺逾期.
func KindName(k scoring.Kind) string { return report.KindName(k) }

// SeverityName is the Chinese label of a severity: 高, 中 or 低.
func SeverityName(s scoring.Severity) string { return report.SeverityName(s) }

// ActionName is the Chinese label of what happened to a warning: 新预警,
// 预警更新 or 已解除.
func ActionName(a scoring.Action) string {
	switch a {
	case scoring.Raised:
		return "新预警"
	case scoring.Updated:
		return "预警更新"
	case scoring.Cleared:
		return "已解除"
	}
	return string(a)
}

// severityRank orders severities, mildest first. An unknown severity ranks
// above every known one so that no filter drops it silently.
func severityRank(s scoring.Severity) int {
	switch s {
	case scoring.SeverityLow:
		return 1
	case scoring.SeverityMedium:
		return 2
	case scoring.SeverityHigh:
		return 3
	}
	return 4
}

// key identifies the warning an event is about: its account and kind.
func (e Event) key() string {
	return e.Warning.AccountID + "\x00" + string(e.Warning.Kind)
}
