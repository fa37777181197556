package lifecycle

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/graph"
	"github.com/guanxi-dev/guanxi/ingest"
)

var (
	acct  = ingest.Account{ID: "ACME", Name: "艾克米科技"}
	wang  = ingest.Participant{ID: "c-wang", Name: "王芳", Side: ingest.SideCustomer, Title: "IT总监"}
	zhang = ingest.Participant{ID: "c-zhang", Name: "张伟", Side: ingest.SideCustomer, Title: "采购经理"}
	li    = ingest.Participant{ID: "v-li", Name: "李雷", Side: ingest.SideVendor, Title: "客户经理"}
)

func detector(t testing.TB) *Detector {
	t.Helper()
	seg, err := extract.LoadSegmenter()
	require.NoError(t, err)
	return New(seg)
}

func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	require.NoError(t, err)
	return v
}

func email(t testing.TB, id, when string, from ingest.Participant, body string, to ...ingest.Participant) ingest.Message {
	return ingest.Message{
		ID: id, Channel: ingest.ChannelEmail, Account: acct, OccurredAt: at(t, when),
		Participants: append([]ingest.Participant{from}, to...), From: from.ID, Body: body,
	}
}

// earlier is an item said before the new message.
type earlier struct {
	id, msg, when string
	typ           extract.Type
	subtype       string
	party         ingest.Side
	speaker       string
	text, due     string
	promisedTo    []string
	transitions   []graph.Transition
}

func factsOf(items ...earlier) graph.AccountFacts {
	f := graph.AccountFacts{Account: graph.Account{ID: acct.ID, Name: acct.Name}}
	for _, p := range []ingest.Participant{wang, zhang, li} {
		f.People = append(f.People, graph.Person{ID: p.ID, Name: p.Name, Side: string(p.Side), Title: p.Title})
	}
	for _, e := range items {
		when, _ := time.Parse(time.RFC3339, e.when)
		f.Items = append(f.Items, graph.ItemFact{
			ID: e.id, OccurredAt: when, Status: graph.StatusOpen, PromisedTo: e.promisedTo, Transitions: e.transitions,
			Item: extract.Item{
				MessageID: e.msg, AccountID: acct.ID, Type: e.typ, Subtype: e.subtype, Party: string(e.party),
				Speaker: e.speaker, Text: e.text, Due: e.due, Confidence: 0.9, Model: "m@1", Field: "body",
				End: utf8.RuneCountInString(e.text),
			},
		})
	}
	return f
}

var (
	quotePromise = earlier{
		id: "i-quote", msg: "m-1", when: "2024-05-06T09:30:00+08:00", typ: extract.Commitment, subtype: "deliver",
		party: ingest.SideVendor, speaker: li.ID, text: "我们周五前把报价单发给您。", due: "2024-05-10", promisedTo: []string{wang.ID},
	}
	reportPromise = earlier{
		id: "i-report", msg: "m-1", when: "2024-05-06T09:30:00+08:00", typ: extract.Commitment, subtype: "deliver",
		party: ingest.SideVendor, speaker: li.ID, text: "第三方安全测试报告下周三前提供给您。", due: "2024-05-15", promisedTo: []string{wang.ID},
	}
	visitPromise = earlier{
		id: "i-visit", msg: "m-1", when: "2024-05-06T09:30:00+08:00", typ: extract.Commitment, subtype: "meeting",
		party: ingest.SideVendor, speaker: li.ID, text: "下周二我们上门给您演示一下。", due: "2024-05-14", promisedTo: []string{wang.ID},
	}
	listPromise = earlier{
		id: "i-list", msg: "m-2", when: "2024-05-07T10:00:00+08:00", typ: extract.Commitment, subtype: "deliver",
		party: ingest.SideCustomer, speaker: wang.ID, text: "试点门店名单我周五发你。", due: "2024-05-10", promisedTo: []string{li.ID},
	}
	priceObjection = earlier{
		id: "i-price", msg: "m-3", when: "2024-05-08T11:00:00+08:00", typ: extract.Objection, subtype: "price",
		party: ingest.SideCustomer, speaker: zhang.ID, text: "价格超出我们预算20%，这个很难批。",
	}
	techObjection = earlier{
		id: "i-tech", msg: "m-3", when: "2024-05-08T11:00:00+08:00", typ: extract.Objection, subtype: "technical",
		party: ingest.SideCustomer, speaker: wang.ID, text: "你们的压测数据只到五千并发，我们峰值三万。",
	}
)

func TestDetect(t *testing.T) {
	d := detector(t)
	tests := []struct {
		name  string
		facts graph.AccountFacts
		msg   ingest.Message
		items []extract.Item
		want  map[string]string // item id → kind
		ev    map[string]string // item id → evidence
	}{
		{
			name:  "promiser reports the quote sent",
			facts: factsOf(quotePromise),
			msg:   email(t, "m-9", "2024-05-09T18:00:00+08:00", li, "王总您好：\n报价单已经发您邮箱了，请查收。如有疑问随时联系。", wang),
			want:  map[string]string{"i-quote": graph.TransitionKept},
			ev:    map[string]string{"i-quote": "报价单已经发您邮箱了，请查收"},
		},
		{
			name:  "attachment named in the report",
			facts: factsOf(reportPromise),
			msg:   email(t, "m-9", "2024-05-15T10:00:00+08:00", li, "王总：附件是第三方出具的安全测试报告，请过目。", wang),
			want:  map[string]string{"i-report": graph.TransitionKept},
		},
		{
			name:  "promisee acknowledges receipt",
			facts: factsOf(quotePromise),
			msg:   email(t, "m-9", "2024-05-10T09:00:00+08:00", wang, "李经理，报价单收到了，我们内部看一下。", li),
			want:  map[string]string{"i-quote": graph.TransitionKept},
			ev:    map[string]string{"i-quote": "李经理，报价单收到了，我们内部看一下"},
		},
		{
			name:  "still being prepared is not kept",
			facts: factsOf(quotePromise),
			msg:   email(t, "m-9", "2024-05-09T18:00:00+08:00", li, "王总，报价单我们还在准备，明天一定发您。", wang),
		},
		{
			name:  "a question is not a report",
			facts: factsOf(quotePromise),
			msg:   email(t, "m-9", "2024-05-09T18:00:00+08:00", wang, "李经理，报价单已经发了吗？我这边没看到。", li),
		},
		{
			name:  "not received is not kept",
			facts: factsOf(quotePromise),
			msg:   email(t, "m-9", "2024-05-11T09:00:00+08:00", wang, "李经理，报价单还没收到，麻烦尽快。", li),
		},
		{
			name:  "customer says another thing was sent",
			facts: factsOf(reportPromise),
			msg:   email(t, "m-9", "2024-05-13T09:00:00+08:00", wang, "方案上周已经发过了，测试报告什么时候能给到？", li),
		},
		{
			name:  "the customer's own sending does not keep our promise",
			facts: factsOf(quotePromise),
			msg:   email(t, "m-9", "2024-05-09T09:00:00+08:00", wang, "李经理，我们的报价单模板已发您邮箱。", li),
		},
		{
			name:  "completion of something else",
			facts: factsOf(reportPromise),
			msg:   email(t, "m-9", "2024-05-10T09:00:00+08:00", li, "王总，合同草稿已经发您邮箱了，请查收。", wang),
		},
		{
			name:  "customer keeps their own promise",
			facts: factsOf(listPromise),
			msg: ingest.Message{ID: "m-9", Channel: ingest.ChannelChat, Account: acct, OccurredAt: at(t, "2024-05-10T16:00:00+08:00"),
				Participants: []ingest.Participant{wang, li},
				Turns:        []ingest.Turn{{Speaker: wang.ID, Text: "试点门店名单发你了，一共12家"}, {Speaker: li.ID, Text: "收到，谢谢王总"}}},
			want: map[string]string{"i-list": graph.TransitionKept},
			ev:   map[string]string{"i-list": "试点门店名单发你了，一共12家"},
		},
		{
			name:  "promised visit held",
			facts: factsOf(visitPromise),
			msg: ingest.Message{ID: "m-9", Channel: ingest.ChannelMeeting, Account: acct, OccurredAt: at(t, "2024-05-14T14:00:00+08:00"),
				Participants: []ingest.Participant{li, wang}, From: li.ID, Subject: "现场演示纪要", Body: "今天在客户现场完成了产品演示。"},
			want: map[string]string{"i-visit": graph.TransitionKept},
			ev:   map[string]string{"i-visit": "现场演示纪要"},
		},
		{
			name:  "meeting without the promisee does not keep it",
			facts: factsOf(visitPromise),
			msg: ingest.Message{ID: "m-9", Channel: ingest.ChannelMeeting, Account: acct, OccurredAt: at(t, "2024-05-14T14:00:00+08:00"),
				Participants: []ingest.Participant{li, zhang}, From: li.ID, Subject: "采购沟通", Body: "和采购过了一遍流程。"},
		},
		{
			name:  "called off",
			facts: factsOf(visitPromise),
			msg:   email(t, "m-9", "2024-05-12T09:00:00+08:00", wang, "李经理，下周的上门演示先不用了，等我们内部定了再说。", li),
			want:  map[string]string{"i-visit": graph.TransitionWithdrawn},
		},
		{
			name:  "price objection answered",
			facts: factsOf(priceObjection),
			msg:   email(t, "m-9", "2024-05-09T10:00:00+08:00", li, "张经理，我们可以分两期实施，首期费用控制在预算内。", zhang),
			want:  map[string]string{"i-price": graph.TransitionAnswered},
		},
		{
			name:  "answered and accepted in one meeting",
			facts: factsOf(priceObjection),
			msg: ingest.Message{ID: "m-9", Channel: ingest.ChannelCall, Account: acct, OccurredAt: at(t, "2024-05-12T15:00:00+08:00"),
				Participants: []ingest.Participant{li, zhang},
				Turns: []ingest.Turn{
					{Speaker: li.ID, Text: "张经理，我们建议分两期付款，首期只上核心模块。"},
					{Speaker: zhang.ID, Text: "分两期的话我们可以接受。"},
				}},
			want: map[string]string{"i-price": graph.TransitionResolved},
			ev:   map[string]string{"i-price": "分两期的话我们可以接受"},
		},
		{
			name: "acceptance of an answered objection",
			facts: factsOf(func() earlier {
				e := priceObjection
				e.transitions = []graph.Transition{{ItemID: e.id, Kind: graph.TransitionAnswered, MessageID: "m-4", At: at(t, "2024-05-09T10:00:00+08:00"), Evidence: "分两期"}}
				return e
			}()),
			msg:  email(t, "m-9", "2024-05-13T10:00:00+08:00", zhang, "李经理，分期的价格方案我们领导认可了。", li),
			want: map[string]string{"i-price": graph.TransitionResolved},
		},
		{
			name:  "rejection is not resolution",
			facts: factsOf(priceObjection),
			msg:   email(t, "m-9", "2024-05-13T10:00:00+08:00", zhang, "李经理，十个点的折扣我们领导还是觉得不行。", li),
		},
		{
			name:  "another contact's acceptance does not resolve it",
			facts: factsOf(techObjection),
			msg:   email(t, "m-9", "2024-05-13T10:00:00+08:00", zhang, "压测数据的事我没意见。", li),
		},
		{
			name:  "technical objection answered with test results",
			facts: factsOf(techObjection),
			msg:   email(t, "m-9", "2024-05-10T10:00:00+08:00", li, "王总，我们按三万并发重新做了压测，报告见附件。", wang),
			want:  map[string]string{"i-tech": graph.TransitionAnswered},
		},
		{
			name:  "vendor reply about other things does not answer",
			facts: factsOf(techObjection),
			msg:   email(t, "m-9", "2024-05-10T10:00:00+08:00", li, "王总，下周的拜访改到周四下午。", wang),
		},
		{
			name:  "an item is never closed by its own message",
			facts: factsOf(quotePromise),
			msg:   email(t, "m-1", "2024-05-06T09:30:00+08:00", li, "我们周五前把报价单发给您。报价单已发您邮箱。", wang),
		},
		{
			name:  "later items are not closed by an earlier message",
			facts: factsOf(quotePromise),
			msg:   email(t, "m-0", "2024-05-01T09:00:00+08:00", li, "报价单已经发您邮箱了，请查收。", wang),
		},
		{
			name: "an already kept promise is not kept again",
			facts: factsOf(func() earlier {
				e := quotePromise
				e.transitions = []graph.Transition{{ItemID: e.id, Kind: graph.TransitionKept, MessageID: "m-5", At: at(t, "2024-05-08T10:00:00+08:00"), Evidence: "已发"}}
				return e
			}()),
			msg: email(t, "m-9", "2024-05-09T18:00:00+08:00", wang, "报价单收到了。", li),
		},
		{
			name:  "a broken promise kept late",
			facts: factsOf(quotePromise),
			msg:   email(t, "m-9", "2024-05-14T18:00:00+08:00", li, "王总，抱歉晚了，报价单已发送，请查收。", wang),
			want:  map[string]string{"i-quote": graph.TransitionKept},
		},
		{
			name:  "activities show nothing here",
			facts: factsOf(quotePromise),
			msg: ingest.Message{ID: "m-9", Channel: ingest.ChannelActivity, Account: acct, OccurredAt: at(t, "2024-05-09T18:00:00+08:00"),
				Participants: []ingest.Participant{wang}, Activity: &ingest.Activity{Kind: ingest.ActivityAttachmentOpened, Actor: wang.ID, Ref: "报价单.pdf"}},
		},
		{
			name:  "a customer commitment on the topic resolves the objection",
			facts: factsOf(priceObjection),
			msg:   email(t, "m-9", "2024-05-14T10:00:00+08:00", zhang, "首期费用这个数可以，合同我们下周走流程。", li),
			items: []extract.Item{{MessageID: "m-9", AccountID: acct.ID, Type: extract.Commitment, Party: "customer", Speaker: zhang.ID,
				Text: "首期费用这个数可以，合同我们下周走流程", Confidence: 0.9, Model: "m@1", Field: "body", End: 19}},
			want: map[string]string{"i-price": graph.TransitionResolved},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := d.Detect(tt.facts, tt.msg, tt.items)
			kinds := map[string]string{}
			for _, tr := range got {
				assert.Equal(t, tt.msg.ID, tr.MessageID)
				assert.True(t, tt.msg.OccurredAt.Equal(tr.At))
				assert.NotEmpty(t, tr.Evidence)
				assert.True(t, strings.Contains(tt.msg.Body+tt.msg.Subject+turnsText(tt.msg), tr.Evidence), "evidence %q is a sentence of the message", tr.Evidence)
				if _, ok := kinds[tr.ItemID]; !ok || tr.Kind == graph.TransitionResolved {
					kinds[tr.ItemID] = tr.Kind
				}
			}
			for _, tr := range got {
				if want, ok := tt.ev[tr.ItemID]; ok && tr.Kind == kinds[tr.ItemID] {
					assert.Equal(t, want, tr.Evidence)
				}
			}
			if tt.want == nil {
				tt.want = map[string]string{}
			}
			assert.Equal(t, tt.want, kinds, "transitions %+v", got)
		})
	}
}

func turnsText(m ingest.Message) string {
	var b strings.Builder
	for _, t := range m.Turns {
		b.WriteString(t.Text)
	}
	return b.String()
}
