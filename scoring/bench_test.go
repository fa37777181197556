package scoring_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/scoring"
)

// busyAccount is a year of daily traffic: about 800 messages, 240 items
// and 120 activities.
func busyAccount() *account {
	a := newAccount()
	a.regular("2024-04-01", "2025-03-31", 1, wang, li, zhao, chen)
	start := at("2024-04-01")
	for i := range 120 {
		d := start.AddDate(0, 0, i*3).Add(15 * time.Hour).Format("2006-01-02 15:04")
		m := a.msg(d, "meeting", liu, fmt.Sprintf("第%d次项目会", i), liu, zhang, wang, li)
		due := start.AddDate(0, 0, i*3+7).Format(time.DateOnly)
		a.item(m, extract.Commitment, "deliver", "vendor", liu, fmt.Sprintf("提供第%d版测试报告", i), due)
		a.item(m, extract.Objection, "price", "customer", li, "价格还是偏高", "")
		a.act(d, "attachment_opened", wang, fmt.Sprintf("测试报告第%d版.pdf", i))
	}
	return a
}

func BenchmarkEvaluate(b *testing.B) {
	f := busyAccount().facts()
	asOf := at("2025-03-31 18:00")
	b.ReportAllocs()
	for b.Loop() {
		scoring.Evaluate(f, asOf)
	}
}

func BenchmarkEvaluateContacts(b *testing.B) {
	f := busyAccount().facts()
	asOf := at("2025-03-31 18:00")
	b.ReportAllocs()
	for b.Loop() {
		scoring.EvaluateContacts(f, asOf)
	}
}

func BenchmarkTrackerUpdate(b *testing.B) {
	_, ws := scoring.Evaluate(trouble().facts(), at("2025-03-31 18:00"))
	tr := scoring.NewTracker()
	b.ReportAllocs()
	for b.Loop() {
		tr.Update("acct-1", ws)
	}
}
