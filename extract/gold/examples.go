package gold

import (
	"fmt"
	"strings"

	"github.com/guanxi-dev/guanxi/extract"
	"github.com/guanxi-dev/guanxi/ingest"
	"github.com/guanxi-dev/guanxi/models/train"
)

// Examples turns annotated messages into classifier training examples: one
// per unit that extract.Units makes of a message (the same units the
// pipeline classifies), labelled with the type of the gold item it overlaps
// most, joined to the item's subtype as extract.Label makes it
// ("objection:price"), or extract.None.
func Examples(seg *extract.Segmenter, messages []ingest.Message, items []Item) []train.Example {
	byMsg := map[string][]Item{}
	for _, it := range items {
		byMsg[it.MessageID] = append(byMsg[it.MessageID], it)
	}
	var out []train.Example
	for i := range messages {
		m := &messages[i]
		golds := locate(m, byMsg[m.ID])
		units := extract.Units(m)
		inputs := seg.Inputs(m, units)
		for k, u := range units {
			label, best := extract.None, 0.0
			for _, g := range golds {
				if g.field != u.Field {
					continue
				}
				if c := coverage(u.Start, u.End, g.start, g.end); c >= 0.5 && c > best {
					label, best = extract.Label(g.typ, g.subtype), c
				}
			}
			out = append(out, train.Example{Text: inputs[k], Label: label})
		}
	}
	return out
}

type located struct {
	typ        extract.Type
	subtype    string
	field      string
	start, end int
}

// locate finds where each gold text stands: the first field (body, then
// turns in order) that contains it.
func locate(m *ingest.Message, items []Item) []located {
	var out []located
	for _, it := range items {
		fields := []struct{ name, text string }{{"body", m.Body}}
		for i, t := range m.Turns {
			fields = append(fields, struct{ name, text string }{fmt.Sprintf("turns[%d]", i), t.Text})
		}
		for _, f := range fields {
			if at := strings.Index(f.text, it.Text); at >= 0 && it.Text != "" {
				start := len([]rune(f.text[:at]))
				out = append(out, located{it.Type, it.Subtype, f.name, start, start + len([]rune(it.Text))})
				break
			}
		}
	}
	return out
}

// coverage is the share of the shorter of two rune ranges that the other
// covers.
func coverage(s1, e1, s2, e2 int) float64 {
	overlap := min(e1, e2) - max(s1, s2)
	shorter := min(e1-s1, e2-s2)
	if overlap <= 0 || shorter <= 0 {
		return 0
	}
	return float64(overlap) / float64(shorter)
}
