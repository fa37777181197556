package extract

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/guanxi-dev/guanxi/asr"
	"github.com/guanxi-dev/guanxi/ingest"
)

// Unit is a piece of a message that is classified on its own: a sentence of
// a body, or a sentence (or, for unpunctuated speech, a stretch) of a turn.
type Unit struct {
	// Field is "body" or "turns[N]"; Span offsets are runes into that field.
	Field string
	// Speaker is the participant who said it, "" when it cannot be told.
	Speaker string
	Span
}

// maxSpokenPiece bounds the pieces an unpunctuated transcript turn is cut
// into: about one spoken clause.
const maxSpokenPiece = 40

// quoteStart matches the line where a reply's quoted history begins.
var quoteStart = regexp.MustCompile(`^\s*(-{2,}\s*(原始邮件|Original Message|转发邮件|Forwarded message)|(发件人|From)\s*[:：]|在.{2,40}写道[:：]|On .{4,80} wrote:)`)

// Units cuts a message into the pieces the classifier judges. Quoted
// history in email replies is left out: it was said in an earlier message
// and is extracted from that one.
func Units(msg *ingest.Message) []Unit {
	var units []Unit
	switch msg.Channel {
	case ingest.ChannelEmail, ingest.ChannelMeeting:
		body := ownText(msg.Body)
		for _, s := range Split(body) {
			units = append(units, Unit{Field: "body", Speaker: bodySpeaker(msg, s.Text), Span: s})
		}
	case ingest.ChannelCall, ingest.ChannelChat:
		for i, turn := range msg.Turns {
			field := fmt.Sprintf("turns[%d]", i)
			for _, s := range turnSpans(turn.Text) {
				units = append(units, Unit{Field: field, Speaker: turn.Speaker, Span: s})
			}
		}
	}
	return units
}

// ownText cuts a body at its quoted history. The cut keeps offsets valid:
// what is returned is a prefix of body.
func ownText(body string) string {
	lines := strings.SplitAfter(body, "\n")
	n := 0
	for _, line := range lines {
		if quoteStart.MatchString(line) {
			break
		}
		n += len(line)
	}
	// Lines quoted with ">" inside the author's own part stay out as well;
	// they are blanked rune for rune so offsets do not move.
	own := body[:n]
	if !strings.Contains(own, ">") && !strings.Contains(own, "＞") {
		return own
	}
	var b strings.Builder
	for _, line := range strings.SplitAfter(own, "\n") {
		t := strings.TrimLeft(line, " \t")
		if strings.HasPrefix(t, ">") || strings.HasPrefix(t, "＞") {
			for _, r := range line {
				if r == '\n' {
					b.WriteRune(r)
				} else {
					b.WriteRune(' ')
				}
			}
			continue
		}
		b.WriteString(line)
	}
	return b.String()
}

func turnSpans(text string) []Span {
	if asr.HasPunctuation(text) {
		return Split(text)
	}
	runes := []rune(text)
	var spans []Span
	for _, p := range asr.Pieces(text, maxSpokenPiece) {
		spans = append(spans, Span{Text: string(runes[p.Start:p.End]), Start: p.Start, End: p.End})
	}
	return spans
}

// honorifics follow a surname when Chinese colleagues address each other.
var honorifics = []string{"总", "工", "经理", "老师", "主任", "院长", "部长", "处长", "科长", "姐", "哥", "老板", "博士", "医生"}

// bodySpeaker tells who said a sentence of an email or meeting notes. An
// email is its author's words. Meeting notes are written by one person but
// record what others said, so a participant named in the sentence ("王总提出
// 价格偏高", "张伟：周五前提供报告") is the speaker; failing that, cues for the
// customer side ("客户", "甲方", "贵司" in the vendor's notes) pick the
// first customer participant.
func bodySpeaker(msg *ingest.Message, sentence string) string {
	if msg.Channel == ingest.ChannelEmail {
		return msg.From
	}
	best, bestAt := "", -1
	for _, p := range msg.Participants {
		for _, m := range mentions(p.Name) {
			if at := strings.Index(sentence, m); at >= 0 && (bestAt < 0 || at < bestAt) {
				best, bestAt = p.ID, at
			}
		}
	}
	if best != "" {
		return best
	}
	author, _ := msg.Participant(msg.From)
	other := ingest.SideCustomer
	cues := []string{"客户", "甲方", "贵司", "对方", "院方", "校方", "行方"}
	if author.Side == ingest.SideCustomer {
		other = ingest.SideVendor
		cues = []string{"供应商", "乙方", "厂商", "你们", "对方"}
	}
	for _, c := range cues {
		if strings.Contains(sentence, c) {
			for _, p := range msg.Participants {
				if p.Side == other {
					return p.ID
				}
			}
		}
	}
	return msg.From
}

// mentions lists how a person may be named in running text: the full name,
// and for Chinese names the surname with an honorific.
func mentions(name string) []string {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil
	}
	out := []string{name}
	runes := []rune(name)
	if len(runes) >= 2 && len(runes) <= 4 && isHan(runes[0]) {
		surname := string(runes[0])
		for _, h := range honorifics {
			out = append(out, surname+h)
		}
		out = append(out, "小"+surname, "老"+surname)
	}
	return out
}

func isHan(r rune) bool { return r >= 0x4E00 && r <= 0x9FFF }
