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
// date the unit names (see writeDateFeatures), the unit's words, the
// character bigrams of its text, and the context of the unit before it (see
// writeBefore) and of the unit after it (see writeAfter). units are
// consecutive units of msg; the first has nothing before it and the last
// nothing after. Training examples are built with the same function, so the
// model sees exactly what it was taught on.
func (s *Segmenter) Inputs(msg *ingest.Message, units []Unit) []string {
	words := make([][]string, len(units))
	for i, u := range units {
		words[i] = s.Words(u.Text)
	}
	out := make([]string, len(units))
	channel := FeatureMark + "ch:" + string(msg.Channel)
	sent := msg.OccurredAt.In(chinaTime)
	for i, u := range units {
		var b strings.Builder
		b.WriteString(channel)
		b.WriteString(" ")
		b.WriteString(FeatureMark + "side:" + speakerSide(msg, u.Speaker))
		writeDateFeatures(&b, u.Text, sent)
		for _, w := range words[i] {
			if w = strings.ReplaceAll(w, FeatureMark, ""); w != "" {
				b.WriteString(" ")
				b.WriteString(w)
			}
		}
		writeBigrams(&b, u.Text)
		if i > 0 {
			writeBefore(&b, units[i-1], words[i-1], u.Speaker)
		}
		if i+1 < len(units) {
			writeAfter(&b, units[i+1], words[i+1], u.Speaker)
		}
		out[i] = b.String()
	}
	return out
}

// contextWords is how many words of the neighbouring units are given as
// context: the end of the unit before, where a question or a request sits,
// and the start of the unit after, where an answer does.
const contextWords = 6

// writeBefore appends what the unit before says about this one: whether
// another person said it ("p:other"), whether it asked something ("p:q"),
// and its last words marked "p:". "好的" or "周四可以" is a promise after
// "能不能周四来一趟？" and nothing after "收到报价了"; "贵" is an objection
// after a price. Spoken and chatted items lean on the turn before more
// than written ones do.
func writeBefore(b *strings.Builder, prev Unit, words []string, speaker string) {
	if prev.Speaker != speaker {
		b.WriteString(" " + FeatureMark + "p:other")
	}
	if t := strings.TrimSpace(prev.Text); strings.ContainsAny(t, "?？") || strings.HasSuffix(t, "吗") {
		b.WriteString(" " + FeatureMark + "p:q")
	}
	writeContextWords(b, "p:", words[max(0, len(words)-contextWords):])
}

// writeAfter appends how the unit after begins, marked "n:", and whether
// another person said it: an offer the other side takes up ("好，就这么定")
// is a promise, one met with "不用了" is not.
func writeAfter(b *strings.Builder, next Unit, words []string, speaker string) {
	if next.Speaker != speaker {
		b.WriteString(" " + FeatureMark + "n:other")
	}
	writeContextWords(b, "n:", words[:min(len(words), contextWords)])
}

func writeContextWords(b *strings.Builder, mark string, words []string) {
	for _, w := range words {
		if w = strings.ReplaceAll(w, FeatureMark, ""); strings.TrimSpace(w) != "" {
			b.WriteString(" " + FeatureMark + mark + strings.ToLower(w))
		}
	}
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
