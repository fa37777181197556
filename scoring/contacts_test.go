package scoring_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/graph"
	"github.com/guanxi-dev/guanxi/scoring"
)

// contact returns the score of one contact.
func contact(t *testing.T, cs []scoring.ContactScore, id string) scoring.ContactScore {
	t.Helper()
	for _, c := range cs {
		if c.ContactID == id {
			return c
		}
	}
	require.Failf(t, "no contact score", "contact %s", id)
	return scoring.ContactScore{}
}

// signals lists the signals of a contact's evidence on one dimension.
func signals(c scoring.ContactScore, d scoring.Dimension) []string {
	var out []string
	for _, e := range c.Evidence {
		if e.Dimension == d {
			out = append(out, e.Signal)
		}
	}
	return out
}

func TestEvaluateContacts(t *testing.T) {
	const asOf = "2025-03-31 18:00"
	tests := []struct {
		name  string
		build func(a *account)
		check func(t *testing.T, cs []scoring.ContactScore)
	}{
		{
			name: "no signals: every contact at the baseline, no weak link",
			build: func(a *account) {
				a.regular("2025-01-06", "2025-03-29", 3, wang, li, zhao)
			},
			check: func(t *testing.T, cs []scoring.ContactScore) {
				require.Len(t, cs, 4, "the customer contacts only, in the order of People")
				assert.Equal(t, []string{wang, li, zhao, chen}, []string{cs[0].ContactID, cs[1].ContactID, cs[2].ContactID, cs[3].ContactID})
				for _, c := range cs {
					assert.Equal(t, 60.0, c.Technical, c.ContactID)
					assert.Equal(t, 60.0, c.Commercial, c.ContactID)
					assert.False(t, c.WeakLink, c.ContactID)
				}
				assert.Greater(t, contact(t, cs, wang).Emotional, 60.0, "writing to us is engagement")
				assert.Equal(t, 60.0, contact(t, cs, chen).Emotional, "陈总 never wrote")
				assert.Equal(t, "王工", cs[0].Name)
				assert.Equal(t, "技术总监", cs[0].Title)
			},
		},
		{
			name: "a technical contact who keeps ignoring our material: low technical trust, colleague neutral",
			build: func(a *account) {
				a.regular("2025-01-06", "2025-03-29", 3, wang, li, zhao)
				for i, d := range []string{"2025-03-10", "2025-03-17", "2025-03-21", "2025-03-26"} {
					a.msg(d+" 10:00", "email", liu, "性能测试方案", liu, wang, zhao)
					a.act(d+" 20:00", "attachment_ignored", wang, []string{"性能测试方案v1.pdf", "接口设计说明.pdf", "部署方案.pdf", "POC测试计划.pdf"}[i])
				}
			},
			check: func(t *testing.T, cs []scoring.ContactScore) {
				w, z := contact(t, cs, wang), contact(t, cs, zhao)
				assert.Less(t, w.Technical, 45.0)
				assert.True(t, w.WeakLink)
				assert.Equal(t, []scoring.Dimension{scoring.Technical}, w.WeakIn)
				sigs := signals(w, scoring.Technical)
				require.NotEmpty(t, sigs)
				assert.Equal(t, "tech_attachment_ignored", sigs[0], "the newest ignored file moved it most")
				for _, e := range w.Evidence {
					assert.NotEmpty(t, e.MessageID)
				}

				assert.GreaterOrEqual(t, z.Technical, 60.0, "the colleague stays neutral")
				assert.False(t, z.WeakLink)
				assert.Empty(t, signals(z, scoring.Commercial))
			},
		},
		{
			name: "a procurement lead pressing on 账期: low commercial trust, others untouched",
			build: func(a *account) {
				a.regular("2025-01-06", "2025-03-29", 3, wang, li, zhao)
				for i, d := range []string{"2025-03-05", "2025-03-14", "2025-03-24", "2025-03-28"} {
					m := a.msg(d+" 11:00", "email", li, "关于付款条件", li, zhang)
					a.item(m, extract.Objection, "terms", "customer", li,
						[]string{"账期只有30天我们接受不了，至少要90天", "账期的问题还是要再谈，90天是底线", "你们的账期还是不行，别家都给90天", "账期不改的话这单我们很难往下走"}[i], "")
				}
			},
			check: func(t *testing.T, cs []scoring.ContactScore) {
				l := contact(t, cs, li)
				assert.Less(t, l.Commercial, 45.0)
				assert.True(t, l.WeakLink)
				assert.Contains(t, l.WeakIn, scoring.Commercial)
				assert.Contains(t, signals(l, scoring.Commercial), "objection_terms")
				assert.Contains(t, signals(l, scoring.Commercial), "payment_terms_repeated")
				for _, id := range []string{wang, zhao, chen} {
					c := contact(t, cs, id)
					assert.Equal(t, 60.0, c.Commercial, id)
					assert.False(t, c.WeakLink, id)
				}
			},
		},
		{
			name: "a promise of ours left overdue counts against the contact it was made to",
			build: func(a *account) {
				a.regular("2025-01-06", "2025-03-29", 3, wang, li, zhao)
				m := a.msg("2025-03-03 15:00", "meeting", liu, "接口联调会", liu, zhang, wang)
				a.item(m, extract.Commitment, "deliver", "vendor", liu, "下周三前修复接口超时问题", "2025-03-12")
			},
			check: func(t *testing.T, cs []scoring.ContactScore) {
				w, z := contact(t, cs, wang), contact(t, cs, zhao)
				assert.Contains(t, signals(w, scoring.Technical), "vendor_commitment_overdue")
				assert.Contains(t, signals(w, scoring.Emotional), "vendor_commitment_overdue")
				assert.Less(t, w.Technical, z.Technical)
				assert.Empty(t, signals(z, scoring.Technical), "not made to 赵敏")
			},
		},
		{
			name: "a quiet decision maker carries the silence; the account's own threading does not",
			build: func(a *account) {
				a.regular("2025-01-06", "2025-03-29", 3, zhao, li, wang)
				a.msg("2025-01-10 10:00", "email", chen, "项目启动", chen, zhang)
				a.msg("2025-01-20 10:00", "email", chen, "预算确认", chen, zhang)
				a.msg("2025-02-01 10:00", "email", chen, "需求范围", chen, zhang)
				a.msg("2025-03-10 10:00", "email", zhang, "陈总，合同条款请您确认", zhang, chen)
				a.msg("2025-03-20 10:00", "email", zhang, "陈总，再次跟进合同", zhang, chen)
			},
			check: func(t *testing.T, cs []scoring.ContactScore) {
				c := contact(t, cs, chen)
				assert.Contains(t, signals(c, scoring.Emotional), "going_dark")
				for _, id := range []string{wang, li, zhao} {
					assert.NotContains(t, signals(contact(t, cs, id), scoring.Emotional), "going_dark", id)
					assert.NotContains(t, signals(contact(t, cs, id), scoring.Emotional), "multi_threaded", id)
				}
			},
		},
		{
			name: "a contact who left is marked and is no weak link",
			build: func(a *account) {
				a.regular("2025-01-06", "2025-03-29", 3, wang, li, zhao)
				a.act("2025-03-20 09:00", "contact_left", zhao, "")
			},
			check: func(t *testing.T, cs []scoring.ContactScore) {
				z := contact(t, cs, zhao)
				assert.True(t, z.Left)
				assert.False(t, z.WeakLink)
				assert.Empty(t, z.WeakIn)
				assert.Contains(t, signals(z, scoring.Emotional), "contact_left")
				assert.False(t, contact(t, cs, wang).Left)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAccount()
			tt.build(a)
			cs := scoring.EvaluateContacts(a.facts(), at(asOf))
			for _, c := range cs {
				assert.Equal(t, "acct-hengtong", c.AccountID)
				assert.Equal(t, at(asOf), c.AsOf)
				require.NotNil(t, c.Trend)
				assert.NotNil(t, c.Evidence)
			}
			tt.check(t, cs)
		})
	}
}

// declining is an account that went well until the last month, when the
// technical director stopped opening our material and objected to it.
func declining() *account {
	a := newAccount()
	a.regular("2024-12-02", "2025-03-29", 3, wang, li, zhao)
	for _, d := range []string{"2025-01-20", "2025-02-05", "2025-02-20"} {
		a.act(d+" 10:00", "attachment_opened", wang, "技术方案.pdf")
	}
	for _, d := range []string{"2025-03-12", "2025-03-19", "2025-03-26"} {
		a.act(d+" 10:00", "attachment_ignored", wang, "技术方案.pdf")
	}
	m := a.msg("2025-03-27 10:00", "email", wang, "接口问题", wang, zhang)
	a.item(m, extract.Objection, "technical", "customer", wang, "接口文档和实际不一致，测试一直跑不通", "")
	return a
}

func TestTrend(t *testing.T) {
	f := declining().facts()
	asOf := at("2025-03-31 18:00")
	s, _ := scoring.Evaluate(f, asOf)
	then, _ := scoring.Evaluate(f, asOf.Add(-30*24*time.Hour))

	require.NotNil(t, s.Trend)
	assert.Equal(t, asOf.Add(-30*24*time.Hour), s.Trend.Since)
	assert.Less(t, s.Trend.Technical, -6.0, "a decline shows as a negative trend")
	assert.Equal(t, scoring.Levels{Technical: then.Technical, Commercial: then.Commercial, Emotional: then.Emotional}, s.Trend.Before,
		"the earlier values are the score evaluated then")
	assert.InDelta(t, s.Technical-then.Technical, s.Trend.Technical, 0.05)
	assert.InDelta(t, s.Commercial-then.Commercial, s.Trend.Commercial, 0.05)
	assert.InDelta(t, s.Emotional-then.Emotional, s.Trend.Emotional, 0.05)

	w := contact(t, scoring.EvaluateContacts(f, asOf), wang)
	require.NotNil(t, w.Trend)
	assert.Less(t, w.Trend.Technical, -6.0, "the contact who turned shows the decline")
	assert.Greater(t, w.Trend.Before.Technical, 60.0, "he used to read everything")
	assert.InDelta(t, w.Technical-w.Trend.Before.Technical, w.Trend.Technical, 0.05)
	z := contact(t, scoring.EvaluateContacts(f, asOf), zhao)
	assert.Equal(t, 0.0, z.Trend.Technical, "赵敏 did nothing technical either month")
}

func TestTrendReplay(t *testing.T) {
	f := declining().facts()
	asOf := at("2025-03-31 18:00")
	s, ws := scoring.Evaluate(f, asOf)
	cs := scoring.EvaluateContacts(f, asOf)

	// The same facts in another order, and facts from after asOf, change
	// nothing: replaying history gives the answers of the time.
	g := shuffled(f, rand.New(rand.NewPCG(7, 11)))
	late := g.Interactions[0]
	late.MessageID, late.OccurredAt = "m-late", asOf.Add(time.Hour)
	g.Interactions = append(g.Interactions, late)
	g.Activities = append(g.Activities, graph.ActivityFact{MessageID: "m-late", OccurredAt: asOf.Add(time.Hour), Kind: "attachment_ignored", Actor: wang, Ref: "技术方案.pdf"})

	s2, ws2 := scoring.Evaluate(g, asOf)
	assert.Equal(t, s, s2)
	assert.Equal(t, ws, ws2)
	assert.Equal(t, cs, scoring.EvaluateContacts(g, asOf))
}

func shuffled(f graph.AccountFacts, r *rand.Rand) graph.AccountFacts {
	g := f
	g.Interactions = append([]graph.Interaction(nil), f.Interactions...)
	g.Items = append([]graph.ItemFact(nil), f.Items...)
	g.Activities = append([]graph.ActivityFact(nil), f.Activities...)
	r.Shuffle(len(g.Interactions), func(i, j int) { g.Interactions[i], g.Interactions[j] = g.Interactions[j], g.Interactions[i] })
	r.Shuffle(len(g.Items), func(i, j int) { g.Items[i], g.Items[j] = g.Items[j], g.Items[i] })
	r.Shuffle(len(g.Activities), func(i, j int) { g.Activities[i], g.Activities[j] = g.Activities[j], g.Activities[i] })
	return g
}
