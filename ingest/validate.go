package ingest

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// DefaultMaxBytes is the largest message Parse accepts: 1 MiB.
const DefaultMaxBytes = 1 << 20

//go:embed envelope.schema.json
var schemaJSON []byte

const schemaURL = "https://github.com/guanxi-dev/guanxi/ingest/envelope.schema.json"

// envelopeSchema is compiled once; the schema is embedded, so a failure is a
// build defect and the tests catch it.
var envelopeSchema = mustCompileSchema()

// EnvelopeSchema returns the JSON Schema (2020-12) of envelope v1 that Parse
// validates against.
func EnvelopeSchema() []byte { return bytes.Clone(schemaJSON) }

// rfc3339 is the "date-time" format as encoding/json decodes time.Time, so
// that what the schema accepts always decodes.
var rfc3339 = &jsonschema.Format{
	Name: "date-time",
	Validate: func(v any) error {
		s, ok := v.(string)
		if !ok {
			return nil
		}
		var t time.Time
		return t.UnmarshalText([]byte(s))
	},
}

func mustCompileSchema() *jsonschema.Schema {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		panic(fmt.Sprintf("ingest: embedded envelope schema: %v", err))
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	c.RegisterFormat(rfc3339)
	if err := c.AddResource(schemaURL, doc); err != nil {
		panic(fmt.Sprintf("ingest: embedded envelope schema: %v", err))
	}
	sch, err := c.Compile(schemaURL)
	if err != nil {
		panic(fmt.Sprintf("ingest: embedded envelope schema: %v", err))
	}
	return sch
}

// ValidationError reports why a raw message is not a valid envelope v1
// message.
type ValidationError struct {
	// MessageID is the message's id when it could be read, else empty.
	MessageID string
	// Field is the JSON path of the first offending value, such as
	// "turns[2].speaker"; empty when the message as a whole is at fault.
	Field string
	// Reason says what is wrong, specifically enough to fix the input.
	// Several problems are joined with "; ".
	Reason string
	// Err is the underlying error, when there is one.
	Err error
}

// Error returns the reason, with the message id when it is known.
func (e *ValidationError) Error() string {
	if e.MessageID != "" {
		return fmt.Sprintf("invalid message %q: %s", e.MessageID, e.Reason)
	}
	return "invalid message: " + e.Reason
}

// Unwrap returns the underlying error, if any.
func (e *ValidationError) Unwrap() error { return e.Err }

// Validator parses and validates raw envelope v1 messages. The zero value is
// ready to use; a Validator is safe for concurrent use.
type Validator struct {
	// MaxBytes caps the size of a raw message; zero means DefaultMaxBytes.
	MaxBytes int
}

var defaultValidator Validator

// Parse validates raw as an envelope v1 message with the default limits and
// decodes it. See Validator.Parse.
func Parse(raw []byte) (Message, error) { return defaultValidator.Parse(raw) }

// Parse checks raw in order: size, UTF-8, JSON syntax, the envelope schema,
// then the rules that span fields. The first stage that fails decides the
// error, a *ValidationError.
func (v *Validator) Parse(raw []byte) (Message, error) {
	limit := v.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	if len(raw) > limit {
		size, max := formatSize(len(raw)), formatSize(limit)
		if size == max {
			// Rounded, a message just over the limit would read as equal to it.
			size, max = fmt.Sprintf("%d bytes", len(raw)), fmt.Sprintf("%d bytes", limit)
		}
		return Message{}, &ValidationError{Reason: fmt.Sprintf("message is %s, over the %s limit", size, max)}
	}
	if i := invalidUTF8(raw); i >= 0 {
		return Message{}, &ValidationError{Reason: fmt.Sprintf("message is not valid UTF-8 (byte offset %d)", i)}
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return Message{}, &ValidationError{Reason: "message is empty"}
	}
	doc, err := decodeJSON(raw)
	if err != nil {
		return Message{}, err
	}
	id := idOf(doc)
	if err := envelopeSchema.Validate(doc); err != nil {
		var verr *jsonschema.ValidationError
		if !errors.As(err, &verr) {
			return Message{}, &ValidationError{MessageID: id, Reason: err.Error(), Err: err}
		}
		field, reason := describeSchemaError(verr)
		return Message{}, &ValidationError{MessageID: id, Field: field, Reason: reason, Err: err}
	}
	if probs := checkMillis(doc); len(probs) > 0 {
		return Message{}, &ValidationError{MessageID: id, Field: probs[0].field, Reason: joinProblems(probs)}
	}
	var m Message
	if err := json.Unmarshal(raw, &m); err != nil {
		field, reason := describeDecodeError(err)
		return Message{}, &ValidationError{MessageID: id, Field: field, Reason: reason, Err: err}
	}
	if probs := crossCheck(&m); len(probs) > 0 {
		return Message{}, &ValidationError{MessageID: m.ID, Field: probs[0].field, Reason: joinProblems(probs)}
	}
	return m, nil
}

// invalidUTF8 returns the byte offset of the first invalid UTF-8 sequence in
// b, or -1.
func invalidUTF8(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return -1
}

// formatSize writes n bytes in the largest binary unit that keeps it at
// least 1, with one decimal where it is not whole.
func formatSize(n int) string {
	units := []string{"bytes", "KiB", "MiB", "GiB"}
	v := float64(n)
	u := 0
	for v >= 1024 && u < len(units)-1 {
		v /= 1024
		u++
	}
	if u == 0 {
		return fmt.Sprintf("%d bytes", n)
	}
	s := strconv.FormatFloat(v, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	return s + " " + units[u]
}

// decodeJSON parses raw into the generic form the schema validator wants,
// keeping numbers exact.
func decodeJSON(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, syntaxError(raw, err, dec.InputOffset())
	}
	if _, err := dec.Token(); err != io.EOF {
		off := afterValue(raw)
		return nil, &ValidationError{
			Reason: fmt.Sprintf("malformed JSON at offset %d: unexpected data after the top-level value%s", off, near(raw, off)),
		}
	}
	return doc, nil
}

// afterValue returns the offset of the first non-space byte after the first
// top-level JSON value in raw.
func afterValue(raw []byte) int {
	dec := json.NewDecoder(bytes.NewReader(raw))
	var skip json.RawMessage
	if err := dec.Decode(&skip); err != nil {
		return 0
	}
	off := int(dec.InputOffset())
	for off < len(raw) && strings.IndexByte(" \t\r\n", raw[off]) >= 0 {
		off++
	}
	return off
}

func syntaxError(raw []byte, err error, inputOffset int64) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		// The decoder counts the offending byte itself as consumed.
		off := int(se.Offset) - 1
		if off < 0 {
			off = 0
		}
		return &ValidationError{
			Reason: fmt.Sprintf("malformed JSON at offset %d: %s%s", off, syntaxMessage(se, raw, off), near(raw, off)),
			Err:    err,
		}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &ValidationError{
			Reason: fmt.Sprintf("malformed JSON at offset %d: unexpected end of input%s", len(raw), near(raw, len(raw))),
			Err:    err,
		}
	default:
		return &ValidationError{
			Reason: fmt.Sprintf("malformed JSON at offset %d: %v", inputOffset, err),
			Err:    err,
		}
	}
}

// syntaxMessage returns the decoder's message, naming the offending
// character as a whole rune: encoding/json names only its first byte, which
// turns a Chinese character into a Latin-1 letter.
func syntaxMessage(se *json.SyntaxError, raw []byte, off int) string {
	msg := strings.TrimPrefix(se.Error(), "json: ")
	const prefix = "invalid character "
	if !strings.HasPrefix(msg, prefix) || off >= len(raw) || raw[off] < utf8.RuneSelf {
		return msg
	}
	end := strings.Index(msg[len(prefix)+1:], "' ")
	if end < 0 {
		return msg
	}
	rest := msg[len(prefix)+1+end+1:]
	r, _ := utf8.DecodeRune(raw[off:])
	return prefix + strconv.QuoteRune(r) + rest
}

// near quotes up to a dozen runes of raw before offset off, so a reader can
// find the spot in a long line.
func near(raw []byte, off int) string {
	if off > len(raw) {
		off = len(raw)
	}
	start := off
	for n := 0; start > 0 && n < 12; n++ {
		_, size := utf8.DecodeLastRune(raw[:start])
		start -= size
	}
	if start == off {
		return ""
	}
	return fmt.Sprintf(" (after %q)", raw[start:off])
}

// idOf reads the message id from a decoded document, if it has one.
func idOf(doc any) string {
	obj, ok := doc.(map[string]any)
	if !ok {
		return ""
	}
	id, _ := obj["id"].(string)
	return id
}

// problem is one thing wrong with a message.
type problem struct {
	field  string
	reason string
	// missing lists the fields a "missing required" problem names.
	missing []string
}

func joinProblems(probs []problem) string {
	const show = 5
	parts := make([]string, 0, min(len(probs), show)+1)
	for i, p := range probs {
		if i == show {
			parts = append(parts, fmt.Sprintf("and %d more", len(probs)-show))
			break
		}
		parts = append(parts, p.reason)
	}
	return strings.Join(parts, "; ")
}

var printer = message.NewPrinter(language.English)

// channelDefs names the schema definitions that hold each channel's own
// requirements, so that errors can say which channel needs a field.
var channelDefs = map[string]Channel{
	"email":            ChannelEmail,
	"meeting":          ChannelMeeting,
	"call":             ChannelCall,
	"chat":             ChannelChat,
	"activity_message": ChannelActivity,
}

// describeSchemaError turns the validator's tree of errors into the path of
// the first problem and a reason listing every problem.
func describeSchemaError(root *jsonschema.ValidationError) (string, string) {
	var leaves []*jsonschema.ValidationError
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if _, ok := e.ErrorKind.(*kind.AnyOf); ok || len(e.Causes) == 0 {
			leaves = append(leaves, e)
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(root)

	// A value of the wrong type also fails every other keyword at its
	// location; the type is the one worth reporting.
	typeAt := map[string]bool{}
	for _, l := range leaves {
		if _, ok := l.ErrorKind.(*kind.Type); ok {
			typeAt[jsonPath(l.InstanceLocation)] = true
		}
	}
	var probs []problem
	seen := map[string]bool{}
	for _, l := range leaves {
		path := jsonPath(l.InstanceLocation)
		if _, ok := l.ErrorKind.(*kind.Type); !ok && typeAt[path] {
			continue
		}
		p := describeLeaf(l, path)
		if seen[p.reason] {
			continue
		}
		seen[p.reason] = true
		probs = append(probs, p)
	}
	if len(probs) == 0 {
		return "", root.Error()
	}
	slices.SortFunc(probs, func(a, b problem) int {
		if c := comparePaths(a.field, b.field); c != 0 {
			return c
		}
		return strings.Compare(a.reason, b.reason)
	})
	// Several keywords can require the same field (a call requires end_ms,
	// and so does a given start_ms); name each missing field once.
	reported := map[string]bool{}
	kept := probs[:0]
	for _, p := range probs {
		if len(p.missing) > 0 && !slices.ContainsFunc(p.missing, func(f string) bool { return !reported[f] }) {
			continue
		}
		for _, f := range p.missing {
			reported[f] = true
		}
		kept = append(kept, p)
	}
	return kept[0].field, joinProblems(kept)
}

// fieldOrder ranks field names as the envelope lists them, so that
// problems are reported in the order a reader of the message meets them.
var fieldOrder = map[string]int{}

func init() {
	for i, f := range []string{
		"version", "id", "channel", "account", "occurred_at", "participants",
		"from", "subject", "body", "turns", "activity",
		"name", "side", "title", "speaker", "text", "start_ms", "end_ms", "at",
		"kind", "actor", "ref",
	} {
		fieldOrder[f] = i + 1
	}
}

// comparePaths orders JSON paths by field order, array indexes numerically.
func comparePaths(a, b string) int {
	for a != "" && b != "" {
		ta, ra := nextPathToken(a)
		tb, rb := nextPathToken(b)
		if ta != tb {
			na, errA := strconv.Atoi(ta)
			nb, errB := strconv.Atoi(tb)
			if errA == nil && errB == nil {
				return na - nb
			}
			oa, okA := fieldOrder[ta]
			ob, okB := fieldOrder[tb]
			switch {
			case okA && okB:
				return oa - ob
			case okA:
				return -1
			case okB:
				return 1
			}
			return strings.Compare(ta, tb)
		}
		a, b = ra, rb
	}
	return len(a) - len(b)
}

func nextPathToken(p string) (string, string) {
	p = strings.TrimLeft(p, ".[")
	i := strings.IndexAny(p, ".[]")
	if i < 0 {
		return p, ""
	}
	return p[:i], strings.TrimLeft(p[i:], "]")
}

// jsonPath writes an instance location as "turns[2].speaker".
func jsonPath(loc []string) string {
	var sb strings.Builder
	for _, tok := range loc {
		if _, err := strconv.Atoi(tok); err == nil {
			fmt.Fprintf(&sb, "[%s]", tok)
			continue
		}
		if sb.Len() > 0 {
			sb.WriteByte('.')
		}
		sb.WriteString(tok)
	}
	return sb.String()
}

func joinPath(base, name string) string {
	if base == "" {
		return name
	}
	return base + "." + name
}

// channelOf returns the channel whose definition a schema location lies in.
func channelOf(schemaURL string) (Channel, bool) {
	_, frag, ok := strings.Cut(schemaURL, "#/$defs/")
	if !ok {
		return "", false
	}
	name, _, _ := strings.Cut(frag, "/")
	ch, ok := channelDefs[name]
	return ch, ok
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// jsonText writes a decoded JSON value back as compact JSON.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	const maxLen = 80
	if utf8.RuneCount(b) > maxLen {
		r := []rune(string(b))
		return string(r[:maxLen]) + "…"
	}
	return string(b)
}

func ratText(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	return r.FloatString(3)
}

func describeLeaf(e *jsonschema.ValidationError, path string) problem {
	prefix := ""
	if path != "" {
		prefix = path + ": "
	}
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		fields := make([]string, len(k.Missing))
		for i, m := range k.Missing {
			fields[i] = joinPath(path, m)
		}
		word := "field"
		if len(fields) > 1 {
			word = "fields"
		}
		reason := fmt.Sprintf("missing required %s %s", word, quoteAll(fields))
		if ch, ok := channelOf(e.SchemaURL); ok {
			reason += fmt.Sprintf(" (required for %s messages)", ch)
		}
		return problem{field: fields[0], reason: reason, missing: fields}
	case *kind.DependentRequired:
		fields := make([]string, len(k.Missing))
		for i, m := range k.Missing {
			fields[i] = joinPath(path, m)
		}
		return problem{field: fields[0], missing: fields, reason: fmt.Sprintf("missing required field %s (%q is given)",
			quoteAll(fields), joinPath(path, k.Prop))}
	case *kind.AnyOf:
		var alts []string
		for _, c := range e.Causes {
			r, ok := c.ErrorKind.(*kind.Required)
			if !ok {
				return problem{field: path, reason: prefix + e.Error()}
			}
			// Name every field of the alternative, not only the missing
			// ones: "at, or start_ms and end_ms" rather than "at, or end_ms".
			names := requiredAt(c.SchemaURL)
			if len(names) == 0 {
				names = r.Missing
			}
			alts = append(alts, strings.Join(quoteNames(names), " and "))
		}
		reason := fmt.Sprintf("%sneeds %s", prefix, strings.Join(alts, ", or "))
		if ch, ok := channelOf(e.SchemaURL); ok {
			reason += fmt.Sprintf(" (required for %s messages)", ch)
		}
		return problem{field: path, reason: reason}
	case *kind.Type:
		label := path
		if label == "" {
			label = "message"
		}
		return problem{field: path, reason: fmt.Sprintf("%s: expected %s, got %s", label, strings.Join(k.Want, " or "), k.Got)}
	case *kind.Enum:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = fmt.Sprint(w)
		}
		return problem{field: path, reason: fmt.Sprintf("%s%s is not one of %s", prefix, jsonText(k.Got), strings.Join(want, ", "))}
	case *kind.Const:
		return problem{field: path, reason: fmt.Sprintf("%s%s is not supported, want %s", prefix, jsonText(k.Got), jsonText(k.Want))}
	case *kind.Format:
		if k.Want == "date-time" {
			return problem{field: path, reason: fmt.Sprintf("%s%s is not RFC 3339", prefix, jsonText(k.Got))}
		}
		return problem{field: path, reason: fmt.Sprintf("%s%s is not a valid %s", prefix, jsonText(k.Got), k.Want)}
	case *kind.Pattern:
		if k.Want == `\S` {
			if k.Got == "" {
				return problem{field: path, reason: prefix + "must not be empty"}
			}
			return problem{field: path, reason: prefix + "must not be blank"}
		}
		return problem{field: path, reason: fmt.Sprintf("%s%q does not match %s", prefix, k.Got, k.Want)}
	case *kind.MinItems:
		if k.Got == 0 {
			return problem{field: path, reason: prefix + "must not be empty"}
		}
		return problem{field: path, reason: fmt.Sprintf("%shas %d items, want at least %d", prefix, k.Got, k.Want)}
	case *kind.Minimum:
		return problem{field: path, reason: fmt.Sprintf("%s%s is below the minimum %s", prefix, ratText(k.Got), ratText(k.Want))}
	default:
		return problem{field: path, reason: prefix + e.ErrorKind.LocalizedString(printer)}
	}
}

// schemaDoc is the embedded schema as plain JSON values, to look up what a
// keyword says when the validator reports only part of it.
var schemaDoc = func() any {
	var doc any
	if err := json.Unmarshal(schemaJSON, &doc); err != nil {
		panic(fmt.Sprintf("ingest: embedded envelope schema: %v", err))
	}
	return doc
}()

// requiredAt returns the "required" list of the subschema at schemaURL.
func requiredAt(schemaURL string) []string {
	_, ptr, ok := strings.Cut(schemaURL, "#")
	if !ok {
		return nil
	}
	node := schemaDoc
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		if tok == "" {
			continue
		}
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		switch n := node.(type) {
		case map[string]any:
			node = n[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n) {
				return nil
			}
			node = n[i]
		default:
			return nil
		}
	}
	obj, _ := node.(map[string]any)
	list, _ := obj["required"].([]any)
	names := make([]string, 0, len(list))
	for _, v := range list {
		if s, ok := v.(string); ok {
			names = append(names, s)
		}
	}
	return names
}

func quoteNames(names []string) []string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return q
}

// describeDecodeError explains the rare values the schema admits but Go
// cannot hold, such as an integer beyond int64.
func describeDecodeError(err error) (string, string) {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		label := field
		if label == "" {
			label = "message"
		}
		return field, fmt.Sprintf("%s: JSON %s does not fit %s", label, te.Value, te.Type)
	}
	return "", "cannot decode message: " + strings.TrimPrefix(err.Error(), "json: ")
}

// checkMillis rejects turn times that JSON Schema counts as integers but
// that are not whole int64 values, such as 1.0 or 1e30, with their path.
func checkMillis(doc any) []problem {
	obj, _ := doc.(map[string]any)
	turns, _ := obj["turns"].([]any)
	var probs []problem
	for i, t := range turns {
		turn, _ := t.(map[string]any)
		for _, name := range []string{"start_ms", "end_ms"} {
			n, ok := turn[name].(json.Number)
			if !ok {
				continue
			}
			if _, err := strconv.ParseInt(n.String(), 10, 64); err != nil {
				field := fmt.Sprintf("turns[%d].%s", i, name)
				probs = append(probs, problem{field: field, reason: fmt.Sprintf("%s: %s is not a whole number of milliseconds in range", field, n)})
			}
		}
	}
	return probs
}

// crossCheck applies the rules the schema cannot express.
func crossCheck(m *Message) []problem {
	var probs []problem
	first := make(map[string]int, len(m.Participants))
	for i, p := range m.Participants {
		if j, dup := first[p.ID]; dup {
			field := fmt.Sprintf("participants[%d].id", i)
			probs = append(probs, problem{field: field, reason: fmt.Sprintf("%s %q repeats participants[%d].id", field, p.ID, j)})
			continue
		}
		first[p.ID] = i
	}
	isParticipant := func(id string) bool { _, ok := first[id]; return ok }
	if m.From != "" && !isParticipant(m.From) {
		probs = append(probs, problem{field: "from", reason: fmt.Sprintf("from %q is not a participant", m.From)})
	}
	for i, t := range m.Turns {
		if !isParticipant(t.Speaker) {
			field := fmt.Sprintf("turns[%d].speaker", i)
			probs = append(probs, problem{field: field, reason: fmt.Sprintf("%s %q is not a participant", field, t.Speaker)})
		}
		if t.StartMS != nil && t.EndMS != nil && *t.EndMS < *t.StartMS {
			field := fmt.Sprintf("turns[%d].end_ms", i)
			probs = append(probs, problem{field: field, reason: fmt.Sprintf("%s %d is before start_ms %d", field, *t.EndMS, *t.StartMS)})
		}
	}
	if a := m.Activity; a != nil && !isParticipant(a.Actor) {
		probs = append(probs, problem{field: "activity.actor", reason: fmt.Sprintf("activity.actor %q is not a participant", a.Actor)})
	}
	return probs
}
