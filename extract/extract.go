// Package extract finds commitments, objections and pain points in the
// Chinese text of sales communication: it cuts messages into sentences,
// segments them with gse, classifies them with an ONNX model and works out
// who said each item, its subtype and its due date.
package extract

import (
	"context"
	"fmt"
	"time"

	"github.com/guanxi-dev/guanxi/extract/due"
	"github.com/guanxi-dev/guanxi/ingest"
	"github.com/guanxi-dev/guanxi/models"
)

// Classifier labels segmented sentences (words joined by single spaces).
// models.Classifier is the ONNX implementation.
type Classifier interface {
	Classify(ctx context.Context, sentences []string) ([]models.Prediction, error)
	// ID is the model's name@version, recorded on every item.
	ID() string
}

// None is the classifier label of a sentence that carries no item.
const None = "none"

// Extractor turns messages into items.
type Extractor struct {
	seg *Segmenter
	clf Classifier
	// MinConfidence drops predictions the model is unsure of.
	MinConfidence float32
}

// New returns an Extractor over a segmenter and a classifier.
func New(seg *Segmenter, clf Classifier) *Extractor {
	return &Extractor{seg: seg, clf: clf, MinConfidence: 0.5}
}

// ModelID is the name@version of the classifier in use.
func (e *Extractor) ModelID() string { return e.clf.ID() }

// Extract finds the items of a batch of messages; the result is indexed
// like msgs. All sentences of the batch go to the model together, which is
// what makes batching pay.
func (e *Extractor) Extract(ctx context.Context, msgs []ingest.Message) ([][]Item, error) {
	type ref struct {
		msg  int
		unit Unit
	}
	var refs []ref
	var inputs []string
	for i := range msgs {
		units := Units(&msgs[i])
		for _, u := range units {
			refs = append(refs, ref{i, u})
		}
		inputs = append(inputs, e.seg.Inputs(&msgs[i], units)...)
	}
	out := make([][]Item, len(msgs))
	if len(inputs) == 0 {
		return out, nil
	}
	preds, err := e.clf.Classify(ctx, inputs)
	if err != nil {
		return nil, fmt.Errorf("classify %d sentences: %w", len(inputs), err)
	}
	if len(preds) != len(inputs) {
		return nil, fmt.Errorf("classifier returned %d predictions for %d sentences", len(preds), len(inputs))
	}
	model := e.clf.ID()
	for k, p := range preds {
		if p.Label == None || p.Confidence < e.MinConfidence {
			continue
		}
		msg := &msgs[refs[k].msg]
		item := e.item(msg, refs[k].unit, Type(p.Label), float64(p.Confidence), model)
		out[refs[k].msg] = append(out[refs[k].msg], item)
	}
	return out, nil
}

func (e *Extractor) item(msg *ingest.Message, u Unit, t Type, conf float64, model string) Item {
	it := Item{
		MessageID:  msg.ID,
		AccountID:  msg.Account.ID,
		Type:       t,
		Subtype:    Subtype(t, u.Text),
		Speaker:    u.Speaker,
		Text:       u.Text,
		Confidence: roundTo(conf, 4),
		Model:      model,
		Field:      u.Field,
		Start:      u.Start,
		End:        u.End,
	}
	if p, ok := msg.Participant(u.Speaker); ok {
		it.Party = string(p.Side)
	}
	// Objections and pain points are the customer's by nature: a vendor
	// author reporting them in notes is quoting the customer.
	if t != Commitment && it.Party == string(ingest.SideVendor) {
		for _, p := range msg.Participants {
			if p.Side == ingest.SideCustomer {
				it.Speaker, it.Party = p.ID, string(p.Side)
				break
			}
		}
	}
	if t == Commitment {
		if m, ok := due.Find(u.Text, msg.OccurredAt.In(chinaTime)); ok && !m.Past {
			it.Due = m.Date.Format(time.DateOnly)
		}
	}
	return it
}

// chinaTime is where relative dates are read when a message's own offset
// says nothing better: "明天" means tomorrow in Beijing.
var chinaTime = time.FixedZone("CST", 8*3600)

func roundTo(f float64, places int) float64 {
	p := 1.0
	for range places {
		p *= 10
	}
	return float64(int64(f*p+0.5)) / p
}
