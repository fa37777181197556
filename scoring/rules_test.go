package scoring_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/scoring"
)

// TestNegotiationRules covers how price and terms pushback is read: a
// counter-offer or the customer reading it does not settle an objection, a
// commitment does; pushing back again after our answer is graver; a rival's
// terms quoted while haggling are commercial sensitivity, not a competitor
// threat.
func TestNegotiationRules(t *testing.T) {
	tests := []struct {
		name  string
		asOf  string
		build func(a *account)
		check func(t *testing.T, s scoring.Score, ws []scoring.Warning)
	}{
		{
			name: "price objection followed only by reading our revised offer stays unresolved",
			asOf: "2025-03-31 18:00",
			build: func(a *account) {
				m := a.msg("2025-03-03 10:00", "email", li, "报价", li, zhang)
				a.item(m, extract.Objection, "price", "customer", li, "整体偏高，希望再优惠15%", "")
				a.msg("2025-03-05 10:00", "email", zhang, "报价调整", zhang, li)
				a.act("2025-03-06 09:00", "attachment_opened", li, "修订报价单.pdf")
			},
			check: func(t *testing.T, s scoring.Score, ws []scoring.Warning) {
				w, ok := find(ws, scoring.UnresolvedObjection)
				require.True(t, ok, "kinds: %v", kinds(ws))
				assert.Contains(t, w.Message, "整体偏高")
			},
		},
		{
			name: "price objection settled by the contact's commitment",
			asOf: "2025-03-31 18:00",
			build: func(a *account) {
				m := a.msg("2025-03-03 10:00", "email", li, "报价", li, zhang)
				a.item(m, extract.Objection, "price", "customer", li, "整体偏高，希望再优惠15%", "")
				c := a.msg("2025-03-06 10:00", "call", zhang, "", zhang, li)
				a.item(c, extract.Commitment, "approval", "customer", li, "分期方案可以，我们下周走采购审批", "2025-03-13")
			},
			check: func(t *testing.T, s scoring.Score, ws []scoring.Warning) {
				assert.NotContains(t, kinds(ws), scoring.UnresolvedObjection)
				assert.NotContains(t, kinds(ws), scoring.CommercialSensitivity)
			},
		},
		{
			name: "technical objection answered by reading our material",
			asOf: "2025-03-31 18:00",
			build: func(a *account) {
				m := a.msg("2025-03-03 10:00", "email", wang, "接口", wang, zhang)
				a.item(m, extract.Objection, "technical", "customer", wang, "接口性能我们还有疑虑", "")
				a.act("2025-03-06 09:00", "attachment_opened", wang, "接口压测报告.pdf")
			},
			check: func(t *testing.T, s scoring.Score, ws []scoring.Warning) {
				assert.NotContains(t, kinds(ws), scoring.UnresolvedObjection)
			},
		},
		{
			name: "buyer pushing back after our concession: high commercial sensitivity",
			asOf: "2025-03-31 18:00",
			build: func(a *account) {
				m1 := a.msg("2025-03-10 10:00", "email", li, "商务条款", li, zhang)
				a.item(m1, extract.Objection, "price", "customer", li, "折扣八个点还是不够", "")
				a.msg("2025-03-13 10:00", "email", zhang, "商务条款更新", zhang, li)
				m2 := a.msg("2025-03-20 10:00", "chat", "", "", li, zhang)
				a.item(m2, extract.Objection, "terms", "customer", li, "账期120天我们还是接受不了", "")
			},
			check: func(t *testing.T, s scoring.Score, ws []scoring.Warning) {
				w, ok := find(ws, scoring.CommercialSensitivity)
				require.True(t, ok, "kinds: %v", kinds(ws))
				assert.Equal(t, scoring.SeverityHigh, w.Severity)
				assert.Contains(t, w.Message, "让步之后再次提出")
				assert.True(t, s.AtRisk)
			},
		},
		{
			name: "buyer asking twice before we answered: medium",
			asOf: "2025-03-31 18:00",
			build: func(a *account) {
				m1 := a.msg("2025-03-10 10:00", "email", li, "商务条款", li, zhang)
				a.item(m1, extract.Objection, "price", "customer", li, "折扣八个点还是不够", "")
				m2 := a.msg("2025-03-11 10:00", "chat", "", "", li, zhang)
				a.item(m2, extract.Objection, "terms", "customer", li, "账期120天我们还是接受不了", "")
			},
			check: func(t *testing.T, s scoring.Score, ws []scoring.Warning) {
				w, ok := find(ws, scoring.CommercialSensitivity)
				require.True(t, ok, "kinds: %v", kinds(ws))
				assert.Equal(t, scoring.SeverityMedium, w.Severity)
				assert.NotContains(t, w.Message, "让步之后")
			},
		},
		{
			name: "a rival's terms quoted while haggling: no competitor threat",
			asOf: "2025-03-31 18:00",
			build: func(a *account) {
				m1 := a.msg("2025-03-10 10:00", "email", li, "商务条款", li, zhang)
				a.item(m1, extract.Objection, "price", "customer", li, "折扣八个点还是不够", "")
				m2 := a.msg("2025-03-20 10:00", "call", zhang, "", zhang, li)
				a.item(m2, extract.Objection, "competitor", "customer", li, "你们友商给的是九十天账期还免实施费", "")
			},
			check: func(t *testing.T, s scoring.Score, ws []scoring.Warning) {
				assert.Contains(t, kinds(ws), scoring.CommercialSensitivity)
				assert.NotContains(t, kinds(ws), scoring.CompetitorThreat)
			},
		},
		{
			name: "a rival named outside a negotiation: competitor threat",
			asOf: "2025-03-31 18:00",
			build: func(a *account) {
				m := a.msg("2025-03-20 10:00", "call", zhang, "", zhang, chen)
				a.item(m, extract.Objection, "competitor", "customer", chen, "友商那边功能更全，还给免费试用", "")
			},
			check: func(t *testing.T, s scoring.Score, ws []scoring.Warning) {
				assert.Contains(t, kinds(ws), scoring.CompetitorThreat)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAccount()
			a.regular("2025-01-06", "2025-03-29", 3, wang, zhao)
			tt.build(a)
			s, ws := scoring.Evaluate(a.facts(), at(tt.asOf))
			tt.check(t, s, ws)
		})
	}
}

// TestOverdueTolerated: a slip of ours that nobody chased, while the
// customer keeps moving the project forward, warns one step milder; one the
// customer chased keeps its severity.
func TestOverdueTolerated(t *testing.T) {
	tests := []struct {
		name   string
		chase  bool
		engage bool
		want   scoring.Severity
	}{
		{name: "not chased, customer engaged since: milder", engage: true, want: scoring.SeverityMedium},
		{name: "chased: as grave as before", chase: true, engage: true, want: scoring.SeverityHigh},
		{name: "no positive engagement since: as grave as before", want: scoring.SeverityHigh},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAccount()
			a.regular("2025-01-06", "2025-03-29", 3, zhao)
			m := a.msg("2025-02-20 15:00", "call", liu, "", liu, wang)
			a.item(m, extract.Commitment, "fix", "vendor", liu, "报表导出卡顿下个版本修复", "2025-03-01")
			if tt.chase {
				c := a.msg("2025-03-10 10:00", "chat", "", "", wang, liu)
				a.item(c, extract.Objection, "technical", "customer", wang, "报表导出卡顿还没修复吗", "")
			}
			if tt.engage {
				e := a.msg("2025-03-20 10:00", "meeting", zhang, "月度复盘", zhang, chen, wang)
				a.item(e, extract.Commitment, "meeting", "customer", chen, "下周安排二期负责人对接", "2025-03-27")
			}
			_, ws := scoring.Evaluate(a.facts(), at("2025-03-31 18:00"))
			w, ok := find(ws, scoring.OverdueCommitment)
			require.True(t, ok, "kinds: %v", kinds(ws))
			assert.Equal(t, tt.want, w.Severity)
		})
	}
}

// TestQuietDecider: an account whose junior contact still writes can be
// going dark when its decision maker has fallen silent while we keep
// reaching out.
func TestQuietDecider(t *testing.T) {
	tests := []struct {
		name     string
		approach bool // we write to him, he ignores our material and declines
		accepts  bool // he accepts a meeting late on
		wantDark bool
	}{
		{name: "decision maker silent while we keep reaching out", approach: true, wantDark: true},
		{name: "decision maker accepted a meeting lately", approach: true, accepts: true},
		{name: "decision maker quiet but we never reached out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAccount()
			a.regular("2025-01-06", "2025-03-29", 3, zhao)
			for _, d := range []string{"2025-01-10 10:00", "2025-01-20 10:00", "2025-02-01 10:00"} {
				a.msg(d, "meeting", zhang, "项目周会", zhang, chen, zhao)
			}
			if tt.approach {
				a.msg("2025-02-20 10:00", "email", zhang, "方案汇报材料", zhang, chen)
				a.act("2025-03-10 09:00", "attachment_ignored", chen, "方案汇报材料.pdf")
				a.act("2025-03-15 09:00", "meeting_declined", chen, "方案汇报会")
			}
			if tt.accepts {
				a.act("2025-03-20 09:00", "meeting_accepted", chen, "二期沟通会")
			}
			_, ws := scoring.Evaluate(a.facts(), at("2025-03-31 18:00"))
			w, dark := find(ws, scoring.GoingDark)
			require.Equal(t, tt.wantDark, dark, "kinds: %v", kinds(ws))
			if dark {
				assert.Contains(t, w.Message, "陈总")
				assert.Contains(t, w.Message, "决策人已经沉默")
				assert.Equal(t, at("2025-02-01 10:00"), w.Since)
			}
		})
	}
}

// TestCannotDecideReportedOnce: the only contact saying they cannot decide
// makes the single thread grave and is not reported again as an objection;
// in an account with several contacts it is an objection like any other.
func TestCannotDecideReportedOnce(t *testing.T) {
	for _, single := range []bool{true, false} {
		a := newAccount()
		if single {
			a.regular("2025-01-06", "2025-03-29", 7, li)
		} else {
			a.regular("2025-01-06", "2025-03-29", 3, li, wang, zhao)
		}
		m := a.msg("2025-03-18 10:00", "chat", "", "", li, zhang)
		a.item(m, extract.Objection, "authority", "customer", li, "这个我做不了主哈", "")
		_, ws := scoring.Evaluate(a.facts(), at("2025-03-31 18:00"))
		if single {
			w, ok := find(ws, scoring.SingleThreaded)
			require.True(t, ok, "kinds: %v", kinds(ws))
			assert.Equal(t, scoring.SeverityHigh, w.Severity)
			assert.NotContains(t, kinds(ws), scoring.UnresolvedObjection)
		} else {
			assert.NotContains(t, kinds(ws), scoring.SingleThreaded)
			assert.Contains(t, kinds(ws), scoring.UnresolvedObjection)
		}
	}
}
