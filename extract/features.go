package extract

import (
	"strings"
	"time"
	"unicode"

	"github.com/guanxi-dev/guanxi/extract/due"

	"github.com/guanxi-dev/guanxi/ingest"
)

// FeatureMark starts every classifier token that is not a word of the text
// (character bigrams, the speaker's side, the channel). The rune never
// occurs in input words — Inputs strips it — so a feature token can never be
// confused with a word, and the vocabulary keeps feature tokens whole: one
// unseen in training reads as [UNK] rather than as loose characters.
const FeatureMark = "▁"

// Inputs returns what the sentence classifier reads for each unit of msg,
// in order: tokens for the channel and the speaker's side, a token for each
// date the unit names (see dateFeatures), the unit's words, and the
// character bigrams of its text. Training examples are built
// with the same function, so the model sees exactly what it was taught on.
func (s *Segmenter) Inputs(msg *ingest.Message, units []Unit) []string {
	out := make([]string, len(units))
	channel := FeatureMark + "ch:" + string(msg.Channel)
	sent := msg.OccurredAt.In(chinaTime)
	for i, u := range units {
		var b strings.Builder
		b.WriteString(channel)
		b.WriteString(" ")
		b.WriteString(FeatureMark + "side:" + speakerSide(msg, u.Speaker))
		writeDateFeatures(&b, u.Text, sent)
		for _, w := range s.Words(u.Text) {
			if w = strings.ReplaceAll(w, FeatureMark, ""); w != "" {
				b.WriteString(" ")
				b.WriteString(w)
			}
		}
		writeBigrams(&b, u.Text)
		out[i] = b.String()
	}
	return out
}

// writeDateFeatures appends a token for every date expression of text, read
// against the time the message was sent: "date:deadline" for a limit still
// ahead (周五前, 三天内, by Friday), "date:future" for a plain later day,
// "date:past" for a day gone by. What a date is relative to the message
// separates a promise (下周三前发给您) from a report (上周三已经发了), which
// the words alone say poorly: 周三 reads the same in both.
func writeDateFeatures(b *strings.Builder, text string, sent time.Time) {
	for _, m := range due.FindAll(text, sent) {
		kind := "future"
		switch {
		case m.Past:
			kind = "past"
		case m.Deadline:
			kind = "deadline"
		}
		b.WriteString(" " + FeatureMark + "date:" + kind)
	}
}

// speakerSide is the side of the speaker of a unit: "customer", "vendor" or
// "unknown".
func speakerSide(msg *ingest.Message, speaker string) string {
	if p, ok := msg.Participant(speaker); ok && p.Side != "" {
		return string(p.Side)
	}
	return "unknown"
}

// writeBigrams appends a token for every pair of adjacent significant runes
// of text (blanks and punctuation break pairs). Chinese words are short and
// gse's cuts vary with context; bigrams catch phrases like 偏高 or 来不及
// whichever way they were cut, as n-grams do for fastText.
func writeBigrams(b *strings.Builder, text string) {
	var prev rune
	for _, r := range strings.ToLower(text) {
		if !significantRune(r) || string(r) == FeatureMark {
			prev = 0
			continue
		}
		if prev != 0 {
			b.WriteString(" " + FeatureMark)
			b.WriteRune(prev)
			b.WriteRune(r)
		}
		prev = r
	}
}

func significantRune(r rune) bool {
	return !unicode.IsSpace(r) && !unicode.IsPunct(r) && !unicode.IsSymbol(r) && r != '\u3000'
}
