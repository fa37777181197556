package scoring

import (
	"errors"
	"fmt"
	"time"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/graph"
)

var knownActivities = map[string]bool{
	actAttachmentOpened: true, actAttachmentIgnored: true, actEmailOpened: true,
	actMeetingAccepted: true, actMeetingDeclined: true, actMeetingCancelled: true, actContactLeft: true,
}

// Validate reports what in facts Evaluate cannot use, one error per
// problem, joined; nil when everything is usable. Evaluate never fails: it
// skips what it cannot read (an item of unknown side moves no score, a
// malformed due date counts as none). Validate lets the caller log or
// dead-letter those facts instead of losing them silently.
func Validate(f graph.AccountFacts) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if f.Account.ID == "" {
		bad("account has no id")
	}
	sides := map[string]string{}
	for i, p := range f.People {
		switch {
		case p.ID == "":
			bad("person %d (%q): no id", i, p.Name)
		case p.Side != sideCustomer && p.Side != sideVendor:
			bad("person %s: side %q is neither customer nor vendor", p.ID, p.Side)
		}
		sides[p.ID] = p.Side
	}
	for _, in := range f.Interactions {
		if in.MessageID == "" {
			bad("interaction at %s: no message id", in.OccurredAt.Format(time.RFC3339))
		}
		if in.OccurredAt.IsZero() {
			bad("interaction %s: no occurred_at", in.MessageID)
		}
	}
	for _, it := range f.Items {
		name := fmt.Sprintf("item %s (message %s)", it.ID, it.MessageID)
		switch it.Type {
		case extract.Commitment, extract.Objection, extract.PainPoint:
		default:
			bad("%s: unknown type %q", name, it.Type)
		}
		if it.Party != sideCustomer && it.Party != sideVendor && sides[it.Speaker] != sideCustomer && sides[it.Speaker] != sideVendor {
			bad("%s: party %q is neither customer nor vendor and speaker %q is not a known person", name, it.Party, it.Speaker)
		}
		if it.Due != "" {
			if _, err := time.Parse(time.DateOnly, it.Due); err != nil {
				bad("%s: due %q is not a YYYY-MM-DD date", name, it.Due)
			}
		}
		if it.OccurredAt.IsZero() {
			bad("%s: no occurred_at", name)
		}
		if it.AccountID != "" && f.Account.ID != "" && it.AccountID != f.Account.ID {
			bad("%s: belongs to account %q, not %q", name, it.AccountID, f.Account.ID)
		}
	}
	for _, a := range f.Activities {
		name := fmt.Sprintf("activity %s", a.MessageID)
		if !knownActivities[a.Kind] {
			bad("%s: unknown kind %q", name, a.Kind)
		}
		if a.OccurredAt.IsZero() {
			bad("%s: no occurred_at", name)
		}
		if a.Actor == "" && a.Kind != actContactLeft {
			bad("%s (%s): no actor", name, a.Kind)
		}
	}
	return errors.Join(errs...)
}
