package audit

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/graph"
	"github.com/guanxi-dev/guanxi/ingest"
	"github.com/guanxi-dev/guanxi/scoring"
)

var cst = time.FixedZone("CST", 8*3600)

// asOf is the audit time of the fixtures.
var asOf = time.Date(2026, 11, 1, 23, 59, 59, 0, cst)

func at(month time.Month, day int) time.Time { return time.Date(2026, month, day, 10, 0, 0, 0, cst) }

var (
	rep    = ingest.Participant{ID: "v-li", Name: "李雷", Side: ingest.SideVendor, Title: "客户经理"}
	wang   = ingest.Participant{ID: "hk-wang", Name: "王工", Side: ingest.SideCustomer, Title: "架构师"}
	hkChen = ingest.Participant{ID: "hk-chen", Name: "陈静", Side: ingest.SideCustomer, Title: "运营总监"}
	liu    = ingest.Participant{ID: "yh-liu", Name: "刘洋", Side: ingest.SideCustomer, Title: "采购经理"}
	yhSun  = ingest.Participant{ID: "yh-sun", Name: "孙悦", Side: ingest.SideCustomer, Title: "IT经理"}
	zhao   = ingest.Participant{ID: "xc-zhao", Name: "赵强", Side: ingest.SideCustomer, Title: "项目经理"}

	huakang  = ingest.Account{ID: "HK", Name: "华康医疗"}
	yuanhang = ingest.Account{ID: "YH", Name: "远航物流"}
	xingchen = ingest.Account{ID: "XC", Name: "星辰制造"}
)

type fixture struct {
	msg   ingest.Message
	items []extract.Item
}

// item builds an item whose span is where text stands in body, in runes.
func item(t *testing.T, m ingest.Message, typ extract.Type, subtype string, party ingest.Side, speaker, text string) extract.Item {
	t.Helper()
	i := strings.Index(m.Body, text)
	require.GreaterOrEqual(t, i, 0, "%q not in body of %s", text, m.ID)
	start := utf8.RuneCountInString(m.Body[:i])
	return extract.Item{
		MessageID: m.ID, AccountID: m.Account.ID, Type: typ, Subtype: subtype,
		Party: string(party), Speaker: speaker, Text: text, Confidence: 0.9,
		Model: "guanxi-items@test", Field: "body", Start: start, End: start + utf8.RuneCountInString(text),
	}
}

func email(id string, acc ingest.Account, when time.Time, from ingest.Participant, to ingest.Participant, subject, body string) ingest.Message {
	return ingest.Message{ID: id, Channel: ingest.ChannelEmail, Account: acc, OccurredAt: when,
		Participants: []ingest.Participant{from, to}, From: from.ID, Subject: subject, Body: body}
}

func activity(id string, acc ingest.Account, when time.Time, actor ingest.Participant, kind ingest.ActivityKind, ref string) ingest.Message {
	return ingest.Message{ID: id, Channel: ingest.ChannelActivity, Account: acc, OccurredAt: when,
		Participants: []ingest.Participant{actor}, Activity: &ingest.Activity{Kind: kind, Actor: actor.ID, Ref: ref}}
}

// histories are three accounts, each weak in its own way.
func histories(t *testing.T) []fixture {
	t.Helper()
	var fs []fixture
	add := func(m ingest.Message, items ...extract.Item) { fs = append(fs, fixture{m, items}) }

	// 华康医疗: the architect stops opening our technical proposal.
	add(email("hk-001", huakang, at(9, 1), wang, rep, "系统对接需求", "李经理好，我们需要和现有 HIS 系统对接，请提供技术方案。"))
	add(email("hk-002", huakang, at(9, 8), hkChen, rep, "感谢拜访", "感谢贵司的拜访，期待后续合作。"))
	add(activity("hk-003", huakang, at(9, 15), wang, ingest.ActivityAttachmentOpened, "接口说明v1.pdf"))
	add(activity("hk-010", huakang, at(10, 12), wang, ingest.ActivityAttachmentIgnored, "技术方案v2.pdf"))
	add(activity("hk-011", huakang, at(10, 19), wang, ingest.ActivityAttachmentIgnored, "技术方案v2.pdf"))
	add(activity("hk-012", huakang, at(10, 26), wang, ingest.ActivityAttachmentIgnored, "技术方案v3.pdf"))
	add(email("hk-013", huakang, at(10, 28), hkChen, rep, "会议时间", "下周三可以，辛苦安排。"))

	// 远航物流: procurement keeps asking about payment terms.
	add(email("yh-001", yuanhang, at(9, 5), yhSun, rep, "试用反馈", "试用效果不错，团队很满意。"))
	m := email("yh-010", yuanhang, at(10, 9), liu, rep, "关于账期", "付款账期能否延长到90天？")
	add(m, item(t, m, extract.Objection, "terms", ingest.SideCustomer, liu.ID, "付款账期能否延长到90天？"))
	m = email("yh-011", yuanhang, at(10, 16), liu, rep, "账期再确认", "账期的事情还没有答复，90天是我们的底线。")
	add(m, item(t, m, extract.Objection, "terms", ingest.SideCustomer, liu.ID, "90天是我们的底线。"))
	m = email("yh-012", yuanhang, at(10, 23), liu, rep, "付款方式", "价格也偏高，付款方式需要分三期。")
	add(m, item(t, m, extract.Objection, "price", ingest.SideCustomer, liu.ID, "价格也偏高，付款方式需要分三期。"))

	// 星辰制造: only the project manager talks to us.
	for i, d := range []time.Time{at(8, 20), at(9, 10), at(9, 30), at(10, 15), at(10, 29)} {
		add(email(fmt.Sprintf("xc-%03d", i+1), xingchen, d, zhao, rep, "项目进展", "本周进展正常，谢谢。"))
	}
	return fs
}

// filler adds quiet accounts so that sampling has something to choose from.
func filler(n int) []fixture {
	var fs []fixture
	for i := range n {
		acc := ingest.Account{ID: fmt.Sprintf("F%02d", i), Name: fmt.Sprintf("客户%02d", i)}
		c := ingest.Participant{ID: fmt.Sprintf("f%02d-c", i), Name: "周敏", Side: ingest.SideCustomer, Title: "经理"}
		fs = append(fs, fixture{msg: email(fmt.Sprintf("f%02d-001", i), acc, at(10, 20), c, rep, "问候", "收到，谢谢。")})
	}
	return fs
}

func openStore(t *testing.T, fs ...[]fixture) *graph.Store {
	t.Helper()
	s, err := graph.Open(context.Background(), graph.Config{Backend: graph.BackendBBolt, Path: filepath.Join(t.TempDir(), "graph")})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	for _, f := range fs {
		for _, x := range f {
			require.NoError(t, s.PutMessage(context.Background(), x.msg, x.items), "put %s", x.msg.ID)
		}
	}
	return s
}

func accounts(n int) []graph.Account {
	out := make([]graph.Account, n)
	for i := range out {
		out[i] = graph.Account{ID: fmt.Sprintf("acc-%04d", i)}
	}
	return out
}

func ids(as []graph.Account) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

func TestSample(t *testing.T) {
	tests := []struct {
		name     string
		total    int
		fraction float64
		want     int
	}{
		{"ten percent", 1000, 0.1, 100},
		{"rounds", 25, 0.1, 3},
		{"at least one", 3, 0.1, 1},
		{"all", 7, 1, 7},
		{"half", 9, 0.5, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			accs := accounts(tt.total)
			got, err := Sample(accs, tt.fraction, 42)
			require.NoError(t, err)
			assert.Len(t, got, tt.want)
			again, err := Sample(accs, tt.fraction, 42)
			require.NoError(t, err)
			assert.Equal(t, ids(got), ids(again), "same seed, same sample")
			assert.IsIncreasing(t, ids(got))
		})
	}
}

func TestSampleReproducible(t *testing.T) {
	accs := accounts(200)
	a, err := Sample(accs, 0.1, 7)
	require.NoError(t, err)

	// The order the accounts are listed in does not matter.
	reversed := make([]graph.Account, len(accs))
	for i, x := range accs {
		reversed[len(accs)-1-i] = x
	}
	b, err := Sample(reversed, 0.1, 7)
	require.NoError(t, err)
	assert.Equal(t, ids(a), ids(b))

	// Another seed draws another sample.
	c, err := Sample(accs, 0.1, 8)
	require.NoError(t, err)
	assert.NotEqual(t, ids(a), ids(c))

	// Over many seeds every account is drawn about as often as the
	// fraction says: the sample is not biased towards low or high ids.
	drawn := make(map[string]int)
	const seeds = 500
	for s := range int64(seeds) {
		got, err := Sample(accs, 0.1, s)
		require.NoError(t, err)
		for _, x := range got {
			drawn[x.ID]++
		}
	}
	first, last := 0, 0
	for i, x := range accs {
		if i < 100 {
			first += drawn[x.ID]
		} else {
			last += drawn[x.ID]
		}
	}
	assert.InDelta(t, 0.5, float64(first)/float64(first+last), 0.05)
}

func TestSampleRejects(t *testing.T) {
	tests := []struct {
		name     string
		accs     []graph.Account
		fraction float64
		want     string
	}{
		{"zero", accounts(5), 0, "not in (0, 1]"},
		{"negative", accounts(5), -0.1, "not in (0, 1]"},
		{"above one", accounts(5), 1.5, "not in (0, 1]"},
		{"no accounts", nil, 0.1, "no accounts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Sample(tt.accs, tt.fraction, 1)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestRunSamplesStore(t *testing.T) {
	s := openStore(t, histories(t), filler(17))
	ctx := context.Background()
	r, err := Run(ctx, s, Options{Fraction: 0.1, Seed: 3, AsOf: asOf})
	require.NoError(t, err)
	assert.Equal(t, 20, r.Summary.Total)
	assert.Equal(t, 2, r.Summary.Sampled)
	assert.Len(t, r.Accounts, 2)

	again, err := Run(ctx, s, Options{Fraction: 0.1, Seed: 3, AsOf: asOf})
	require.NoError(t, err)
	assert.Equal(t, r, again)

	_, err = Run(ctx, openStore(t), Options{Fraction: 0.1, AsOf: asOf})
	require.ErrorIs(t, err, ErrNoAccounts)
}

// assess audits one account of the fixtures.
func assess(t *testing.T, s *graph.Store, id string) AccountAudit {
	t.Helper()
	f, err := s.AccountFacts(context.Background(), id)
	require.NoError(t, err)
	return Assess(f, Options{AsOf: asOf})
}

func adviceOf(a AccountAudit, rule string) (Advice, bool) {
	for _, x := range a.Advice {
		if x.Rule == rule {
			return x, true
		}
	}
	return Advice{}, false
}

func TestAdviceGroundedInEvidence(t *testing.T) {
	s := openStore(t, histories(t))
	tests := []struct {
		account  string
		weakest  scoring.Dimension
		weak     bool // whether weakest is a weak spot
		rule     string
		messages []string // message ids the advice must rest on
		mentions []string // words the advice must say
		notRules []string
	}{
		{
			account:  "HK",
			weakest:  scoring.Technical,
			weak:     true,
			rule:     "tech_material_ignored",
			messages: []string{"hk-010", "hk-011", "hk-012"},
			mentions: []string{"技术信任偏弱：", "架构师王工", "10月12日起3次未打开技术资料", "hk-012", "技术方案v3.pdf", "建议安排架构师一对一技术交流"},
			notRules: []string{"payment_terms", "single_threaded", "technical_doubt"},
		},
		{
			account:  "YH",
			weakest:  scoring.Commercial,
			weak:     true,
			rule:     "payment_terms",
			messages: []string{"yh-011", "yh-012"},
			mentions: []string{"商务信任偏弱：", "采购经理刘洋", "追问账期或价格", "建议一次性给出完整商务方案"},
			notRules: []string{"tech_material_ignored"},
		},
		{
			account:  "XC",
			rule:     "single_threaded",
			weakest:  scoring.Commercial,
			messages: []string{"xc-005"},
			mentions: []string{"只与1位客户联系人沟通：项目经理赵强", "最近一次是10月29日 xc-005", "建议请其引荐"},
			notRules: []string{"payment_terms", "tech_material_ignored"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.account, func(t *testing.T) {
			a := assess(t, s, tt.account)
			assert.Equal(t, tt.weakest, a.Weakest)
			if tt.weak {
				assert.Contains(t, a.WeakSpots, tt.weakest)
			}
			adv, ok := adviceOf(a, tt.rule)
			require.True(t, ok, "rule %s did not fire; advice: %+v", tt.rule, a.Advice)
			for _, w := range tt.mentions {
				assert.Contains(t, adv.Text, w)
			}
			var got []string
			for _, e := range adv.Evidence {
				got = append(got, e.MessageID)
				assert.False(t, e.At.IsZero())
			}
			for _, id := range tt.messages {
				assert.Contains(t, got, id)
			}
			for _, r := range tt.notRules {
				_, ok := adviceOf(a, r)
				assert.False(t, ok, "rule %s should not fire", r)
			}
		})
	}
}

func TestBalanceAndTrend(t *testing.T) {
	s := openStore(t, histories(t))
	a := assess(t, s, "HK")
	require.Len(t, a.Dimensions, 3)
	tech := a.Dimensions[0]
	assert.Equal(t, scoring.Technical, tech.Dimension)
	// Three ignored proposals in October: technical fell over the month.
	assert.Less(t, tech.Trend, -6.0)
	assert.InDelta(t, tech.Score-tech.Before, tech.Trend, 0.05)
	assert.Contains(t, tech.Reasons, "drop")
	assert.True(t, tech.Weak)
	hi := max(a.Dimensions[0].Score, a.Dimensions[1].Score, a.Dimensions[2].Score)
	assert.InDelta(t, hi-tech.Score, a.Spread, 0.05)
	assert.NotEqual(t, Balanced, a.Balance)
}

func TestGapRule(t *testing.T) {
	// Only the gap rule can explain this account: the one thing that hurts
	// is a technical objection the customer raised long ago, whose signal
	// is not weak-spot worthy on its own but leaves technical trailing.
	r := Rules[len(Rules)-3]
	require.Equal(t, "technical_gap", r.ID)
	a := &AccountAudit{
		Weakest:   scoring.Technical,
		Strongest: scoring.Emotional,
		Spread:    20,
		Dimensions: []DimensionAudit{
			{Dimension: scoring.Technical, Score: 48, Weak: true},
			{Dimension: scoring.Commercial, Score: 60},
			{Dimension: scoring.Emotional, Score: 68},
		},
	}
	ev := []scoring.Evidence{{Dimension: scoring.Technical, MessageID: "m-9", Quote: "性能测试没达标", Signal: "some_new_signal", Delta: -8, At: at(10, 3)}}
	got := advise(&assessment{audit: a, evidence: ev, opts: Options{AsOf: asOf}.withDefaults()})
	require.Len(t, got, 1)
	assert.Equal(t, "technical_gap", got[0].Rule)
	assert.Equal(t, "技术信任偏弱：技术信任 48.0 分，比情感信任低 20.0 分，主要拖累：10月3日“性能测试没达标”（m-9）。建议安排技术交流或小范围试点，让客户的技术负责人亲自验证产品。", got[0].Text)
	assert.Equal(t, ev, got[0].Evidence)
}

func TestSummary(t *testing.T) {
	s := openStore(t, histories(t))
	r, err := Run(context.Background(), s, Options{Fraction: 1, Seed: 1, AsOf: asOf})
	require.NoError(t, err)
	assert.Equal(t, 3, r.Summary.Sampled)
	assert.Equal(t, []string{"HK", "XC", "YH"}, []string{r.Accounts[0].AccountID, r.Accounts[1].AccountID, r.Accounts[2].AccountID})
	assert.Equal(t, 1, r.Summary.Weakest[scoring.Technical])
	assert.Equal(t, 2, r.Summary.Weakest[scoring.Commercial])
	// One technical and one commercial weak spot: the tie goes to technical.
	assert.Equal(t, 1, r.Summary.WeakSpots[scoring.Technical])
	assert.Equal(t, 1, r.Summary.WeakSpots[scoring.Commercial])
	assert.Equal(t, scoring.Technical, r.Summary.MostCommonWeak)
	risky := 0
	for _, a := range r.Accounts {
		if a.AtRisk {
			risky++
		}
	}
	assert.Equal(t, risky, r.Summary.AtRisk)
}

func TestRulesTable(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules {
		assert.False(t, seen[r.ID], "duplicate rule %s", r.ID)
		seen[r.ID] = true
		assert.True(t, len(r.Warnings) > 0 || len(r.Signals) > 0 || r.Gap, "rule %s is keyed on nothing", r.ID)
		assert.True(t, strings.HasPrefix(r.Action, "建议"), "rule %s", r.ID)
		if len(r.Signals) > 0 {
			assert.NotEmpty(t, r.Dimension, "signal rule %s needs the dimension it guards", r.ID)
		}
		for _, s := range r.Signals {
			_, ok := scoring.DefaultWeights[s]
			assert.True(t, ok, "rule %s: unknown signal %s", r.ID, s)
		}
	}
}
