// Package extract finds commitments, objections and pain points in the
// Chinese text of sales communication: it cuts messages into sentences,
// segments them with gse, classifies them with an ONNX model and works out
// who said each item, its subtype and its due date.
package extract

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
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
	// MinConfidence drops predictions the model is unsure of. A model may
	// ask more of some types (see thresholder).
	MinConfidence float32
	// Workers is how many goroutines segment and classify the sentences of
	// one Extract call; 0 means GOMAXPROCS. The items do not depend on it.
	Workers int
}

// DefaultMinConfidence is the MinConfidence of a new Extractor: an item
// must be more likely than not.
const DefaultMinConfidence = 0.5

// New returns an Extractor over a segmenter and a classifier.
func New(seg *Segmenter, clf Classifier) *Extractor {
	return &Extractor{seg: seg, clf: clf, MinConfidence: DefaultMinConfidence}
}

// ModelID is the name@version of the classifier in use.
func (e *Extractor) ModelID() string { return e.clf.ID() }

// chunkSize is how many sentences a worker segments and classifies at a
// time: one model batch, so that chunks cost the same and spread evenly.
const chunkSize = models.DefaultBatchSize

// Extract finds the items of a batch of messages; the result is indexed
// like msgs. All sentences of the batch go to the model in full batches,
// which is what makes batching pay, and the batches are segmented and
// classified on Workers goroutines at once.
func (e *Extractor) Extract(ctx context.Context, msgs []ingest.Message) ([][]Item, error) {
	refs := units(msgs)
	if len(refs) == 0 {
		return make([][]Item, len(msgs)), nil
	}
	workers := e.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, (len(refs)+chunkSize-1)/chunkSize)
	if workers <= 1 {
		preds, err := e.classify(ctx, msgs, refs)
		if err != nil {
			return nil, fmt.Errorf("classify %d sentences: %w", len(refs), err)
		}
		return e.items(msgs, refs, preds), nil
	}

	preds := make([]models.Prediction, len(refs))
	errs := make([]error, (len(refs)+chunkSize-1)/chunkSize)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				c := int(next.Add(1)) - 1
				if c >= len(errs) {
					return
				}
				lo, hi := c*chunkSize, min((c+1)*chunkSize, len(refs))
				p, err := e.classify(ctx, msgs, refs[lo:hi])
				if err != nil {
					errs[c] = fmt.Errorf("sentences %d..%d: %w", lo, hi-1, err)
					continue
				}
				copy(preds[lo:hi], p)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("classify %d sentences: %w", len(refs), err)
	}
	return e.items(msgs, refs, preds), nil
}

// ref is a unit and the index of its message.
type ref struct {
	msg  int
	unit Unit
	// prev and next are the units before and after in the same message,
	// nil at its ends: the classifier reads them as context, also when a
	// batch boundary falls between.
	prev, next *Unit
}

// units cuts every message of msgs into units, in order.
func units(msgs []ingest.Message) []ref {
	var refs []ref
	for i := range msgs {
		us := Units(&msgs[i])
		for k, u := range us {
			r := ref{msg: i, unit: u}
			if k > 0 {
				r.prev = &us[k-1]
			}
			if k+1 < len(us) {
				r.next = &us[k+1]
			}
			refs = append(refs, r)
		}
	}
	return refs
}

// inputs returns the classifier input of every unit of refs.
func (e *Extractor) inputs(msgs []ingest.Message, refs []ref) []string {
	out := make([]string, 0, len(refs))
	for start := 0; start < len(refs); {
		// Consecutive units of one message go to Inputs together.
		end := start + 1
		for end < len(refs) && refs[end].msg == refs[start].msg {
			end++
		}
		var us []Unit
		from := 0
		if p := refs[start].prev; p != nil {
			us, from = append(us, *p), 1
		}
		for k := start; k < end; k++ {
			us = append(us, refs[k].unit)
		}
		if n := refs[end-1].next; n != nil {
			us = append(us, *n)
		}
		in := e.seg.Inputs(&msgs[refs[start].msg], us)
		out = append(out, in[from:from+end-start]...)
		start = end
	}
	return out
}

// classify segments and classifies the units of refs.
func (e *Extractor) classify(ctx context.Context, msgs []ingest.Message, refs []ref) ([]models.Prediction, error) {
	inputs := e.inputs(msgs, refs)
	preds, err := e.clf.Classify(ctx, inputs)
	if err != nil {
		return nil, err
	}
	if len(preds) != len(inputs) {
		return nil, fmt.Errorf("classifier returned %d predictions for %d sentences", len(preds), len(inputs))
	}
	return preds, nil
}

// items turns the predictions for refs into items, indexed like msgs.
func (e *Extractor) items(msgs []ingest.Message, refs []ref, preds []models.Prediction) [][]Item {
	out := make([][]Item, len(msgs))
	model := e.clf.ID()
	var labels []string
	if l, ok := e.clf.(labeller); ok {
		labels = l.Labels()
	}
	var thresholds map[string]float64
	if t, ok := e.clf.(thresholder); ok {
		thresholds = t.Thresholds()
	}
	for k, p := range preds {
		msg := &msgs[refs[k].msg]
		if ownWords(msg) && speakerSide(msg, refs[k].unit.Speaker) == string(ingest.SideVendor) {
			p = onlyCommitments(p, labels)
		}
		v := decide(p, labels)
		if v.label == None || v.conf < e.MinConfidence || float64(v.conf) < thresholds[v.label] || isBareDate(refs[k].unit.Text) {
			continue
		}
		item := e.item(msg, refs[k].unit, v, model)
		out[refs[k].msg] = append(out[refs[k].msg], item)
	}
	return out
}

// ownWords reports whether every unit of msg is in its speaker's own words:
// a turn of a call or a chat, a sentence of an email. Meeting notes are not:
// their author records what the other side said.
func ownWords(msg *ingest.Message) bool {
	return msg.Channel != ingest.ChannelMeeting
}

// onlyCommitments returns p with the probability of every label other than
// none and the commitments moved onto those, in proportion. Objections and
// pain points are the customer's: a vendor who says 价格偏高 or 对接很麻烦 in
// their own words is restating the customer, or selling, and neither is an
// item of theirs.
func onlyCommitments(p models.Prediction, labels []string) models.Prediction {
	if len(labels) != len(p.Probs) {
		return p
	}
	out := models.Prediction{Probs: make([]float32, len(p.Probs))}
	var kept float32
	for i, l := range labels {
		if t, _, _ := strings.Cut(l, ":"); t == None || t == string(Commitment) {
			out.Probs[i] = p.Probs[i]
			kept += p.Probs[i]
		}
	}
	if kept <= 0 {
		return p
	}
	for i, v := range out.Probs {
		out.Probs[i] = v / kept
		if out.Probs[i] > out.Confidence {
			out.Label, out.Confidence = labels[i], out.Probs[i]
		}
	}
	return out
}

// bareDate matches a unit that is nothing but a calendar date, such as the
// date line under a formal letter's signature ("二〇二六年五月二十日"): it
// promises, objects to and complains of nothing, whatever the model makes of
// its digits.
var bareDate = regexp.MustCompile(`^[〇零一二三四五六七八九十0-9０-９]{2,4}\s*年\s*[0-9０-９一二三四五六七八九十]{1,2}\s*月\s*[0-9０-９一二三四五六七八九十]{1,3}\s*[日号]?$`)

func isBareDate(text string) bool { return bareDate.MatchString(strings.TrimSpace(text)) }

// labeller is a Classifier that tells its labels; models.Classifier does.
type labeller interface {
	Labels() []string
}

// thresholder is a Classifier whose model asks more confidence of some
// item types than MinConfidence does; models.Classifier does.
type thresholder interface {
	Thresholds() map[string]float64
}

// Label is the classifier label of an item of type t and subtype sub:
// "objection:price", or just the type when sub is empty.
func Label(t Type, sub string) string {
	if sub == "" {
		return string(t)
	}
	return string(t) + ":" + sub
}

// verdict is what a prediction says of a unit.
type verdict struct {
	label   string // None or a Type
	subtype string // "" when the model does not tell
	conf    float32
}

// decide reads a prediction. A model whose labels join type and subtype
// ("objection:price") is read in two steps: the type is the one whose
// subtypes together are most probable (none counting as a type), with that
// sum as its confidence, and the subtype the most probable of that type's.
// A single fine label that narrowly wins must not hide that the mass lies
// with another type.
func decide(p models.Prediction, labels []string) verdict {
	if len(labels) != len(p.Probs) || !slices.ContainsFunc(labels, func(l string) bool { return strings.Contains(l, ":") }) {
		return verdict{label: p.Label, conf: p.Confidence}
	}
	sums := map[string]float32{}
	var types []string
	for i, l := range labels {
		t, _, _ := strings.Cut(l, ":")
		if _, seen := sums[t]; !seen {
			types = append(types, t)
		}
		sums[t] += p.Probs[i]
	}
	v := verdict{}
	for _, t := range types {
		if sums[t] > v.conf {
			v.label, v.conf = t, sums[t]
		}
	}
	var best float32 = -1
	for i, l := range labels {
		if t, sub, ok := strings.Cut(l, ":"); ok && t == v.label && p.Probs[i] > best {
			v.subtype, best = sub, p.Probs[i]
		}
	}
	return v
}

func (e *Extractor) item(msg *ingest.Message, u Unit, v verdict, model string) Item {
	t, conf := Type(v.label), float64(v.conf)
	sub := v.subtype
	if sub == "" {
		sub = Subtype(t, u.Text)
	}
	it := Item{
		MessageID:  msg.ID,
		AccountID:  msg.Account.ID,
		Type:       t,
		Subtype:    sub,
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
