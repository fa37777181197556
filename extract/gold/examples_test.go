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
	var units []extract.Unit
	for i := range msgs {
		us := extract.Units(&msgs[i])
		units = append(units, us...)
		want = append(want, seg.Inputs(&msgs[i], us)...)
	}
	require.Len(t, examples, len(want), "one example per unit")
	var found []string
	for i, ex := range examples {
		assert.Equal(t, want[i], ex.Text, "examples are what the extractor classifies")
		switch text := units[i].Text; {
		case strings.Contains(text, "报价单"):
			assert.Equal(t, "commitment:deliver", ex.Label, text)
		case strings.Contains(text, "斟酌"):
			assert.Equal(t, "objection:price", ex.Label, text)
		default:
			assert.Equal(t, extract.None, ex.Label, text)
		}
		found = append(found, ex.Label)
	}
	assert.Contains(t, found, "commitment:deliver")
	assert.Contains(t, found, "objection:price")
}
