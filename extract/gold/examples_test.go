package gold

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/guanxi-dev/guanxi/extract"
)

func TestExamples(t *testing.T) {
	seg, err := extract.LoadSegmenter()
	require.NoError(t, err)
	msgs := sample()
	examples := Examples(seg, msgs, goodItems())

	var want []string
	for i := range msgs {
		want = append(want, seg.Inputs(&msgs[i], extract.Units(&msgs[i]))...)
	}
	require.Len(t, examples, len(want), "one example per unit")
	labels := map[string]string{}
	for i, ex := range examples {
		assert.Equal(t, want[i], ex.Text, "examples are what the extractor classifies")
		labels[ex.Text] = ex.Label
	}
	var found []string
	for text, label := range labels {
		switch {
		case strings.Contains(text, "报价单"):
			assert.Equal(t, "commitment:deliver", label)
		case strings.Contains(text, "斟酌"):
			assert.Equal(t, "objection:price", label)
		default:
			assert.Equal(t, extract.None, label, text)
		}
		found = append(found, label)
	}
	assert.Contains(t, found, "commitment:deliver")
	assert.Contains(t, found, "objection:price")
}
