// Package gold reads and checks the annotated corpus under testdata/corpus:
// messages in envelope v1 JSONL and, beside them, gold items (the
// commitments, objections and pain points a reader finds in each message).
//
// The corpus is the ground truth the extraction models are trained and
// scored against, so every gold line must point at text that really is in
// its message, spoken by someone who really took part, with labels from the
// fixed vocabularies. Validate reports every such problem at once so a
// corpus writer can fix a whole batch in one pass.
package gold

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/ingest"
)

// File name suffixes LoadDir looks for.
const (
	MessagesSuffix = ".messages.jsonl"
	GoldSuffix     = ".gold.jsonl"
)

// DateLayout is the layout of Item.Due.
const DateLayout = "2006-01-02"

// Item is one gold line: an item a human annotator found in a message.
type Item struct {
	MessageID string       `json:"message_id"`
	Type      extract.Type `json:"type"`
	// Party is the side of Speaker: "customer" or "vendor".
	Party   string `json:"party"`
	Speaker string `json:"speaker"`
	// Text is an exact substring of the message body or of one turn.
	Text string `json:"text"`
	// Due is YYYY-MM-DD, only when the text fixes a date.
	Due     string `json:"due,omitempty"`
	Subtype string `json:"subtype,omitempty"`

	// Source is "file:line" of the gold line, set by Load; it lets
	// Validate point at the line to fix.
	Source string `json:"-"`
}

// Subtypes lists the allowed subtypes of each item type. A commitment may
// also have no subtype; objections and pain points must have one.
var Subtypes = map[extract.Type][]string{
	extract.Commitment: {"deliver", "follow_up", "meeting", "approval", "payment", "fix"},
	extract.Objection:  {"price", "competitor", "timing", "authority", "need", "technical", "risk", "terms"},
	extract.PainPoint:  {"efficiency", "cost", "quality", "compliance", "integration", "staffing", "visibility"},
}

// Load reads gold items from a JSONL file, one item per line. Blank lines
// are skipped; unknown fields are rejected because in a hand-written gold
// file they are almost always misspelt field names.
func Load(path string) ([]Item, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("gold: %w", err)
	}
	defer f.Close()
	name := filepath.Base(path)
	var items []Item
	err = eachLine(f, func(n int, line []byte) error {
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		var it Item
		if err := dec.Decode(&it); err != nil {
			return fmt.Errorf("gold: %s:%d: %w", name, n, err)
		}
		if dec.More() {
			return fmt.Errorf("gold: %s:%d: more than one JSON value on the line", name, n)
		}
		it.Source = fmt.Sprintf("%s:%d", name, n)
		items = append(items, it)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return items, nil
}

// LoadMessages reads envelope v1 messages from a JSONL file, one message per
// line. It only decodes; Validate checks the fields.
func LoadMessages(path string) ([]ingest.Message, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("gold: %w", err)
	}
	defer f.Close()
	name := filepath.Base(path)
	var msgs []ingest.Message
	err = eachLine(f, func(n int, line []byte) error {
		var m ingest.Message
		if err := json.Unmarshal(line, &m); err != nil {
			return fmt.Errorf("gold: %s:%d: %w", name, n, err)
		}
		msgs = append(msgs, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return msgs, nil
}

// LoadDir reads every *.messages.jsonl and *.gold.jsonl file in dir (not
// its subdirectories), in file name order.
func LoadDir(dir string) (messages []ingest.Message, items []Item, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("gold: %w", err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, name := range names {
		path := filepath.Join(dir, name)
		switch {
		case strings.HasSuffix(name, MessagesSuffix):
			ms, err := LoadMessages(path)
			if err != nil {
				return nil, nil, err
			}
			messages = append(messages, ms...)
		case strings.HasSuffix(name, GoldSuffix):
			its, err := Load(path)
			if err != nil {
				return nil, nil, err
			}
			items = append(items, its...)
		}
	}
	return messages, items, nil
}

// eachLine calls fn with every non-blank line of r and its 1-based number.
func eachLine(r io.Reader, fn func(n int, line []byte) error) error {
	sc := bufio.NewScanner(r)
	// Long meeting notes and call transcripts exceed bufio's 64 KiB default.
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if err := fn(n, line); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("gold: line %d: %w", n+1, err)
	}
	return nil
}

// Validate checks messages and gold items together and returns every
// problem found, each naming the message id or the gold line. It returns
// nil when the corpus is sound.
func Validate(messages []ingest.Message, items []Item) []error {
	var errs []error
	byID := make(map[string]*ingest.Message, len(messages))
	type person struct {
		account, name string
		side          ingest.Side
		first         string
	}
	people := make(map[string]person)
	accounts := make(map[string]string)
	for i := range messages {
		m := &messages[i]
		errs = append(errs, validateMessage(i, m)...)
		if name, ok := accounts[m.Account.ID]; !ok {
			accounts[m.Account.ID] = m.Account.Name
		} else if name != m.Account.Name {
			errs = append(errs, fmt.Errorf("message %q: account %q is named %q here and %q elsewhere", m.ID, m.Account.ID, m.Account.Name, name))
		}
		// The graph keys people by participant id, so one id must name one
		// person of one account everywhere in the corpus.
		for _, p := range m.Participants {
			if p.ID == "" {
				continue
			}
			got := person{m.Account.ID, p.Name, p.Side, m.ID}
			want, seen := people[p.ID]
			if !seen {
				people[p.ID] = got
				continue
			}
			if got.account != want.account || got.name != want.name || got.side != want.side {
				errs = append(errs, fmt.Errorf("message %q: participant %q is %s (%s, account %s) but %s (%s, account %s) in message %q",
					m.ID, p.ID, got.name, got.side, got.account, want.name, want.side, want.account, want.first))
			}
		}
		if m.ID == "" {
			continue
		}
		if _, dup := byID[m.ID]; dup {
			errs = append(errs, fmt.Errorf("message %q: duplicate message id", m.ID))
			continue
		}
		byID[m.ID] = m
	}

	type key struct {
		msg  string
		typ  extract.Type
		text string
	}
	seen := make(map[key]string)
	for i := range items {
		it := &items[i]
		where := it.Source
		if where == "" {
			where = fmt.Sprintf("gold item #%d", i+1)
		}
		for _, err := range validateItem(it, byID) {
			errs = append(errs, fmt.Errorf("%s (message %q): %w", where, it.MessageID, err))
		}
		k := key{it.MessageID, it.Type, it.Text}
		if first, dup := seen[k]; dup {
			errs = append(errs, fmt.Errorf("%s (message %q): duplicate of %s", where, it.MessageID, first))
		} else {
			seen[k] = where
		}
	}
	return errs
}

// Errors returned (wrapped) by Validate for gold items, so tests and tools
// can tell problems apart with errors.Is.
var (
	ErrUnknownMessage = errors.New("unknown message")
	ErrNotSubstring   = errors.New("text is not an exact substring of the body or of any turn")
	ErrType           = errors.New("unknown type")
	ErrParty          = errors.New("unknown party")
	ErrSubtype        = errors.New("subtype not allowed for type")
	ErrDue            = errors.New("bad due date")
	ErrSpeaker        = errors.New("speaker is not a participant of the message")
	ErrPartySide      = errors.New("party differs from the speaker's side")
	ErrCustomerOnly   = errors.New("objections and pain points are the customer's")
	ErrEmptyText      = errors.New("empty text")
)

func validateItem(it *Item, byID map[string]*ingest.Message) []error {
	var errs []error
	add := func(err error, format string, args ...any) {
		if format == "" {
			errs = append(errs, err)
			return
		}
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{err}, args...)...))
	}

	subs, knownType := Subtypes[it.Type]
	if !knownType {
		add(ErrType, "%q", it.Type)
	}
	if it.Party != string(ingest.SideCustomer) && it.Party != string(ingest.SideVendor) {
		add(ErrParty, "%q", it.Party)
	}
	if knownType {
		switch {
		case it.Subtype == "" && it.Type != extract.Commitment:
			add(ErrSubtype, "%s needs one of %s", it.Type, strings.Join(subs, ", "))
		case it.Subtype != "" && !contains(subs, it.Subtype):
			add(ErrSubtype, "%q for %s (want one of %s)", it.Subtype, it.Type, strings.Join(subs, ", "))
		}
		if it.Type != extract.Commitment && it.Party == string(ingest.SideVendor) {
			add(ErrCustomerOnly, "%s with party vendor", it.Type)
		}
	}
	if strings.TrimSpace(it.Text) == "" {
		add(ErrEmptyText, "")
	}

	m, ok := byID[it.MessageID]
	if !ok {
		add(ErrUnknownMessage, "")
		return errs
	}

	var due time.Time
	if it.Due != "" {
		d, err := time.Parse(DateLayout, it.Due)
		switch {
		case err != nil:
			add(ErrDue, "%q is not YYYY-MM-DD", it.Due)
		case it.Type != extract.Commitment:
			add(ErrDue, "only commitments have a due date, not %s", it.Type)
		default:
			due = d
		}
	}
	if !due.IsZero() && !m.OccurredAt.IsZero() {
		y, mo, d := m.OccurredAt.Date()
		if due.Before(time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)) {
			add(ErrDue, "%s is before the message date %s", it.Due, m.OccurredAt.Format(DateLayout))
		}
	}

	p, ok := m.Participant(it.Speaker)
	if !ok {
		add(ErrSpeaker, "%q", it.Speaker)
	} else if string(p.Side) != it.Party {
		add(ErrPartySide, "party %q, speaker %q is %q", it.Party, it.Speaker, p.Side)
	}

	if it.Text != "" && !inMessage(m, it.Text) {
		add(ErrNotSubstring, "%q", it.Text)
	}
	return errs
}

// inMessage reports whether text occurs within the body or within a single
// turn: an item never spans two turns.
func inMessage(m *ingest.Message, text string) bool {
	if strings.Contains(m.Body, text) {
		return true
	}
	for _, t := range m.Turns {
		if strings.Contains(t.Text, text) {
			return true
		}
	}
	return false
}

var channels = []ingest.Channel{ingest.ChannelEmail, ingest.ChannelMeeting, ingest.ChannelCall, ingest.ChannelChat, ingest.ChannelActivity}

// validateMessage checks the envelope fields a corpus message must have.
func validateMessage(i int, m *ingest.Message) []error {
	var errs []error
	name := fmt.Sprintf("message %q", m.ID)
	if m.ID == "" {
		name = fmt.Sprintf("message #%d", i+1)
	}
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf(name+": "+format, args...))
	}
	if m.ID == "" {
		add("missing id")
	}
	if !contains(channels, m.Channel) {
		add("unknown channel %q", m.Channel)
	}
	if m.Account.ID == "" {
		add("missing account.id")
	}
	if m.Account.Name == "" {
		add("missing account.name")
	}
	if m.OccurredAt.IsZero() {
		add("missing occurred_at")
	}
	if len(m.Participants) == 0 {
		add("no participants")
	}
	ids := make(map[string]bool, len(m.Participants))
	for _, p := range m.Participants {
		switch {
		case p.ID == "":
			add("participant %q has no id", p.Name)
		case ids[p.ID]:
			add("participant id %q appears twice", p.ID)
		}
		ids[p.ID] = true
		if p.Name == "" {
			add("participant %q has no name", p.ID)
		}
		if p.Side != ingest.SideCustomer && p.Side != ingest.SideVendor {
			add("participant %q has side %q, want customer or vendor", p.ID, p.Side)
		}
	}
	switch m.Channel {
	case ingest.ChannelEmail, ingest.ChannelMeeting:
		if m.From == "" {
			add("%s without from", m.Channel)
		} else if !ids[m.From] {
			add("from %q is not a participant", m.From)
		}
		if strings.TrimSpace(m.Body) == "" {
			add("%s without body", m.Channel)
		}
		if len(m.Turns) > 0 {
			add("%s with turns", m.Channel)
		}
	case ingest.ChannelCall, ingest.ChannelChat:
		if len(m.Turns) == 0 {
			add("%s without turns", m.Channel)
		}
		if m.Body != "" {
			add("%s with body", m.Channel)
		}
		for j, t := range m.Turns {
			if !ids[t.Speaker] {
				add("turns[%d]: speaker %q is not a participant", j, t.Speaker)
			}
			if strings.TrimSpace(t.Text) == "" {
				add("turns[%d]: empty text", j)
			}
			if m.Channel == ingest.ChannelCall {
				switch {
				case t.StartMS == nil || t.EndMS == nil:
					add("turns[%d]: call turn without start_ms/end_ms", j)
				case *t.EndMS < *t.StartMS:
					add("turns[%d]: end_ms %d before start_ms %d", j, *t.EndMS, *t.StartMS)
				}
			}
		}
	case ingest.ChannelActivity:
		if m.Activity == nil {
			add("activity without activity field")
		} else if !ids[m.Activity.Actor] {
			add("activity actor %q is not a participant", m.Activity.Actor)
		}
	}
	return errs
}

// Text returns the words of a message as one string: the body for email and
// meeting notes, the turns joined by newlines for calls and chats. Splits
// compare it to make sure no text is shared between training and
// evaluation.
func Text(m *ingest.Message) string {
	if m.Body != "" || len(m.Turns) == 0 {
		return m.Body
	}
	parts := make([]string, len(m.Turns))
	for i, t := range m.Turns {
		parts[i] = t.Text
	}
	return strings.Join(parts, "\n")
}

// Overlap returns a problem for every message of b whose id or text also
// appears in a: evaluation data that leaked into training.
func Overlap(a, b []ingest.Message) []error {
	ids := make(map[string]bool, len(a))
	texts := make(map[string]string, len(a))
	for i := range a {
		ids[a[i].ID] = true
		if t := strings.TrimSpace(Text(&a[i])); t != "" {
			texts[t] = a[i].ID
		}
	}
	var errs []error
	for i := range b {
		m := &b[i]
		if ids[m.ID] {
			errs = append(errs, fmt.Errorf("message %q: id appears in both splits", m.ID))
		}
		if other, ok := texts[strings.TrimSpace(Text(m))]; ok {
			errs = append(errs, fmt.Errorf("message %q: same text as message %q of the other split", m.ID, other))
		}
	}
	return errs
}

func contains[T comparable](s []T, v T) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// Check is Validate for callers that refuse an unsound corpus: nil, or one
// error that counts the problems and names the first few.
func Check(messages []ingest.Message, items []Item) error {
	errs := Validate(messages, items)
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("gold: %d problems, first: %w", len(errs), errors.Join(errs[:min(5, len(errs))]...))
}

// LoadPath reads a split directory (see LoadDir), or one file pair named by
// either of its files: X.messages.jsonl with X.gold.jsonl beside it.
func LoadPath(path string) (messages []ingest.Message, items []Item, err error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return LoadDir(path)
	}
	base, ok := strings.CutSuffix(path, MessagesSuffix)
	if !ok {
		if base, ok = strings.CutSuffix(path, GoldSuffix); !ok {
			return nil, nil, fmt.Errorf("gold: %s: neither a directory nor a *%s or *%s file", path, MessagesSuffix, GoldSuffix)
		}
	}
	if messages, err = LoadMessages(base + MessagesSuffix); err != nil {
		return nil, nil, err
	}
	if items, err = Load(base + GoldSuffix); err != nil {
		return nil, nil, err
	}
	return messages, items, nil
}
