package scoring_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/graph"
	"github.com/guanxi-dev/guanxi/scoring"
)

// healthy is an account going well: three roles engaged every few days, a
// promise of ours kept on time, a price objection answered by the same
// contact, a pain point shared, material opened, a meeting accepted.
func healthy() *account {
	a := newAccount()
	a.regular("2025-01-06", "2025-03-29", 3, wang, li, zhao)

	pain := a.msg("2025-02-10 15:00", "meeting", zhang, "需求调研会", zhang, liu, wang, zhao)
	a.item(pain, extract.PainPoint, "efficiency", "customer", wang, "现在每次月底对账都要人工核对两天", "")

	promise := a.msg("2025-03-07 14:00", "meeting", liu, "测试方案评审会", liu, zhang, wang)
	a.item(promise, extract.Commitment, "deliver", "vendor", liu, "下周五前提供性能测试报告", "2025-03-14")
	a.msg("2025-03-13 18:00", "email", liu, "性能测试报告（第一版）", liu, wang)
	a.act("2025-03-14 09:10", "attachment_opened", wang, "性能测试报告v1.pdf")

	objection := a.msg("2025-03-03 11:00", "email", li, "报价讨论", li, zhang)
	a.item(objection, extract.Objection, "price", "customer", li, "这个价格比我们预算高了不少", "")
	answer := a.msg("2025-03-10 16:00", "call", zhang, "", zhang, li)
	a.item(answer, extract.Commitment, "approval", "customer", li, "我们下周内部走采购审批", "2025-03-17")
	a.msg("2025-03-17 10:00", "email", li, "采购审批已提交", li, zhang)

	a.act("2025-03-20 09:00", "meeting_accepted", zhao, "上线培训会")
	return a
}

func TestEvaluateScenarios(t *testing.T) {
	tests := []struct {
		name string
		asOf string
		// build adds to a healthy-or-bare account and returns the checks.
		build func(a *account) func(t *testing.T, s scoring.Score, ws []scoring.Warning)
	}{
		{
			name: "healthy account: not at risk, no warnings",
			asOf: "2025-03-31 18:00",
			build: func(a *account) func(*testing.T, scoring.Score, []scoring.Warning) {
				*a = *healthy()
				return func(t *testing.T, s scoring.Score, ws []scoring.Warning) {
					assert.Empty(t, ws)
					assert.False(t, s.AtRisk)
					assert.GreaterOrEqual(t, s.Technical, 60.0)
					assert.GreaterOrEqual(t, s.Commercial, 55.0)
					assert.Greater(t, s.Emotional, 60.0)
				}
			},
		},
		{
			name: "overdue vendor commitment: since the due date",
			asOf: "2025-03-20 18:00",
			build: func(a *account) func(*testing.T, scoring.Score, []scoring.Warning) {
				a.regular("2025-01-06", "2025-03-19", 3, wang, li, zhao)
				m := a.msg("2025-03-07 14:00", "meeting", liu, "性能评审会", liu, zhang, wang)
				a.item(m, extract.Commitment, "deliver", "vendor", liu, "刘洋：3月14日前提供压测报告", "2025-03-14")
				return func(t *testing.T, s scoring.Score, ws []scoring.Warning) {
					w, ok := find(ws, scoring.OverdueCommitment)
					require.True(t, ok, "kinds: %v", kinds(ws))
					assert.Equal(t, at("2025-03-14"), w.Since)
					assert.Equal(t, scoring.SeverityMedium, w.Severity)
					assert.Contains(t, evidenceIDs(w), m)
					assert.Contains(t, w.Message, "2025-03-14")
					assert.Contains(t, w.Message, "逾期 6 天")
					assert.Contains(t, w.Message, "王工")
					assert.Contains(t, w.Message, "压测报告")
					assert.Less(t, s.Technical, 60.0, "a broken promise of a test report costs technical trust")
					assert.Less(t, s.Emotional, 70.0)
				}
			},
		},
		{
			name: "repeated 账期/价格 objections from procurement: commercial sensitivity",
			asOf: "2025-03-25 18:00",
			build: func(a *account) func(*testing.T, scoring.Score, []scoring.Warning) {
				a.regular("2025-01-06", "2025-03-24", 3, wang, li, zhao)
				m1 := a.msg("2025-03-05 10:00", "email", li, "商务条款", li, zhang)
				a.item(m1, extract.Objection, "terms", "customer", li, "账期能不能放到90天", "")
				m2 := a.msg("2025-03-12 10:00", "call", zhang, "", zhang, li)
				a.item(m2, extract.Objection, "price", "customer", li, "价格还是太高了，能不能再给点折扣", "")
				m3 := a.msg("2025-03-19 10:00", "chat", "", "", li, zhang)
				a.item(m3, extract.Objection, "terms", "customer", li, "付款方式我们希望分三期", "")
				return func(t *testing.T, s scoring.Score, ws []scoring.Warning) {
					w, ok := find(ws, scoring.CommercialSensitivity)
					require.True(t, ok, "kinds: %v", kinds(ws))
					assert.Equal(t, scoring.SeverityHigh, w.Severity)
					assert.Equal(t, at("2025-03-12 10:00"), w.Since, "repetition began with the second question")
					assert.ElementsMatch(t, []string{m1, m2, m3}, evidenceIDs(w))
					assert.Contains(t, w.Message, "3 次")
					assert.Contains(t, w.Message, "李娜")
					assert.Contains(t, w.Message, "付款方式我们希望分三期")
					_, dup := find(ws, scoring.UnresolvedObjection)
					assert.False(t, dup, "the same objections are reported once, as commercial sensitivity")
					assert.Less(t, s.Commercial, 50.0)
					assert.True(t, s.AtRisk, "a high-severity warning puts the account at risk")
				}
			},
		},
		{
			name: "technical contact ignoring attachments: technical trust falls",
			asOf: "2025-03-31 18:00",
			build: func(a *account) func(*testing.T, scoring.Score, []scoring.Warning) {
				a.regular("2025-01-06", "2025-03-29", 3, wang, li, zhao)
				a.act("2025-02-20 09:00", "attachment_opened", wang, "产品白皮书.pdf")
				var ignored []string
				for _, x := range []struct{ when, ref string }{
					{"2025-03-12 09:00", "架构方案v2.pdf"},
					{"2025-03-19 09:00", "接口文档.pdf"},
					{"2025-03-26 09:00", "性能测试报告.pdf"},
				} {
					ignored = append(ignored, a.act(x.when, "attachment_ignored", wang, x.ref))
				}
				declined := a.act("2025-03-24 09:00", "meeting_declined", wang, "技术方案评审会")
				return func(t *testing.T, s scoring.Score, ws []scoring.Warning) {
					assert.Less(t, s.Technical, 50.0)
					w, ok := find(ws, scoring.TechnicalTrustDecline)
					require.True(t, ok, "kinds: %v", kinds(ws))
					assert.Subset(t, evidenceIDs(w), append(ignored, declined))
					assert.Equal(t, "tech_attachment_ignored", w.Evidence[0].Signal)
					assert.Equal(t, at("2025-03-12 09:00"), w.Since)
					assert.Contains(t, w.Message, "王工")
					assert.Contains(t, w.Message, "架构方案v2.pdf")
					var techEvidence []scoring.Evidence
					for _, e := range s.Evidence {
						if e.Dimension == scoring.Technical {
							techEvidence = append(techEvidence, e)
						}
					}
					require.NotEmpty(t, techEvidence)
					assert.Less(t, techEvidence[0].Delta, 0.0)
				}
			},
		},
		{
			name: "no customer message for far longer than usual: going dark",
			asOf: "2025-03-31 18:00",
			build: func(a *account) func(*testing.T, scoring.Score, []scoring.Warning) {
				a.regular("2025-01-06", "2025-02-20", 3, wang, li, zhao)
				var unanswered []string
				for _, d := range []string{"2025-03-03 10:00", "2025-03-12 10:00", "2025-03-21 10:00"} {
					unanswered = append(unanswered, a.msg(d, "email", zhang, "跟进：项目下一步安排", zhang, wang, li))
				}
				return func(t *testing.T, s scoring.Score, ws []scoring.Warning) {
					w, ok := find(ws, scoring.GoingDark)
					require.True(t, ok, "kinds: %v", kinds(ws))
					last := at("2025-02-20 10:00") // the last customer message of the regular run
					assert.Equal(t, last, w.Since)
					assert.Equal(t, scoring.SeverityHigh, w.Severity)
					assert.Subset(t, evidenceIDs(w), unanswered)
					assert.Contains(t, w.Message, "2025-02-20")
					assert.Contains(t, w.Message, "4 条消息未获回复", "our reply of 02-21 and three follow-ups")
					assert.Contains(t, w.Message, "每 3 天")
					assert.True(t, s.AtRisk)
				}
			},
		},
		{
			name: "champion leaves: champion_left",
			asOf: "2025-03-25 18:00",
			build: func(a *account) func(*testing.T, scoring.Score, []scoring.Warning) {
				a.regular("2025-01-06", "2025-03-24", 4, wang, wang, li)
				m := a.msg("2025-02-12 10:00", "call", zhang, "", zhang, wang)
				a.item(m, extract.Commitment, "meeting", "customer", wang, "我来推动下周的技术评审", "")
				left := a.act("2025-03-20 09:00", "contact_left", wang, "")
				return func(t *testing.T, s scoring.Score, ws []scoring.Warning) {
					w, ok := find(ws, scoring.ChampionLeft)
					require.True(t, ok, "kinds: %v", kinds(ws))
					assert.Equal(t, scoring.SeverityHigh, w.Severity)
					assert.Equal(t, at("2025-03-20 09:00"), w.Since)
					assert.Contains(t, evidenceIDs(w), left)
					assert.Contains(t, w.Message, "王工（技术总监）已于 2025-03-20 离开恒通制造")
					assert.Contains(t, w.Message, "最活跃")
					assert.Contains(t, w.Message, "李娜", "the next step goes through a contact still there")
					assert.True(t, s.AtRisk)
				}
			},
		},
		{
			name: "competitor objection: competitor_threat",
			asOf: "2025-03-28 18:00",
			build: func(a *account) func(*testing.T, scoring.Score, []scoring.Warning) {
				a.regular("2025-01-06", "2025-03-27", 3, wang, li, zhao)
				m := a.msg("2025-03-18 15:00", "call", zhang, "", zhang, zhao)
				a.item(m, extract.Objection, "competitor", "customer", zhao, "友商报价比你们低三成，而且承诺一个月上线", "")
				return func(t *testing.T, s scoring.Score, ws []scoring.Warning) {
					w, ok := find(ws, scoring.CompetitorThreat)
					require.True(t, ok, "kinds: %v", kinds(ws))
					assert.Equal(t, scoring.SeverityMedium, w.Severity)
					assert.Equal(t, at("2025-03-18 15:00"), w.Since)
					assert.Equal(t, []string{m}, evidenceIDs(w))
					assert.Contains(t, w.Message, "赵敏")
					assert.Contains(t, w.Message, "友商报价比你们低三成")
					_, dup := find(ws, scoring.UnresolvedObjection)
					assert.False(t, dup, "a competitor objection is reported once, as a competitor threat")
				}
			},
		},
		{
			name: "only one customer contact over 60 days: single_threaded",
			asOf: "2025-03-31 18:00",
			build: func(a *account) func(*testing.T, scoring.Score, []scoring.Warning) {
				a.regular("2025-01-20", "2025-03-28", 5, zhao)
				return func(t *testing.T, s scoring.Score, ws []scoring.Warning) {
					w, ok := find(ws, scoring.SingleThreaded)
					require.True(t, ok, "kinds: %v", kinds(ws))
					assert.Equal(t, scoring.SeverityMedium, w.Severity)
					assert.Equal(t, at("2025-01-20 10:00"), w.Since)
					assert.Contains(t, w.Message, "赵敏（项目经理）一人")
					assert.Contains(t, w.Message, "技术负责人")
					assert.Less(t, s.Commercial, 60.0)
				}
			},
		},
		{
			name: "objection left unanswered: unresolved_objection",
			asOf: "2025-03-28 18:00",
			build: func(a *account) func(*testing.T, scoring.Score, []scoring.Warning) {
				a.regular("2025-01-06", "2025-03-27", 3, wang, li, zhao)
				m := a.msg("2025-03-10 15:00", "meeting", liu, "技术交流会", liu, wang)
				a.item(m, extract.Objection, "technical", "customer", wang, "你们的接口和我们现有的MES系统不兼容", "")
				return func(t *testing.T, s scoring.Score, ws []scoring.Warning) {
					w, ok := find(ws, scoring.UnresolvedObjection)
					require.True(t, ok, "kinds: %v", kinds(ws))
					assert.Equal(t, scoring.SeverityMedium, w.Severity, "18 days open")
					assert.Equal(t, at("2025-03-10 15:00"), w.Since)
					assert.Contains(t, w.Message, "技术方面的异议")
					assert.Contains(t, w.Message, "技术答疑")
				}
			},
		},
		{
			name: "objection answered by a later commitment of the same contact: no warning",
			asOf: "2025-03-28 18:00",
			build: func(a *account) func(*testing.T, scoring.Score, []scoring.Warning) {
				a.regular("2025-01-06", "2025-03-27", 3, wang, li, zhao)
				m := a.msg("2025-03-10 15:00", "meeting", liu, "技术交流会", liu, wang)
				a.item(m, extract.Objection, "technical", "customer", wang, "你们的接口和我们现有的MES系统不兼容", "")
				a.item(m, extract.Objection, "competitor", "customer", wang, "友商已经有现成的MES适配", "")
				later := a.msg("2025-03-14 15:00", "call", liu, "", liu, wang)
				a.item(later, extract.Commitment, "meeting", "customer", wang, "下周我安排测试环境给你们联调", "")
				return func(t *testing.T, s scoring.Score, ws []scoring.Warning) {
					assert.Empty(t, ws)
				}
			},
		},
		{
			name: "a single price question is not commercial sensitivity",
			asOf: "2025-03-25 18:00",
			build: func(a *account) func(*testing.T, scoring.Score, []scoring.Warning) {
				a.regular("2025-01-06", "2025-03-24", 3, wang, li, zhao)
				m := a.msg("2025-03-20 10:00", "email", li, "Re: 报价单", li, zhang)
				a.item(m, extract.Objection, "price", "customer", li, "价格能不能再优惠一点", "")
				return func(t *testing.T, s scoring.Score, ws []scoring.Warning) {
					_, ok := find(ws, scoring.CommercialSensitivity)
					assert.False(t, ok)
					assert.False(t, s.AtRisk)
				}
			},
		},
		{
			name: "promise remade with a new date and still not kept: high, with the slips",
			asOf: "2025-03-28 18:00",
			build: func(a *account) func(*testing.T, scoring.Score, []scoring.Warning) {
				a.regular("2025-01-06", "2025-03-27", 3, wang, li, zhao)
				m1 := a.msg("2025-03-03 14:00", "meeting", liu, "评审会", liu, wang)
				a.item(m1, extract.Commitment, "deliver", "vendor", liu, "3月10日前提供第三方安全测试报告", "2025-03-10")
				m2 := a.msg("2025-03-12 10:00", "chat", "", "", zhang, wang)
				a.item(m2, extract.Commitment, "deliver", "vendor", zhang, "安全报告下周三前一定给到", "2025-03-19")
				return func(t *testing.T, s scoring.Score, ws []scoring.Warning) {
					w, ok := find(ws, scoring.OverdueCommitment)
					require.True(t, ok, "kinds: %v", kinds(ws))
					assert.Equal(t, scoring.SeverityHigh, w.Severity)
					assert.Equal(t, at("2025-03-10"), w.Since)
					assert.Equal(t, []string{m1, m2}, evidenceIDs(w))
					assert.Contains(t, w.Message, "已逾期 18 天，期间已改期 1 次")
				}
			},
		},
		{
			name: "meeting promise kept by a later meeting: no warning",
			asOf: "2025-03-28 18:00",
			build: func(a *account) func(*testing.T, scoring.Score, []scoring.Warning) {
				a.regular("2025-01-06", "2025-03-27", 3, wang, li, zhao)
				m := a.msg("2025-03-03 14:00", "call", zhang, "", zhang, wang)
				a.item(m, extract.Commitment, "meeting", "vendor", zhang, "下周二我们安排架构师到现场做一次详细讲解", "2025-03-11")
				a.msg("2025-03-11 14:00", "meeting", liu, "架构交流", liu, zhang, wang)
				return func(t *testing.T, s scoring.Score, ws []scoring.Warning) {
					assert.Empty(t, ws)
				}
			},
		},
		{
			name: "customer promise lapsed and the contact went quiet: a low hint",
			asOf: "2025-03-28 18:00",
			build: func(a *account) func(*testing.T, scoring.Score, []scoring.Warning) {
				a.regular("2025-01-06", "2025-03-27", 3, wang, li, zhao)
				m := a.msg("2025-03-03 14:00", "meeting", liu, "实施计划会", liu, zhang, wang, zhao)
				a.item(m, extract.Commitment, "deliver", "customer", zhao, "赵敏：3月10日前开通测试环境账号", "2025-03-10")
				return func(t *testing.T, s scoring.Score, ws []scoring.Warning) {
					w, ok := find(ws, scoring.OverdueCommitment)
					require.True(t, ok, "kinds: %v", kinds(ws))
					assert.Equal(t, scoring.SeverityLow, w.Severity)
					assert.Equal(t, at("2025-03-10"), w.Since)
					assert.Contains(t, w.Message, "赵敏（项目经理）于 2025-03-03 承诺在 2025-03-10 前")
					assert.Contains(t, w.Message, "以协助的口吻联系赵敏")
				}
			},
		},
		{
			name: "a slow account keeping its own rhythm is not going dark",
			asOf: "2025-03-31 18:00",
			build: func(a *account) func(*testing.T, scoring.Score, []scoring.Warning) {
				a.regular("2024-11-04", "2025-03-10", 14, wang, li, zhao)
				return func(t *testing.T, s scoring.Score, ws []scoring.Warning) {
					assert.NotContains(t, kinds(ws), scoring.GoingDark, "21 days of silence in a fortnightly rhythm")
				}
			},
		},
		{
			name: "champion left, successor engaged: milder, names the successor",
			asOf: "2025-03-28 18:00",
			build: func(a *account) func(*testing.T, scoring.Score, []scoring.Warning) {
				a.person("c-sun", "孙磊", "customer", "技术总监")
				a.regular("2025-01-06", "2025-03-19", 4, wang, wang, li)
				a.act("2025-03-20 09:00", "contact_left", wang, "")
				m := a.msg("2025-03-24 10:00", "meeting", liu, "交接会", liu, zhang, "c-sun")
				a.item(m, extract.Commitment, "meeting", "customer", "c-sun", "下周我安排团队过一遍方案", "")
				a.regular("2025-03-25", "2025-03-28", 2, li)
				return func(t *testing.T, s scoring.Score, ws []scoring.Warning) {
					w, ok := find(ws, scoring.ChampionLeft)
					require.True(t, ok, "kinds: %v", kinds(ws))
					assert.Equal(t, scoring.SeverityMedium, w.Severity)
					assert.Contains(t, w.Message, "孙磊（技术总监）已于 2025-03-24 开始与我们沟通")
				}
			},
		},
		{
			name: "departure known only from the person record",
			asOf: "2025-03-25 18:00",
			build: func(a *account) func(*testing.T, scoring.Score, []scoring.Warning) {
				a.regular("2025-01-06", "2025-03-24", 4, wang, wang, li)
				left := at("2025-03-20 09:00")
				a.f.People[0].LeftAt = &left
				return func(t *testing.T, s scoring.Score, ws []scoring.Warning) {
					w, ok := find(ws, scoring.ChampionLeft)
					require.True(t, ok, "kinds: %v", kinds(ws))
					assert.Equal(t, left, w.Since)
				}
			},
		},
		{
			name: "single thread to someone who cannot decide: high",
			asOf: "2025-03-31 18:00",
			build: func(a *account) func(*testing.T, scoring.Score, []scoring.Warning) {
				a.regular("2025-01-20", "2025-03-28", 5, zhao)
				m := a.msg("2025-03-20 10:00", "chat", "", "", zhao, zhang)
				a.item(m, extract.Objection, "authority", "customer", zhao, "这个我做不了主，得领导定", "")
				return func(t *testing.T, s scoring.Score, ws []scoring.Warning) {
					w, ok := find(ws, scoring.SingleThreaded)
					require.True(t, ok, "kinds: %v", kinds(ws))
					assert.Equal(t, scoring.SeverityHigh, w.Severity)
					assert.Contains(t, w.Message, "赵敏已表示自己做不了主")
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAccount()
			check := tt.build(a)
			s, ws := scoring.Evaluate(a.facts(), at(tt.asOf))
			assert.Equal(t, "acct-hengtong", s.AccountID)
			assert.Equal(t, at(tt.asOf), s.AsOf)
			t.Logf("technical %.1f commercial %.1f emotional %.1f at risk %v", s.Technical, s.Commercial, s.Emotional, s.AtRisk)
			for _, w := range ws {
				t.Logf("%s [%s] since %s: %s", w.Kind, w.Severity, w.Since.Format(time.DateOnly), w.Message)
				assert.Equal(t, "acct-hengtong", w.AccountID)
				assert.NotEmpty(t, w.Evidence, "%s has no evidence", w.Kind)
				assert.NotEmpty(t, w.Message)
				assert.False(t, w.Since.IsZero(), "%s has no since", w.Kind)
				assert.False(t, w.Since.After(at(tt.asOf)), "%s began after asOf", w.Kind)
			}
			check(t, s, ws)
		})
	}
}

// trouble is an account that goes wrong in March: a broken promise, a
// competitor, the champion leaving.
func trouble() *account {
	a := newAccount()
	a.regular("2025-01-06", "2025-03-29", 3, wang, wang, li, zhao)
	m := a.msg("2025-03-03 14:00", "meeting", liu, "性能评审会", liu, zhang, wang)
	a.item(m, extract.Commitment, "deliver", "vendor", liu, "3月7日前提供压测报告", "2025-03-07")
	c := a.msg("2025-03-12 15:00", "call", zhang, "", zhang, zhao)
	a.item(c, extract.Objection, "competitor", "customer", zhao, "友商报价比你们低三成", "")
	a.act("2025-03-20 09:00", "contact_left", wang, "")
	return a
}

func TestEvaluateReplay(t *testing.T) {
	f := trouble().facts()

	_, ws := scoring.Evaluate(f, at("2025-03-31 18:00"))
	require.Subset(t, kinds(ws), []scoring.Kind{scoring.OverdueCommitment, scoring.CompetitorThreat, scoring.ChampionLeft})

	s, ws := scoring.Evaluate(f, at("2025-03-07 18:00"))
	assert.Empty(t, ws, "before the bad events, nothing was wrong")
	assert.False(t, s.AtRisk)

	// Evaluating everything at a past time gives the same answer as
	// evaluating only what was known then.
	for _, when := range []string{"2025-02-01 00:00", "2025-03-08 12:00", "2025-03-15 09:00", "2025-03-21 00:00"} {
		asOf := at(when)
		known := f
		known.Interactions = slices.DeleteFunc(slices.Clone(f.Interactions), func(x graph.Interaction) bool { return x.OccurredAt.After(asOf) })
		known.Items = slices.DeleteFunc(slices.Clone(f.Items), func(x graph.ItemFact) bool { return x.OccurredAt.After(asOf) })
		known.Activities = slices.DeleteFunc(slices.Clone(f.Activities), func(x graph.ActivityFact) bool { return x.OccurredAt.After(asOf) })
		s1, w1 := scoring.Evaluate(f, asOf)
		s2, w2 := scoring.Evaluate(known, asOf)
		assert.Equal(t, s2, s1, when)
		assert.Equal(t, w2, w1, when)
	}
}

func TestEvaluateDeterministic(t *testing.T) {
	f := trouble().facts()
	asOf := at("2025-03-31 18:00")
	s1, w1 := scoring.Evaluate(f, asOf)

	rng := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		g := f
		g.People = slices.Clone(f.People)
		g.Interactions = slices.Clone(f.Interactions)
		g.Items = slices.Clone(f.Items)
		g.Activities = slices.Clone(f.Activities)
		rng.Shuffle(len(g.Interactions), func(i, j int) { g.Interactions[i], g.Interactions[j] = g.Interactions[j], g.Interactions[i] })
		rng.Shuffle(len(g.Items), func(i, j int) { g.Items[i], g.Items[j] = g.Items[j], g.Items[i] })
		rng.Shuffle(len(g.Activities), func(i, j int) { g.Activities[i], g.Activities[j] = g.Activities[j], g.Activities[i] })
		s2, w2 := scoring.Evaluate(g, asOf)
		assert.Equal(t, s1, s2)
		assert.Equal(t, w1, w2)
	}
}

func TestEvaluateScoreShape(t *testing.T) {
	s, _ := scoring.Evaluate(trouble().facts(), at("2025-03-31 18:00"))
	perDim := map[scoring.Dimension][]scoring.Evidence{}
	for _, e := range s.Evidence {
		perDim[e.Dimension] = append(perDim[e.Dimension], e)
		assert.NotEmpty(t, e.Signal)
		assert.NotZero(t, e.Delta)
	}
	for d, evs := range perDim {
		assert.LessOrEqual(t, len(evs), 5, d)
		for i := 1; i < len(evs); i++ {
			assert.GreaterOrEqual(t, abs(evs[i-1].Delta), abs(evs[i].Delta), "%s evidence is most influential first", d)
		}
	}
	for _, x := range []float64{s.Technical, s.Commercial, s.Emotional} {
		assert.Equal(t, x, float64(int(x*10+0.5))/10, "rounded to one decimal")
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestEvaluateClamps(t *testing.T) {
	a := newAccount()
	a.regular("2025-01-06", "2025-03-29", 3, wang, li)
	for d := at("2025-03-01"); d.Before(at("2025-03-30")); d = d.Add(24 * time.Hour) {
		a.act(d.Add(9*time.Hour).Format("2006-01-02 15:04"), "attachment_ignored", wang, "方案.pdf")
		a.act(d.Add(10*time.Hour).Format("2006-01-02 15:04"), "meeting_cancelled", wang, "评审会")
	}
	s, ws := scoring.Evaluate(a.facts(), at("2025-03-31 18:00"))
	assert.Equal(t, 0.0, s.Technical)
	assert.GreaterOrEqual(t, s.Emotional, 0.0)
	assert.True(t, s.AtRisk)
	w, ok := find(ws, scoring.TechnicalTrustDecline)
	require.True(t, ok)
	assert.Equal(t, scoring.SeverityHigh, w.Severity)
}

func TestEvaluateEmpty(t *testing.T) {
	s, ws := scoring.Evaluate(graph.AccountFacts{Account: graph.Account{ID: "acct-new"}}, at("2025-03-31 18:00"))
	assert.Empty(t, ws)
	assert.Equal(t, scoring.Score{AccountID: "acct-new", AsOf: at("2025-03-31 18:00"), Technical: 60, Commercial: 60, Emotional: 60,
		Trend: &scoring.Trend{Since: at("2025-03-01 18:00"), Before: scoring.Levels{Technical: 60, Commercial: 60, Emotional: 60}}}, s)
}

func TestEvaluateOptions(t *testing.T) {
	f := trouble().facts()
	asOf := at("2025-03-31 18:00")

	t.Run("no weights: every score stays at the baseline", func(t *testing.T) {
		s, _ := scoring.Evaluate(f, asOf, scoring.WithWeights(scoring.Weights{}))
		assert.Equal(t, []float64{60, 60, 60}, []float64{s.Technical, s.Commercial, s.Emotional})
		assert.Empty(t, s.Evidence)
	})
	t.Run("baseline and threshold from the config", func(t *testing.T) {
		cfg := scoring.DefaultConfig()
		cfg.Weights = scoring.Weights{}
		cfg.Baseline = 40
		s, _ := scoring.Evaluate(f, asOf, scoring.WithConfig(cfg))
		assert.Equal(t, 40.0, s.Technical)
		assert.True(t, s.AtRisk, "40 is below the risk threshold")
	})
	t.Run("a longer half-life remembers more", func(t *testing.T) {
		short, _ := scoring.Evaluate(f, asOf)
		long, _ := scoring.Evaluate(f, asOf, func(c *scoring.Config) { c.HalfLife = 365 * 24 * time.Hour })
		assert.NotEqual(t, short.Emotional, long.Emotional)
	})
	t.Run("low-confidence items are ignored", func(t *testing.T) {
		g := f
		g.Items = slices.Clone(f.Items)
		for i := range g.Items {
			g.Items[i].Confidence = 0.2
		}
		_, ws := scoring.Evaluate(g, asOf)
		assert.NotContains(t, kinds(ws), scoring.CompetitorThreat)
		assert.NotContains(t, kinds(ws), scoring.OverdueCommitment)
	})
	t.Run("DefaultConfig hands out a copy of the weights", func(t *testing.T) {
		cfg := scoring.DefaultConfig()
		cfg.Weights[scoring.SigCustomerMessage] = scoring.Weight{Emotional: 100}
		assert.Equal(t, 0.8, scoring.DefaultWeights[scoring.SigCustomerMessage].Emotional)
	})
}
