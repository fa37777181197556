package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// msg builds a valid email message as a JSON object; edit mutates it before
// it is encoded, so each case states only what it changes.
func msg(t *testing.T, edit func(m map[string]any)) []byte {
	t.Helper()
	m := map[string]any{
		"id":          "em-1",
		"channel":     "email",
		"account":     map[string]any{"id": "acct-1", "name": "杭州云帆科技有限公司"},
		"occurred_at": "2025-03-04T10:30:00+08:00",
		"participants": []any{
			map[string]any{"id": "p1", "name": "王磊", "side": "customer", "title": "IT总监"},
			map[string]any{"id": "r1", "name": "李娜", "side": "vendor"},
		},
		"from":    "p1",
		"subject": "报价",
		"body":    "报价比预算高了30%，我们老板觉得有点贵。",
	}
	if edit != nil {
		edit(m)
	}
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}

func callTurns(turns ...map[string]any) func(m map[string]any) {
	return func(m map[string]any) {
		m["channel"] = "call"
		delete(m, "from")
		delete(m, "body")
		list := make([]any, len(turns))
		for i, t := range turns {
			list[i] = t
		}
		m["turns"] = list
	}
}

func TestParseBad(t *testing.T) {
	turn := func(speaker string, start, end any) map[string]any {
		t := map[string]any{"speaker": speaker, "text": "好的，我们下周三前给您答复。"}
		if start != nil {
			t["start_ms"] = start
		}
		if end != nil {
			t["end_ms"] = end
		}
		return t
	}
	tests := []struct {
		name   string
		raw    []byte
		field  string
		reason string
	}{
		{
			name:   "malformed JSON",
			raw:    []byte(`{"id":"x","channel":"email",`),
			reason: `malformed JSON at offset 28: unexpected end of input (after "el\":\"email\",")`,
		},
		{
			name:   "not JSON at all",
			raw:    []byte("您好，附件是报价单。"),
			reason: "malformed JSON at offset 0: invalid character '您' looking for beginning of value",
		},
		{
			name:   "bad character inside an object",
			raw:    []byte(`{"id":"x" "channel":"email"}`),
			reason: `malformed JSON at offset 10: invalid character '"' after object key:value pair (after "{\"id\":\"x\" ")`,
		},
		{
			name:   "two values on one line",
			raw:    []byte(`{"id":"a"} {"id":"b"}`),
			reason: `malformed JSON at offset 11: unexpected data after the top-level value (after "{\"id\":\"a\"} ")`,
		},
		{
			name:   "empty",
			raw:    []byte(" \t "),
			reason: "message is empty",
		},
		{
			name:   "not an object",
			raw:    []byte(`["em-1","email"]`),
			reason: "message: expected object, got array",
		},
		{
			name:   "invalid UTF-8",
			raw:    []byte("{\"id\":\"x\",\"body\":\"\xe6\x8a\"}"),
			reason: "message is not valid UTF-8 (byte offset 18)",
		},
		{
			name:   "GBK instead of UTF-8",
			raw:    append([]byte(`{"id":"x","body":"`), 0xc4, 0xe3, 0xba, 0xc3, '"', '}'), // 你好 in GBK
			reason: "message is not valid UTF-8 (byte offset 18)",
		},
		{
			name: "oversize",
			raw: msg(t, func(m map[string]any) {
				m["body"] = strings.Repeat("数据必须存在我们自己的机房。", 50000)
			}),
			reason: "message is 2 MiB, over the 1 MiB limit",
		},
		{
			name:   "missing id",
			raw:    msg(t, func(m map[string]any) { delete(m, "id") }),
			field:  "id",
			reason: `missing required field "id"`,
		},
		{
			name:   "blank id",
			raw:    msg(t, func(m map[string]any) { m["id"] = "  " }),
			field:  "id",
			reason: "id: must not be blank",
		},
		{
			name:   "missing channel",
			raw:    msg(t, func(m map[string]any) { delete(m, "channel") }),
			field:  "channel",
			reason: `missing required field "channel"`,
		},
		{
			name:   "unknown channel",
			raw:    msg(t, func(m map[string]any) { m["channel"] = "fax" }),
			field:  "channel",
			reason: `channel: "fax" is not one of email, meeting, call, chat, activity`,
		},
		{
			name:   "missing account id",
			raw:    msg(t, func(m map[string]any) { m["account"] = map[string]any{"name": "云帆"} }),
			field:  "account.id",
			reason: `missing required field "account.id"`,
		},
		{
			name:   "account of the wrong type",
			raw:    msg(t, func(m map[string]any) { m["account"] = "acct-1" }),
			field:  "account",
			reason: "account: expected object, got string",
		},
		{
			name:   "missing occurred_at",
			raw:    msg(t, func(m map[string]any) { delete(m, "occurred_at") }),
			field:  "occurred_at",
			reason: `missing required field "occurred_at"`,
		},
		{
			name:   "occurred_at not RFC 3339",
			raw:    msg(t, func(m map[string]any) { m["occurred_at"] = "2025-13-01" }),
			field:  "occurred_at",
			reason: `occurred_at: "2025-13-01" is not RFC 3339`,
		},
		{
			name:   "occurred_at without offset",
			raw:    msg(t, func(m map[string]any) { m["occurred_at"] = "2025-03-04 10:30:00" }),
			field:  "occurred_at",
			reason: `occurred_at: "2025-03-04 10:30:00" is not RFC 3339`,
		},
		{
			name:   "occurred_at a number",
			raw:    msg(t, func(m map[string]any) { m["occurred_at"] = 1741055400 }),
			field:  "occurred_at",
			reason: "occurred_at: expected string, got number",
		},
		{
			name:   "no participants",
			raw:    msg(t, func(m map[string]any) { m["participants"] = []any{} }),
			field:  "participants",
			reason: "participants: must not be empty",
		},
		{
			name: "participant with a bad side and no name",
			raw: msg(t, func(m map[string]any) {
				m["participants"] = []any{map[string]any{"id": "p1", "side": "buyer"}}
			}),
			field:  "participants[0].name",
			reason: `missing required field "participants[0].name"; participants[0].side: "buyer" is not one of customer, vendor`,
		},
		{
			name:   "email without body",
			raw:    msg(t, func(m map[string]any) { delete(m, "body") }),
			field:  "body",
			reason: `missing required field "body" (required for email messages)`,
		},
		{
			name:   "email with blank body",
			raw:    msg(t, func(m map[string]any) { m["body"] = "\n  " }),
			field:  "body",
			reason: "body: must not be blank",
		},
		{
			name:   "meeting without from",
			raw:    msg(t, func(m map[string]any) { m["channel"] = "meeting"; delete(m, "from") }),
			field:  "from",
			reason: `missing required field "from" (required for meeting messages)`,
		},
		{
			name:   "call without turns",
			raw:    msg(t, func(m map[string]any) { m["channel"] = "call" }),
			field:  "turns",
			reason: `missing required field "turns" (required for call messages)`,
		},
		{
			name:   "call with empty turns",
			raw:    msg(t, callTurns()),
			field:  "turns",
			reason: "turns: must not be empty",
		},
		{
			name:   "call turn without times",
			raw:    msg(t, callTurns(turn("p1", 0, 900), turn("r1", nil, nil))),
			field:  "turns[1].start_ms",
			reason: `missing required fields "turns[1].start_ms", "turns[1].end_ms" (required for call messages)`,
		},
		{
			name:   "turn with start but no end",
			raw:    msg(t, callTurns(turn("p1", 0, nil))),
			field:  "turns[0].end_ms",
			reason: `missing required field "turns[0].end_ms" ("turns[0].start_ms" is given)`,
		},
		{
			name:   "turn times of the wrong type",
			raw:    msg(t, callTurns(turn("p1", "0", 1.5))),
			field:  "turns[0].start_ms",
			reason: "turns[0].start_ms: expected integer, got string; turns[0].end_ms: expected integer, got number",
		},
		{
			name:   "negative start",
			raw:    msg(t, callTurns(turn("p1", -5, 100))),
			field:  "turns[0].start_ms",
			reason: "turns[0].start_ms: -5 is below the minimum 0",
		},
		{
			name:   "start beyond int64",
			raw:    []byte(strings.Replace(string(msg(t, callTurns(turn("p1", 7, 9)))), `"start_ms":7`, `"start_ms":99999999999999999999`, 1)),
			field:  "turns[0].start_ms",
			reason: "turns[0].start_ms: 99999999999999999999 is not a whole number of milliseconds in range",
		},
		{
			name:   "end before start",
			raw:    msg(t, callTurns(turn("p1", 0, 900), turn("r1", 1500, 1200))),
			field:  "turns[1].end_ms",
			reason: "turns[1].end_ms 1200 is before start_ms 1500",
		},
		{
			name:   "speaker not a participant",
			raw:    msg(t, callTurns(turn("p1", 0, 900), turn("r1", 900, 1800), turn("p9", 1800, 2400))),
			field:  "turns[2].speaker",
			reason: `turns[2].speaker "p9" is not a participant`,
		},
		{
			name: "chat turn with no time",
			raw: msg(t, func(m map[string]any) {
				callTurns(map[string]any{"speaker": "p1", "text": "在吗？"})(m)
				m["channel"] = "chat"
			}),
			field:  "turns[0]",
			reason: `turns[0]: needs "at", or "start_ms" and "end_ms" (required for chat messages)`,
		},
		{
			name: "chat turn at not RFC 3339",
			raw: msg(t, func(m map[string]any) {
				callTurns(map[string]any{"speaker": "p1", "text": "在吗？", "at": "昨天下午"})(m)
				m["channel"] = "chat"
			}),
			field:  "turns[0].at",
			reason: `turns[0].at: "昨天下午" is not RFC 3339`,
		},
		{
			name:   "from not a participant",
			raw:    msg(t, func(m map[string]any) { m["from"] = "p9" }),
			field:  "from",
			reason: `from "p9" is not a participant`,
		},
		{
			name: "duplicate participant ids",
			raw: msg(t, func(m map[string]any) {
				m["participants"] = append(m["participants"].([]any), map[string]any{"id": "p1", "name": "王磊（手机）", "side": "customer"})
			}),
			field:  "participants[2].id",
			reason: `participants[2].id "p1" repeats participants[0].id`,
		},
		{
			name: "activity without activity",
			raw: msg(t, func(m map[string]any) {
				m["channel"] = "activity"
				delete(m, "from")
				delete(m, "body")
			}),
			field:  "activity",
			reason: `missing required field "activity" (required for activity messages)`,
		},
		{
			name: "unknown activity kind",
			raw: msg(t, func(m map[string]any) {
				m["channel"] = "activity"
				m["activity"] = map[string]any{"kind": "waved", "actor": "p1"}
			}),
			field:  "activity.kind",
			reason: `activity.kind: "waved" is not one of attachment_opened, attachment_ignored, email_opened, meeting_accepted, meeting_declined, meeting_cancelled, contact_left`,
		},
		{
			name: "activity actor not a participant",
			raw: msg(t, func(m map[string]any) {
				m["channel"] = "activity"
				m["activity"] = map[string]any{"kind": "contact_left", "actor": "p-liu"}
			}),
			field:  "activity.actor",
			reason: `activity.actor "p-liu" is not a participant`,
		},
		{
			name:   "unsupported version",
			raw:    msg(t, func(m map[string]any) { m["version"] = "v2" }),
			field:  "version",
			reason: `version: "v2" is not supported, want "v1"`,
		},
		{
			name:   "everything missing",
			raw:    []byte(`{}`),
			field:  "id",
			reason: `missing required fields "id", "channel", "account", "occurred_at", "participants"`,
		},
		{
			name: "several cross-field problems",
			raw: msg(t, func(m map[string]any) {
				m["from"] = "p9"
				callTurns(turn("p8", 3, 1))(m)
				m["channel"] = "email"
				m["from"] = "p9"
				m["body"] = "见附件。"
			}),
			field:  "from",
			reason: `from "p9" is not a participant; turns[0].speaker "p8" is not a participant; turns[0].end_ms 1 is before start_ms 3`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.raw)
			require.Error(t, err)
			var verr *ValidationError
			require.ErrorAs(t, err, &verr)
			assert.Equal(t, tt.reason, verr.Reason)
			assert.Equal(t, tt.field, verr.Field)
			assert.Contains(t, err.Error(), tt.reason)
		})
	}
}

func TestParseStageOrder(t *testing.T) {
	// Oversize and invalid UTF-8: size is checked first.
	big := append(bytes.Repeat([]byte("很"), 200), 0xff)
	_, err := (&Validator{MaxBytes: 100}).Parse(big)
	var verr *ValidationError
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, "message is 601 bytes, over the 100 bytes limit", verr.Reason)

	// Invalid UTF-8 inside malformed JSON: UTF-8 comes first.
	_, err = Parse([]byte("{\"id\":\xff"))
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, "message is not valid UTF-8 (byte offset 6)", verr.Reason)

	// A schema problem hides cross-field ones until it is fixed.
	_, err = Parse(msg(t, func(m map[string]any) { m["from"] = "p9"; m["occurred_at"] = "昨天" }))
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, `occurred_at: "昨天" is not RFC 3339`, verr.Reason)
	assert.Equal(t, "em-1", verr.MessageID)
	assert.Equal(t, `invalid message "em-1": occurred_at: "昨天" is not RFC 3339`, err.Error())
}

func TestValidatorMaxBytes(t *testing.T) {
	raw := msg(t, nil)
	_, err := (&Validator{MaxBytes: len(raw)}).Parse(raw)
	require.NoError(t, err)
	_, err = (&Validator{MaxBytes: len(raw) - 1}).Parse(raw)
	var verr *ValidationError
	require.ErrorAs(t, err, &verr)
	assert.Contains(t, verr.Reason, "over the")

	// Exactly 1 MiB passes the default limit; one byte more does not.
	pad := func(n int) []byte {
		base := msg(t, func(m map[string]any) { m["body"] = "" })
		body := strings.Repeat("a", n-len(base))
		return msg(t, func(m map[string]any) { m["body"] = body })
	}
	_, err = Parse(pad(DefaultMaxBytes))
	require.NoError(t, err)
	_, err = Parse(pad(DefaultMaxBytes + 1))
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, "message is 1048577 bytes, over the 1048576 bytes limit", verr.Reason)
}

func TestParseKeepsTextAndIgnoresUnknownFields(t *testing.T) {
	body := "王总：\r\n报价单（v2）已发送，请查收！价格是¥128,000/年；含“驻场服务”。Thanks & best regards <李娜>"
	raw := msg(t, func(m map[string]any) {
		m["body"] = body
		m["source"] = "dingtalk"
		m["crm"] = map[string]any{"opportunity_id": 42, "stage": "商务谈判"}
		m["account"].(map[string]any)["region"] = "华东"
		m["participants"].([]any)[0].(map[string]any)["wechat"] = "wanglei_88"
	})
	m, err := Parse(raw)
	require.NoError(t, err)
	assert.Equal(t, body, m.Body)
	assert.Equal(t, "em-1", m.ID)
	assert.Equal(t, ChannelEmail, m.Channel)
	assert.Equal(t, Account{ID: "acct-1", Name: "杭州云帆科技有限公司"}, m.Account)
	assert.Equal(t, time.Date(2025, 3, 4, 2, 30, 0, 0, time.UTC), m.OccurredAt.UTC())
	require.Len(t, m.Participants, 2)
	assert.Equal(t, Participant{ID: "p1", Name: "王磊", Side: SideCustomer, Title: "IT总监"}, m.Participants[0])
}

func TestParseChannels(t *testing.T) {
	chat := msg(t, func(m map[string]any) {
		callTurns(
			map[string]any{"speaker": "p1", "text": "合同能改成3-3-4付款吗？", "at": "2025-03-12T09:15:00+08:00"},
			map[string]any{"speaker": "r1", "text": "我确认一下。", "start_ms": 1000, "end_ms": 1000},
		)(m)
		m["channel"] = "chat"
	})
	m, err := Parse(chat)
	require.NoError(t, err)
	require.Len(t, m.Turns, 2)
	require.NotNil(t, m.Turns[0].At)
	assert.Equal(t, time.Date(2025, 3, 12, 1, 15, 0, 0, time.UTC), m.Turns[0].At.UTC())
	assert.Nil(t, m.Turns[0].StartMS)
	require.NotNil(t, m.Turns[1].EndMS)
	assert.Equal(t, int64(1000), *m.Turns[1].EndMS)

	act := msg(t, func(m map[string]any) {
		m["channel"] = "activity"
		delete(m, "from")
		delete(m, "body")
		m["activity"] = map[string]any{"kind": "meeting_declined", "actor": "p1", "ref": "mt-20250320-001"}
	})
	m, err = Parse(act)
	require.NoError(t, err)
	require.NotNil(t, m.Activity)
	assert.Equal(t, Activity{Kind: ActivityMeetingDeclined, Actor: "p1", Ref: "mt-20250320-001"}, *m.Activity)
}

// TestMixedFile checks every line of the shared sample file against its
// expectation in mixed.want.jsonl, reading it through a FileSource as the
// pipeline does.
func TestMixedFile(t *testing.T) {
	want := readWant(t)
	src, err := NewFileSource("../testdata/bad/mixed.jsonl", "")
	require.NoError(t, err)
	defer src.Close()

	var got []mixedWant
	for {
		rec, err := src.Fetch(t.Context())
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		w := mixedWant{Line: rec.Line}
		m, err := Parse(rec.Value)
		if err != nil {
			var verr *ValidationError
			require.ErrorAs(t, err, &verr)
			w.Reason, w.ID = verr.Reason, verr.MessageID
		} else {
			w.OK, w.ID = true, m.ID
		}
		got = append(got, w)
	}
	assert.Equal(t, want, got)

	var good, bad int
	for _, w := range want {
		if w.OK {
			good++
		} else {
			bad++
		}
	}
	assert.GreaterOrEqual(t, good, 5, "one valid message per channel at least")
	assert.GreaterOrEqual(t, bad, 10)
}

type mixedWant struct {
	Line   int    `json:"line"`
	OK     bool   `json:"ok"`
	ID     string `json:"id,omitempty"`
	Reason string `json:"reason,omitempty"`
}

func readWant(t testing.TB) []mixedWant {
	t.Helper()
	f, err := os.Open("../testdata/bad/mixed.want.jsonl")
	require.NoError(t, err)
	defer f.Close()
	var want []mixedWant
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var w mixedWant
		require.NoError(t, json.Unmarshal(sc.Bytes(), &w))
		want = append(want, w)
	}
	require.NoError(t, sc.Err())
	return want
}

// TestEnvelopeDocExamples keeps ENVELOPE.md honest: every JSON example in
// it must be a valid message, and every channel must have one.
func TestEnvelopeDocExamples(t *testing.T) {
	doc, err := os.ReadFile("ENVELOPE.md")
	require.NoError(t, err)
	blocks := regexp.MustCompile("(?s)```json\n(.*?)```").FindAllSubmatch(doc, -1)
	seen := map[Channel]bool{}
	for _, b := range blocks {
		var compact bytes.Buffer
		require.NoError(t, json.Compact(&compact, b[1]))
		m, err := Parse(compact.Bytes())
		require.NoError(t, err, "%s", b[1])
		seen[m.Channel] = true
	}
	for _, ch := range []Channel{ChannelEmail, ChannelMeeting, ChannelCall, ChannelChat, ChannelActivity} {
		assert.True(t, seen[ch], "ENVELOPE.md has no %s example", ch)
	}
}

func TestEnvelopeSchema(t *testing.T) {
	var s map[string]any
	require.NoError(t, json.Unmarshal(EnvelopeSchema(), &s))
	assert.Equal(t, "https://json-schema.org/draft/2020-12/schema", s["$schema"])
	assert.NotContains(t, s, "additionalProperties", "unknown fields must stay allowed")

	// The copy is the caller's own.
	b := EnvelopeSchema()
	b[0] = 'x'
	assert.Equal(t, byte('{'), EnvelopeSchema()[0])
}

func BenchmarkParse(b *testing.B) {
	raw, err := os.ReadFile("../testdata/bad/mixed.jsonl")
	require.NoError(b, err)
	var good [][]byte
	for _, w := range readWant(b) {
		if w.OK {
			good = append(good, bytes.Split(raw, []byte("\n"))[w.Line-1])
		}
	}
	require.NotEmpty(b, good)
	var size int
	for _, g := range good {
		size += len(g)
	}
	b.SetBytes(int64(size / len(good)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := Parse(good[i%len(good)]); err != nil {
			b.Fatal(err)
		}
	}
}
