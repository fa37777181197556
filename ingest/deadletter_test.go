package ingest

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDeadLetter(t *testing.T) {
	raw := []byte(`{"id":"em-9","channel":"fax","body":"您好！"}`)
	_, perr := Parse(raw)
	require.Error(t, perr)

	tests := []struct {
		name string
		rec  Record
		err  error
		want map[string]any
	}{
		{
			name: "kafka record, validation error",
			rec:  Record{Key: []byte("acct-1"), Value: raw, Topic: "guanxi.messages", Partition: 0, Offset: 0},
			err:  perr,
			want: map[string]any{
				"raw":        string(raw),
				"reason":     perr.(*ValidationError).Reason,
				"message_id": "em-9",
				"key":        "acct-1",
				"topic":      "guanxi.messages",
				"partition":  float64(0),
				"offset":     float64(0),
			},
		},
		{
			name: "file record, invalid UTF-8",
			rec:  Record{Value: []byte{'{', 0xff, 0xfe, '}'}, Line: 7},
			err:  errors.New("message is not valid UTF-8 (byte offset 1)"),
			want: map[string]any{
				"raw":          "e//+fQ==",
				"raw_encoding": "base64",
				"reason":       "message is not valid UTF-8 (byte offset 1)",
				"line":         float64(7),
			},
		},
		{
			name: "kafka record with a binary key, other failure",
			rec:  Record{Key: []byte{0xc4, 0xe3}, Value: []byte("{}"), Topic: "t", Partition: 3, Offset: 42},
			err:  errors.New("graph: write quads: disk full"),
			want: map[string]any{
				"raw":          "{}",
				"reason":       "graph: write quads: disk full",
				"key":          "xOM=",
				"key_encoding": "base64",
				"topic":        "t",
				"partition":    float64(3),
				"offset":       float64(42),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := time.Now().UTC()
			d := NewDeadLetter(tt.rec, tt.err)
			assert.WithinRange(t, d.At, before.Add(-time.Millisecond), time.Now().UTC().Add(time.Millisecond))

			b, err := json.Marshal(d)
			require.NoError(t, err)
			var got map[string]any
			require.NoError(t, json.Unmarshal(b, &got))
			assert.NotEmpty(t, got["at"])
			delete(got, "at")
			assert.Equal(t, tt.want, got)

			back, err := d.RawBytes()
			require.NoError(t, err)
			assert.Equal(t, tt.rec.Value, back, "the raw input survives byte for byte")
		})
	}
}
