package graph

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/ingest"
)

// persistentBackends are the backends every persistence test runs on.
var persistentBackends = []string{BackendBBolt, BackendLevelDB, BackendPostgres}

// openTest opens the store of a backend kept in dir. On postgres, dir stands
// for a schema of the test's own, so opening the same dir again reopens the
// same graph.
func openTest(t testing.TB, backend, dir string) *Store {
	t.Helper()
	cfg := Config{Backend: backend, Path: dir}
	if backend == BackendPostgres {
		cfg.Path, cfg.Address = "", postgresAddress(t, dir)
	}
	s, err := Open(context.Background(), cfg)
	require.NoError(t, err)
	return s
}

func cst(t testing.TB, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, s)
	require.NoError(t, err)
	return at
}

var (
	wang  = ingest.Participant{ID: "p1", Name: "王芳", Side: ingest.SideCustomer, Title: "IT总监"}
	zhang = ingest.Participant{ID: "p2", Name: "张伟", Side: ingest.SideCustomer, Title: "采购经理"}
	li    = ingest.Participant{ID: "v1", Name: "李雷", Side: ingest.SideVendor, Title: "客户经理"}
	zhao  = ingest.Participant{ID: "v2", Name: "赵敏", Side: ingest.SideVendor}
	chen  = ingest.Participant{ID: "q1", Name: "陈静", Side: ingest.SideCustomer, Title: "CTO"}
	acme  = ingest.Account{ID: "ACME", Name: "艾克米科技"}
	beta  = ingest.Account{ID: "BETA", Name: "贝塔物流"}
)

// item builds an item whose span is where text stands in fieldText,
// counted in runes as the item contract requires.
func item(t testing.TB, msg ingest.Message, typ extract.Type, party ingest.Side, speaker, field, fieldText, text string) extract.Item {
	t.Helper()
	i := strings.Index(fieldText, text)
	require.GreaterOrEqual(t, i, 0, "evidence %q not in field", text)
	start := utf8.RuneCountInString(fieldText[:i])
	return extract.Item{
		MessageID:  msg.ID,
		AccountID:  msg.Account.ID,
		Type:       typ,
		Party:      string(party),
		Speaker:    speaker,
		Text:       text,
		Confidence: 0.87,
		Model:      "guanxi-items@1.2.0",
		Field:      field,
		Start:      start,
		End:        start + utf8.RuneCountInString(text),
	}
}

type fixture struct {
	msg   ingest.Message
	items []extract.Item
}

// corpus is one account's history over every channel, plus a second account.
func corpus(t testing.TB) []fixture {
	t.Helper()
	var out []fixture

	email := ingest.Message{
		ID: "m-001", Channel: ingest.ChannelEmail, Account: acme,
		OccurredAt:   cst(t, "2024-05-06T09:30:00.123456789+08:00"),
		Participants: []ingest.Participant{li, wang},
		From:         li.ID,
		Subject:      "报价跟进：第二季度（含税）",
		Body:         "王总您好！我们周五前把报价单发给您。另外，您上次提到“价格比竞品高了20%”，我们会再评估。",
	}
	promise := item(t, email, extract.Commitment, ingest.SideVendor, li.ID, "body", email.Body, "我们周五前把报价单发给您。")
	promise.Due, promise.Subtype = "2024-05-10", "deliverable"
	price := item(t, email, extract.Objection, ingest.SideCustomer, "", "body", email.Body, "“价格比竞品高了20%”")
	price.Subtype, price.Confidence = "price", 0.66
	out = append(out, fixture{email, []extract.Item{promise, price}})

	turns := []ingest.Turn{
		{Speaker: li.ID, Text: "王总，张经理，感谢两位抽时间。"},
		{Speaker: wang.ID, Text: "我下周一安排技术评审会议。现在系统每天宕机两三次，业务很受影响。"},
		{Speaker: zhang.ID, Text: "预算方面我们还需要走审批流程。"},
	}
	call := ingest.Message{
		ID: "m-002", Channel: ingest.ChannelCall, Account: acme,
		OccurredAt:   cst(t, "2024-05-08T14:00:00+08:00"),
		Participants: []ingest.Participant{li, wang, zhang},
		Turns:        turns,
	}
	review := item(t, call, extract.Commitment, ingest.SideCustomer, wang.ID, "turns[1]", turns[1].Text, "我下周一安排技术评审会议。")
	review.Due = "2024-05-13"
	outage := item(t, call, extract.PainPoint, ingest.SideCustomer, wang.ID, "turns[1]", turns[1].Text, "现在系统每天宕机两三次，业务很受影响。")
	outage.Subtype = "reliability"
	out = append(out, fixture{call, []extract.Item{review, outage}})

	chatTurns := []ingest.Turn{
		{Speaker: zhang.ID, Text: "上次那个 bug 还在吗？"},
		{Speaker: li.ID, Text: "我们会在 Q3 release 里修复这个 bug，放心😊"},
	}
	chat := ingest.Message{
		ID: "m-003", Channel: ingest.ChannelChat, Account: acme,
		OccurredAt:   cst(t, "2024-05-09T10:15:30.5Z"),
		Participants: []ingest.Participant{zhang, li},
		Turns:        chatTurns,
	}
	fix := item(t, chat, extract.Commitment, ingest.SideVendor, li.ID, "turns[1]", chatTurns[1].Text, chatTurns[1].Text)
	out = append(out, fixture{chat, []extract.Item{fix}})

	out = append(out, fixture{msg: ingest.Message{
		ID: "m-004", Channel: ingest.ChannelMeeting, Account: acme,
		OccurredAt:   cst(t, "2024-05-15T02:00:00Z"),
		Participants: []ingest.Participant{li, zhao, wang},
		From:         li.ID,
		Subject:      "技术评审会纪要",
		Body:         "会议按计划进行。",
	}})

	out = append(out, fixture{msg: ingest.Message{
		ID: "m-005", Channel: ingest.ChannelActivity, Account: acme,
		OccurredAt:   cst(t, "2024-05-20T08:00:00Z"),
		Participants: []ingest.Participant{zhang},
		Activity:     &ingest.Activity{Kind: ingest.ActivityContactLeft, Actor: zhang.ID},
	}})
	out = append(out, fixture{msg: ingest.Message{
		ID: "m-006", Channel: ingest.ChannelActivity, Account: acme,
		OccurredAt:   cst(t, "2024-05-07T01:00:00Z"),
		Participants: []ingest.Participant{wang},
		Activity:     &ingest.Activity{Kind: ingest.ActivityAttachmentOpened, Actor: wang.ID, Ref: "报价单v2.pdf"},
	}})

	other := ingest.Message{
		ID: "b-001", Channel: ingest.ChannelEmail, Account: beta,
		OccurredAt:   cst(t, "2024-05-07T08:00:00Z"),
		Participants: []ingest.Participant{li, chen},
		From:         li.ID,
		Subject:      "试点方案",
		Body:         "陈总好，我们明天给您发试点方案。",
	}
	pilot := item(t, other, extract.Commitment, ingest.SideVendor, li.ID, "body", other.Body, "我们明天给您发试点方案。")
	out = append(out, fixture{other, []extract.Item{pilot}})
	return out
}

func putAll(t testing.TB, s *Store, fs []fixture) {
	t.Helper()
	for _, f := range fs {
		require.NoError(t, s.PutMessage(context.Background(), f.msg, f.items), "put %s", f.msg.ID)
	}
}
