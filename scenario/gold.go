package scenario

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/extract/gold"
	"github.com/guanxi-dev/guanxi/ingest"
)

// GoldModel is the model name recorded on items a GoldExtractor returns.
const GoldModel = "gold@1"

// GoldExtractor hands the pipeline the hand-annotated items of each
// message, placed in the message as the extractor would place them, with
// full confidence. Scoring then sees what a perfect extractor would give it.
type GoldExtractor struct {
	byMsg map[string][]gold.Item
}

// NewGoldExtractor indexes gold items by message.
func NewGoldExtractor(items []gold.Item) *GoldExtractor {
	g := &GoldExtractor{byMsg: map[string][]gold.Item{}}
	for _, it := range items {
		g.byMsg[it.MessageID] = append(g.byMsg[it.MessageID], it)
	}
	return g
}

// Extract returns the gold items of each message. A gold item whose text
// is not in its message is an error: the annotation and the messages have
// drifted apart, and scoring them would judge the wrong thing.
func (g *GoldExtractor) Extract(ctx context.Context, msgs []ingest.Message) ([][]extract.Item, error) {
	out := make([][]extract.Item, len(msgs))
	for i := range msgs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		msg := &msgs[i]
		for _, gi := range g.byMsg[msg.ID] {
			it, err := place(msg, gi)
			if err != nil {
				return nil, err
			}
			out[i] = append(out[i], it)
		}
	}
	return out, nil
}

// place finds a gold item's text in the body or a turn of its message and
// returns it as an extracted item with rune offsets.
func place(msg *ingest.Message, gi gold.Item) (extract.Item, error) {
	it := extract.Item{
		MessageID: msg.ID, AccountID: msg.Account.ID, Type: gi.Type, Subtype: gi.Subtype,
		Party: gi.Party, Speaker: gi.Speaker, Text: gi.Text, Due: gi.Due,
		Confidence: 1, Model: GoldModel,
	}
	if gi.Text == "" {
		return it, fmt.Errorf("scenario: gold item of message %s has no text", msg.ID)
	}
	fields := []struct{ name, text string }{{"body", msg.Body}}
	for i, t := range msg.Turns {
		fields = append(fields, struct{ name, text string }{fmt.Sprintf("turns[%d]", i), t.Text})
	}
	for _, f := range fields {
		if at := strings.Index(f.text, gi.Text); at >= 0 {
			it.Field = f.name
			it.Start = utf8.RuneCountInString(f.text[:at])
			it.End = it.Start + utf8.RuneCountInString(gi.Text)
			return it, nil
		}
	}
	return it, fmt.Errorf("scenario: gold %s %q is not in the body or turns of message %s", gi.Type, gi.Text, msg.ID)
}

// GoldPath is where the gold items of a scenario's messages are by
// convention: gold.jsonl in the same directory.
func GoldPath(messages string) string {
	return filepath.Join(filepath.Dir(messages), "gold.jsonl")
}
