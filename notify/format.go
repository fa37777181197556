package notify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/guanxi-dev/guanxi/scoring"
)

// Limits of what one message shows, chosen for reading on a phone.
const (
	maxQuotes     = 3   // evidence quotes per warning
	maxQuoteRunes = 120 // runes per quote
	maxTitleRunes = 60  // runes in a message title
)

// Platform size limits.
const (
	// WeComContentLimit is the most bytes of UTF-8 a WeCom robot accepts
	// in markdown.content.
	WeComContentLimit = 4096
	// DingTalkTextLimit is the most bytes of UTF-8 this package puts in a
	// DingTalk robot's markdown.text, the documented limit of its message
	// content.
	DingTalkTextLimit = 20000
	// FeishuBodyLimit is the most bytes a Feishu/Lark robot accepts in a
	// whole request body (20 KB).
	FeishuBodyLimit = 20 << 10
	// JSONBatchLimit is the most events one generic JSON request carries.
	JSONBatchLimit = 100
)

// chinaTime is the zone dates are shown in by default. China keeps no
// daylight saving, so a fixed zone is exact and needs no tz database.
var chinaTime = time.FixedZone("CST", 8*60*60)

// message is one request body and the events it carries, so that a failed
// request names exactly which warnings were not delivered.
type message struct {
	body   []byte
	events []Event
}

// formatter renders events into request bodies within a platform's limits.
type formatter interface {
	format(evs []Event, now time.Time) ([]message, error)
}

// view is an event reduced to the strings a message shows.
type view struct {
	act      scoring.Action
	sev      scoring.Severity
	action   string
	kind     string
	name     string // name alone, or the id when there is no name
	id       string
	severity string
	since    string
	text     string
	quotes   []quote
}

type quote struct{ text, messageID string }

func newView(e Event, loc *time.Location) view {
	v := view{
		act:      e.Action,
		sev:      e.Warning.Severity,
		action:   ActionName(e.Action),
		kind:     clean(KindName(e.Warning.Kind)),
		name:     clean(e.AccountName),
		id:       clean(e.Warning.AccountID),
		severity: SeverityName(e.Warning.Severity),
		text:     clean(e.Warning.Message),
	}
	if v.name == "" {
		v.name = v.id
	}
	if !e.Warning.Since.IsZero() {
		v.since = e.Warning.Since.In(loc).Format("2006-01-02")
	}
	for _, ev := range e.Warning.Evidence {
		if len(v.quotes) == maxQuotes {
			break
		}
		q := clean(ev.Quote)
		if q == "" {
			continue
		}
		v.quotes = append(v.quotes, quote{text: truncate(q, maxQuoteRunes, runeCount), messageID: clean(ev.MessageID)})
	}
	return v
}

// title is the one-line summary of a single event.
func (v view) title() string {
	return truncate(v.heading(), maxTitleRunes, runeCount)
}

// batchTitle is the summary of a message that carries several events.
func batchTitle(n int) string { return fmt.Sprintf("关系预警（%d 条）", n) }

// heading is a section's first line, what a chat preview shows: what
// happened, to whom, of which kind.
func (v view) heading() string {
	return "【" + v.action + "】" + v.name + " · " + v.kind
}

// meta is the line of facts under a heading, with the severity as given.
func (v view) meta(severity string) string {
	parts := []string{"严重程度：" + severity}
	if v.since != "" {
		parts = append(parts, "开始于："+v.since)
	}
	if v.id != "" && v.id != v.name {
		parts = append(parts, "账户："+v.id)
	}
	return strings.Join(parts, "｜")
}

// line shows a quote in Chinese quotation marks with its message id.
func (q quote) line() string {
	s := "“" + q.text + "”"
	if q.messageID != "" {
		s += "（" + q.messageID + "）"
	}
	return s
}

// clean makes text safe to place on one markdown line: valid UTF-8, runs
// of whitespace (line breaks included) folded to one space, so that a
// quote cannot break out of its line and start a heading or list.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	space := false
	for _, r := range s {
		// The ideographic space is part of Chinese typography, not a
		// break; keep it.
		if unicode.IsSpace(r) && r != '\u3000' || unicode.IsControl(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// cost functions measure a rune in the unit a limit is stated in.
type cost func(rune) int

// runeCount counts runes.
func runeCount(rune) int { return 1 }

// utf8Bytes is a rune's size in UTF-8.
func utf8Bytes(r rune) int { return utf8.RuneLen(r) }

// jsonBytes is a rune's size inside a JSON string as encoded with HTML
// escaping off.
func jsonBytes(r rune) int {
	switch {
	case r == '"' || r == '\\' || r == '\n' || r == '\r' || r == '\t':
		return 2
	case r < 0x20 || r == '\u2028' || r == '\u2029':
		return 6
	case r == utf8.RuneError:
		return 3
	}
	return utf8.RuneLen(r)
}

func size(s string, c cost) int {
	n := 0
	for _, r := range s {
		n += c(r)
	}
	return n
}

// truncate shortens s to at most limit (measured by c), cutting only
// between runes and marking the cut with an ellipsis.
func truncate(s string, limit int, c cost) string {
	if size(s, c) <= limit {
		return s
	}
	const ellipsis = "…"
	budget := limit - size(ellipsis, c)
	n := 0
	for i, r := range s {
		if n+c(r) > budget {
			return s[:i] + ellipsis
		}
		n += c(r)
	}
	return s
}

// group is the content of one message and the indexes of its events.
type group struct {
	content string
	idx     []int
}

// pack joins sections into as few messages as fit limit (measured by c).
// head, when not nil, is put before a message that holds more than one
// section; a section too long even alone is truncated.
func pack(sections []string, sep string, head func(n int) string, limit int, c cost) []group {
	reserve := 0
	if head != nil && len(sections) > 1 {
		reserve = size(head(len(sections)), c)
	}
	sepSize := size(sep, c)
	var out []group
	var cur []int
	var curSize int
	texts := make([]string, len(sections))
	flush := func() {
		if len(cur) == 0 {
			return
		}
		parts := make([]string, len(cur))
		for i, j := range cur {
			parts[i] = texts[j]
		}
		content := strings.Join(parts, sep)
		if head != nil && len(cur) > 1 {
			content = head(len(cur)) + content
		}
		out = append(out, group{content: content, idx: cur})
		cur, curSize = nil, 0
	}
	for i, s := range sections {
		// A lone section needs no head, but it may share a message
		// later, so keep room for one.
		texts[i] = truncate(s, limit-reserve-sepSize, c)
		n := size(texts[i], c)
		if len(cur) > 0 && reserve+curSize+sepSize+n > limit {
			flush()
		}
		if len(cur) > 0 {
			curSize += sepSize
		}
		cur = append(cur, i)
		curSize += n
	}
	flush()
	return out
}

// marshal encodes v as JSON without HTML escaping, so that markdown such as
// <font> reaches the platform as written and sizes are what they seem.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func pick(evs []Event, idx []int) []Event {
	out := make([]Event, len(idx))
	for i, j := range idx {
		out[i] = evs[j]
	}
	return out
}

// ---- WeCom ----

// wecomFormat renders WeCom group-robot markdown messages.
type wecomFormat struct{ loc *time.Location }

type wecomBody struct {
	MsgType  string `json:"msgtype"`
	Markdown struct {
		Content string `json:"content"`
	} `json:"markdown"`
}

func (f wecomFormat) section(e Event) string {
	v := newView(e, f.loc)
	var b strings.Builder
	b.WriteString("### " + v.heading() + "\n")
	// WeCom markdown knows three colours: warning (orange-red), comment
	// (grey) and info (green).
	color := "comment"
	switch {
	case v.act == scoring.Cleared:
		color = "info"
	case v.sev == scoring.SeverityHigh || v.sev == scoring.SeverityMedium:
		color = "warning"
	}
	b.WriteString(v.meta(fmt.Sprintf("<font color=\"%s\">%s</font>", color, v.severity)) + "\n")
	if v.text != "" {
		b.WriteString(v.text + "\n")
	}
	for _, q := range v.quotes {
		b.WriteString("> " + q.line() + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func (f wecomFormat) format(evs []Event, _ time.Time) ([]message, error) {
	sections := make([]string, len(evs))
	for i, e := range evs {
		sections[i] = f.section(e)
	}
	head := func(n int) string { return "## " + batchTitle(n) + "\n" }
	var out []message
	for _, g := range pack(sections, "\n\n", head, WeComContentLimit, utf8Bytes) {
		var body wecomBody
		body.MsgType = "markdown"
		body.Markdown.Content = g.content
		b, err := marshal(body)
		if err != nil {
			return nil, fmt.Errorf("encode wecom message: %w", err)
		}
		out = append(out, message{body: b, events: pick(evs, g.idx)})
	}
	return out, nil
}

// ---- DingTalk ----

// dingTalkFormat renders DingTalk custom-robot markdown messages.
type dingTalkFormat struct{ loc *time.Location }

type dingTalkBody struct {
	MsgType  string `json:"msgtype"`
	Markdown struct {
		Title string `json:"title"`
		Text  string `json:"text"`
	} `json:"markdown"`
}

func (f dingTalkFormat) section(e Event) string {
	v := newView(e, f.loc)
	// DingTalk markdown only breaks lines at a blank line.
	lines := []string{"### " + v.heading(), v.meta("**" + v.severity + "**")}
	if v.text != "" {
		lines = append(lines, v.text)
	}
	for _, q := range v.quotes {
		lines = append(lines, "> "+q.line())
	}
	return strings.Join(lines, "\n\n")
}

func (f dingTalkFormat) format(evs []Event, _ time.Time) ([]message, error) {
	sections := make([]string, len(evs))
	for i, e := range evs {
		sections[i] = f.section(e)
	}
	head := func(n int) string { return "## " + batchTitle(n) + "\n\n" }
	var out []message
	for _, g := range pack(sections, "\n\n---\n\n", head, DingTalkTextLimit, utf8Bytes) {
		var body dingTalkBody
		body.MsgType = "markdown"
		body.Markdown.Title = batchTitle(len(g.idx))
		if len(g.idx) == 1 {
			body.Markdown.Title = newView(evs[g.idx[0]], f.loc).title()
		}
		body.Markdown.Text = g.content
		b, err := marshal(body)
		if err != nil {
			return nil, fmt.Errorf("encode dingtalk message: %w", err)
		}
		out = append(out, message{body: b, events: pick(evs, g.idx)})
	}
	return out, nil
}

// ---- Feishu / Lark ----

// feishuFormat renders Feishu/Lark custom-robot interactive cards, signed
// when a secret is set.
type feishuFormat struct {
	loc    *time.Location
	secret string
}

type feishuBody struct {
	Timestamp string     `json:"timestamp,omitempty"`
	Sign      string     `json:"sign,omitempty"`
	MsgType   string     `json:"msg_type"`
	Card      feishuCard `json:"card"`
}

type feishuCard struct {
	Config struct {
		WideScreenMode bool `json:"wide_screen_mode"`
	} `json:"config"`
	Header struct {
		Title    feishuText `json:"title"`
		Template string     `json:"template"`
	} `json:"header"`
	Elements []feishuElement `json:"elements"`
}

type feishuText struct {
	Tag     string `json:"tag"`
	Content string `json:"content"`
}

type feishuElement struct {
	Tag  string     `json:"tag"`
	Text feishuText `json:"text"`
}

func (f feishuFormat) section(e Event) string {
	v := newView(e, f.loc)
	lines := []string{"**" + v.heading() + "**", v.meta("**" + v.severity + "**")}
	if v.text != "" {
		lines = append(lines, v.text)
	}
	for _, q := range v.quotes {
		lines = append(lines, "· "+q.line())
	}
	return strings.Join(lines, "\n")
}

// template colours the card header by the gravest event it carries.
func feishuTemplate(evs []Event) string {
	best := "green"
	rank := 0
	for _, e := range evs {
		r, t := 1, "green"
		if e.Action != scoring.Cleared {
			switch e.Warning.Severity {
			case scoring.SeverityHigh:
				r, t = 4, "red"
			case scoring.SeverityMedium:
				r, t = 3, "orange"
			default:
				r, t = 2, "yellow"
			}
		}
		if r > rank {
			rank, best = r, t
		}
	}
	return best
}

func (f feishuFormat) body(title, content string, evs []Event, now time.Time) feishuBody {
	var body feishuBody
	if f.secret != "" {
		body.Timestamp, body.Sign = feishuSign(f.secret, now)
	}
	body.MsgType = "interactive"
	body.Card.Config.WideScreenMode = true
	body.Card.Header.Title = feishuText{Tag: "plain_text", Content: title}
	body.Card.Header.Template = feishuTemplate(evs)
	body.Card.Elements = []feishuElement{{Tag: "div", Text: feishuText{Tag: "lark_md", Content: content}}}
	return body
}

func (f feishuFormat) format(evs []Event, now time.Time) ([]message, error) {
	sections := make([]string, len(evs))
	for i, e := range evs {
		sections[i] = f.section(e)
	}
	// What the envelope takes: everything but the content, with room for
	// the longest title (every rune JSON-escaped at worst).
	empty, err := marshal(f.body("", "", nil, now))
	if err != nil {
		return nil, fmt.Errorf("encode feishu card: %w", err)
	}
	limit := FeishuBodyLimit - len(empty) - maxTitleRunes*6
	var out []message
	for _, g := range pack(sections, "\n\n———\n\n", nil, limit, jsonBytes) {
		group := pick(evs, g.idx)
		title := batchTitle(len(group))
		if len(group) == 1 {
			title = newView(group[0], f.loc).title()
		}
		b, err := marshal(f.body(title, g.content, group, now))
		if err != nil {
			return nil, fmt.Errorf("encode feishu card: %w", err)
		}
		if len(b) > FeishuBodyLimit {
			return nil, fmt.Errorf("feishu card of %d bytes exceeds the %d-byte limit", len(b), FeishuBodyLimit)
		}
		out = append(out, message{body: b, events: group})
	}
	return out, nil
}

// ---- generic JSON ----

// jsonFormat posts events as JSON: the warning-line fields with status,
// plus the account name and a rendered Chinese title and text for
// receivers that only display.
type jsonFormat struct{ loc *time.Location }

// JSONEvent is one event in a generic JSON webhook body: the warning's
// fields and status as on the warnings output, the account name, and the
// message a person reads.
type JSONEvent struct {
	scoring.Warning
	Status      scoring.Action `json:"status"`
	AccountName string         `json:"account_name,omitempty"`
	Title       string         `json:"title"`
	Text        string         `json:"text"`
}

// JSONBody is the body of a generic JSON webhook request.
type JSONBody struct {
	Events []JSONEvent `json:"events"`
}

func (f jsonFormat) text(v view) string {
	lines := []string{v.meta(v.severity)}
	if v.text != "" {
		lines = append(lines, v.text)
	}
	for _, q := range v.quotes {
		lines = append(lines, "· "+q.line())
	}
	return strings.Join(lines, "\n")
}

func (f jsonFormat) format(evs []Event, _ time.Time) ([]message, error) {
	var out []message
	for start := 0; start < len(evs); start += JSONBatchLimit {
		chunk := evs[start:min(start+JSONBatchLimit, len(evs))]
		body := JSONBody{Events: make([]JSONEvent, len(chunk))}
		for i, e := range chunk {
			v := newView(e, f.loc)
			body.Events[i] = JSONEvent{
				Warning: e.Warning, Status: e.Action, AccountName: e.AccountName,
				Title: v.title(), Text: f.text(v),
			}
		}
		b, err := marshal(body)
		if err != nil {
			return nil, fmt.Errorf("encode json message: %w", err)
		}
		out = append(out, message{body: b, events: chunk})
	}
	return out, nil
}
