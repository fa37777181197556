package gold

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/ingest"
)

func i64(v int64) *int64 { return &v }

// sample returns a small sound corpus: one email and one call.
func sample() []ingest.Message {
	at := time.Date(2025, 4, 9, 10, 30, 0, 0, time.FixedZone("CST", 8*3600))
	people := []ingest.Participant{
		{ID: "hx-wang", Name: "王建国", Side: ingest.SideCustomer, Title: "信息科主任"},
		{ID: "hx-li", Name: "李娜", Side: ingest.SideVendor, Title: "销售经理"},
	}
	return []ingest.Message{
		{
			ID: "t-1", Channel: ingest.ChannelEmail, Account: ingest.Account{ID: "hx", Name: "华西医院"},
			OccurredAt: at, Participants: people, From: "hx-li", Subject: "报价",
			Body: "王主任您好：\n报价单我们本周五前发给您。\n李娜",
		},
		{
			ID: "t-2", Channel: ingest.ChannelCall, Account: ingest.Account{ID: "hx", Name: "华西医院"},
			OccurredAt: at, Participants: people,
			Turns: []ingest.Turn{
				{Speaker: "hx-li", Text: "王主任您看价格这块", StartMS: i64(0), EndMS: i64(2100)},
				{Speaker: "hx-wang", Text: "嗯 价格这块我们还要再斟酌一下", StartMS: i64(2300), EndMS: i64(5200)},
			},
		},
	}
}

func goodItems() []Item {
	return []Item{
		{MessageID: "t-1", Type: extract.Commitment, Party: "vendor", Speaker: "hx-li", Text: "报价单我们本周五前发给您", Due: "2025-04-11", Subtype: "deliver"},
		{MessageID: "t-2", Type: extract.Objection, Party: "customer", Speaker: "hx-wang", Text: "价格这块我们还要再斟酌一下", Subtype: "price"},
	}
}

func TestValidateAcceptsSoundCorpus(t *testing.T) {
	assert.Empty(t, Validate(sample(), goodItems()))
}

func TestValidateItems(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Item)
		want   error
	}{
		{"unknown message", func(it *Item) { it.MessageID = "t-404" }, ErrUnknownMessage},
		{"text not in body", func(it *Item) { it.Text = "报价单我们下周五前发给您" }, ErrNotSubstring},
		{"text with different punctuation", func(it *Item) { it.Text = "报价单我们本周五前发给您." }, ErrNotSubstring},
		{"empty text", func(it *Item) { it.Text = " " }, ErrEmptyText},
		{"unknown type", func(it *Item) { it.Type = "promise" }, ErrType},
		{"unknown party", func(it *Item) { it.Party = "seller" }, ErrParty},
		{"subtype of another type", func(it *Item) { it.Subtype = "price" }, ErrSubtype},
		{"unknown subtype", func(it *Item) { it.Subtype = "send" }, ErrSubtype},
		{"due not a date", func(it *Item) { it.Due = "2025/04/11" }, ErrDue},
		{"due impossible day", func(it *Item) { it.Due = "2025-02-30" }, ErrDue},
		{"due before message", func(it *Item) { it.Due = "2025-04-01" }, ErrDue},
		{"speaker not a participant", func(it *Item) { it.Speaker = "hx-zhao" }, ErrSpeaker},
		{"party not the speaker's side", func(it *Item) { it.Party = "customer" }, ErrPartySide},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := goodItems()
			tt.change(&items[0])
			items[0].Source = "x.gold.jsonl:1"
			errs := Validate(sample(), items)
			require.NotEmpty(t, errs)
			found := false
			for _, err := range errs {
				if errors.Is(err, tt.want) {
					found = true
					assert.Contains(t, err.Error(), "x.gold.jsonl:1")
					assert.Contains(t, err.Error(), items[0].MessageID)
				}
			}
			assert.True(t, found, "want %v among %v", tt.want, errs)
		})
	}
}

func TestValidateObjectionRules(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Item)
		want   error
	}{
		{"objection without subtype", func(it *Item) { it.Subtype = "" }, ErrSubtype},
		{"pain point with objection subtype", func(it *Item) { it.Type = extract.PainPoint }, ErrSubtype},
		{"objection with a due date", func(it *Item) { it.Due = "2025-05-01" }, ErrDue},
		{"objection from the vendor", func(it *Item) { it.Party, it.Speaker = "vendor", "hx-li" }, ErrCustomerOnly},
		{"text spanning two turns", func(it *Item) { it.Text = "王主任您看价格这块\n嗯 价格这块" }, ErrNotSubstring},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := goodItems()
			tt.change(&items[1])
			errs := Validate(sample(), items)
			require.NotEmpty(t, errs)
			assert.True(t, containsErr(errs, tt.want), "want %v among %v", tt.want, errs)
			assert.Contains(t, errs[0].Error(), "gold item #2")
		})
	}
}

func TestValidateDuplicates(t *testing.T) {
	msgs := append(sample(), sample()[0])
	items := append(goodItems(), goodItems()[0])
	errs := Validate(msgs, items)
	require.Len(t, errs, 2)
	assert.Contains(t, errs[0].Error(), `message "t-1": duplicate message id`)
	assert.Contains(t, errs[1].Error(), "duplicate of gold item #1")
}

func TestValidateMessages(t *testing.T) {
	tests := []struct {
		name   string
		change func(*ingest.Message)
		want   string
	}{
		{"missing id", func(m *ingest.Message) { m.ID = "" }, "message #1: missing id"},
		{"bad channel", func(m *ingest.Message) { m.Channel = "wechat" }, `unknown channel "wechat"`},
		{"missing account", func(m *ingest.Message) { m.Account.ID = "" }, "missing account.id"},
		{"missing time", func(m *ingest.Message) { m.OccurredAt = time.Time{} }, "missing occurred_at"},
		{"bad side", func(m *ingest.Message) { m.Participants[0].Side = "buyer" }, `side "buyer"`},
		{"from not a participant", func(m *ingest.Message) { m.From = "hx-zhao" }, `from "hx-zhao" is not a participant`},
		{"email without body", func(m *ingest.Message) { m.Body = "" }, "email without body"},
		{"repeated participant", func(m *ingest.Message) {
			m.Participants = append(m.Participants, m.Participants[0])
		}, `participant id "hx-wang" appears twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs := sample()
			msgs[0].Participants = append([]ingest.Participant(nil), msgs[0].Participants...)
			tt.change(&msgs[0])
			errs := Validate(msgs, nil)
			require.NotEmpty(t, errs)
			assert.Contains(t, joinErrs(errs), tt.want)
		})
	}

	t.Run("one participant id for two people", func(t *testing.T) {
		msgs := sample()
		msgs[1].Participants = []ingest.Participant{
			{ID: "hx-wang", Name: "王建军", Side: ingest.SideCustomer},
			{ID: "hx-li", Name: "李娜", Side: ingest.SideVendor},
		}
		got := joinErrs(Validate(msgs, nil))
		assert.Contains(t, got, `message "t-2": participant "hx-wang" is 王建军`)
		assert.Contains(t, got, `in message "t-1"`)
	})

	t.Run("one account id for two names", func(t *testing.T) {
		msgs := sample()
		msgs[1].Account.Name = "华西医院东院"
		assert.Contains(t, joinErrs(Validate(msgs, nil)), `message "t-2": account "hx" is named "华西医院东院" here and "华西医院" elsewhere`)
	})

	t.Run("call turn problems", func(t *testing.T) {
		msgs := sample()
		msgs[1].Turns = append([]ingest.Turn(nil), msgs[1].Turns...)
		msgs[1].Turns[0].Speaker = "nobody"
		msgs[1].Turns[1].StartMS = nil
		got := joinErrs(Validate(msgs, nil))
		assert.Contains(t, got, `turns[0]: speaker "nobody" is not a participant`)
		assert.Contains(t, got, "turns[1]: call turn without start_ms/end_ms")
	})
}

func TestLoadAndLoadDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	write("x.messages.jsonl", `{"id":"x-1","channel":"chat","account":{"id":"a","name":"甲公司"},"occurred_at":"2025-05-06T09:00:00+08:00","participants":[{"id":"a-z","name":"张三","side":"customer"}],"turns":[{"speaker":"a-z","text":"收到👍 明天上午给你回复","at":"2025-05-06T09:00:00+08:00"}]}`+"\n\n")
	write("x.gold.jsonl", `{"message_id":"x-1","type":"commitment","party":"customer","speaker":"a-z","text":"明天上午给你回复","due":"2025-05-07","subtype":"follow_up"}`+"\n")
	write("notes.txt", "ignored")

	msgs, items, err := LoadDir(dir)
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	require.Len(t, items, 1)
	assert.Equal(t, "x.gold.jsonl:1", items[0].Source)
	assert.Equal(t, "收到👍 明天上午给你回复", msgs[0].Turns[0].Text)
	assert.Empty(t, Validate(msgs, items))

	t.Run("misspelt field", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "bad.gold.jsonl")
		require.NoError(t, os.WriteFile(p, []byte(`{"message_id":"x-1","type":"objection","speeker":"a-z"}`+"\n"), 0o644))
		_, err := Load(p)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "bad.gold.jsonl:1")
		assert.Contains(t, err.Error(), "speeker")
	})
	t.Run("broken message line", func(t *testing.T) {
		d := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(d, "b.messages.jsonl"), []byte("{\"id\":\"ok\"}\n{\"id\":\n"), 0o644))
		_, _, err := LoadDir(d)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "b.messages.jsonl:2")
	})
	t.Run("missing dir", func(t *testing.T) {
		_, _, err := LoadDir(filepath.Join(dir, "nope"))
		require.Error(t, err)
	})
}

func TestOverlap(t *testing.T) {
	a := sample()
	b := sample()
	b[0].ID = "e-1"             // same body under another id
	b[1].Turns = b[1].Turns[:1] // same id, different text
	got := joinErrs(Overlap(a, b))
	assert.Contains(t, got, `message "e-1": same text as message "t-1"`)
	assert.Contains(t, got, `message "t-2": id appears in both splits`)
	assert.Empty(t, Overlap(a[:1], b[1:]))
}

// corpusDir is the annotated corpus, relative to this package.
const corpusDir = "../../testdata/corpus"

// TestCorpusIsValid validates every split of the corpus that exists and
// checks that no evaluation message leaked into training.
func TestCorpusIsValid(t *testing.T) {
	splits := map[string][]ingest.Message{}
	for _, split := range []string{"train", "eval", "shifted"} {
		dir := filepath.Join(corpusDir, split)
		if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
			t.Logf("split %s: not present", split)
			continue
		}
		msgs, items, err := LoadDir(dir)
		require.NoError(t, err, split)
		for _, err := range Validate(msgs, items) {
			t.Errorf("%s: %v", split, err)
		}
		t.Logf("split %s: %d messages, %d gold items", split, len(msgs), len(items))
		splits[split] = msgs
	}
	require.NotEmpty(t, splits["train"], "the train split must exist and hold messages")
	for _, split := range []string{"eval", "shifted"} {
		for _, err := range Overlap(splits["train"], splits[split]) {
			t.Errorf("train/%s: %v", split, err)
		}
	}
}

func containsErr(errs []error, target error) bool {
	for _, err := range errs {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

func joinErrs(errs []error) string {
	s := make([]string, len(errs))
	for i, err := range errs {
		s[i] = err.Error()
	}
	return strings.Join(s, "\n")
}

func TestCheck(t *testing.T) {
	require.NoError(t, Check(sample(), goodItems()))
	bad := goodItems()
	for i := range bad {
		bad[i].MessageID = "nope"
	}
	err := Check(sample(), bad)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "problems, first:")
	assert.Contains(t, err.Error(), `"nope"`)
}
