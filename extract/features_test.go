package extract

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/ingest"
	"github.com/guanxi-dev/guanxi/models"
)

// chat is a chat between customer c1 (王强) and vendor v1 (李明).
func chat(turns ...ingest.Turn) *ingest.Message {
	return &ingest.Message{
		ID:      "m1",
		Channel: ingest.ChannelChat,
		Participants: []ingest.Participant{
			{ID: "c1", Name: "王强", Side: ingest.SideCustomer},
			{ID: "v1", Name: "李明", Side: ingest.SideVendor},
		},
		Turns: turns,
	}
}

func TestInputs(t *testing.T) {
	s := testSegmenter(t)
	msg := chat(
		ingest.Turn{Speaker: "c1", Text: "价格偏高，ERP对接▁麻烦"},
		ingest.Turn{Speaker: "v1", Text: "明天发您"},
	)
	units := Units(msg)
	require.Len(t, units, 2)
	in := s.Inputs(msg, units)
	require.Len(t, in, 2)

	first := strings.Fields(in[0])
	assert.Equal(t, []string{"▁ch:chat", "▁side:customer"}, first[:2], "channel and side lead")
	assert.Contains(t, first, "价格")
	assert.Contains(t, first, "▁价格")
	assert.Contains(t, first, "▁偏高")
	assert.Contains(t, first, "▁er", "bigrams are lowercased like the vocabulary")
	assert.Contains(t, first, "▁p对", "Latin and Chinese runes pair up")
	assert.NotContains(t, first, "▁高，", "punctuation is no part of a bigram")
	assert.NotContains(t, first, "▁高e", "punctuation breaks pairs")
	assert.NotContains(t, first, "▁接麻", "the mark breaks pairs")
	for _, tok := range first {
		if !strings.HasPrefix(tok, FeatureMark) {
			assert.NotContains(t, tok, FeatureMark, "words never carry the feature mark")
		}
	}

	second := strings.Fields(in[1])
	assert.Equal(t, []string{"▁ch:chat", "▁side:vendor"}, second[:2])
	assert.Contains(t, second, "▁明天")

	unknown := &ingest.Message{ID: "m2", Channel: ingest.ChannelCall, Turns: []ingest.Turn{{Speaker: "x", Text: "好的"}}}
	in = s.Inputs(unknown, Units(unknown))
	require.Len(t, in, 1)
	assert.True(t, strings.HasPrefix(in[0], "▁ch:call ▁side:unknown "), in[0])
}

func TestDecide(t *testing.T) {
	fine := []string{"none", "commitment:deliver", "commitment:meeting", "objection:price", "objection:risk"}
	tests := []struct {
		name   string
		labels []string
		pred   models.Prediction
		want   verdict
	}{
		{
			name:   "type labels pass through",
			labels: []string{"none", "commitment", "objection"},
			pred:   models.Prediction{Label: "objection", Confidence: 0.7, Probs: []float32{0.1, 0.2, 0.7}},
			want:   verdict{label: "objection", conf: 0.7},
		},
		{
			name: "no labels known",
			pred: models.Prediction{Label: "commitment:deliver", Confidence: 0.9, Probs: []float32{0.1, 0.9}},
			want: verdict{label: "commitment:deliver", conf: 0.9},
		},
		{
			name:   "type by summed subtypes",
			labels: fine,
			pred:   models.Prediction{Label: "none", Confidence: 0.4, Probs: []float32{0.4, 0.05, 0.05, 0.3, 0.2}},
			want:   verdict{label: "objection", subtype: "price", conf: 0.5},
		},
		{
			name:   "none wins",
			labels: fine,
			pred:   models.Prediction{Label: "none", Confidence: 0.6, Probs: []float32{0.6, 0.1, 0.1, 0.1, 0.1}},
			want:   verdict{label: None, conf: 0.6},
		},
		{
			name:   "subtype is the best of the chosen type",
			labels: fine,
			pred:   models.Prediction{Label: "objection:risk", Confidence: 0.35, Probs: []float32{0.05, 0.3, 0.3, 0.0, 0.35}},
			want:   verdict{label: "commitment", subtype: "deliver", conf: 0.6},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decide(tt.pred, tt.labels)
			assert.Equal(t, tt.want.label, got.label)
			assert.Equal(t, tt.want.subtype, got.subtype)
			assert.InDelta(t, tt.want.conf, got.conf, 1e-6)
		})
	}
}

func TestInputsMarkDates(t *testing.T) {
	s := testSegmenter(t)
	msg := &ingest.Message{
		ID:           "m1",
		Channel:      ingest.ChannelChat,
		OccurredAt:   time.Date(2026, 3, 11, 10, 0, 0, 0, chinaTime), // a Wednesday
		Participants: []ingest.Participant{{ID: "v1", Name: "李明", Side: ingest.SideVendor}},
		Turns: []ingest.Turn{
			{Speaker: "v1", Text: "报价单周五前发您"},
			{Speaker: "v1", Text: "下周三过去拜访"},
			{Speaker: "v1", Text: "方案上周一已经发过了"},
			{Speaker: "v1", Text: "好的收到"},
		},
	}
	in := s.Inputs(msg, Units(msg))
	require.Len(t, in, 4)
	assert.Contains(t, strings.Fields(in[0]), "▁date:deadline")
	assert.Contains(t, strings.Fields(in[1]), "▁date:future")
	assert.Contains(t, strings.Fields(in[2]), "▁date:past")
	assert.NotContains(t, in[3], "▁date:")
}

func TestOnlyCommitments(t *testing.T) {
	labels := []string{"none", "commitment:deliver", "objection:price", "pain_point:cost"}
	p := models.Prediction{Label: "objection:price", Confidence: 0.6, Probs: []float32{0.2, 0.2, 0.6, 0}}
	got := onlyCommitments(p, labels)
	assert.InDeltaSlice(t, []float32{0.5, 0.5, 0, 0}, got.Probs, 1e-6)
	assert.InDelta(t, 0.5, got.Confidence, 1e-6)
	assert.Equal(t, "none", got.Label, "ties go to the first label")

	assert.Equal(t, p, onlyCommitments(p, labels[:2]), "labels that do not fit leave the prediction alone")
}

func TestLabel(t *testing.T) {
	assert.Equal(t, "objection:price", Label(Objection, "price"))
	assert.Equal(t, "commitment", Label(Commitment, ""))
}

func TestInputsContext(t *testing.T) {
	s := testSegmenter(t)
	msg := chat(
		ingest.Turn{Speaker: "v1", Text: "王总周四能来一趟吗"},
		ingest.Turn{Speaker: "c1", Text: "可以"},
		ingest.Turn{Speaker: "c1", Text: "下午两点"},
	)
	in := s.Inputs(msg, Units(msg))
	require.Len(t, in, 3)
	assert.NotContains(t, in[0], "▁p:", "the first unit has nothing before it")
	first := strings.Fields(in[0])
	assert.Contains(t, first, "▁n:other")
	assert.Contains(t, first, "▁n:可以")
	assert.NotContains(t, in[2], "▁n:", "the last unit has nothing after it")
	second := strings.Fields(in[1])
	assert.Contains(t, second, "▁p:other")
	assert.Contains(t, second, "▁p:q")
	assert.Contains(t, second, "▁p:一趟")
	third := strings.Fields(in[2])
	assert.NotContains(t, third, "▁p:other", "the same speaker goes on")
	assert.NotContains(t, third, "▁p:q")
	assert.Contains(t, third, "▁p:可以")
}

func TestInputsDoNotDependOnBatches(t *testing.T) {
	s := testSegmenter(t)
	msgs := []ingest.Message{{
		ID: "m1", Channel: ingest.ChannelChat,
		Participants: []ingest.Participant{{ID: "c1", Side: ingest.SideCustomer}, {ID: "v1", Side: ingest.SideVendor}},
		Turns: []ingest.Turn{
			{Speaker: "v1", Text: "报价发您了"}, {Speaker: "c1", Text: "贵"}, {Speaker: "v1", Text: "我申请一下"},
			{Speaker: "c1", Text: "周五前给我"}, {Speaker: "v1", Text: "好的"},
		},
	}}
	e := New(s, nil)
	refs := units(msgs)
	whole := e.inputs(msgs, refs)
	require.Equal(t, s.Inputs(&msgs[0], Units(&msgs[0])), whole)
	for cut := 1; cut < len(refs); cut++ {
		parts := append(e.inputs(msgs, refs[:cut]), e.inputs(msgs, refs[cut:])...)
		assert.Equal(t, whole, parts, "cut after unit %d", cut)
	}
}

// fixedClassifier answers every sentence with the next of its predictions.
type fixedClassifier struct {
	labels     []string
	thresholds map[string]float64
	probs      [][]float32
}

func (f *fixedClassifier) Classify(_ context.Context, sentences []string) ([]models.Prediction, error) {
	out := make([]models.Prediction, len(sentences))
	for i := range sentences {
		p := models.Prediction{Probs: f.probs[i]}
		for l, v := range p.Probs {
			if v > p.Confidence {
				p.Label, p.Confidence = f.labels[l], v
			}
		}
		out[i] = p
	}
	return out, nil
}
func (f *fixedClassifier) ID() string                     { return "fixed@1" }
func (f *fixedClassifier) Labels() []string               { return f.labels }
func (f *fixedClassifier) Thresholds() map[string]float64 { return f.thresholds }

func TestModelThresholds(t *testing.T) {
	msg := ingest.Message{
		ID: "m1", Channel: ingest.ChannelChat,
		Participants: []ingest.Participant{{ID: "c1", Side: ingest.SideCustomer}},
		Turns:        []ingest.Turn{{Speaker: "c1", Text: "系统有点慢"}, {Speaker: "c1", Text: "月底结账要加班三天"}, {Speaker: "c1", Text: "下周给你回复"}},
	}
	clf := &fixedClassifier{
		labels:     []string{"none", "commitment", "pain_point"},
		thresholds: map[string]float64{"pain_point": 0.6},
		probs:      [][]float32{{0.45, 0, 0.55}, {0.35, 0, 0.65}, {0.45, 0.55, 0}},
	}
	found, err := New(testSegmenter(t), clf).Extract(context.Background(), []ingest.Message{msg})
	require.NoError(t, err)
	var got []string
	for _, it := range found[0] {
		got = append(got, it.Text)
	}
	assert.Equal(t, []string{"月底结账要加班三天", "下周给你回复"}, got,
		"a pain point needs the model's 0.6, a commitment the extractor's 0.5")
}
